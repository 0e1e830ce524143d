"""DPIA screening (WP248, two or more criteria) and the risk register (CNIL levels, Art. 36)."""

from __future__ import annotations

from typing import Any

import pytest

from lia.rules import evaluate
from rules_testlib import base_answers  # noqa: F401  (fixture)
from lia.rules.dpia import analyse_register, residual_high


def run(answers: dict[str, Any]):
    return evaluate({"id": "t", "jurisdictions": ["EU"]}, answers)


def test_required_when_two_criteria_derived_even_if_assessor_says_no(base_answers) -> None:
    for k in list(base_answers):
        if k.startswith("dpia.") and k != "dpia.notes":
            base_answers[k] = False
    ev = run(base_answers)
    assert ev.dpia.criteria_met == ["systematic_monitoring", "vulnerable_subjects"]
    assert ev.dpia.required
    reasons = ev.dpia.reasons("en")
    assert "training_periods_only" in reasons[0] and "employees" in reasons[1]
    assert "2 of the nine criteria" in reasons[-1] and "required" in reasons[-1]


def test_one_criterion_is_not_enough(base_answers) -> None:
    base_answers.update({"necessity.recording_scope": "on_demand_by_agent", "dpia.systematic_monitoring": False,
                         "dpia.vulnerable_subjects": False})
    ev = run(base_answers)
    assert ev.dpia.criteria_met == ["vulnerable_subjects"]
    assert not ev.dpia.required
    assert "not required" in ev.dpia.reasons("en")[-1]
    assert "eu.dpia.required" not in ev.fired()


def test_assessor_yes_counts_on_its_own(base_answers) -> None:
    base_answers.update({"necessity.recording_scope": "on_demand_by_agent", "dpia.systematic_monitoring": False,
                         "dpia.matching_datasets": True})
    ev = run(base_answers)
    assert ev.dpia.required and "matching_datasets" in ev.dpia.criteria_met
    c = next(c for c in ev.to_json()["dpia"]["criteria"] if c["id"] == "matching_datasets")
    assert c["assessor"] is True and c["derived"] == []


@pytest.mark.parametrize(
    "change, criterion",
    [
        ({"ai.uses": ["agent_performance_scoring"]}, "evaluation_scoring"),
        ({"ai.automated_decisions_employees": True}, "automated_decisions"),
        ({"sensitivity.special_categories": "occasional", "sensitivity.art9_condition": "explicit_consent"}, "sensitive_data"),
        ({"context.calls_per_month": 25000}, "large_scale"),
        ({"purpose.purposes": ["training", "customer_analytics"]}, "matching_datasets"),
        ({"ai.uses": ["transcription"]}, "innovative_technology"),
        ({"information.refusal_same_service": False}, "prevents_rights"),
    ],
)
def test_criteria_derived_from_lia_answers(base_answers, change, criterion) -> None:
    base_answers[f"dpia.{criterion}"] = False
    assert criterion not in run(base_answers).dpia.criteria_met
    base_answers.update(change)
    ev = run(base_answers)
    assert criterion in ev.dpia.criteria_met
    c = next(c for c in ev.dpia.criteria if c.id == criterion)
    assert all(c.derived[0]["answers"][k] == v for k, v in change.items() if k in c.derived[0]["answers"])


def test_dpia_reasons_in_three_languages(base_answers) -> None:
    ev = run(base_answers)
    sv, nb = ev.dpia.reasons("sv"), ev.dpia.reasons("nb")
    assert "i de flesta fall krävs en konsekvensbedömning" in sv[-1]  # WP248: "in most cases", not always
    assert "DPIA" in nb[-1] and "kreves" in nb[-1]


# ---------------------------------------------------------------------------- risk register

L = ("negligible", "limited", "significant", "maximum")


def risk(ref, sb, lb, sa=None, la=None, event="illegitimate_access"):
    row = {"ref": ref, "event": event, "severity_before": sb, "likelihood_before": lb}
    if sa:
        row["severity_after"] = sa
    if la:
        row["likelihood_after"] = la
    return row


def test_residual_high_rule() -> None:
    assert residual_high(3, 3) and residual_high(4, 1) and residual_high(1, 4)
    assert not residual_high(3, 2) and not residual_high(2, 3) and not residual_high(2, 2)


def test_art36_flag_from_residual_not_initial_rating() -> None:
    answers = {"risks.register": [risk("R1", "maximum", "maximum", "limited", "limited")],
               "risks.measures": [{"ref": "R1", "measure": "m", "reduces": "both", "owner": "o"}]}
    reg = analyse_register(answers)
    assert not reg.prior_consultation and reg.risks[0].problems == []
    answers["risks.register"] = [risk("R1", "maximum", "limited", "significant", "significant")]
    reg = analyse_register(answers)
    assert reg.prior_consultation and reg.to_json()["high_residual"] == ["R1"]


def test_unrated_after_keeps_the_before_rating_as_residual() -> None:
    reg = analyse_register({"risks.register": [risk("R1", "significant", "significant")]})
    assert reg.prior_consultation


def test_lowered_dimension_needs_a_measure_that_addresses_it() -> None:
    answers = {"risks.register": [risk("R1", "significant", "significant", "limited", "limited")],
               "risks.measures": [{"ref": "R1", "measure": "logging", "reduces": "likelihood", "owner": "IT"}]}
    problems = analyse_register(answers).risks[0].problems
    assert problems == [{"problem": "lowered_without_measure", "ref": "R1", "dimension": "severity"}]
    answers["risks.measures"].append({"ref": "R1", "measure": "pseudonymise", "reduces": "severity", "owner": "DPO"})
    assert analyse_register(answers).risks[0].problems == []


def test_rated_after_without_any_measure_and_unknown_refs() -> None:
    answers = {"risks.register": [risk("R1", "limited", "limited", "negligible", "limited")],
               "risks.measures": [{"ref": "R7", "measure": "x", "reduces": "both", "owner": "o"}]}
    reg = analyse_register(answers)
    assert reg.risks[0].problems == [{"problem": "rated_after_without_measure", "ref": "R1"}]
    assert reg.unknown_measure_refs[0]["ref"] == "R7"
    assert reg.missing_events == ["unwanted_modification", "disappearance"]


def test_register_findings_in_evaluation(base_answers) -> None:
    base_answers["risks.register"] = [risk("R1", "maximum", "significant", "significant", "limited")]
    base_answers["risks.measures"] = [{"ref": "R1", "measure": "m", "reduces": "likelihood", "owner": "o"}]
    ev = run(base_answers)
    fired = ev.fired()
    assert "eu.consistency.risk_lowered_without_measure" in fired
    assert "eu.dpia.feared_event_missing" in fired
    assert "eu.dpia.prior_consultation" not in fired  # significant/limited is not high
    f = next(f for f in ev.findings if f.id == "eu.consistency.risk_lowered_without_measure")
    assert f.details == [{"problem": "lowered_without_measure", "ref": "R1", "dimension": "severity"}]
