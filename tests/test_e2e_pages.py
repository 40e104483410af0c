"""The officer pages in a real browser: Debian's headless Chromium driven by Playwright, over the
service started with uvicorn on a free loopback port (the bundled sample, matched, in memory).

Search (typed without accents, then filtered by country), a standard with its equivalents, a
comparison with its gap, a validation of an upload with errors (the report grouped by standard,
in Spanish, and its download), the switch to English, the keyboard path (skip link, focus), no
horizontal scroll on a 360 px phone, and axe-core's WCAG 2.x A/AA rules on every page.
Screenshots of each page (desktop and a 390 px phone) go to docs/screenshots/ (or to
`EQUIVALENCE_SCREENSHOTS`).

Without Chromium or Playwright these tests skip on a workstation and fail in CI (`CI=true`).
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api_support import app_over, sample_store
from tests.e2e_support import (
    BROKEN_TITLE,
    CHROMIUM_ARGS,
    broken_template,
    chromium_path,
    serve,
    unavailable,
    with_pages,
)

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
NARROWEST = 360
STANDARD = "/ui/standards/MX/EC0217.01"
CASHIER = "/ui/standards/CL/P-4711-5230-001-V02"
COMPARISON = "/ui/compare/CL/P-4711-5230-001-V02/PE/DEMO-PE-01"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def _screenshots() -> Path:
    configured = os.environ.get("EQUIVALENCE_SCREENSHOTS")
    folder = Path(configured) if configured else ROOT / "docs" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    if executable is None:
        unavailable("Chromium not found (apt-get install chromium, or set EQUIVALENCE_CHROMIUM)")
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        unavailable("Playwright is not installed (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(
                executable_path=str(executable), args=list(CHROMIUM_ARGS)
            )
        except Error as exc:
            unavailable(f"Chromium at {executable} did not start: {exc}")
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("e2e")
    app, _ = app_over(sample_store(), folder)
    with serve(with_pages(app, folder)) as url:
        yield url


@pytest.fixture()
def page(browser: Any, base_url: str) -> Iterator[Any]:
    """A fresh page (no cookie) at desktop size; a failed check waits at most 10 s."""
    context = browser.new_context(viewport=DESKTOP, base_url=base_url)
    context.set_default_timeout(10_000)
    opened = context.new_page()
    yield opened
    context.close()


def _save(image: bytes, path: Path) -> None:
    """The PNG, reduced to a 256-colour palette when Pillow is there (a third of the size)."""
    try:
        from PIL import Image
    except ImportError:
        path.write_bytes(image)
        return
    with Image.open(io.BytesIO(image)) as screenshot:
        palette = screenshot.convert("RGB").quantize(256, dither=Image.Dither.NONE)
        palette.save(path, optimize=True)


def shoot(page: Any, name: str) -> None:
    """Full-page screenshots of the current page on a desktop and on a 390 px phone."""
    folder = _screenshots()
    _save(page.screenshot(full_page=True), folder / f"{name}-desktop.png")
    page.set_viewport_size(PHONE)
    _save(page.screenshot(full_page=True), folder / f"{name}-phone.png")
    page.set_viewport_size(DESKTOP)


def expect() -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect


# -- the officer's path --------------------------------------------------------------------------


def test_search_without_accents_then_filter_by_country(page: Any) -> None:
    page.goto("/")
    page.get_by_label("Código o palabras").fill("capacitacion")
    page.get_by_label("Código o palabras").press("Enter")
    heading = page.locator("#results-heading")
    expect()(heading).to_contain_text("3 estándares encontrados")
    expect()(heading).to_be_focused()  # the result is announced where the focus lands
    hits = page.locator(".hit h3 a")
    expect()(hits.filter(has_text="EC0217.01")).to_have_count(1)
    expect()(hits.filter(has_text="DEMO-PE-04")).to_have_count(1)
    expect()(page.locator(".hit mark").first).to_have_text("capacitación")
    shoot(page, "search")
    page.get_by_label("México").check()
    page.get_by_role("button", name="Buscar").click()
    expect()(page.locator("#results-heading")).to_contain_text("1 estándar encontrado")
    expect()(hits).to_have_count(1)
    expect()(hits.first).to_contain_text("MX EC0217.01")


def test_open_a_standard_from_the_results_and_see_units_and_equivalents(page: Any) -> None:
    page.goto("/?q=EC0217")
    page.locator(".hit h3 a", has_text="EC0217.01").click()
    expect()(page).to_have_url(re.compile(re.escape(STANDARD) + "$"))
    expect()(page.get_by_role("heading", level=1)).to_contain_text("Impartición de cursos")
    units = page.locator(".unit h3")
    expect()(units).to_have_count(3)
    expect()(units.first).to_contain_text("E01")
    peru = page.locator("section.country-equivalents", has=page.locator("#eq-PE"))
    expect()(peru.get_by_role("row")).to_have_count(2)  # the header and DEMO-PE-04
    row = peru.get_by_role("row").nth(1)
    expect()(row).to_contain_text("DEMO-PE-04")
    expect()(row).to_contain_text("equivalente")
    expect()(row).to_contain_text("97 %")
    expect()(row).to_contain_text("100 %")
    expect()(row).to_contain_text("propuesta")
    shoot(page, "standard")


def test_open_a_comparison_and_see_the_gap(page: Any) -> None:
    page.goto(CASHIER)
    page.get_by_role("link", name="Comparar P-4711-5230-001-V02 con DEMO-PE-01").click()
    expect()(page.get_by_role("heading", level=1)).to_have_text(
        "CL P-4711-5230-001-V02 frente a PE DEMO-PE-01"
    )
    gap = page.locator("section.gap.has-gap")
    expect()(gap).to_have_count(1)
    expect()(gap.get_by_role("heading")).to_contain_text(
        "Lo que un titular de PE DEMO-PE-01 aún debe demostrar para ser reconocido en "
        "CL P-4711-5230-001-V02"
    )
    expect()(gap).to_contain_text("2 unidades por demostrar")
    expect()(gap).to_contain_text("U-4711-5222-004-V02")
    expect()(gap).to_contain_text("Los clientes son saludados")  # a criterion still to show
    expect()(page.locator(".alignment tbody tr")).to_have_count(4)
    shoot(page, "compare")


def test_validate_an_upload_with_errors_and_download_the_report(page: Any, tmp_path: Path) -> None:
    paths = []
    for name, body in broken_template().items():
        (tmp_path / name).write_bytes(body)
        paths.append(str(tmp_path / name))
    page.goto("/ui/validate")
    page.get_by_label("Archivos", exact=True).set_input_files(paths)
    page.get_by_label("País que entrega").select_option("MX")
    page.get_by_role("button", name="Validar").click()
    report = page.locator("section.report")
    expect()(page.locator("#report-heading")).to_be_focused()
    expect()(report.locator(".verdict")).to_have_text("La entrega NO es conforme.")
    group = report.locator("section.result-group", has=page.locator("h4", has_text="MX EC0217.01"))
    expect()(group).to_contain_text("no pertenece al esquema de niveles")
    expect()(group).to_contain_text("Violación")
    missing = report.locator("section.result-group", has_text=f"MX {BROKEN_TITLE}")
    expect()(missing).to_contain_text("La celda title es obligatoria y está vacía")
    expect()(report.locator("table").first).to_contain_text("standard-level-in-scheme")
    shoot(page, "validate")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Descargar en CSV").click()
    download = download_info.value
    assert download.suggested_filename == "validation-report.csv"
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert {r["rule"] for r in rows if r["severity"] == "Violation"} == {
        "standard-level-in-scheme",
        "template:empty-cell",
    }


def test_switch_to_english_and_the_choice_is_remembered(page: Any) -> None:
    page.goto("/")
    expect()(page.locator("html")).to_have_attribute("lang", "es")
    page.get_by_role("link", name="English").click()
    expect()(page.locator("html")).to_have_attribute("lang", "en")
    expect()(page.get_by_role("heading", level=1)).to_have_text("Search competency standards")
    page.goto(STANDARD)
    expect()(page.locator("html")).to_have_attribute("lang", "en")
    expect()(page.get_by_role("heading", name="Units of competency")).to_be_visible()
    expect()(page.get_by_role("link", name="Español")).to_be_visible()


def test_the_keyboard_reaches_the_content_through_the_skip_link(page: Any) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Saltar al contenido")
    expect()(skip).to_be_focused()
    expect()(skip).to_be_visible()  # shown when focused
    outline = skip.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    expect()(page.locator("#main")).to_be_focused()
    page.keyboard.press("Tab")
    expect()(page.get_by_label("Código o palabras")).to_be_focused()


def test_an_unknown_standard_is_a_page_with_near_codes(page: Any) -> None:
    response = page.goto("/ui/standards/MX/EC0217")
    assert response is not None and response.status == 404
    expect()(page.get_by_role("alert")).to_contain_text("No hay ningún estándar EC0217 en México")
    page.get_by_role("link", name="EC0217.01").click()
    expect()(page.get_by_role("heading", level=1)).to_contain_text("Impartición de cursos")
    page.goto("/ui/standards/MX/EC0217")
    shoot(page, "not-found")


# -- every page on a phone, and axe-core -------------------------------------------------------


def axe_violations(page: Any) -> list[tuple[str, str, list[Any]]]:
    """What axe-core finds against WCAG 2.x A/AA (and its best practices) on the page."""
    try:
        from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
    except ImportError:
        unavailable("axe-playwright-python is not installed (pip install -e '.[dev]')")
    options = {"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]}
    found = Axe().run(page, options=options).response["violations"]
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in found]


@pytest.mark.parametrize(
    "path",
    ["/", "/?q=capacitacion", STANDARD, COMPARISON, "/ui/validate", "/ui/standards/MX/EC0217"],
)
def test_every_page_fits_a_phone_and_passes_axe(page: Any, path: str) -> None:
    for viewport in (DESKTOP, {"width": NARROWEST, "height": 800}):
        page.set_viewport_size(viewport)
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{path} scrolls sideways at {viewport['width']} px"
        assert axe_violations(page) == []


def test_the_report_page_fits_a_phone_and_passes_axe(page: Any, tmp_path: Path) -> None:
    for name, body in broken_template(level="<b>9</b>").items():
        (tmp_path / name).write_bytes(body)
    page.set_viewport_size({"width": NARROWEST, "height": 800})
    page.goto("/ui/validate?lang=en")
    page.get_by_label("Files", exact=True).set_input_files(
        sorted(str(p) for p in tmp_path.iterdir())
    )
    page.get_by_role("button", name="Validate").click()
    expect()(page.locator(".verdict")).to_have_text("The submission does NOT conform.")
    expect()(page.locator("section.report")).to_contain_text("<b>9</b>")  # shown, not parsed
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROWEST
    assert axe_violations(page) == []
