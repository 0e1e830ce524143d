"""lia.charts_svg: the one chart export - offline, in the reader's language, deterministic, one bounded cache."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

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


# --------------------------------------------------------------------------- one renderer, every chart in Swedish

#: vl-convert's module and its render functions, however they are imported or called.
VL_CONVERT = re.compile(r"\bvl_convert\b|\b(?:vegalite|vega|svg)_to_(?:svg|png|pdf|jpeg|html|vega|url|scenegraph)\b")
#: vega's default English day-month order ("Jun 08"), which no Swedish reader writes.
ENGLISH_ORDER = re.compile(r">(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{2}<")
SV_MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
             "november", "december", "jan.", "feb.", "apr.", "aug.", "sep.", "okt.", "nov.", "dec.")
#: An English date on an axis ("June", "8 Jun", "May 2026").
EN_DATE = re.compile(r"(?:\d{1,2}\.? )?(?:January|February|March|April|May|June|July|August|September|October|"
                     r"November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\.?(?: \d{2,4})?")


def _ticks(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def _assert_swedish_dates(svg: str) -> None:
    ticks = _ticks(svg)
    assert any(w in SV_MONTHS for t in ticks for w in t.split()), ticks
    assert not ENGLISH_ORDER.search(svg), ENGLISH_ORDER.findall(svg)
    assert not [t for t in ticks if EN_DATE.fullmatch(t)], ticks


def test_one_module_calls_vl_convert() -> None:
    """Every chart is drawn by lia.charts_svg: offline, in the reader's language, through one bounded cache.
    A second caller of vl-convert would draw without one of them (as four wrappers once did)."""
    import lia

    lib = Path(lia.__file__).parent
    callers = sorted(p.relative_to(lib).as_posix() for p in lib.rglob("*.py")
                     if VL_CONVERT.search(p.read_text(encoding="utf-8")))
    assert callers == ["charts_svg.py"]


def test_a_works_council_timeline_in_swedish_writes_swedish_dates() -> None:
    from lia.periods import charts
    from lia.periods.analysis import analyse
    from lia.periods.calllog import from_table
    from lia.periods.limits import Limits
    from lia.periods.synth import generate

    g = generate(seed=5, weeks=10, teams=2, agents_per_team=3, calls_per_agent_day=6)
    report = analyse(from_table(g.table), Limits.from_answers(g.answers))
    chart = charts.all_charts(report, lang="sv")["timeline"]
    _assert_swedish_dates(charts.to_svg(chart, "sv"))
    assert charts.to_png(chart, lang="sv").startswith(b"\x89PNG")


def test_the_portfolio_review_chart_in_swedish_writes_swedish_months() -> None:
    from lia.dashboards.portfolio import PortfolioRow, review_chart
    from lia.pages.charts import chart_svg

    rows = [PortfolioRow(id="a", review_date="2026-05-20", review="overdue"),
            PortfolioRow(id="b", review_date="2026-07-02", review="due_soon"),
            PortfolioRow(id="c", review_date="2026-10-11", review="ok")]
    labels = {"overdue": "Försenad", "due_soon": "Snart", "ok": "Senare", "month": "Månad", "count": "Antal",
              "review": "Granskning", "today": "Idag"}
    svg = chart_svg(review_chart(rows, labels, date(2026, 6, 15)), "sv")
    _assert_swedish_dates(svg)
    assert "maj 2026" in _ticks(svg)


def test_a_rendered_swedish_report_writes_its_chart_dates_in_swedish(tmp_path: Path, templates_copy: Path,
                                                                     pool: Any) -> None:
    """The call-log charts of a Swedish report once read "Jun 08" beside Swedish text."""
    from lia.example import EXAMPLE_ID
    from lia.periods.analysis import analyse
    from lia.periods.calllog import read_call_log
    from lia.periods.evidence import attach
    from lia.periods.limits import Limits
    from lia.periods.synth import generate
    from lia.store import Store

    from .conftest import make_workspace, render_one

    ws = make_workspace(tmp_path / "ws", templates_copy)
    g = generate(seed=3, inject=("whole_week",), weeks=12, teams=2, agents_per_team=3, calls_per_agent_day=6)
    log = g.write_parquet(tmp_path / "calls.parquet")
    rep = analyse(read_call_log(log), Limits.from_answers(g.answers))
    attach(ws, EXAMPLE_ID, rep, version=Store(ws).load(EXAMPLE_ID), source=log, tz="Europe/Stockholm")
    html = (render_one(ws, EXAMPLE_ID, templates_copy, pool, lang="sv") / "report.html").read_text(encoding="utf-8")
    section = html[html.index('id="periods"'):html.index('id="access"')]
    svgs = re.findall(r"<svg.*?</svg>", section, flags=re.S)
    assert len(svgs) >= 3, "the three call-log charts"
    _assert_swedish_dates("".join(svgs))
