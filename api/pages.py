"""Server-rendered HTML for officers: Jinja2 templates in `api/web/templates`, in Spanish or
English.

`Page` carries what every page needs (language, the service's root path, the address of the same
page in the other language); `render` fills a template with it. `standard_page` is the
standard's page, also used by ``GET /standards/{country}/{code}`` with ``Accept: text/html``.
Templates autoescape everything; the pages load one stylesheet and one small script from
``/ui/static/`` and nothing else, so they run under a strict Content-Security-Policy
(`SECURITY_HEADERS`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from api.web.i18n import DEFAULT_LANGUAGE, LANGUAGES, translator
from api.web.views import (
    api_standard_url,
    equivalent_views,
    kind_word,
    local_name,
    occupation_view,
    standard_url,
    state_word,
)
from equivalence import __version__
from equivalence.equivalents import CountrySummary, Equivalent
from equivalence.lookup import StandardDetail
from equivalence.vocab import COUNTRIES

__all__ = ["SECURITY_HEADERS", "STATIC_PATH", "Page", "render", "standard_page"]

STATIC_PATH: Final = "/ui/static"
SECURITY_HEADERS: Final = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


@dataclass(frozen=True, slots=True)
class Page:
    """The request-wide facts a page is rendered with."""

    lang: str = DEFAULT_LANGUAGE
    root: str = ""  # the service's root path (behind a proxy), prefixed to every link
    switch_url: str = ""  # the same page in the other language
    section: str = ""  # which navigation entry is current: search, validate

    @property
    def other_lang(self) -> str:
        return LANGUAGES[1] if self.lang == LANGUAGES[0] else LANGUAGES[0]

    def url(self, path: str) -> str:
        return self.root + path

    def static(self, name: str) -> str:
        return f"{self.root}{STATIC_PATH}/{name}?v={__version__}"


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("api.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )


def render(template: str, page: Page, **values: Any) -> str:
    """The template filled with `values`, the page's facts and its language's `t`."""
    t = translator(page.lang)
    return (
        _environment()
        .get_template(template)
        .render(
            page=page,
            t=t,
            lang=page.lang,
            countries=[(code, t("country." + code)) for code in COUNTRIES],
            kind=lambda kind: kind_word(kind, t),
            state=lambda status: state_word(status, t),
            occupation=occupation_view,
            local_name=local_name,
            api_standard=api_standard_url,
            **values,
        )
    )


def standard_page(
    detail: StandardDetail,
    summaries: Sequence[CountrySummary],
    *,
    equivalents: Sequence[Equivalent] | None = None,
    page: Page | None = None,
) -> str:
    """A standard's page: its facts, units and criteria, occupations, and equivalents per
    country. Without `equivalents`, the best one of each country (from `summaries`) is shown."""
    page = page or Page(switch_url=standard_url(detail.country, detail.code) + "?lang=en")
    found = list(equivalents) if equivalents is not None else [s.best for s in summaries]
    t = translator(page.lang)
    return render(
        "standard.html",
        page,
        detail=detail,
        by_country=equivalent_views(detail.country, detail.code, found, t),
        title=f"{detail.code} {detail.title}",
    )
