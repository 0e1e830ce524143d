"""The LIA decision table: cumulative steps, hard stops, outweighing, measures, reasons."""

from __future__ import annotations

from typing import Any

import pytest

from lia.rules import evaluate
from rules_testlib import base_answers  # noqa: F401  (fixture)


def run(answers: dict[str, Any], juris=("EU",), **kw):
    return evaluate({"id": "t", "jurisdictions": list(juris)}, answers, **kw)


def verdicts(ev) -> tuple[str, str, str, str]:
    return tuple(ev.lia[s].verdict for s in ("purpose", "necessity", "balancing", "overall"))


def test_baseline_passes_everything(base_answers) -> None:
    ev = run(base_answers)
    assert verdicts(ev) == ("pass", "pass", "pass", "yes")
    reason = ev.to_json()["lia"]["purpose"]["reasons"][0]
    assert reason["answers"]["purpose.lawful"] is True  # a pass also says what it rests on


@pytest.mark.parametrize(
    "change, failed",
    [
        ({"purpose.lawful": False}, "purpose"),
        ({"necessity.furthers_purpose": False}, "necessity"),
        ({"employees.private_calls_unrecorded": False, "periods.continuous": True,
          "periods.training_periods": [], "employees.performance_use": "individual_evaluation",
          "employees.disciplinary_use": "yes"}, "balancing"),
    ],
)
def test_any_failed_step_means_no_whatever_the_others_say(base_answers, change, failed) -> None:
    base_answers.update(change)
    ev = run(base_answers)
    order = ("purpose", "necessity", "balancing")
    assert ev.lia[failed].verdict == "fail"
    # a failed step ends the test: the later steps are not reached, the earlier ones did not fail
    assert all(ev.lia[s].verdict not in ("fail", "pass_with_measures") for s in order if s != failed)
    assert all(ev.lia[s].verdict == "not_reached" for s in order[order.index(failed) + 1:])
    assert ev.lia["overall"].verdict == "no"
    text = ev.to_json()["lia"]["overall"]["reasons"][0]["text"]
    assert "cumulative" in text


def test_failed_step_overall_reasons_carry_the_findings(base_answers) -> None:
    base_answers["information.callers_told"] = "not_told"
    js = run(base_answers).to_json("nb")
    rules = [r["rule"] for r in js["lia"]["overall"]["reasons"]]
    assert "eu.hard_stop.callers_not_told" in rules
    r = next(r for r in js["lia"]["overall"]["reasons"] if r["rule"] == "eu.hard_stop.callers_not_told")
    assert r["answers"] == {"information.callers_told": "not_told"}
    assert "Innringere" in r["text"]


def test_hard_stop_cannot_be_outweighed_by_safeguards(base_answers) -> None:
    base_answers["ai.uses"] = ["agent_emotion_recognition"]
    ev = run(base_answers)
    pro = [k for k, f in ev.factors.items() if f.counted and f.position == "for"]
    assert len(pro) >= 5  # many factors still weigh for ...
    assert ev.lia["balancing"].verdict == "fail"  # ... and it does not matter


def test_warnings_lead_to_measures_not_failure(base_answers) -> None:
    base_answers["access.logged"] = False
    ev = run(base_answers)
    assert verdicts(ev) == ("pass", "pass", "pass_with_measures", "conditional")
    reasons = ev.to_json()["lia"]["overall"]["reasons"]
    assert any(r["rule"] == "eu.access.not_logged" for r in reasons)


def test_the_balance_weighs_rather_than_counts(base_answers) -> None:
    """Three factors against: all staff can listen unlogged (high), the union opposes (medium) and
    two years' retention (medium, lowered by pseudonymised clips) outweigh an ordinary training
    interest; the union's opposition alone does not."""
    base_answers.update({"access.scope": "all_staff", "access.logged": False,
                         "retention.period": "P2Y", "union.position": "opposes"})
    ev = run(base_answers)
    against = sorted(k for k, f in ev.factors.items() if f.counted and f.position == "against")
    assert against == ["access", "retention", "union"]
    assert ev.lia["balancing"].verdict == "fail"
    w = next(t for g in ev.to_json()["groups"] if g["group"] == "agents" for t in g["purposes"])["weighing"]
    assert w["impact_points"] > w["interest_points"]
    levels = {i["factor"]: (i["level_before"], i["level"]) for i in w["impacts"]}
    assert levels["access"] == ("high", "high") and levels["retention"] == ("medium", "low")
    assert "outweighs the interest" in w["text"]
    base_answers.update({"access.scope": "training_and_qa_managers", "access.logged": True,
                         "retention.period": "P90D"})
    assert run(base_answers).lia["balancing"].verdict == "pass_with_measures"


def test_outweighing_fails_without_any_blocker(base_answers) -> None:
    base_answers.update({
        "periods.continuous": True, "periods.training_periods": [],
        "employees.performance_use": "individual_evaluation",
        "union.position": "opposes",
        "access.scope": "all_staff", "access.logged": False,
        "retention.period": "P2Y",
        "safeguards.encrypted_at_rest": False,
    })
    ev = run(base_answers)
    assert not any(f.severity == "blocker" for f in ev.findings)
    assert ev.lia["balancing"].verdict == "fail"
    assert ev.lia["overall"].verdict == "no"


def test_an_empty_interest_is_not_assessed_and_a_broad_scope_needs_reduction(base_answers) -> None:
    base_answers.update({"purpose.interest": "", "necessity.recording_scope": "all_calls",
                         "periods.share_recorded_percent": 100})
    ev = run(base_answers)
    assert ev.lia["purpose"].verdict == "not_assessed"  # not demonstrated is not met (Art. 5(2))
    assert ev.lia["necessity"].verdict == "needs_scope_reduction"
    assert ev.lia["overall"].verdict == "not_assessed"
    base_answers["purpose.interest"] = "Training new agents on real calls."
    base_answers["purpose.benefit"] = ""
    base_answers["purpose.consequence_if_not"] = ""
    assert run(base_answers).lia["purpose"].verdict == "needs_refinement"


def test_an_infringement_is_unlawful_not_conditional(base_answers) -> None:
    base_answers["safeguards.data_location"] = "third_country_no_safeguards"
    ev = run(base_answers)
    assert verdicts(ev)[:3] == ("pass", "pass", "pass")
    assert ev.lia["overall"].verdict == "unlawful"
    assert any(r.finding and r.finding.id == "eu.transfers.no_safeguards" for r in ev.lia["overall"].reasons)
    js = ev.to_json("sv")
    assert js["lia"]["overall"]["label"].startswith("olagligt")
    assert js["lia"]["overall"]["cures"] and "standardavtalsklausuler" in js["lia"]["overall"]["cures"][0]


def test_info_findings_do_not_change_verdicts(base_answers) -> None:
    base_answers["purpose.new_purpose_approval"] = False
    ev = run(base_answers)
    assert "eu.purpose.no_change_control" in ev.fired()
    assert verdicts(ev) == ("pass", "pass", "pass", "yes")


def test_safeguards_that_are_baseline_never_weigh_for(base_answers) -> None:
    """Encryption, a processor agreement and a breach routine are compliance, not points in favour."""
    ev = run(base_answers)
    pro_rules = {f.id for f in ev.findings if f.rule.rule.weighs == "for"}
    assert not any(("encrypt" in r or "processor" in r or "breach" in r) for r in pro_rules)
    assert ev.factors["security"].position == "neutral"
    base_answers["safeguards.encrypted_at_rest"] = False
    assert run(base_answers).factors["security"].position == "against"


def test_assessor_yes_with_failed_step_is_flagged(base_answers) -> None:
    base_answers["purpose.real_and_present"] = False
    ev = run(base_answers)
    assert "eu.consistency.assessor_yes_but_no" in ev.fired()
    base_answers["conclusion.assessor_verdict"] = "no"
    assert "eu.consistency.assessor_yes_but_no" not in run(base_answers).fired()


def test_json_shape(base_answers) -> None:
    js = run(base_answers, juris=("EU", "SE", "NO")).to_json("sv")
    assert set(js["lia"]) == {"purpose", "necessity", "balancing", "overall"}
    for step in js["lia"].values():
        assert step["verdict"] and step["label"] and step["reasons"]
    assert {"criteria_met", "required", "reasons"} <= set(js["dpia"])
    assert [p["id"] for p in js["packs"]] == ["eu", "se", "no"]
    f = js["findings"][0]
    assert {"rule", "severity", "step", "factor", "citation", "message", "remediation", "question"} <= set(f)
    assert isinstance(f["citation"], str) and f["citation"]
    assert len(js["factors"]) == 14 and {x["position"] for x in js["factors"]} <= {"for", "against", "neutral"}


def test_bad_language_and_evidence_are_errors(base_answers) -> None:
    from lia.errors import InputError, LiaError

    with pytest.raises(LiaError, match="expected one of: en, sv, nb"):
        run(base_answers, lang="de")
    with pytest.raises(InputError, match="evidence item 1"):
        run(base_answers, evidence=[{"agent": "A1"}])


def test_evidence_weighs_even_when_the_policy_is_fine(base_answers) -> None:
    assert run(base_answers, juris=("EU", "SE")).lia["balancing"].verdict == "pass"
    ev = run(base_answers, juris=("EU", "SE"), evidence=[{"kind": "whole_weeks", "agent": "A-1", "value": 5}])
    assert ev.lia["balancing"].verdict == "pass_with_measures"
    f = next(f for f in ev.findings if f.id == "se.periods.evidence_whole_weeks")
    assert f.details == [{"kind": "whole_weeks", "agent": "A-1", "value": 5}]


def test_an_empty_assessment_is_never_yes() -> None:
    ev = run({})
    assert ev.lia["overall"].verdict != "yes"
    assert {"eu.purpose.unanswered", "eu.necessity.unanswered", "eu.consistency.balancing_incomplete"} <= set(ev.fired())
