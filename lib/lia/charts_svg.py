"""Charts as static SVG (or PNG): the workbench's one export of an Altair chart, through vl-convert.

Every chart a report, a page or the wizard shows goes through :func:`chart_svg` (or :func:`chart_png`);
this is the only module that calls vl-convert's render functions (``tests/reports/test_charts_svg.py``
checks it):

* offline: ``allowed_base_urls=[]``, so a spec that names a URL (data, image, font)
  fails instead of fetching it (DESIGN decision 5);
* in the reader's language (:func:`chart_locale`): numbers (decimal comma, grouping) and dates
  as the language writes them - month and day names (Swedish and Norwegian lower case:
  "juni", not d3's "Juni") and time-axis ticks in the language's order ("8 juni", "8. jun.",
  "8 Jun", not vega's "Jun 08"), unless an axis sets its own format (:func:`with_dates`);
* with the Vega-Lite version the spec was written for, when vl-convert has it;
* deterministic: the same spec and language give the same bytes;
* cached: one bounded cache (least recently used first out), keyed by the SHA-256 of
  the spec's canonical JSON and the language. Pages redraw the same charts often;
  a cache that grows without bound in a long-running server would be a leak.

vl-convert is imported when a chart is first drawn, never at import time.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import OrderedDict
from typing import Any

__all__ = ["CACHE_SIZE", "NUMBER_LOCALES", "TIME_AXIS_FORMATS", "TIME_LOCALES", "cache_clear", "cache_info", "chart_locale", "chart_png",
           "chart_spec", "chart_svg", "time_locale", "warm_up", "with_dates"]

#: At most this many drawings are kept (SVG and PNG together).
CACHE_SIZE = 256

_cache: OrderedDict[tuple[str, ...], Any] = OrderedDict()
_lock = threading.Lock()
_stats = {"hits": 0, "misses": 0}
_XML_DECL = re.compile(r"^<\?xml[^>]*>\s*")


def chart_spec(chart: Any) -> dict[str, Any]:
    """The Vega-Lite spec of an Altair chart (``to_dict()``), or the mapping itself."""
    spec = chart.to_dict() if hasattr(chart, "to_dict") else chart
    if not isinstance(spec, dict):
        raise TypeError(f"expected an Altair chart or a Vega-Lite spec (a mapping), got {type(chart).__name__}")
    return spec


# --------------------------------------------------------------------------- the reader's language
# d3 locales for vl-convert. d3-format has no nb-NO: the Norwegian number format inline. The time
# locales are written out: the Swedish one d3 ships capitalises month names ("Juni") and every one
# keeps vega's English day order ("Jun 08"), where a Swedish or Norwegian reader writes "8 juni".

#: d3-format locales (``format_locale``): decimal sign, grouping.
NUMBER_LOCALES: dict[str, Any] = {"en": "en-GB", "sv": "sv-SE",
                                  "nb": {"decimal": ",", "thousands": "\u00a0", "grouping": [3],
                                         "currency": ["", " kr"]}}

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


def chart_locale(lang: str) -> dict[str, Any]:
    """vl-convert's ``format_locale`` and ``time_format_locale`` for ``lang`` (English for an unknown language)."""
    return {"format_locale": NUMBER_LOCALES.get(lang, NUMBER_LOCALES["en"]), "time_format_locale": time_locale(lang)}


def with_dates(chart: Any, lang: str) -> dict[str, Any]:
    """The spec of ``chart`` whose time axes label their ticks as ``lang`` writes dates ("8 juni", "juni", "2025").

    An axis that sets its own ``format`` keeps it, and so does a spec whose configuration already
    gives time axes a format. The caller's chart or spec is not changed.
    """
    spec = chart_spec(chart)
    config: dict[str, Any] = spec["config"] if isinstance(spec.get("config"), dict) else {}
    temporal: dict[str, Any] = config["axisTemporal"] if isinstance(config.get("axisTemporal"), dict) else {}
    if "format" in temporal:
        return spec
    formats = TIME_AXIS_FORMATS.get(lang, TIME_AXIS_FORMATS["en"])
    return {**spec, "config": {**config, "axisTemporal": {**temporal, "format": dict(formats)}}}


def _vl_version(spec: dict[str, Any], supported: list[str]) -> str | None:
    """``"6.4"`` for a spec whose ``$schema`` is ``.../vega-lite/v6.4.1.json``, if vl-convert has it."""
    schema = str(spec.get("$schema", ""))
    version = ".".join(schema.rsplit("/v", 1)[-1].split(".")[:2]) if "/v" in schema else ""
    return version if version in supported else None


def _key(kind: str, spec: dict[str, Any], lang: str, extra: str = "") -> tuple[str, ...]:
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()
    return (kind, digest, lang, extra)


def _cached(key: tuple[str, ...], draw: Any) -> Any:
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            _stats["hits"] += 1
            return _cache[key]
    out = draw()  # outside the lock: drawing takes a while, and equal drawings are equal
    with _lock:
        _stats["misses"] += 1
        _cache[key] = out
        _cache.move_to_end(key)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return out


def _convert_args(spec: dict[str, Any], lang: str) -> dict[str, Any]:
    import vl_convert as vlc

    supported = vlc.get_vegalite_versions() if hasattr(vlc, "get_vegalite_versions") else []
    args: dict[str, Any] = {"allowed_base_urls": [], **chart_locale(lang)}
    version = _vl_version(spec, list(supported))
    if version is not None:
        args["vl_version"] = version
    return args


def _draw_svg(spec: dict[str, Any], lang: str) -> str:
    import vl_convert as vlc

    return _XML_DECL.sub("", vlc.vegalite_to_svg(spec, **_convert_args(spec, lang)))


def _draw_png(spec: dict[str, Any], lang: str, scale: float) -> bytes:
    import vl_convert as vlc

    return bytes(vlc.vegalite_to_png(spec, scale=scale, **_convert_args(spec, lang)))


def chart_svg(chart: Any, lang: str = "en") -> str:
    """The chart as SVG text (no XML declaration: ready to inline in HTML), offline and in *lang*."""
    spec = with_dates(chart, lang)
    return str(_cached(_key("svg", spec, lang), lambda: _draw_svg(spec, lang)))


def chart_png(chart: Any, lang: str = "en", scale: float = 2.0) -> bytes:
    """The chart as PNG bytes, offline and in *lang* (``scale`` 2: sharp on high-density screens)."""
    spec = with_dates(chart, lang)
    return bytes(_cached(_key("png", spec, lang, repr(scale)), lambda: _draw_png(spec, lang, scale)))


def warm_up() -> None:
    """Start vl-convert (its JavaScript engine takes a while the first time) by drawing a tiny chart.

    Kept out of the cache: a warm kernel calls it before its first notebook, and what it draws is no
    one's chart.
    """
    spec = {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "data": {"values": [{"a": 1}]},
            "mark": "point", "encoding": {"x": {"field": "a", "type": "quantitative"}}}
    _draw_svg(with_dates(spec, "en"), "en")


def cache_info() -> dict[str, int]:
    """Hits, misses, entries and the bound of the one chart cache."""
    with _lock:
        return {**_stats, "size": len(_cache), "max": CACHE_SIZE}


def cache_clear() -> None:
    """Empty the chart cache (tests)."""
    with _lock:
        _cache.clear()
        _stats.update(hits=0, misses=0)
