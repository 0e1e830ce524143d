"""Charts on the pages: SVG drawn in the kernel by the project's one chart export
(:func:`lia.periods.charts.to_svg`: vl-convert, offline, numbers and dates in the page's language),
with a small cache so that switching filters back and forth does not draw the same chart again."""

from __future__ import annotations

import hashlib
import json
from typing import Any

__all__ = ["chart_svg"]

_svg_cache: dict[str, str] = {}


def chart_svg(chart: Any, lang: str = "en") -> str:
    """The Altair ``chart`` as SVG in ``lang`` (no JavaScript, nothing loaded)."""
    from lia.periods.charts import to_svg

    spec = chart.to_dict()
    key = hashlib.sha256((lang + json.dumps(spec, sort_keys=True, default=str)).encode()).hexdigest()
    if key not in _svg_cache:
        if len(_svg_cache) > 32:
            _svg_cache.clear()
        _svg_cache[key] = to_svg(chart, lang)
    return _svg_cache[key]
