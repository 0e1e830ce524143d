"""The balancing chart and the risk map render offline to SVG in each language."""

from __future__ import annotations

import json

import pytest

from lia.rules import evaluate
from lia.rules.charts import balancing_chart, risk_map_chart
from rules_testlib import base_answers  # noqa: F401  (fixture)


@pytest.mark.parametrize("lang, title", [("en", "Balancing test"), ("sv", "Intresseavvägning"), ("nb", "Interesseavveining")])
def test_balancing_chart(base_answers, lang: str, title: str) -> None:
    """The chart shows the weighing the verdict rests on: the interest against each impact after the
    safeguards beyond compliance, the part they took off, and the impact that remains."""
    import vl_convert as vlc

    base_answers.update({"access.logged": False, "retention.period": "P2Y"})
    ev = evaluate({"jurisdictions": ["EU"]}, base_answers)
    spec = balancing_chart(ev, lang).to_dict()
    rows = spec["data"]["values"]
    w = next(t for g in ev.to_json(lang)["groups"] if g["group"] == "agents" for t in g["purposes"])["weighing"]
    interest = rows[0]
    assert interest["points"] == w["interest_points"] == 3
    impacts = [r for r in rows if r["order"] not in (0, 1, 99)]
    assert sum(r["points"] for r in impacts) == -(w["impact_points"] + 1)  # retention 2 -> 1: one point taken off
    assert rows[-1]["points"] == -w["impact_points"]
    svg = vlc.vegalite_to_svg(json.dumps(spec))
    assert title in svg and "http" not in svg.replace("http://www.w3.org", "")


def test_balancing_chart_without_a_weighing_shows_the_factors() -> None:
    ev = evaluate({"jurisdictions": ["EU"]}, {})
    rows = balancing_chart(ev, "en").to_dict()["data"]["values"]
    assert len(rows) == 14 and {r["key"] for r in rows} <= {"for", "against", "neutral"}


def test_risk_map(base_answers) -> None:
    import vl_convert as vlc

    ev = evaluate({"jurisdictions": ["EU"]}, base_answers)
    spec = risk_map_chart(ev, "sv").to_dict()
    points = spec["layer"][2]["data"]["values"]
    r1 = [p for p in points if p["ref"] == "R1"]
    assert [p["when"] for p in r1] == ["före åtgärder", "efter åtgärder"]
    assert r1[0]["likelihood"] == "begränsad" and r1[1]["likelihood"] == "försumbar"
    assert len(spec["layer"][0]["data"]["values"]) == 8  # high-risk cells: row maximum, column maximum, and significant x significant
    assert "Riskkarta" in vlc.vegalite_to_svg(json.dumps(spec))
