"""Three languages: English (``en``), Swedish (``sv``) and Norwegian Bokmål (``nb``).

Data files hold texts as mappings ``{en: ..., sv: ..., nb: ...}``. User-interface strings
live in ``templates/i18n/<area>.yaml`` as ``key: {en, sv, nb}``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

__all__ = ["LANGS", "LANG_NAMES", "text", "catalogue", "t", "check_lang", "mark_page_language", "PAGE_LANG_CLASS"]

LANGS: tuple[str, ...] = ("en", "sv", "nb")
LANG_NAMES = {"en": "English", "sv": "Svenska", "nb": "Norsk bokmål"}


def check_lang(lang: str) -> str:
    """Return ``lang`` if known, else raise a LiaError listing the known languages."""
    if lang not in LANGS:
        from .errors import LiaError

        raise LiaError(f"unknown language {lang!r}; expected one of: {', '.join(LANGS)}")
    return lang


def text(mapping: Mapping[str, str] | str | None, lang: str = "en") -> str:
    """The text of ``mapping`` in ``lang``, falling back to English."""
    if mapping is None:
        return ""
    if isinstance(mapping, str):
        return mapping
    return mapping.get(lang) or mapping.get("en") or ""


@lru_cache(maxsize=None)
def _load_catalogue(path: str, mtime: float) -> dict[str, dict[str, str]]:
    from .loaders import load_data_file

    data = load_data_file(path, what="message catalogue") or {}
    if isinstance(data, dict) and data.get("kind") == "messages":  # versioned form: kind/id/version/messages
        data = data.get("messages") or {}
    return dict(data)


def catalogue(area: str, templates: Path | None = None) -> dict[str, dict[str, str]]:
    """The message catalogue ``templates/i18n/<area>.yaml``."""
    from .paths import templates_dir

    path = (templates or templates_dir()) / "i18n" / f"{area}.yaml"
    return _load_catalogue(str(path), path.stat().st_mtime)


def t(area: str, key: str, lang: str = "en", **fmt: object) -> str:
    """A UI string from the ``area`` catalogue in ``lang``, formatted with ``fmt``."""
    entry = catalogue(area).get(key)
    if entry is None:
        return key
    s = text(entry, lang)
    return s.format(**fmt) if fmt else s


# d3 locales for chart numbers and dates (d3-format has no nb-NO: the Norwegian number format inline).
_NUMBER_LOCALES: dict[str, Any] = {"en": "en-GB", "sv": "sv-SE",
                                   "nb": {"decimal": ",", "thousands": "\u00a0", "grouping": [3],
                                          "currency": ["", " kr"]}}
_TIME_LOCALES = {"en": "en-GB", "sv": "sv-SE", "nb": "nb-NO"}


def chart_locale(lang: str) -> dict[str, Any]:
    """vl-convert's ``format_locale`` and ``time_format_locale`` for *lang* (month names, decimal comma)."""
    return {"format_locale": _NUMBER_LOCALES.get(lang, "en-GB"), "time_format_locale": _TIME_LOCALES.get(lang, "en-GB")}


#: A page's root widget carries ``lia-page-lang-<code>``: the page script (frontend/src/index.js)
#: reads it to say connection trouble in the language the reader chose on the page.
PAGE_LANG_CLASS = "lia-page-lang-"


def mark_page_language(widget: Any, lang: str) -> None:
    """Tag *widget* (a page's root) with the page's language, replacing an earlier tag."""
    classes = tuple(c for c in widget._dom_classes if not c.startswith(PAGE_LANG_CLASS)) + (PAGE_LANG_CLASS + lang,)
    if classes != tuple(widget._dom_classes):
        widget._dom_classes = classes
