"""Works-council charts: offline SVG/PNG, aggregated data, three languages, filters."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from lia.periods import charts
from lia.periods.analysis import analyse
from lia.periods.calllog import from_table
from lia.periods.limits import Limits
from lia.periods.synth import INJECTABLE, generate

ALLOWED_URLS = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


@pytest.fixture(scope="module")
def report():
    g = generate(seed=2, inject=INJECTABLE, weeks=26, teams=3, agents_per_team=5, calls_per_agent_day=20)
    return analyse(from_table(g.table), Limits.from_answers(g.answers))


@pytest.mark.parametrize("name", ["timeline", "weekly_share", "retention"])
def test_charts_render_to_svg_offline(report, name):
    svg = charts.to_svg(charts.all_charts(report)[name])
    assert svg.lstrip().startswith("<svg")
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", svg))
    assert urls <= ALLOWED_URLS, f"external references in the SVG: {urls - ALLOWED_URLS}"


def test_png_export_writes_files(report, tmp_path):
    paths = charts.export(charts.all_charts(report, team="support"), tmp_path, "png")
    assert sorted(p.name for p in paths) == ["periods-retention.png", "periods-timeline.png", "periods-weekly_share.png"]
    for p in paths:
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]


def test_specs_carry_aggregates_not_calls(report):
    for chart in charts.all_charts(report).values():
        spec = chart.to_dict()
        rows = sum(len(v) for v in spec.get("datasets", {}).values())
        assert 0 < rows < 10_000
    assert report.overview["calls"] > 30_000  # so the calls themselves were not shipped


def test_over_limit_runs_are_highlighted(report):
    spec = charts.timeline(report, by="agent").to_dict()
    data = [r for v in spec["datasets"].values() for r in v if "status" in r]
    over = {(r["who"], r["start"]) for r in data if r["status"] == "over the limit"}
    expected = {(b.agent, b.start.isoformat()) for b in report.breaches if b.kind == "consecutive_days"}
    assert over == expected and over


@pytest.mark.parametrize("lang, title", [("en", "Recorded working days per agent"),
                                         ("sv", "Inspelade arbetsdagar per medarbetare"),
                                         ("nb", "Innspilte arbeidsdager per medarbeider")])
def test_titles_in_three_languages(report, lang, title):
    svg = charts.to_svg(charts.timeline(report, by="agent", team="support", lang=lang))
    assert title in svg


def test_team_and_period_filters(report):
    spec = charts.weekly_share(report, team="sales", start=date(2025, 2, 1), end=date(2025, 2, 28)).to_dict()
    rows = [r for v in spec["datasets"].values() for r in v]
    assert rows and all(r["who"] in set(report.agents.loc[report.agents["team"] == "sales", "agent"]) for r in rows)
    assert {r["week"] for r in rows} <= {f"2025-W{w:02d}" for w in range(5, 10)}
    text = json.dumps(charts.timeline(report, by="team", team="sales").to_dict())
    assert "support" not in text


def test_no_limit_and_empty_selection_still_render(report):
    empty = charts.all_charts(report, team="sales", start=date(2030, 1, 1), end=date(2030, 1, 31))
    for chart in empty.values():
        assert charts.to_svg(chart).lstrip().startswith("<svg")


@pytest.mark.parametrize("lang,month,english", [("sv", "maj", "May"), ("nb", "mai", "May")])
def test_dates_on_the_axes_in_the_readers_language(report, lang, month, english):
    """A Swedish or Norwegian works council reads month names in its own language."""
    svg = charts.to_svg(charts.all_charts(report, lang=lang)["timeline"], lang)
    labels = re.findall(r">([^<>]+)</text>", svg)
    assert any(month in x.lower() for x in labels), labels[:40]
    assert not any(english in x for x in labels)


def test_team_timeline_without_a_training_period_in_view_still_draws_every_team_day():
    """With the example assessment (training periods in 2027) and the demo log (2025) the team timeline
    showed only the red runs, over two weeks, and "NaN" in its colour legend: the bars' data was lost."""
    import dataclasses

    g = generate(seed=2, inject=INJECTABLE, weeks=20, teams=3, agents_per_team=5, calls_per_agent_day=10)
    limits = Limits.from_answers(g.answers)
    far = [dataclasses.replace(tp, start=date(2027, 1, 11), end=date(2027, 1, 13)) for tp in limits.training_periods]
    rep = analyse(from_table(g.table), dataclasses.replace(limits, training_periods=tuple(far)))
    assert rep.runs["over_limit"].astype(bool).any()  # the red runs are there, as in the report
    chart = charts.all_charts(rep)["timeline"]
    spec = chart.to_dict()
    bars = [layer for layer in spec["layer"] if layer.get("encoding", {}).get("color", {}).get("field") == "agents"]
    assert len(bars) == 1
    rows = spec["datasets"][bars[0]["data"]["name"]] if "data" in bars[0] else []
    td = charts.team_days(rep)
    assert len(rows) == int((td["agents_recorded"] > 0).sum()) > 0
    assert {r["who"] for r in rows} == set(td["team"])
    svg = charts.to_svg(chart)
    assert "NaN" not in svg
