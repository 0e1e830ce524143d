"""The weighing model (templates/rules/weighing.yaml) agrees with the packs, and the weighing reads as a memo."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lia.rules import evaluate
from lia.rules.packs import RulePackError, load_packs
from lia.rules.weighing import load_weighing
from rules_testlib import base_answers  # noqa: F401  (fixture)


def run(answers: dict[str, Any], juris=("EU",)):
    return evaluate({"id": "t", "jurisdictions": list(juris)}, answers)


def test_every_rule_the_model_names_exists_and_every_finding_for_is_classified() -> None:
    model = load_weighing().data
    rules = {r.id: r.rule for p in load_packs() for r in p.rules}
    named = (set(model.safeguards) | set(model.baseline) | set(model.step_effects) | set(model.infringements)
             | set(model.purpose_scope)
             | {r for c in model.consent.conditions for r in c.rules})
    assert not named - set(rules), f"unknown rule ids in weighing.yaml: {sorted(named - set(rules))}"
    pro = {rid for rid, r in rules.items() if r.weighs == "for"}
    unclassified = pro - set(model.safeguards) - set(model.baseline)
    assert not unclassified, f"findings 'for' neither a safeguard beyond compliance nor baseline: {sorted(unclassified)}"
    assert not set(model.safeguards) & set(model.baseline)
    assert all(rules[r].severity == "blocker" for r in model.infringements)


def test_a_broken_model_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "weighing.yaml").write_text("kind: weighing\nid: weighing\nversion: 1.0.0\n")
    with pytest.raises(RulePackError) as exc:
        load_weighing(tmp_path)
    msg = str(exc.value)
    assert "weighing.yaml" in msg and "impact_points" in msg and "problem(s)" in msg


def test_baseline_obligations_never_lower_the_impact(base_answers) -> None:
    """Telling callers, a retention limit and logged access are shown as not counted (GDPR requires
    them anyway); only the pseudonymised clips and the opt-out lower the callers' impact."""
    base_answers.update({"context.legal_basis_callers": "legitimate_interest", "information.caller_choice": "opt_out_keypress",
                         "sensitivity.vulnerable_callers": True})
    js = run(base_answers).to_json("en")
    callers = next(g for g in js["groups"] if g["group"] == "callers")
    w = callers["purposes"][0]["weighing"]
    assert {n["rule"] for n in w["not_counted"]} >= {"eu.expectations.told_clearly", "eu.retention.short_and_automatic",
                                                     "eu.access.narrow_and_logged"}
    assert {s["rule"] for s in w["safeguards"]} == {"eu.safeguards.pseudonymised_training", "eu.safeguards.caller_opt_out"}
    sens = next(i for i in w["impacts"] if i["factor"] == "sensitivity")
    assert (sens["level_before"], sens["level"], sens["lowered_by"]) == ("medium", "low", ["eu.safeguards.pseudonymised_training"])
    assert "because the GDPR requires it anyway" in w["text"] and "information under Art. 13" in w["text"]


@pytest.mark.parametrize("lang, words", [
    ("en", ["Agents (employees), Training of staff: the interest weighs medium (3 points).", "decides the balance on its own"]),
    ("sv", ["Agenter (anställda), Utbildning av personal: intresset väger medel (3 poäng).", "avgör avvägningen på egen hand"]),
    ("nb", ["Agenter (ansatte), Opplæring av ansatte: interessen veier middels (3 poeng).", "avgjør avveiningen alene"]),
])
def test_the_weighing_in_words_in_three_languages(base_answers, lang, words) -> None:
    base_answers.update({"periods.continuous": True, "periods.training_periods": [],
                         "employees.performance_use": "individual_evaluation", "employees.disciplinary_use": "yes"})
    js = run(base_answers).to_json(lang)
    agents = next(g for g in js["groups"] if g["group"] == "agents")
    text = agents["purposes"][0]["weighing"]["text"]
    for w in words:
        assert w in text
    assert agents["result"] == "no"
    assert js["lia"]["overall"]["group"] == "agents"


def test_employees_consent_is_never_valid(base_answers) -> None:
    base_answers["context.legal_basis_employees"] = "consent"
    js = run(base_answers).to_json("en")
    agents = next(g for g in js["groups"] if g["group"] == "agents")
    consent = agents["purposes"][0]["consent"]
    free = next(c for c in consent["conditions"] if c["condition"] == "freely_given")
    assert consent["verdict"] == "invalid" and free["met"] is False
    assert js["lia"]["overall"]["verdict"] == "no"


def test_a_missing_basis_for_a_present_group_is_not_assessed(base_answers) -> None:
    base_answers["context.call_types"] = ["inbound_customer", "third_party_transfer"]
    ev = run(base_answers)
    assert {g.group: g.result for g in ev.groups}["third_parties"] == "not_assessed"
    assert ev.lia["overall"].verdict == "not_assessed"
    base_answers["context.legal_basis_third_parties"] = "legitimate_interest"
    assert {g.group: g.result for g in run(base_answers).groups}["third_parties"] == "yes"


def test_reports_list_the_weighing_model_among_their_inputs(tmp_path: Path) -> None:
    """A signed report rests on the weighing model as much as on the packs: it is listed with its
    digest, so a changed model makes the report stale and a verifier sees what was applied."""
    from lia.paths import templates_dir
    from lia.reports.provenance import rule_pack_inputs

    files = {r["file"]: r for r in rule_pack_inputs(templates_dir(), ["SE"])}
    assert "rules/weighing.yaml" in files and files["rules/weighing.yaml"]["digest"].startswith("sha256:")
    assert {"rules/eu.yaml", "rules/se.yaml"} <= set(files) and "rules/no.yaml" not in files
