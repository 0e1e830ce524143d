"""Charts as static SVG (or PNG): the workbench's one export of an Altair chart, through vl-convert.

Every chart a report, a page or the wizard shows goes through :func:`chart_svg`:

* offline: ``allowed_base_urls=[]``, so a spec that names a URL (data, image, font)
  fails instead of fetching it (DESIGN decision 5);
* in the reader's language: month names and number format from
  :func:`lia.i18n.chart_locale`;
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

__all__ = ["CACHE_SIZE", "cache_clear", "cache_info", "chart_png", "chart_spec", "chart_svg"]

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

    from .i18n import chart_locale

    supported = vlc.get_vegalite_versions() if hasattr(vlc, "get_vegalite_versions") else []
    args: dict[str, Any] = {"allowed_base_urls": [], **chart_locale(lang)}
    version = _vl_version(spec, list(supported))
    if version is not None:
        args["vl_version"] = version
    return args


def chart_svg(chart: Any, lang: str = "en") -> str:
    """The chart as SVG text (no XML declaration: ready to inline in HTML), offline and in *lang*."""
    spec = chart_spec(chart)

    def draw() -> str:
        import vl_convert as vlc

        return _XML_DECL.sub("", vlc.vegalite_to_svg(spec, **_convert_args(spec, lang)))

    return str(_cached(_key("svg", spec, lang), draw))


def chart_png(chart: Any, lang: str = "en", scale: float = 2.0) -> bytes:
    """The chart as PNG bytes, offline and in *lang* (``scale`` 2: sharp on high-density screens)."""
    spec = chart_spec(chart)

    def draw() -> bytes:
        import vl_convert as vlc

        return bytes(vlc.vegalite_to_png(spec, scale=scale, **_convert_args(spec, lang)))

    return bytes(_cached(_key("png", spec, lang, repr(scale)), draw))


def cache_info() -> dict[str, int]:
    """Hits, misses, entries and the bound of the one chart cache."""
    with _lock:
        return {**_stats, "size": len(_cache), "max": CACHE_SIZE}


def cache_clear() -> None:
    """Empty the chart cache (tests)."""
    with _lock:
        _cache.clear()
        _stats.update(hits=0, misses=0)
