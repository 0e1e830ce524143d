"""Dates on chart axes in the reader's language.

:func:`lia.i18n.chart_locale` names d3 locales for vl-convert; the Swedish one d3 ships writes
month names capitalised ("Juni", "Jun 08") and every locale keeps vega's English day order
("Jun 08"). A Swedish or Norwegian reader writes "8 juni" / "8. juni", and a page should not mix
"Jun 08" with "Juni". This module gives the time locale of each language (month and day names as
the language writes them) and the tick formats per time unit, which :func:`lia.periods.charts.to_svg`
and ``to_png`` (the project's one chart export) apply to every chart they draw.
"""

from __future__ import annotations

from typing import Any

__all__ = ["TIME_LOCALES", "TIME_AXIS_FORMATS", "time_locale", "with_dates"]

#: d3-time-format locales: what ``%B``, ``%b``, ``%A``, ``%a`` and ``%x`` print in each language.
TIME_LOCALES: dict[str, dict[str, Any]] = {
    "en": {"dateTime": "%a %e %b %Y %X", "date": "%d/%m/%Y", "time": "%H:%M:%S", "periods": ["AM", "PM"],
           "days": ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
           "shortDays": ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
           "months": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                      "October", "November", "December"],
           "shortMonths": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]},
    "sv": {"dateTime": "%A %e %B %Y %X", "date": "%Y-%m-%d", "time": "%H:%M:%S", "periods": ["fm", "em"],
           "days": ["söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag"],
           "shortDays": ["sön", "mån", "tis", "ons", "tors", "fre", "lör"],
           "months": ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
                      "oktober", "november", "december"],
           "shortMonths": ["jan.", "feb.", "mars", "apr.", "maj", "juni", "juli", "aug.", "sep.", "okt.", "nov.",
                           "dec."]},
    "nb": {"dateTime": "%A %e. %B %Y kl. %X", "date": "%d.%m.%Y", "time": "%H:%M:%S", "periods": ["", ""],
           "days": ["søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"],
           "shortDays": ["søn.", "man.", "tir.", "ons.", "tor.", "fre.", "lør."],
           "months": ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september",
                      "oktober", "november", "desember"],
           "shortMonths": ["jan.", "feb.", "mar.", "apr.", "mai", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.",
                           "des."]},
}

#: Tick labels of time axes per time unit (vega's multi-format), day before month as each language writes it.
TIME_AXIS_FORMATS: dict[str, dict[str, str]] = {
    "en": {"year": "%Y", "quarter": "%B", "month": "%B", "week": "%-d %b", "date": "%-d %b", "hours": "%H:%M",
           "minutes": "%H:%M", "seconds": "%H:%M:%S", "milliseconds": "%H:%M:%S.%L"},
    "sv": {"year": "%Y", "quarter": "%B", "month": "%B", "week": "%-d %b", "date": "%-d %b", "hours": "%H:%M",
           "minutes": "%H:%M", "seconds": "%H:%M:%S", "milliseconds": "%H:%M:%S.%L"},
    "nb": {"year": "%Y", "quarter": "%B", "month": "%B", "week": "%-d. %b", "date": "%-d. %b", "hours": "%H:%M",
           "minutes": "%H:%M", "seconds": "%H:%M:%S", "milliseconds": "%H:%M:%S.%L"},
}


def time_locale(lang: str) -> dict[str, Any]:
    """vl-convert's ``time_format_locale`` for ``lang`` (English for an unknown language)."""
    return TIME_LOCALES.get(lang, TIME_LOCALES["en"])


def with_dates(chart: Any, lang: str) -> Any:
    """``chart`` whose time axes label their ticks as ``lang`` writes dates ("8 juni", "juni", "2025").

    An axis that sets its own ``format`` keeps it. Charts that cannot take a top-level
    configuration (none of the workbench's) are returned as they are.
    """
    try:
        return chart.configure_axisTemporal(format=TIME_AXIS_FORMATS.get(lang, TIME_AXIS_FORMATS["en"]))
    except (AttributeError, ValueError, TypeError):
        return chart
