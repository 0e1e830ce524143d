"""Three languages: English (``en``), Swedish (``sv``) and Norwegian Bokmål (``nb``).

Data files hold texts as mappings ``{en: ..., sv: ..., nb: ...}``. User-interface strings
live in ``templates/i18n/<area>.yaml`` as ``key: {en, sv, nb}``.

:data:`LANGS` is the one definition of the languages (argument choices, language switches and
catalogue checks read it). Plural forms, dates, months and decimal separators come from CLDR
through Babel (:func:`plural_form`, :func:`format_date`, :func:`babel_locale`), not hand-written
forms. A text that is missing is one behaviour everywhere (:func:`missing_text`): it raises
:class:`MissingText` in tests and shows a visible marker ``⟦area.key⟧`` otherwise.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

__all__ = ["LANGS", "LANG_NAMES", "text", "catalogue", "t", "check_lang", "mark_page_language", "PAGE_LANG_CLASS",
           "format_duration", "format_date", "format_time", "report_zone",
           "shipped_text", "lookup", "MissingText", "missing_text", "plural_form", "babel_locale"]

#: The languages of the workbench: the one list (argparse choices, switches and checks read it).
LANGS: tuple[str, ...] = ("en", "sv", "nb")
LANG_NAMES = {"en": "English", "sv": "Svenska", "nb": "Norsk bokmål"}
#: The CLDR locale of each language (British English: day-month-year dates, as the pages had).
BABEL_LOCALES = {"en": "en_GB", "sv": "sv_SE", "nb": "nb_NO"}


class MissingText(LookupError):
    """A UI text or message code without a catalogue entry (or a placeholder without a value)."""


def strict_texts() -> bool:
    """Whether a missing text raises: under pytest, or with ``LIA_STRICT_TEXTS=1``."""
    return os.environ.get("LIA_STRICT_TEXTS", "") == "1" or "PYTEST_CURRENT_TEST" in os.environ


def missing_text(key: str) -> str:
    """The one behaviour for a missing text ``key`` (``area.key``): a test fails (:class:`MissingText`
    under pytest or ``LIA_STRICT_TEXTS=1``); a user sees the marker ``⟦area.key⟧``, visibly not a
    sentence, so a reader can report it, and the page still works."""
    if strict_texts():
        raise MissingText(f"no text for {key} in templates/i18n/")
    return f"\u27e6{key}\u27e7"


@lru_cache(maxsize=None)
def babel_locale(lang: str) -> Any:
    """The Babel locale of ``lang`` (English for an unknown language)."""
    from babel import Locale

    return Locale.parse(BABEL_LOCALES.get(lang, "en_GB"))


def plural_form(count: Any, lang: str) -> str:
    """The CLDR plural category (``one``, ``other``, ...) of ``count`` in ``lang``; not a number: ``other``."""
    try:
        number = count if isinstance(count, (int, float)) and not isinstance(count, bool) else float(str(count))
    except ValueError:
        return "other"
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    return str(babel_locale(lang).plural_form(abs(number)))


def check_lang(lang: str) -> str:
    """Return ``lang`` if known, else raise a LiaError listing the known languages."""
    if lang not in LANGS:
        from .errors import LiaError, Message

        raise LiaError(Message("errors.unknown_language", lang=repr(lang), known=", ".join(LANGS)))
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
    """The message catalogue ``templates/i18n/<area>.yaml``.

    From ``templates`` (default: the templates folder, ``$LIA_TEMPLATES`` included); a folder
    that has no such catalogue (a set of test or custom questionnaires) falls back to the
    workbench's own, as the pages' other texts do.
    """
    from .paths import repo_root, templates_dir

    path = (templates or templates_dir()) / "i18n" / f"{area}.yaml"
    if not path.is_file():
        path = repo_root() / "templates" / "i18n" / f"{area}.yaml"
    return _load_catalogue(str(path), path.stat().st_mtime)


def lookup(entries: Mapping[str, Any], area: str, key: str, lang: str = "en", **fmt: object) -> str:
    """The one lookup of a UI text: ``entries[key]`` (a catalogue of ``area``, as :func:`catalogue`
    returns it) in ``lang`` (English where that language's text is empty), formatted with ``fmt``.

    A key that is not there is :func:`missing_text` (a test fails; a user sees ``⟦area.key⟧``).
    The page, report and wizard helpers that hold a catalogue of their own call this.
    """
    entry = entries.get(key)
    if not entry:
        return missing_text(f"{area}.{key}")
    s = text(entry, lang)
    if "|" in s:  # {n|one|other}: the word after a count, as in lia.messages; plural unless fmt's n is 1
        s = _PLURAL.sub(lambda m: m.group(2) if _is_one(fmt.get(m.group(1)), lang) else m.group(3), s)
    return s.format(**fmt) if fmt else s


def t(area: str, key: str, lang: str = "en", **fmt: object) -> str:
    """A UI string from the ``area`` catalogue in ``lang``, formatted with ``fmt``."""
    return lookup(catalogue(area), area, key, lang, **fmt)


_PLURAL = re.compile(r"\{(\w+)\|([^|{}]*)\|([^|{}]*)\}")


def _is_one(v: object, lang: str = "en") -> bool:
    """Whether the count ``v`` takes the singular in ``lang`` (CLDR's plural rules, via Babel)."""
    if isinstance(v, bool) or v is None:
        return False
    try:
        return plural_form(v, lang) == "one"
    except (TypeError, ValueError):
        return False


def chart_locale(lang: str) -> dict[str, Any]:
    """vl-convert's ``format_locale`` and ``time_format_locale`` for *lang* (month names, decimal comma):
    :func:`lia.charts_svg.chart_locale`, the one definition, which every chart is drawn with."""
    from .charts_svg import chart_locale as locale

    return locale(lang)


#: A page's root widget carries ``lia-page-lang-<code>``: the page script (frontend/src/index.js)
#: reads it to say connection trouble in the language the reader chose on the page.
PAGE_LANG_CLASS = "lia-page-lang-"


def mark_page_language(widget: Any, lang: str) -> None:
    """Tag *widget* (a page's root) with the page's language, replacing an earlier tag."""
    classes = tuple(c for c in widget._dom_classes if not c.startswith(PAGE_LANG_CLASS)) + (PAGE_LANG_CLASS + lang,)
    if classes != tuple(widget._dom_classes):
        widget._dom_classes = classes


# --------------------------------------------------------------------------- values for people
# Durations, dates and times in the reader's language (texts: templates/i18n/reports.yaml, ``value.*``).
# lia.model.format_value uses these for answers; the viewer, the report and the wizard's history
# use format_time for every moment they show.



def shipped_text(area: str, key: str, lang: str = "en", templates: Path | None = None, **fmt: object) -> str:
    """Like :func:`t`, from ``templates`` (default the templates in use), falling back to the texts that
    ship with lia when those templates have no ``i18n/<area>.yaml`` (e.g. a questionnaire-only folder)."""
    from .errors import LiaError

    try:
        entries = catalogue(area, templates)
    except (OSError, LiaError):
        from .paths import repo_root

        entries = catalogue(area, repo_root() / "templates")
    return lookup(entries, area, key, lang, **fmt)


def _value_text(key: str, lang: str, templates: Path | None = None, **fmt: object) -> str:
    return shipped_text("reports", key, lang, templates, **fmt)


def format_duration(value: Any, lang: str = "en", templates: Path | None = None) -> str:
    """An ISO 8601 date duration for people: ``P90D`` -> "90 days" / "90 dagar" / "90 dager";
    ``P1Y6M`` -> "1 year 6 months" (``unit.*`` texts). Anything else is returned as it is."""
    from .duration import parse_or_none

    d = parse_or_none(value) if isinstance(value, str) else None
    if d is None:
        return "" if value is None else str(value)
    names = {"Y": "year", "M": "month", "W": "week", "D": "day"}
    # CLDR's own duration units are not ours (Swedish "dygn" is 24 hours, not a calendar day):
    # the words are the catalogue's, the singular/plural choice is CLDR's rule for the language
    return " ".join(
        f"{int(n)} {_value_text('unit.' + names[u] + ('' if plural_form(int(n), lang) == 'one' else 's'), lang, templates)}"
        for n, u in d.parts())


def format_date(value: Any, lang: str = "en", templates: Path | None = None) -> str:
    """A date for people: ``2026-11-30`` -> "30 Nov 2026" / "30 nov. 2026" / "30. nov. 2026".
    Accepts ``YYYY-MM-DD`` strings and :class:`datetime.date`; anything else is returned as it is.
    The form and the month names are CLDR's medium date of the language (Babel); ``templates``
    is accepted for the callers that pass it and no longer used."""
    import datetime as _dt

    day = value
    if isinstance(value, str):
        try:
            day = _dt.date.fromisoformat(value.strip())
        except ValueError:
            return value
    if not isinstance(day, _dt.date):
        return "" if value is None else str(value)
    from babel.dates import format_date as _babel_date

    return str(_babel_date(day, "medium", locale=babel_locale(lang)))


def format_time(value: Any, lang: str = "en", tz: Any = None, templates: Path | None = None) -> str:
    """A moment for people, in local time with its zone: ``2026-11-30T13:05:00Z`` ->
    "30 nov. 2026 14:05 CET" (sv, Europe/Stockholm).

    ``value``: an ISO 8601 time (``Z`` or an offset; without one it is taken as UTC) or an aware
    :class:`datetime.datetime`. ``tz``: a zone name ("Europe/Oslo") or tzinfo; default the
    machine's local zone (``TZ``). A value that is not a time is returned as it is.
    """
    import datetime as _dt

    moment = value
    if isinstance(value, str):
        raw = value.strip()
        try:
            moment = _dt.datetime.fromisoformat(raw[:-1] + "+00:00" if raw.endswith(("Z", "z")) else raw)
        except ValueError:
            return value
    if not isinstance(moment, _dt.datetime):
        return "" if value is None else str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_dt.timezone.utc)
    if isinstance(tz, str):
        from zoneinfo import ZoneInfo

        tz = ZoneInfo(tz)
    local = moment.astimezone(tz) if tz is not None else moment.astimezone()
    zone = local.tzname() or local.strftime("%z")
    return _value_text("value.time", lang, templates, date=format_date(local.date(), lang, templates),
                       hour=f"{local.hour:02d}", minute=f"{local.minute:02d}", zone=zone)


#: The zone a report writes its times in, by the assessment's jurisdictions: a report must read the
#: same on every machine, so not the machine's zone. The first listed one that has a zone wins.
REPORT_ZONES = {"SE": "Europe/Stockholm", "NO": "Europe/Oslo", "EU": "Europe/Brussels"}


def report_zone(jurisdictions: Any) -> str:
    """The zone name for a report on ``jurisdictions`` (e.g. ``["EU", "SE"]`` -> "Europe/Stockholm")."""
    listed = [j for j in (jurisdictions or []) if j in REPORT_ZONES]
    national = [j for j in listed if j != "EU"]
    return REPORT_ZONES[(national or listed or ["EU"])[0]]
