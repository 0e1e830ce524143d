"""Charts on the pages: SVG drawn in the kernel by the project's one chart export,
:func:`lia.charts_svg.chart_svg` (vl-convert, offline, numbers and dates in the page's language, one bounded
cache, so that switching filters back and forth does not draw the same chart again)."""

from __future__ import annotations

from lia.charts_svg import chart_svg

__all__ = ["chart_svg"]
