"""lia.charts_svg: the one chart export - offline, in the reader's language, deterministic, one bounded cache."""

from __future__ import annotations

import pytest

from lia import charts_svg


def _spec(values: list[dict[str, object]], **extra: object) -> dict[str, object]:
    return {"$schema": "https://vega.github.io/schema/vega-lite/v6.4.1.json", "data": {"values": values},
            "mark": "bar", "encoding": {"x": {"field": "day", "type": "temporal", "axis": {"format": "%B"}},
                                        "y": {"field": "n", "type": "quantitative"}}, **extra}


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    charts_svg.cache_clear()


def test_a_chart_never_loads_from_outside() -> None:
    spec = {"data": {"url": "https://example.org/calls.csv"}, "mark": "point",
            "encoding": {"x": {"field": "a", "type": "quantitative"}}}
    with pytest.raises(Exception) as exc:  # vl-convert refuses the URL instead of fetching it
        charts_svg.chart_svg(spec)
    assert "example.org" in str(exc.value) or "allowed" in str(exc.value).lower()


def test_month_names_follow_the_language_and_the_svg_is_ready_to_inline() -> None:
    spec = _spec([{"day": "2026-03-15", "n": 3}, {"day": "2026-05-15", "n": 5}])
    en, sv = charts_svg.chart_svg(spec, "en"), charts_svg.chart_svg(spec, "sv")
    assert ">May<" in en and ">maj<" in sv and ">May<" not in sv  # Swedish writes month names in lower case
    assert en.startswith("<svg") and not en.startswith("<?xml")
    charts_svg.cache_clear()
    assert charts_svg.chart_svg(spec, "en") == en  # deterministic: the same bytes again


def test_an_altair_chart_and_its_spec_draw_the_same() -> None:
    import altair as alt
    import pandas as pd

    chart = alt.Chart(pd.DataFrame({"a": [1, 2], "b": [3, 4]})).mark_point().encode(x="a:Q", y="b:Q")
    assert charts_svg.chart_svg(chart) == charts_svg.chart_svg(chart.to_dict())
    assert charts_svg.chart_png(chart).startswith(b"\x89PNG")


def test_the_cache_repeats_drawings_and_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charts_svg, "CACHE_SIZE", 3)
    specs = [_spec([{"day": "2026-01-01", "n": i}]) for i in range(5)]
    first = charts_svg.chart_svg(specs[0])
    assert charts_svg.chart_svg(specs[0]) is first and charts_svg.cache_info()["hits"] == 1
    for s in specs[1:]:
        charts_svg.chart_svg(s)
    info = charts_svg.cache_info()
    assert info["size"] == 3 and info["misses"] == 5
    charts_svg.chart_svg(specs[0])  # the oldest was dropped: drawn again
    assert charts_svg.cache_info()["misses"] == 6
    charts_svg.chart_svg(specs[4])  # recently used: still there
    assert charts_svg.cache_info()["hits"] == 2
