"""The verdict: each group of data subjects and each purpose on its own legal basis.

What weighs is data: each rule in the packs declares its ``step``, ``severity``,
``factor``, ``weighs`` (for / against) and, for balancing rules, its ``weight``
(low, medium, high, severe) and the ``groups`` it concerns;
``templates/rules/weighing.yaml`` (:mod:`lia.rules.weighing`) declares the groups,
the weight of each purpose's interest, which findings "for" are safeguards beyond
compliance and which are only what the GDPR requires anyway, the conditions of a
valid consent and the findings that are infringements. This module holds the
small decision procedure (EDPB Guidelines 1/2024; docs/rules.md has a worked example):

Tests
    For every group present (callers, agents, third parties on the line) and every
    purpose, the legal basis is the group's basis unless ``context.legal_basis_by_purpose``
    names another. Legitimate interest gets the three-step test; consent gets the
    validity test; another basis is noted and not weighed here; no basis is *not assessed*.
Purpose and necessity (steps 1 and 2)
    a blocker, or a finding whose declared effect is ``fail`` (a condition not shown,
    Art. 5(2)) -> ``fail``; a missing fact or a finding whose effect is ``not_assessed``
    -> ``not_assessed``; any other warning -> ``needs_refinement`` /
    ``needs_scope_reduction``; else ``pass``. After a failed step the later steps are
    ``not_reached``: the steps are cumulative.
Balancing (step 3), per group
    the group's facts missing -> ``not_assessed``. Each factor weighs as its heaviest
    finding against (low 1, medium 2, high 3 points); every safeguard beyond compliance
    lowers the factors it names by one level; findings "for" that the GDPR requires
    anyway are shown and never counted. A severe impact decides alone -> ``fail``; the
    remaining impact above the interest's points -> ``fail``; any impact left ->
    ``pass_with_measures``; else ``pass``.
Consent
    every condition (freely given, informed, unambiguous act, explicit for Art. 9 data,
    withdrawable) holds unless one of its findings fired for the group; employees'
    consent is never shown to be freely given. ``valid`` / ``invalid`` / ``not_assessed``.
Overall
    an infringement finding -> ``unlawful`` (with what cures it); else the worst test:
    ``no`` > ``not_assessed`` > ``conditional`` > ``yes``, naming the group and purpose;
    a remaining blocker outside the tests turns ``yes`` into ``conditional``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from .balance import Balance, Impact, weigh
from .findings import FactorPosition, Finding, Labels, Reason, StepVerdict, _empty
from .packs import FACTORS
from .texts import ui
from .weighing import Weighing

__all__ = [
    "SEVERITY_WEIGHT",
    "WEIGHED_FACTORS",
    "STEP_ANSWERS",
    "RESULT_RANK",
    "Finding",
    "Reason",
    "StepVerdict",
    "FactorPosition",
    "Impact",
    "Balance",
    "ConsentCheck",
    "Test",
    "GroupResult",
    "Decision",
    "decide",
    "factor_positions",
]

SEVERITY_WEIGHT = {"blocker": 3, "warning": 2, "info": 1}
#: Factors shown in the balancing chart as weighing; purpose and necessity come from their steps.
WEIGHED_FACTORS = tuple(f for f in FACTORS if f not in ("purpose", "necessity"))
#: How bad a test result is; the overall verdict is the worst.
RESULT_RANK = {"unlawful": 6, "no": 5, "not_assessed": 4, "conditional": 3, "yes": 2, "other_basis": 1}

#: The answers a step's verdict rests on when no finding counts against it.
STEP_ANSWERS: dict[str, tuple[str, ...]] = {
    "purpose": ("purpose.purposes", "purpose.interest", "purpose.whose_interest", "purpose.lawful",
                "purpose.real_and_present"),
    "necessity": ("necessity.furthers_purpose", "necessity.alternatives_considered",
                  "necessity.less_intrusive_equally_effective", "necessity.recording_scope"),
    "balancing": ("sensitivity.special_categories", "information.callers_told", "periods.continuous",
                  "union.position", "access.scope", "retention.period"),
}

_SOFT = {"purpose": "needs_refinement", "necessity": "needs_scope_reduction"}

# --------------------------------------------------------------------------- steps


def _pick(answers: Mapping[str, Any], ids: tuple[str, ...] | list[str]) -> dict[str, Any]:
    return {q: answers.get(q) for q in ids}


def _simple_step(step: str, findings: list[Finding], answers: Mapping[str, Any], model: Weighing,
                 labels: Labels) -> StepVerdict:
    effects = model.data.step_effects
    mine = [f for f in findings if f.step == step]
    missing = [q for q in model.data.step_facts.get(step, []) if _empty(answers.get(q))]
    # a condition "not shown" only fails the step once its fact is answered; unanswered, it is not assessed
    failing = [f for f in mine if f.severity == "blocker"
               or (effects.get(f.id) == "fail" and f.rule.rule.question not in missing)]
    unassessed = [f for f in mine if effects.get(f.id) == "not_assessed"
                  or (effects.get(f.id) == "fail" and f.rule.rule.question in missing)]
    soft = [f for f in mine if f.severity == "warning" and f not in failing and f not in unassessed]
    infos = [f for f in mine if f.severity == "info"]
    if failing:
        return StepVerdict(step, "fail", [Reason(key=f"reason.{step}.fail")] +
                           [Reason(finding=f) for f in failing + soft + infos])
    if missing or unassessed:
        reasons = [Reason(key="reason.step.not_assessed", fmt={"questions": labels.questions(missing)},
                          answers=_pick(answers, missing))] if missing else []
        return StepVerdict(step, "not_assessed", reasons + [Reason(finding=f) for f in unassessed + soft])
    if soft:
        return StepVerdict(step, _SOFT[step], [Reason(finding=f) for f in soft + infos])
    return StepVerdict(step, "pass", [Reason(key=f"reason.{step}.pass", answers=_pick(answers, STEP_ANSWERS[step]))]
                       + [Reason(finding=f) for f in infos])


def _not_reached(step: str, after: str) -> StepVerdict:
    return StepVerdict(step, "not_reached", [Reason(key="reason.step.not_reached", fmt={"step": (f"step.{after}",)})])


def _balancing_step(b: Balance | None, missing: list[str], answers: Mapping[str, Any], labels: Labels) -> StepVerdict:
    if b is None:
        return StepVerdict("balancing", "not_assessed",
                           [Reason(key="reason.step.not_assessed", fmt={"questions": labels.questions(missing)},
                                   answers=_pick(answers, missing))])
    reasons = [Reason(key="reason.balancing.weighing", fmt={"text": b.text})]
    if b.severe:
        reasons.append(Reason(key="reason.balancing.hard_stop"))
        reasons += [Reason(finding=f) for f in b.severe]
    for i in b.impacts:
        reasons += [Reason(finding=f) for f in i.findings]
    reasons += [Reason(finding=f) for f in b.safeguards]
    return StepVerdict("balancing", b.verdict, reasons)


# --------------------------------------------------------------------------- consent


@dataclass
class ConsentCheck:
    """The validity of consent for one group: each condition met or not, with the findings."""

    group: str
    verdict: str  # valid | invalid | not_assessed
    conditions: list[tuple[str, Any, bool, list[Finding]]]  # (id, label Texts, met, findings)
    missing: list[str]
    #: hard stops for the group that no consent lifts (weight severe)
    severe: list[Finding] = field(default_factory=list)
    #: findings against for the group that call for measures even with a valid consent
    measures: list[Finding] = field(default_factory=list)

    @property
    def result(self) -> str:
        if self.verdict == "invalid" or self.severe:
            return "no"
        if self.verdict == "not_assessed":
            return "not_assessed"
        return "conditional" if self.measures else "yes"

    def to_json(self, lang: str) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "label": ui(f"verdict.consent_{self.verdict}", lang),
            "missing": self.missing,
            "severe": [Reason(finding=f).to_json(lang) for f in self.severe],
            "measures": [Reason(finding=f).to_json(lang) for f in self.measures],
            "conditions": [{"condition": cid, "label": label.get(lang), "met": met,
                            "findings": [Reason(finding=f).to_json(lang) for f in fs],
                            "text": ui("consent.never_free", lang) if (not met and not fs) else None}
                           for cid, label, met, fs in self.conditions],
        }


def check_consent(group: str, findings: list[Finding], answers: Mapping[str, Any], model: Weighing) -> ConsentCheck:
    fired = {f.id: f for f in findings}
    missing = [q for q in model.data.consent.facts.get(group, []) if _empty(answers.get(q))]
    conds = []
    for c in model.data.consent.conditions:
        fs = [fired[r] for r, groups in c.rules.items() if r in fired and group in groups]
        met = not fs and group not in c.never_for
        conds.append((c.id, c.label, met, fs))
    if any(not met for _, _, met, _ in conds):
        verdict = "invalid"
    elif missing:
        verdict = "not_assessed"
    else:
        verdict = "valid"
    used = {f.id for _, _, _, fs in conds for f in fs}
    mine = [f for f in findings if f.step == "balancing" and group in (f.rule.rule.groups or ())
            and f.rule.rule.weighs == "against" and f.id not in used]
    severe = [f for f in mine if f.rule.rule.weight == "severe"]
    measures = [f for f in mine if f.rule.rule.weight in ("medium", "high")]
    return ConsentCheck(group, verdict, conds, missing, severe, measures)


# --------------------------------------------------------------------------- tests and the decision


@dataclass
class Test:
    """One group and one purpose on one legal basis, and what came of it."""

    group: str
    purpose: str | None
    basis: str | None
    kind: str  # legitimate_interest | consent | other | missing
    result: str  # yes | conditional | no | not_assessed | other_basis
    steps: dict[str, StepVerdict] | None = None
    balance: Balance | None = None
    consent: ConsentCheck | None = None

    def to_json(self, lang: str, labels: Labels) -> dict[str, Any]:
        out: dict[str, Any] = {
            "purpose": self.purpose, "label": labels.purpose(self.purpose, lang),
            "basis": self.basis, "basis_label": labels.basis(self.basis, lang), "test": self.kind,
            "result": self.result, "result_label": ui(f"result.{self.result}", lang),
        }
        if self.steps is not None:
            out["steps"] = {s: v.to_json(lang) for s, v in self.steps.items()}
        if self.balance is not None:
            out["weighing"] = self.balance.to_json(lang)
        if self.consent is not None:
            out["consent"] = self.consent.to_json(lang)
        return out


@dataclass
class GroupResult:
    group: str
    basis: str | None
    tests: list[Test]

    @property
    def result(self) -> str:
        return max((t.result for t in self.tests), key=lambda r: RESULT_RANK[r])

    def to_json(self, lang: str, labels: Labels) -> dict[str, Any]:
        return {"group": self.group, "label": labels.group(self.group, lang), "basis": self.basis,
                "basis_label": labels.basis(self.basis, lang), "result": self.result,
                "result_label": ui(f"result.{self.result}", lang),
                "purposes": [t.to_json(lang, labels) for t in self.tests]}


@dataclass
class Decision:
    """Everything :func:`decide` concluded."""

    steps: dict[str, StepVerdict]
    factors: dict[str, FactorPosition]
    groups: list[GroupResult]
    infringements: list[Finding]
    deciding: Test | None
    labels: Labels
    #: the legitimate-interest test whose steps the top-level purpose/necessity/balancing show
    deciding_li: Test | None = None


def _li_result(steps: dict[str, StepVerdict]) -> str:
    vs = [steps[s].verdict for s in ("purpose", "necessity", "balancing")]
    if "fail" in vs:
        return "no"
    if "not_assessed" in vs:
        return "not_assessed"
    if all(v == "pass" for v in vs):
        return "yes"
    return "conditional"


def _bases(answers: Mapping[str, Any], model: Weighing) -> dict[tuple[str, str], str]:
    out = {}
    for row in answers.get("context.legal_basis_by_purpose") or []:
        if isinstance(row, Mapping) and row.get("purpose") and row.get("group") and row.get("basis"):
            out[(str(row["group"]), str(row["purpose"]))] = str(row["basis"])
    return out


def _present(gid: str, ctx: Any, model: Weighing) -> bool:
    node = model.present.get(gid)
    return True if node is None else bool(node.evaluate(ctx))


def factor_positions(findings: list[Finding], purpose: str, necessity: str) -> dict[str, FactorPosition]:
    """Each factor's position from the balancing findings (purpose/necessity from their steps), for the chart."""
    out: dict[str, FactorPosition] = {}
    step_pos = {"pass": ("for", 1), "fail": ("against", -3)}
    for factor, verdict in (("purpose", purpose), ("necessity", necessity)):
        pos, score = step_pos.get(verdict, ("neutral", 0))
        related = [f for f in findings if f.rule.rule.factor == factor]
        out[factor] = FactorPosition(factor, pos, score, related, counted=False)
    for factor in WEIGHED_FACTORS:
        related = [f for f in findings if f.step == "balancing" and f.rule.rule.factor == factor]
        score = sum(SEVERITY_WEIGHT[f.severity] * (1 if f.rule.rule.weighs == "for" else -1) for f in related)
        pos = "against" if score < 0 else "for" if score > 0 else "neutral"
        related.sort(key=lambda f: (f.rule.rule.weighs != "against", -SEVERITY_WEIGHT[f.severity]))
        out[factor] = FactorPosition(factor, pos, score, related, counted=True)
    return out


def decide(findings: list[Finding], answers: Mapping[str, Any], model: Weighing, ctx: Any = None) -> Decision:
    """Every group's and purpose's test, the overall verdict and the top-level steps."""
    labels = Labels(model)
    purposes: list[str | None] = [p for p in (answers.get("purpose.purposes") or []) if isinstance(p, str)] or [None]
    overrides = _bases(answers, model)
    scope = model.data.purpose_scope

    def for_purpose(p: str | None) -> list[Finding]:
        """The findings that weigh in a test of purpose *p* (purpose_scope limits some to their purposes)."""
        return [f for f in findings if f.id not in scope or (p is not None and p in scope[f.id])]

    by_purpose = {p: for_purpose(p) for p in purposes}
    steps_of = {p: {s: _simple_step(s, by_purpose[p], answers, model, labels) for s in ("purpose", "necessity")}
                for p in purposes}
    shared = {s: _simple_step(s, findings, answers, model, labels) for s in ("purpose", "necessity")}
    groups: list[GroupResult] = []
    for g in model.data.groups:
        if ctx is not None and not _present(g.id, ctx, model):
            continue
        default = answers.get(g.basis) if isinstance(answers.get(g.basis), str) else None
        tests = []
        for p in purposes:
            basis = overrides.get((g.id, p or ""), default)
            if basis is None:
                tests.append(Test(g.id, p, None, "missing", "not_assessed"))
            elif basis == "legitimate_interest":
                steps = dict(steps_of[p])
                missing = [q for q in g.facts if _empty(answers.get(q))]
                if steps["purpose"].verdict == "fail":
                    steps["necessity"] = _not_reached("necessity", "purpose")
                    steps["balancing"] = _not_reached("balancing", "purpose")
                    bal = None
                elif steps["necessity"].verdict == "fail":
                    steps["balancing"] = _not_reached("balancing", "necessity")
                    bal = None
                else:
                    bal = None if missing else weigh(g.id, p, by_purpose[p], answers, model, labels)
                    steps["balancing"] = _balancing_step(bal, missing, answers, labels)
                tests.append(Test(g.id, p, basis, "legitimate_interest", _li_result(steps), steps, bal))
            elif basis == "consent":
                c = check_consent(g.id, by_purpose[p], answers, model)
                tests.append(Test(g.id, p, basis, "consent", c.result, consent=c))
            else:
                tests.append(Test(g.id, p, basis, "other", "other_basis"))
        groups.append(GroupResult(g.id, default, tests))

    infringements = [f for f in findings if f.id in set(model.data.infringements)]
    all_tests = [t for g in groups for t in g.tests]
    li = [t for t in all_tests if t.kind == "legitimate_interest"]
    deciding = max(all_tests, key=lambda t: RESULT_RANK[t.result], default=None)
    deciding_li = max(li, key=lambda t: RESULT_RANK[t.result], default=None)
    if deciding_li is not None:
        steps = dict(deciding_li.steps or {})
    else:
        any_missing = any(t.kind == "missing" for t in all_tests)
        steps = dict(shared)
        steps["balancing"] = (StepVerdict("balancing", "not_assessed", [Reason(key="reason.balancing.no_basis")])
                              if any_missing or not all_tests else
                              StepVerdict("balancing", "not_applicable", [Reason(key="reason.balancing.not_relied_on")]))
    factors = factor_positions(findings, steps["purpose"].verdict, steps["necessity"].verdict)
    steps["overall"] = _overall(all_tests, deciding, infringements, findings, model, labels)
    return Decision(steps, factors, groups, infringements, deciding, labels, deciding_li)


def _test_reasons(t: Test) -> list[Reason]:
    """The findings that decide a test's result."""
    if t.steps is not None:
        out = []
        for s in ("purpose", "necessity", "balancing"):
            v = t.steps[s]
            if v.verdict in ("fail", "not_assessed", "needs_refinement", "needs_scope_reduction", "pass_with_measures"):
                out += [r for r in v.reasons if r.finding is None and r.key == "reason.step.not_assessed"]
                out += [r for r in v.reasons if r.finding is not None and r.finding.severity != "info"
                        and r.finding.rule.rule.weighs != "for"]
        return out
    if t.consent is not None:
        return ([Reason(finding=f) for _, _, met, fs in t.consent.conditions if not met for f in fs]
                + [Reason(finding=f) for f in t.consent.severe + t.consent.measures])
    return []


def _overall(tests: list[Test], deciding: Test | None, infringements: list[Finding], findings: list[Finding],
             model: Weighing, labels: Labels) -> StepVerdict:
    if infringements:
        return StepVerdict("overall", "unlawful", [Reason(key="reason.overall.unlawful")]
                           + [Reason(finding=f) for f in infringements])
    if deciding is None:
        return StepVerdict("overall", "not_assessed", [Reason(key="reason.overall.no_groups")])
    reasons: list[Reason] = []
    for t in sorted(tests, key=lambda t: -RESULT_RANK[t.result]):
        reasons.append(Reason(key="reason.overall.test", fmt={
            "group": (lambda lang, t=t: labels.group(t.group, lang)),
            "purpose": (lambda lang, t=t: labels.purpose(t.purpose, lang)),
            "basis": (lambda lang, t=t: labels.basis(t.basis, lang)),
            "result": (f"result.{t.result}",)}))
    worst = deciding.result
    decisive = _test_reasons(deciding)
    if worst == "no":
        head = Reason(key="reason.overall.failed", fmt={
            "group": (lambda lang: labels.group(deciding.group, lang)),
            "purpose": (lambda lang: labels.purpose(deciding.purpose, lang))})
        return StepVerdict("overall", "no", [head] + decisive + reasons)
    if worst == "not_assessed":
        return StepVerdict("overall", "not_assessed", [Reason(key="reason.overall.not_assessed")] + decisive + reasons)
    used = {r for c in model.data.consent.conditions for r in c.rules}
    outside = [f for f in findings if f.step in ("screening", "consistency") and f.severity == "blocker"
               and f.id not in used]
    if worst == "other_basis" and not outside:
        return StepVerdict("overall", "not_applicable", [Reason(key="reason.overall.not_relied_on")] + reasons)
    if worst in ("yes", "other_basis") and not outside:
        return StepVerdict("overall", "yes", [Reason(key="reason.overall.yes")] + reasons)
    extra: list[Reason] = []
    if worst == "conditional":
        extra.append(Reason(key="reason.overall.conditional", fmt={
            "group": (lambda lang: labels.group(deciding.group, lang)),
            "purpose": (lambda lang: labels.purpose(deciding.purpose, lang))}))
        extra += decisive
    if outside:
        extra.append(Reason(key="reason.overall.outside_blockers"))
        extra += [Reason(finding=f) for f in outside]
    return StepVerdict("overall", "conditional", extra + reasons)
