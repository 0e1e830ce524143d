"""The scenario library: each assessment's expected verdicts and rule ids, and rule coverage."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from lia.loaders import load_data_file
from lia.rules import evaluate
from lia.rules.packs import load_packs

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def scenario_files() -> list[Path]:
    return sorted(p for p in SCENARIOS.glob("*.yaml") if not p.name.startswith("_"))


def load_scenario(path: Path) -> dict[str, Any]:
    """A scenario with its answers overlaid on the baseline (null removes an answer)."""
    data = load_data_file(path)
    juris = data["jurisdictions"]
    assert all(j in ("EU", "SE", "NO") for j in juris), f"{path.name}: jurisdictions {juris!r} (quote \"NO\")"
    # `baseline: false` starts from no answers at all (a brand-new assessment)
    answers = load_data_file(SCENARIOS / "_baseline.yaml") if data.get("baseline", True) else {}
    for k, v in (data.get("answers") or {}).items():
        if v is None:
            answers.pop(k, None)
        else:
            answers[k] = v
    data["merged"] = answers
    return data


@lru_cache(maxsize=None)
def _run(name: str):
    path = next(p for p in scenario_files() if p.stem == name)
    sc = load_scenario(path)
    ev = evaluate({"id": name, "jurisdictions": sc["jurisdictions"]}, sc["merged"], evidence=sc.get("evidence"),
                  as_of=sc.get("as_of"))
    return sc, ev


NAMES = [p.stem for p in scenario_files()]


def test_library_is_large_enough() -> None:
    assert len(NAMES) >= 20


@pytest.mark.parametrize("name", NAMES)
def test_scenario(name: str) -> None:
    sc, ev = _run(name)
    exp = sc["expected"]
    got = {s: ev.lia[s].verdict for s in ("purpose", "necessity", "balancing", "overall")}
    fired = set(ev.fired())
    problems = []
    for step in ("purpose", "necessity", "balancing", "overall"):
        if step in exp and str(exp[step]) != got[step]:
            problems.append(f"{step}: expected {exp[step]}, got {got[step]}")
    if "dpia_required" in exp and exp["dpia_required"] != ev.dpia.required:
        problems.append(f"dpia_required: expected {exp['dpia_required']}, got {ev.dpia.required} ({ev.dpia.criteria_met})")
    results = {g.group: g.result for g in ev.groups}
    for group, want in (exp.get("groups") or {}).items():
        if results.get(group) != str(want):
            problems.append(f"group {group}: expected {want}, got {results.get(group)}")
    for want in exp.get("tests") or []:
        got_t = [t for g in ev.groups for t in g.tests if t.group == want["group"] and t.purpose == want.get("purpose")]
        if not got_t or got_t[0].result != str(want["result"]):
            problems.append(f"test {want}: got {[t.result for t in got_t]}")
        elif "balancing" in want and (got_t[0].steps or {}).get("balancing") is not None \
                and got_t[0].steps["balancing"].verdict != want["balancing"]:
            problems.append(f"test {want}: balancing {got_t[0].steps['balancing'].verdict}")
    if "dpia_status" in exp and exp["dpia_status"] != ev.dpia.status:
        problems.append(f"dpia_status: expected {exp['dpia_status']}, got {ev.dpia.status}")
    for rid in exp.get("fires") or []:
        if rid not in fired:
            problems.append(f"expected {rid} to fire")
    for rid in exp.get("not_fires") or []:
        if rid in fired:
            problems.append(f"expected {rid} not to fire")
    # `cites: {rule: [registry refs]}`: the finding rests on these entries of the source registry
    cited = {f.id: [r.key for r in f.rule.rule.refs] for f in ev.findings}
    for rid, refs in (exp.get("cites") or {}).items():
        missing = [r for r in refs if r not in cited.get(rid, [])]
        if missing:
            problems.append(f"{rid}: expected to cite {missing}, cites {cited.get(rid)}")
    if "law_as_of" in exp and ev.as_of.isoformat() != str(exp["law_as_of"]):
        problems.append(f"law_as_of: expected {exp['law_as_of']}, got {ev.as_of}")
    assert not problems, f"{name}: " + "; ".join(problems) + f"\n  verdicts {got}\n  groups {results}\n  fired {sorted(fired)}"


def test_scenarios_name_only_known_rules() -> None:
    known = {r.id for p in load_packs() for r in p.rules}
    for name in NAMES:
        sc, _ = _run(name)
        for rid in (sc["expected"].get("fires") or []) + (sc["expected"].get("not_fires") or []):
            assert rid in known, f"{name}: unknown rule id {rid}"


def test_every_rule_fires_somewhere_and_stays_silent_somewhere() -> None:
    """Each rule in every pack fires in at least one scenario and does not fire in another
    scenario where its pack applies."""
    fired_in: dict[str, set[str]] = {}
    silent_in: dict[str, set[str]] = {}
    for name in NAMES:
        sc, ev = _run(name)
        applied = {r.id for p in ev.packs for r in p.rules}
        fired = set(ev.fired())
        for rid in applied:
            (fired_in if rid in fired else silent_in).setdefault(rid, set()).add(name)
    missing_fire, missing_silent = [], []
    for pack in load_packs():
        for r in pack.rules:
            if not fired_in.get(r.id):
                missing_fire.append(r.id)
            if not silent_in.get(r.id):
                missing_silent.append(r.id)
    assert not missing_fire, f"rules no scenario fires: {missing_fire}"
    assert not missing_silent, f"rules that fire in every scenario: {missing_silent}"


def test_every_rule_is_asserted_by_some_scenario() -> None:
    """Coverage by accident is not enough: every rule is named in some scenario's `fires`."""
    asserted = set()
    for name in NAMES:
        sc, _ = _run(name)
        asserted |= set(sc["expected"].get("fires") or [])
    missing = [r.id for p in load_packs() for r in p.rules if r.id not in asserted]
    assert not missing, f"rules no scenario expects to fire: {missing}"
