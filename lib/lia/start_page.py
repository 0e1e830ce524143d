"""The start page of ``lia serve`` and the pages' titles in the reader's language.

``lia serve`` shows this page at ``/voila/tree`` instead of Voila's file browser: the five pages
(wizard, portfolio, report viewer, works council, access), one line each on what it is for, in English,
Swedish or Norwegian Bokmål (``?lang=sv``), each linked with the language kept. The page is one
self-contained HTML document: inline style, no script, nothing loaded from anywhere.

Every Voila page's browser tab title is set from :func:`page_titles` (served as
``/lia/page-titles.json``; the page template's small script picks the title of the page's
current language, and follows the language when the reader switches it on the page).

Texts: ``templates/i18n/dashboards.yaml`` (``start.*``, ``page_title.*``).
"""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import quote

__all__ = ["PAGES", "START_PATH", "TITLES_PATH", "page_title", "page_titles", "start_page_html", "start_handlers"]

#: The apps in notebooks/, in the order the start page lists them.
PAGES = ("wizard", "portfolio", "report_viewer", "works_council", "access")
#: Where the start page and the titles are served (below the server's base URL).
START_PATH = "voila/tree"
TITLES_PATH = "lia/page-titles.json"


def _s(key: str, lang: str, **fmt: Any) -> str:
    from .i18n import t

    return t("dashboards", key, lang, **fmt)


def _lang(lang: str | None) -> str:
    import os

    from .i18n import LANGS

    for cand in (lang, os.environ.get("LIA_LANG")):
        if cand in LANGS:
            return str(cand)
    return "en"


def page_title(page: str, lang: str = "en") -> str:
    """The browser tab title of ``page`` (a notebook name without ``.ipynb``, or ``"start"``) in ``lang``."""
    return _s("page_title", lang, page=_s(f"page_title.{page}", lang), app=_s("app_name", lang))


def page_titles() -> dict[str, Any]:
    """``{"default": lang, "titles": {lang: {page: title}}}`` for every language and page."""
    from .i18n import LANGS

    return {"default": _lang(None),
            "titles": {lang: {p: page_title(p, lang) for p in (*PAGES, "start")} for lang in LANGS}}


_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: #f4f6f8; color: #1f2328;
       margin: 0; }
main { max-width: 760px; margin: 32px auto; padding: 0 16px; }
h1 { font-size: 1.6em; margin: 0 0 4px; }
p.lia-intro { color: #57606a; margin: 0 0 20px; }
nav.lia-langs { margin: 0 0 20px; font-size: .95em; }
nav.lia-langs a, nav.lia-langs strong { margin-right: 12px; }
ul.lia-pages { list-style: none; padding: 0; margin: 0; }
ul.lia-pages li { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 14px 16px; margin: 0 0 12px; }
ul.lia-pages a { font-size: 1.15em; font-weight: 600; color: #0969da; text-decoration: none; }
ul.lia-pages a:hover { text-decoration: underline; }
ul.lia-pages p { margin: 4px 0 0; color: #424a53; }
"""


def start_page_html(lang: str | None = None, base_url: str = "/") -> str:
    """The start page in ``lang`` (default ``$LIA_LANG``, else English); links below ``base_url``."""
    from .i18n import LANG_NAMES, LANGS

    lang = _lang(lang)
    base = base_url if base_url.endswith("/") else base_url + "/"
    e = html.escape
    items = "".join(
        f'<li class="lia-page-{p.replace("_", "-")}"><a href="{e(base)}voila/render/{p}.ipynb?lang={lang}">'
        f'{e(_s(f"page_title.{p}", lang))}</a><p>{e(_s(f"start.{p}", lang))}</p></li>' for p in PAGES)
    langs = " ".join(
        f'<strong lang="{code}">{e(LANG_NAMES[code])}</strong>' if code == lang else
        f'<a lang="{code}" hreflang="{code}" href="{e(base)}{START_PATH}?lang={quote(code)}">{e(LANG_NAMES[code])}</a>'
        for code in LANGS)
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; '
            'img-src data:; form-action \'none\'">'
            '<meta name="viewport" content="width=device-width, initial-scale=1.0">'
            '<link rel="icon" href="data:,">'
            f'<title>{e(page_title("start", lang))}</title><style>{_STYLE}</style></head>'
            f'<body><main class="lia-start"><h1>{e(_s("app_name", lang))}</h1>'
            f'<p class="lia-intro">{e(_s("start.intro", lang))}</p>'
            f'<nav class="lia-langs" aria-label="{e(_s("language", lang))}">{e(_s("language", lang))}: {langs}</nav>'
            f'<ul class="lia-pages">{items}</ul></main></body></html>\n')


def start_handlers(server_url: str = "/") -> list[tuple[Any, ...]]:
    """Tornado handlers for the start page (at ``/voila/tree`` and below) and the titles JSON,
    behind the server's token like every other page."""
    import json

    from jupyter_server.base.handlers import JupyterHandler
    from jupyter_server.utils import url_path_join
    from tornado import web

    class StartPageHandler(JupyterHandler):
        @web.authenticated
        def get(self, path: str = "") -> None:
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(start_page_html(self.get_argument("lang", None), self.base_url))

    class PageTitlesHandler(JupyterHandler):
        @web.authenticated
        def get(self) -> None:
            self.set_header("Content-Type", "application/json; charset=utf-8")
            self.finish(json.dumps(page_titles(), ensure_ascii=False))

    root = server_url or "/"
    return [(url_path_join(root, START_PATH) + r"(/.*)?", StartPageHandler),
            (url_path_join(root, TITLES_PATH), PageTitlesHandler)]
