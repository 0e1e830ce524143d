"""The balancing chart and the risk map render offline to SVG in each language."""

from __future__ import annotations

import json

import pytest

from lia.rules import evaluate
from lia.rules.charts import balancing_chart, risk_map_chart
from rules_testlib import base_answers  # noqa: F401  (fixture)


@pytest.mark.parametrize("lang, title", [("en", "Balancing test"), ("sv", "Intresseavvägning"), ("nb", "Interesseavveining")])
def test_balancing_chart(base_answers, lang: str, title: str) -> None:
    import vl_convert as vlc

    base_answers["access.logged"] = False
    ev = evaluate({"jurisdictions": ["EU"]}, base_answers)
    spec = balancing_chart(ev, lang).to_dict()
    rows = spec["data"]["values"]
    access = next(r for r in rows if r["key"] == "against")
    assert access["score"] < 0 and len(rows) == 14
    svg = vlc.vegalite_to_svg(json.dumps(spec))
    assert title in svg and "http" not in svg.replace("http://www.w3.org", "")


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
