"""The officer pages through FastAPI's test client: status codes, the language switch and its
cookie, escaping of what a visitor types or uploads, the 404 pages with near codes, the
validation report and its downloads, and structural accessibility checks (one h1, headings in
order, a label for every control, table headers with scope, no inline script or style that a
strict Content-Security-Policy would block, colour contrast of the stylesheet)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pyoxigraph import RdfFormat, parse

from api.pages import SECURITY_HEADERS
from api.web.i18n import MESSAGES, translator
from api.web.search import SearchForm, results_view
from equivalence.search import SearchPage
from tests.api_support import app_over, country_template, multipart, sample_store
from tests.e2e_support import BROKEN_TITLE, broken_template, with_pages

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "api" / "web" / "templates"
STYLESHEET = ROOT / "api" / "web" / "static" / "web.css"
STANDARD = "/ui/standards/MX/EC0217.01"
COMPARISON = "/ui/compare/CL/P-4711-5230-001-V02/PE/DEMO-PE-01"
PAGES = ("/", STANDARD, COMPARISON, "/ui/validate", "/ui/standards/MX/EC0217")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("pages")
    app, _ = app_over(sample_store(), folder)
    with TestClient(with_pages(app, folder)) as test_client:
        yield test_client


@pytest.fixture()
def fresh(client: TestClient) -> TestClient:
    """The client without the language cookie of an earlier test."""
    client.cookies.clear()
    return client


# -- a small HTML reader for the structural checks ---------------------------------------------


class Outline(HTMLParser):
    """Headings, controls, labels, table headers, scripts and attributes of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = ""
        self.headings: list[int] = []
        self.controls: list[dict[str, str]] = []
        self.label_for: set[str] = set()
        self.ids: list[str] = []
        self.th: list[dict[str, str]] = []
        self.in_thead = False
        self.inline_scripts = 0
        self.styles = 0
        self.handlers: list[str] = []
        self.links: list[dict[str, str]] = []
        self._script_open = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = found.get("lang", "")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag in ("input", "select", "textarea") and found.get("type") != "hidden":
            self.controls.append(found)
        if tag == "label" and "for" in found:
            self.label_for.add(found["for"])
        if "id" in found:
            self.ids.append(found["id"])
        if tag == "thead":
            self.in_thead = True
        if tag == "th":
            self.th.append({**found, "_thead": "1" if self.in_thead else ""})
        if tag == "script":
            self.inline_scripts += 0 if found.get("src") else 1
        if tag == "style" or "style" in found:
            self.styles += 1
        self.handlers += [k for k in found if k.startswith("on")]
        if tag == "a":
            self.links.append(found)

    def handle_endtag(self, tag: str) -> None:
        if tag == "thead":
            self.in_thead = False


def outline(html: str) -> Outline:
    reader = Outline()
    reader.feed(html)
    return reader


def check_structure(html: str) -> Outline:
    page = outline(html)
    assert page.lang in ("es", "en")
    assert page.headings.count(1) == 1, page.headings
    assert page.headings[0] == 1
    for before, after in zip(page.headings, page.headings[1:], strict=False):
        assert after <= before + 1, f"heading h{after} after h{before}: {page.headings}"
    for control in page.controls:
        assert control.get("id") in page.label_for, f"no label for {control}"
    for header in page.th:
        assert header.get("scope") in ("col", "row"), header
    assert len(page.ids) == len(set(page.ids)), "duplicate ids"
    assert "main" in page.ids
    assert any(link.get("href") == "#main" for link in page.links), "no skip link"
    assert page.inline_scripts == 0 and page.styles == 0 and not page.handlers
    return page


# -- every page ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_every_page_is_html_with_a_strict_policy_and_sound_structure(
    fresh: TestClient, path: str
) -> None:
    response = fresh.get(path)
    assert response.status_code == (404 if path.endswith("EC0217") else 200)
    assert response.headers["content-type"].startswith("text/html")
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    assert response.headers["content-language"] == "es"
    check_structure(response.text)


def test_the_static_files_are_served(client: TestClient) -> None:
    for name, kind in (("web.css", "text/css"), ("web.js", "javascript"), ("favicon.svg", "svg")):
        response = client.get(f"/ui/static/{name}")
        assert response.status_code == 200
        assert kind in response.headers["content-type"]
    assert client.get("/ui/static/nothing.css").status_code == 404


def test_ui_redirects_to_the_search(client: TestClient) -> None:
    response = client.get("/ui", follow_redirects=False)
    assert response.status_code == 308
    assert response.headers["location"] == "/"


# -- language ------------------------------------------------------------------------------------


def test_spanish_by_default_and_english_on_request_remembered_in_a_cookie(
    fresh: TestClient,
) -> None:
    spanish = fresh.get("/")
    assert outline(spanish.text).lang == "es"
    assert "Buscar estándares de competencia" in spanish.text
    assert "set-cookie" not in spanish.headers
    english = fresh.get("/?lang=en")
    assert outline(english.text).lang == "en"
    assert "Search competency standards" in english.text
    assert "lang=en" in english.headers["set-cookie"]
    assert "HttpOnly" in english.headers["set-cookie"]
    # the cookie remembers the choice on the next page, with no parameter
    page = fresh.get(STANDARD)
    assert outline(page.text).lang == "en"
    assert "Units of competency" in page.text
    back = fresh.get("/?lang=es")
    assert outline(back.text).lang == "es"
    assert "lang=es" in back.headers["set-cookie"]


def test_an_unknown_language_is_ignored(fresh: TestClient) -> None:
    response = fresh.get("/?lang=fr")
    assert outline(response.text).lang == "es"
    assert "set-cookie" not in response.headers


def test_the_switch_link_keeps_the_query_and_names_its_language(fresh: TestClient) -> None:
    page = outline(fresh.get("/?q=cajero&country=CL").text)
    switch = [link for link in page.links if link.get("hreflang")]
    assert len(switch) == 1
    assert switch[0]["lang"] == "en"
    assert switch[0]["href"] == "/?q=cajero&country=CL&lang=en"


def test_both_languages_have_the_same_messages_and_templates_use_only_known_keys() -> None:
    assert set(MESSAGES["es"]) == set(MESSAGES["en"])
    used: set[str] = set()
    sources = [*TEMPLATES.glob("*.html"), ROOT / "api" / "web" / "views.py"]
    sources.append(ROOT / "api" / "routes" / "pages.py")
    for source in sources:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_.]*[a-z_])["']""", source.read_text()))
    assert used, "no message used"
    assert used <= set(MESSAGES["es"]), used - set(MESSAGES["es"])


# -- search --------------------------------------------------------------------------------------


def test_the_home_page_without_a_query_shows_the_countries(fresh: TestClient) -> None:
    response = fresh.get("/")
    assert response.status_code == 200
    for name in ("Chile", "Colombia", "México", "Perú"):
        assert name in response.text
    assert 'role="search"' in response.text
    assert '<option value="SERVICIOS EDUCATIVOS">' in response.text  # a sector to filter by


def test_a_search_for_markup_comes_back_escaped(fresh: TestClient) -> None:
    response = fresh.get("/", params={"q": "<script>alert(1)</script>", "sector": '"><b>x'})
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert '"><b>x' not in response.text
    check_structure(response.text)


def _hits(html: str) -> list[str]:
    return re.findall(r'<li class="hit">\s*<h3><a href="/ui/standards/([A-Z]{2}/[^"]+)"', html)


def test_a_search_without_accents_finds_standards_of_every_country(fresh: TestClient) -> None:
    html = fresh.get("/", params={"q": "capacitacion"}).text
    check_structure(html)
    assert set(_hits(html)) >= {"MX/EC0217.01", "PE/DEMO-PE-04", "CL/P-8549-2424-901-V01"}
    assert "3 estándares encontrados" in html
    assert "<mark>capacitación</mark>" in html  # the matched word, highlighted
    assert "unidad E01: Preparar la sesión de <mark>capacitación</mark>" in html  # a snippet


def test_search_filters_by_country_sector_and_level(fresh: TestClient) -> None:
    mexico = fresh.get("/", params={"q": "capacitacion", "country": "mx"}).text
    assert _hits(mexico) == ["MX/EC0217.01"]
    assert 'value="MX" checked' in mexico
    commerce = fresh.get("/", params={"sector": "COMERCIO"}).text
    assert {h.split("/")[0] for h in _hits(commerce)} == {"CL", "PE"}
    level = fresh.get("/", params={"level": "5"}).text
    assert _hits(level) == ["MX/EC0249"]
    assert '<option value="5" selected>' in level


def test_a_search_by_code(fresh: TestClient) -> None:
    assert _hits(fresh.get("/", params={"q": "EC0217"}).text) == ["MX/EC0217.01"]


def test_a_search_with_nothing_to_search_for_says_so(fresh: TestClient) -> None:
    html = fresh.get("/", params={"q": "de la"}).text
    assert 'role="alert"' in html
    assert "No hay nada que buscar en «de la»" in html


def test_paging_links_keep_the_filters() -> None:
    form = SearchForm(q="caja", countries=("CL", "PE"), page=3)
    found = SearchPage("caja", 95, 3, 20, ())
    view = results_view(found, form, translator("es"))
    assert (view.pages, view.first) == (5, 41)
    assert view.prev_url == "/?q=caja&country=CL&country=PE&page=2"
    assert view.next_url == "/?q=caja&country=CL&country=PE&page=4"
    assert [n for n, _ in view.links] == [1, 2, 3, 4, 5]
    far = results_view(SearchPage("caja", 400, 10, 20, ()), form, translator("es"))
    assert [n for n, _ in far.links] == [1, 0, 8, 9, 10, 11, 12, 0, 20]
    assert far.links[0][1] == "/?q=caja&country=CL&country=PE"


def test_bad_filter_values_are_dropped_not_errors(fresh: TestClient) -> None:
    response = fresh.get("/", params={"page": "abc", "level": "x", "country": "ZZ"})
    assert response.status_code == 200


# -- a standard ----------------------------------------------------------------------------------


def test_a_standard_page_has_units_criteria_occupations_and_equivalents(
    fresh: TestClient,
) -> None:
    html = fresh.get(STANDARD).text
    assert "Impartición de cursos de formación del capital humano" in html
    for unit in ("E01", "E02", "E03"):
        assert f'<span class="code">{unit}</span>' in html
    assert "La carta descriptiva del curso" in html  # a criterion
    assert '<span class="kind">producto</span>' in html
    assert 'href="http://data.europa.eu/esco/isco/C2424"' in html  # an occupation link
    for country in ("Chile", "Colombia", "Perú"):
        assert f"Equivalentes en {country}" in html
    assert "Equivalentes en México" not in html
    assert 'href="/ui/standards/PE/DEMO-PE-04"' in html
    assert 'href="/ui/compare/MX/EC0217.01/PE/DEMO-PE-04"' in html
    assert ">equivalente<" in html  # the predicate in words
    assert "100 %" in html and "97 %" in html  # coverage and confidence as text
    assert ">propuesta<" in html  # review status
    assert "skos:" not in html


def test_a_broader_or_narrower_equivalent_is_said_in_words(fresh: TestClient) -> None:
    html = fresh.get("/ui/standards/CL/P-4711-5230-001-V02").text
    assert "más específico" in html  # PE DEMO-PE-01 is narrower than the Chilean cashier
    assert "33 %" in html
    english = fresh.get("/ui/standards/PE/DEMO-PE-01?lang=en").text
    assert ">broader<" in english


def test_the_api_html_representation_is_the_same_page(client: TestClient) -> None:
    response = client.get("/standards/MX/EC0217.01", headers={"Accept": "text/html"})
    assert response.status_code == 200
    check_structure(response.text)
    assert "Equivalentes en Perú" in response.text


def test_an_unknown_standard_is_a_404_page_with_near_codes(fresh: TestClient) -> None:
    response = fresh.get("/ui/standards/MX/EC0217")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "No hay ningún estándar EC0217 en México" in response.text
    assert 'href="/ui/standards/MX/EC0217.01"' in response.text
    assert 'href="/?q=EC0217"' in response.text


def test_an_unknown_country_and_an_unknown_page_are_404_pages(fresh: TestClient) -> None:
    country = fresh.get("/ui/standards/AR/EC0217.01")
    assert country.status_code == 404
    assert "«AR»" in country.text
    page = fresh.get("/ui/nothing/here?lang=en")
    assert page.status_code == 404
    assert "There is no page at this address" in page.text


def test_codes_in_the_path_are_escaped_on_the_404_page(fresh: TestClient) -> None:
    response = fresh.get("/ui/standards/MX/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    assert response.status_code == 404
    assert "<script>alert" not in response.text
    assert "&lt;script&gt;alert(1)" in response.text


# -- a comparison --------------------------------------------------------------------------------


def test_a_comparison_shows_the_units_side_by_side_and_the_gap_both_ways(
    fresh: TestClient,
) -> None:
    response = fresh.get(COMPARISON)
    assert response.status_code == 200
    html = response.text
    assert "CL P-4711-5230-001-V02 frente a PE DEMO-PE-01" in html
    # a holder of the Peruvian standard must still show two Chilean units, with their criteria
    assert "Lo que un titular de PE DEMO-PE-01 aún debe demostrar" in html
    assert "2 unidades por demostrar" in html
    assert "U-4711-5222-004-V02" in html
    assert "Los clientes son saludados" in html  # a missing criterion
    # the other way nothing is missing
    assert "Nada: todas las unidades de PE DEMO-PE-01 están cubiertas." in html
    assert ">falta<" in html and ">cubierta<" in html
    assert "33 %" in html and "100 %" in html
    assert 'href="/ui/compare/PE/DEMO-PE-01/CL/P-4711-5230-001-V02"' in html  # swap
    check_structure(html)


def test_a_comparison_in_english(fresh: TestClient) -> None:
    html = fresh.get(COMPARISON + "?lang=en").text
    assert "What a holder of PE DEMO-PE-01 must still show to be recognised in" in html
    assert ">missing<" in html


def test_a_comparison_with_an_unknown_standard_is_a_404_page(fresh: TestClient) -> None:
    response = fresh.get("/ui/compare/MX/EC0217.01/PE/DEMO-PE-99")
    assert response.status_code == 404
    assert "DEMO-PE-04" in response.text  # a near code


# -- validation ----------------------------------------------------------------------------------


def _validate(
    client: TestClient, files: dict[str, bytes], *, lang: str = "es", country: str = "MX"
) -> str:
    response = client.post(
        "/ui/validate", files=multipart(files), data={"country": country, "lang": lang}
    )
    text: str = response.text
    assert response.status_code == 200, text
    return text


def _carried(html: str) -> str:
    match = re.search(r'name="report" value="([^"]+)"', html)
    assert match is not None
    return match.group(1)


def test_the_report_is_grouped_by_standard_with_spanish_messages(fresh: TestClient) -> None:
    html = _validate(fresh, broken_template())
    check_structure(html)
    assert "La entrega NO es conforme." in html
    assert "2 violaciones" in html
    assert '<span class="code">MX EC0217.01</span>' in html
    assert f'<span class="code">MX {BROKEN_TITLE}</span>' in html
    assert "no pertenece al esquema de niveles" in html
    assert "standard-level-in-scheme" in html  # counts per rule
    assert "template:empty-cell" in html
    assert "standards.csv, línea 2, columna level" in html
    assert "<dd>standards.csv, units.csv, criteria.csv</dd>" in html  # the files chosen
    assert "equivalence-upload-" not in html  # no server path
    for fmt in ("json", "csv", "turtle", "text"):
        assert f'name="format" value="{fmt}"' in html


def test_the_report_in_english(fresh: TestClient) -> None:
    html = _validate(fresh, broken_template(), lang="en")
    assert outline(html).lang == "en"
    assert "The submission does NOT conform." in html
    assert "is not in the level scheme" in html


def test_uploaded_values_are_escaped_in_the_report(fresh: TestClient) -> None:
    html = _validate(fresh, broken_template(level="<script>alert(1)</script>"))
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    check_structure(html)


def test_a_conforming_submission_says_so(fresh: TestClient) -> None:
    html = _validate(fresh, country_template("MX"), country="")
    assert "La entrega es conforme." in html
    assert "0 violaciones" in html
    check_structure(html)


def test_no_file_and_an_unreadable_file_are_errors_on_the_page(fresh: TestClient) -> None:
    empty = fresh.post("/ui/validate", data={"country": "MX"}, files={"files": ("", b"")})
    assert empty.status_code == 400
    assert 'role="alert"' in empty.text
    assert "Elija al menos un archivo." in empty.text
    assert 'aria-invalid="true"' in empty.text
    bad = fresh.post(
        "/ui/validate", files=[("files", ("mx.ttl", b"@prefix : <x> . :a :b", "text/turtle"))]
    )
    assert bad.status_code == 400
    assert "No se pudo leer la entrega" in bad.text
    assert "<li>mx.ttl, línea 1, columna 11: syntax error" in bad.text
    check_structure(bad.text)


def test_an_unreadable_template_lists_its_problems_without_server_paths(
    fresh: TestClient,
) -> None:
    files = [("files", ("standards.csv", b"country,code\nMX,X\n", "text/csv"))]
    response = fresh.post("/ui/validate", files=files, data={"lang": "en"})
    assert response.status_code == 400
    assert "The submission could not be read:" in response.text
    assert "<li>standards.csv, line 1, column title: missing column" in response.text
    assert "units.csv is not in the folder" in response.text
    assert "equivalence-upload-" not in response.text
    assert "/tmp" not in response.text


def _download(client: TestClient, carried: str, fmt: str) -> str:
    response = client.post("/ui/validate/report", data={"report": carried, "format": fmt})
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    text: str = response.text
    return text


def test_the_report_downloads_in_every_format(fresh: TestClient) -> None:
    carried = _carried(_validate(fresh, broken_template()))
    as_json = json.loads(_download(fresh, carried, "json"))
    assert as_json["conforms"] is False
    assert as_json["by_rule"]["standard-level-in-scheme"] == 1
    rows = list(csv.DictReader(io.StringIO(_download(fresh, carried, "csv"))))
    assert {r["standard"] for r in rows if r["severity"] == "Violation"} == {
        "EC0217.01",
        BROKEN_TITLE,
    }
    assert all("/" not in r["file"] for r in rows)  # file names only, no server folder
    turtle = _download(fresh, carried, "turtle")
    triples = list(parse(turtle.encode("utf-8"), format=RdfFormat.TURTLE))
    assert any(str(t.object).endswith("ValidationReport>") for t in triples)
    assert "La entrega NO es conforme" in _download(fresh, carried, "text")


def test_a_tampered_report_or_format_is_refused(fresh: TestClient) -> None:
    carried = _carried(_validate(fresh, broken_template()))
    for data in ({"report": "not-a-report", "format": "csv"}, {"report": carried, "format": "x"}):
        response = fresh.post("/ui/validate/report", data=data)
        assert response.status_code == 400
        assert "valide la entrega otra vez" in response.text


# -- the stylesheet's contrast -------------------------------------------------------------------


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(first: str, second: str) -> float:
    high, low = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize(
    ("text", "background", "minimum"),
    [
        ("ink", "paper", 4.5),
        ("ink", "soft", 4.5),
        ("muted", "paper", 4.5),
        ("muted", "soft", 4.5),
        ("link", "paper", 4.5),
        ("link", "soft", 4.5),
        ("link-visited", "paper", 4.5),
        ("brand-ink", "brand", 4.5),
        ("focus-on-dark", "brand", 3.0),
        ("focus", "paper", 3.0),
        ("ok", "ok-bg", 4.5),
        ("warn", "warn-bg", 4.5),
        ("bad", "bad-bg", 4.5),
        ("info", "info-bg", 4.5),
        ("bar-fill", "bar-track", 3.0),
        ("bar-fill", "paper", 3.0),
    ],
)
def test_the_colours_meet_wcag_aa(text: str, background: str, minimum: float) -> None:
    colours = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6});", STYLESHEET.read_text()))
    assert _contrast(colours[text], colours[background]) >= minimum
