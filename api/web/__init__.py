"""The officer pages' templates, static files (CSS, JavaScript, icon) and message catalogue.

Everything the pages need ships in this package: no CDN, no external font. The pages are
rendered in `api.pages` and served by `api.routes.pages`.
"""

from __future__ import annotations

__all__: list[str] = []
