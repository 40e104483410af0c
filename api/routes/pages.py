"""The officer pages: search, a standard, a comparison, and the validation of a submission.

Server-rendered HTML (`api.pages`), Spanish by default; ``?lang=en`` switches to English and a
cookie remembers the choice. The pages' static files are served from ``/ui/static``. Errors a
person can meet (an unknown standard or country, an unreadable upload) are pages too, with the
right status; anything else falls through to the API's problem+json handlers.

`install(app)` mounts the static files and includes `router`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Annotated, Any, Final
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from api.deps import SettingsDep, WorkspaceDep
from api.pages import SECURITY_HEADERS, STATIC_PATH, Page, render
from api.problems import ProblemError
from api.uploads import saved_upload
from api.web.carry import decode_report, encode_report, public_report
from api.web.i18n import DEFAULT_LANGUAGE, Translator, language_or_none, translator
from api.web.reports import ReportView, file_name, input_problems, report_view, scrub
from api.web.search import SearchForm, facets, overview, results_view
from api.web.views import comparison_view, equivalent_views, standard_url
from equivalence.errors import InputError, NotFoundError
from equivalence.lookup import near_codes, normalise_country, standard_detail
from equivalence.search import SearchError, SearchIndex, SearchIndexError, SearchPage
from equivalence.service import statistics, validate_inputs
from equivalence.validation.report import render as render_report
from equivalence.vocab import COUNTRIES
from equivalence.workspace import Workspace

__all__ = ["LANG_COOKIE", "install", "router"]

router = APIRouter(include_in_schema=False)

LANG_COOKIE: Final = "lang"
_COOKIE_AGE: Final = 365 * 24 * 3600
PAGE_SIZE: Final = 20
_DOWNLOADS: Final = {
    "json": ("application/json", "json"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "turtle": ("text/turtle; charset=utf-8", "ttl"),
    "text": ("text/plain; charset=utf-8", "txt"),
}


def install(app: FastAPI) -> None:
    """Mounts the pages' static files at ``/ui/static`` and includes the pages' routes."""
    app.mount(STATIC_PATH, StaticFiles(packages=[("api.web", "static")]), name="ui-static")
    app.include_router(router)


# -- language, links and responses -------------------------------------------------------------


def _language(request: Request, asked: str | None = None) -> tuple[str, bool]:
    """The page language and whether the cookie must remember it (a new explicit choice)."""
    chosen = language_or_none(asked or request.query_params.get("lang"))
    remembered = language_or_none(request.cookies.get(LANG_COOKIE))
    if chosen is not None:
        return chosen, chosen != remembered
    return remembered or DEFAULT_LANGUAGE, False


def _switch_url(request: Request, lang: str, path: str | None = None) -> str:
    """This page in the other language (`path` when the page cannot be reached by GET)."""
    other = "en" if lang == "es" else "es"
    if path is not None:
        return f"{request.scope.get('root_path', '')}{path}?lang={other}"
    pairs = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return f"{request.url.path}?{urlencode([*pairs, ('lang', other)])}"


def _page(
    request: Request, *, section: str = "", asked: str | None = None, path: str | None = None
) -> tuple[Page, bool]:
    lang, remember = _language(request, asked)
    root = request.scope.get("root_path", "")
    return Page(lang, root, _switch_url(request, lang, path), section), remember


def _html(page: Page, body: str, *, remember: bool, status: int = 200) -> HTMLResponse:
    response = HTMLResponse(body, status_code=status, headers=dict(SECURITY_HEADERS))
    response.headers["Content-Language"] = page.lang
    response.headers["Vary"] = "Cookie"
    if remember:
        response.set_cookie(
            LANG_COOKIE, page.lang, max_age=_COOKIE_AGE, path="/", samesite="lax", httponly=True
        )
    return response


def _not_found(
    page: Page,
    message: str,
    *,
    remember: bool,
    suggestions: Sequence[dict[str, str]] = (),
    search_for: str = "",
) -> HTMLResponse:
    body = render(
        "not_found.html",
        page,
        title=translator(page.lang)("err.not_found"),
        message=message,
        suggestions=suggestions,
        search_for=search_for,
    )
    return _html(page, body, remember=remember, status=404)


def _country(code: str) -> str | None:
    try:
        return normalise_country(code)
    except NotFoundError:
        return None


def _missing_standard(
    workspace: Workspace,
    page: Page,
    country: str | None,
    raw_country: str,
    code: str,
    *,
    remember: bool,
) -> HTMLResponse | None:
    """The 404 page for an unknown country or standard (with the nearest codes), else None."""
    t = translator(page.lang)
    if country is None:
        return _not_found(
            page, t("err.unknown_country", country=raw_country), remember=remember, search_for=code
        )
    if workspace.title(country, code) is not None:
        return None
    suggestions = []
    for near in near_codes(code, workspace.codes(country)):
        title = workspace.title(country, near)
        suggestions.append(
            {
                "code": near,
                "title": title.title if title else "",
                "url": standard_url(country, near),
            }
        )
    message = t("err.standard_not_found", code=code, country=t("country." + country))
    return _not_found(page, message, remember=remember, suggestions=suggestions, search_for=code)


# -- search ------------------------------------------------------------------------------------


def _statistics(request: Request, workspace: Workspace) -> dict[str, Any]:
    """The store's statistics, computed once per state of the store."""
    cached = getattr(request.app.state, "web_statistics", None)
    if cached is not None and cached[0] == workspace.generation:
        found: dict[str, Any] = cached[1]
        return found
    generation = workspace.generation
    found = statistics(workspace.store)
    request.app.state.web_statistics = (generation, found)
    return found


def _search_form(
    q: str | None, country: list[str], sector: str | None, level: str | None, page: str | None
) -> SearchForm:
    countries = tuple(
        dict.fromkeys(c.strip().upper() for c in country if c.strip().upper() in COUNTRIES)
    )
    number = int(page) if page and page.isdigit() and 0 < int(page) < 10_000 else 1
    return SearchForm(
        q=(q or "").strip()[:200],
        countries=countries,
        sector=(sector or "").strip()[:200],
        level=(level or "").strip() if (level or "").strip().isdigit() else "",
        page=number,
    )


def _search(workspace: Workspace, form: SearchForm, t: Translator) -> SearchPage | str:
    """The page of hits, or why there is none (in words for the visitor)."""
    try:
        searcher: SearchIndex | None = getattr(workspace, "search", lambda: None)()
    except SearchIndexError:
        searcher = None
    if searcher is None:
        return t("search.unavailable")
    try:
        return searcher.search(
            form.q,
            countries=form.countries,
            sector=form.sector or None,
            level=form.level_number,
            page=form.page,
            size=PAGE_SIZE,
        )
    except SearchIndexError:
        return t("search.unavailable")
    except SearchError:
        return t("search.nothing", q=form.q)


@router.get("/")
def home(
    request: Request,
    workspace: WorkspaceDep,
    q: str | None = None,
    country: Annotated[list[str] | None, Query()] = None,
    sector: str | None = None,
    level: str | None = None,
    page: str | None = None,
) -> Response:
    """Search across the four countries, or an overview when nothing is asked."""
    view, remember = _page(request, section="search")
    t = translator(view.lang)
    form = _search_form(q, country or [], sector, level, page)
    stats = _statistics(request, workspace)
    found = _search(workspace, form, t) if form.asked else None
    body = render(
        "home.html",
        view,
        title=t("search.title"),
        form=form,
        facets=facets(stats),
        results=results_view(found, form, t) if isinstance(found, SearchPage) else None,
        search_error=found if isinstance(found, str) else "",
        overview=overview(stats, t) if not form.asked else None,
    )
    return _html(view, body, remember=remember)


@router.get("/ui")
@router.get("/ui/")
def ui_root(request: Request) -> Response:
    return RedirectResponse(request.scope.get("root_path", "") + "/", status_code=308)


# -- a standard and a comparison ---------------------------------------------------------------


@router.get("/ui/standards/{country}/{code}")
def standard(request: Request, workspace: WorkspaceDep, country: str, code: str) -> Response:
    view, remember = _page(request, section="search")
    known = _country(country)
    missing = _missing_standard(workspace, view, known, country, code, remember=remember)
    if missing is not None:
        return missing
    assert known is not None  # an unknown country is a missing standard
    detail = standard_detail(workspace.store, known, code, known_codes=workspace.codes(known))
    t = translator(view.lang)
    body = render(
        "standard.html",
        view,
        title=f"{detail.code} {detail.title}",
        detail=detail,
        by_country=equivalent_views(known, code, workspace.equivalents().of(known, code), t),
    )
    return _html(view, body, remember=remember)


@router.get("/ui/compare/{country}/{code}/{country2}/{code2}")
def compare(
    request: Request, workspace: WorkspaceDep, country: str, code: str, country2: str, code2: str
) -> Response:
    view, remember = _page(request, section="search")
    first, second = _country(country), _country(country2)
    for known, raw, asked in ((first, country, code), (second, country2, code2)):
        missing = _missing_standard(workspace, view, known, raw, asked, remember=remember)
        if missing is not None:
            return missing
    assert first is not None and second is not None
    engine = workspace.engine()
    mapping = engine.compare(engine.standard(first, code), engine.standard(second, code2))
    stored = [e for e in workspace.equivalents().of(first, code, target=second) if e.code == code2]
    t = translator(view.lang)
    body = render(
        "compare.html",
        view,
        title=t("cmp.heading", a=f"{first} {code}", b=f"{second} {code2}"),
        view=comparison_view(mapping, stored[0].review_status if stored else None, t),
    )
    return _html(view, body, remember=remember)


# -- validation --------------------------------------------------------------------------------


def _validate_page(
    view: Page,
    *,
    remember: bool,
    status: int = 200,
    error: str = "",
    details: Sequence[str] = (),
    country: str = "",
    report: ReportView | None = None,
    carried: str = "",
) -> HTMLResponse:
    t = translator(view.lang)
    body = render(
        "validate.html",
        view,
        title=t("val.title"),
        error=error,
        details=details,
        country=country,
        report=report,
        carried=carried,
    )
    return _html(view, body, remember=remember, status=status)


@router.get("/ui/validate")
def validate_form(request: Request) -> Response:
    view, remember = _page(request, section="validate")
    return _validate_page(view, remember=remember)


def _text_field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _file_names(form: FormData) -> tuple[str, ...]:
    """The names of the files the visitor chose (an empty file part is no file)."""
    return tuple(
        file_name(v.filename) or "—"
        for _, v in form.multi_items()
        if isinstance(v, UploadFile) and (v.filename or v.size)
    )


@router.post("/ui/validate")
async def validate_upload(
    request: Request, workspace: WorkspaceDep, settings: SettingsDep
) -> Response:
    """Validates the uploaded files (a dry run) and shows the report grouped by standard."""
    form = await request.form(max_files=1000)
    view, remember = _page(
        request, section="validate", asked=_text_field(form, "lang"), path="/ui/validate"
    )
    t = translator(view.lang)
    country = _country(_text_field(form, "country")) if _text_field(form, "country") else None
    names = _file_names(form)
    if not names:
        return _validate_page(view, remember=remember, status=400, error=t("val.no_file"))
    try:
        async with saved_upload(request, settings.max_upload_bytes) as paths:
            report = await run_in_threadpool(
                validate_inputs, workspace.store, paths, country=country
            )
    except ProblemError as exc:
        error = t("val.unreadable", detail=scrub(exc.detail))
        return _validate_page(view, remember=remember, status=exc.status, error=error)
    except InputError as exc:
        return _validate_page(
            view,
            remember=remember,
            status=400,
            error=t("val.unreadable_list"),
            details=input_problems(exc, t),
        )
    report = public_report(report)
    return _validate_page(
        view,
        remember=remember,
        country=country or "",
        report=replace(report_view(report, view.lang, t), inputs=names),
        carried=encode_report(report),
    )


@router.post("/ui/validate/report")
async def download_report(request: Request, settings: SettingsDep) -> Response:
    """The report shown on the page, as a JSON, CSV, Turtle or text file."""
    limit = settings.max_upload_bytes
    form = await request.form(max_files=0, max_part_size=limit)
    view, remember = _page(
        request, section="validate", asked=_text_field(form, "lang"), path="/ui/validate"
    )
    fmt = _text_field(form, "format")
    report = decode_report(_text_field(form, "report"), limit=limit)
    if report is None or fmt not in _DOWNLOADS:
        error = translator(view.lang)("val.download_expired")
        return _validate_page(view, remember=remember, status=400, error=error)
    media_type, extension = _DOWNLOADS[fmt]
    body = await run_in_threadpool(render_report, report, fmt, language=view.lang)
    return Response(
        body,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="validation-report.{extension}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/ui/{rest:path}")
def unknown_page(request: Request, rest: str) -> Response:
    view, remember = _page(request)
    message = translator(view.lang)("err.no_page")
    return _not_found(view, message, remember=remember)
