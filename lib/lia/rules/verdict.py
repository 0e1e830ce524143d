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

from ..levels import IMPACT_LEVELS, lower_impact, weight_label
from .packs import FACTORS, CompiledRule
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


def _empty(v: Any) -> bool:
    return v is None or v == "" or v == [] or (isinstance(v, str) and not v.strip())


@dataclass
class Finding:
    """A rule that fired, with the answers it rests on and any details."""

    rule: CompiledRule
    answers: dict[str, Any]
    details: list[dict[str, Any]] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.rule.id

    @property
    def severity(self) -> str:
        return self.rule.rule.severity

    @property
    def step(self) -> str:
        return self.rule.rule.step

    def to_json(self, lang: str) -> dict[str, Any]:
        r = self.rule.rule
        return {
            "rule": r.id,
            "severity": r.severity,
            "step": r.step,
            "factor": r.factor,
            "weighs": r.weighs,
            "weight": r.weight,
            "groups": list(r.groups) if r.groups else None,
            "citation": r.citation.render(),
            "message": r.message.get(lang),
            "remediation": r.remediation.get(lang),
            "question": r.question,
            "answers": self.answers,
            "details": self.details,
            "pack": self.rule.pack,
        }


@dataclass
class Reason:
    """Why a verdict is what it is: a finding, or a stated fact with answers."""

    finding: Finding | None = None
    key: str | None = None
    fmt: dict[str, Any] = field(default_factory=dict)
    answers: dict[str, Any] = field(default_factory=dict)

    def to_json(self, lang: str) -> dict[str, Any]:
        if self.finding is not None:
            f = self.finding
            return {"rule": f.id, "severity": f.severity, "weighs": f.rule.rule.weighs,
                    "text": f.rule.rule.message.get(lang), "remediation": f.rule.rule.remediation.get(lang),
                    "citation": f.rule.rule.citation.render(), "answers": f.answers}
        fmt = {k: _fmt(v, lang) for k, v in self.fmt.items()}
        return {"rule": None, "severity": None, "weighs": None, "text": ui(self.key or "", lang, **fmt),
                "answers": self.answers}


def _fmt(v: Any, lang: str) -> Any:
    if isinstance(v, tuple):  # UI keys, joined
        return ", ".join(ui(k, lang) for k in v) or "-"
    if callable(v):  # a text that depends on the language
        return v(lang)
    return v


@dataclass
class StepVerdict:
    """A step's verdict and its reasons."""

    step: str
    verdict: str
    reasons: list[Reason]

    def to_json(self, lang: str) -> dict[str, Any]:
        return {"verdict": self.verdict, "label": ui(f"verdict.{self.verdict}", lang),
                "reasons": [r.to_json(lang) for r in self.reasons]}


@dataclass
class FactorPosition:
    """A balancing factor's position: for, against or neutral, with its findings (the chart's view)."""

    factor: str
    position: str
    score: int
    findings: list[Finding]
    counted: bool

    def to_json(self, lang: str) -> dict[str, Any]:
        return {
            "factor": self.factor,
            "label": ui(f"factor.{self.factor}", lang),
            "position": self.position,
            "score": self.score,
            "counted": self.counted,
            "reasons": [Reason(finding=f).to_json(lang) for f in self.findings]
            or [Reason(key="reason.factor.nothing").to_json(lang)],
        }


# --------------------------------------------------------------------------- labels


class Labels:
    """Labels of groups, purposes and bases in the reader's language (weighing model, questionnaire)."""

    def __init__(self, model: Weighing) -> None:
        self.model = model
        self._q: Any = None
        # the questionnaires next to the weighing model (templates/rules/weighing.yaml -> templates/questionnaires)
        self._folder = model.path.parent.parent / "questionnaires"

    def _choice(self, qid: str, cid: str | None, lang: str) -> str:
        if cid is None:
            return ui("purpose.unstated", lang)
        if self._q is None:
            try:
                from ..questionnaire import load_questionnaires

                self._q = load_questionnaires(self._folder).questions
            except Exception:  # labels only: fall back to the id
                self._q = {}
        q = self._q.get(qid)
        try:
            return q.choice_label(cid, lang) if q is not None else cid
        except Exception:
            return cid

    def questions(self, ids: list[str]) -> Any:
        """A text (callable on the language) naming the questions, for a reason such as 'not assessed'."""
        def render(lang: str) -> str:
            if self._q is None:
                self._choice("purpose.purposes", "training", lang)  # loads the questionnaires
            out = []
            for qid in ids:
                q = self._q.get(qid) if self._q else None
                text = q.text.get(lang) if q is not None and isinstance(getattr(q, "text", None), dict) else None
                out.append(f"{text.rstrip('?')} ({qid})" if text else qid)
            return "; ".join(out)
        return render

    def group(self, gid: str, lang: str) -> str:
        return self.model.group(gid).label.get(lang)

    def purpose(self, pid: str | None, lang: str) -> str:
        return self._choice("purpose.purposes", pid, lang)

    def basis(self, bid: str | None, lang: str) -> str:
        return self._choice("context.legal_basis_callers", bid, lang) if bid else ui("basis.missing", lang)


# --------------------------------------------------------------------------- balancing


@dataclass
class Impact:
    """One factor's weight against the processing for a group."""

    factor: str
    dimension: str
    level_before: str
    level: str
    findings: list[Finding]
    lowered_by: list[Finding] = field(default_factory=list)


@dataclass
class Balance:
    """The weighing for one group and purpose: the interest against the impact that remains."""

    group: str
    purpose: str | None
    interest_level: str
    interest_points: int
    interest_demonstrated: bool
    impacts: list[Impact]
    severe: list[Finding]
    safeguards: list[Finding]
    baseline: list[Finding]
    impact_points: int
    verdict: str
    model: Weighing
    labels: Labels

    def to_json(self, lang: str) -> dict[str, Any]:
        d = self.model.data
        return {
            "group": self.group,
            "purpose": self.purpose,
            "interest": {"purpose": self.purpose, "label": self.labels.purpose(self.purpose, lang),
                         "level": self.interest_level, "level_label": weight_label(self.interest_level, lang),
                         "points": self.interest_points, "demonstrated": self.interest_demonstrated},
            "impacts": [{"factor": i.factor, "label": ui(f"factor.{i.factor}", lang), "dimension": i.dimension,
                         "dimension_label": d.dimension_labels[i.dimension].get(lang) if i.dimension in d.dimension_labels else i.dimension,
                         "level_before": i.level_before, "level": i.level,
                         "level_label": weight_label(i.level, lang),
                         "points": d.impact_points.get(i.level) if i.level != "severe" else None,
                         "lowered_by": [f.id for f in i.lowered_by],
                         "findings": [{"rule": f.id, "weight": f.rule.rule.weight, "text": f.rule.rule.message.get(lang)}
                                      for f in i.findings]} for i in self.impacts],
            "severe": [{"rule": f.id, "factor": f.rule.rule.factor, "label": ui(f"factor.{f.rule.rule.factor}", lang),
                        "text": f.rule.rule.message.get(lang)} for f in self.severe],
            "safeguards": [{"rule": f.id, "text": f.rule.rule.message.get(lang),
                            "lowers": list(d.safeguards.get(f.id, []))} for f in self.safeguards],
            "not_counted": [{"rule": f.id, "text": f.rule.rule.message.get(lang),
                             "why": d.baseline[f.id].get(lang) if f.id in d.baseline else ""} for f in self.baseline],
            "impact_points": self.impact_points,
            "interest_points": self.interest_points,
            "verdict": self.verdict,
            "text": self.text(lang),
        }

    def text(self, lang: str) -> str:
        """The weighing in words a DPO can paste into a memo."""
        d = self.model.data
        parts = [ui("weighing.interest", lang, group=self.labels.group(self.group, lang),
                    purpose=self.labels.purpose(self.purpose, lang),
                    level=weight_label(self.interest_level, lang), points=self.interest_points)]
        if not self.interest_demonstrated:
            parts.append(ui("weighing.interest_not_demonstrated", lang))
        if self.impacts:
            items = []
            for i in self.impacts:
                why = "; ".join(_first_sentence(f.rule.rule.message.get(lang)).rstrip(".") for f in i.findings) + "."
                label = ui(f"factor.{i.factor}", lang)
                dim = d.dimension_labels[i.dimension].get(lang) if i.dimension in d.dimension_labels else i.dimension
                if i.level != i.level_before:
                    items.append(ui("weighing.impact_lowered", lang, factor=label, dimension=dim,
                                    before=weight_label(i.level_before, lang), level=weight_label(i.level, lang),
                                    why=why, by=", ".join(_first_sentence(f.rule.rule.message.get(lang)).rstrip(".")
                                                          for f in i.lowered_by)))
                else:
                    items.append(ui("weighing.impact", lang, factor=label, dimension=dim,
                                    level=weight_label(i.level, lang), why=why))
            parts.append(ui("weighing.against", lang) + " " + " ".join(items))
        else:
            parts.append(ui("weighing.nothing_against", lang))
        unused = [f for f in self.safeguards if not any(f in i.lowered_by for i in self.impacts)]
        if unused:
            parts.append(ui("weighing.safeguards_unused", lang,
                            items="; ".join(_first_sentence(f.rule.rule.message.get(lang)).rstrip(".") for f in unused)))
        if self.baseline:
            parts.append(ui("weighing.not_counted", lang,
                            items="; ".join(d.baseline[f.id].get(lang) for f in self.baseline if f.id in d.baseline)))
        group = self.labels.group(self.group, lang).lower() if lang == "en" else self.labels.group(self.group, lang)
        if self.severe:
            parts.append(ui("weighing.tips.severe", lang, why=" ".join(f.rule.rule.message.get(lang) for f in self.severe)))
        elif self.verdict == "fail":
            parts.append(ui("weighing.tips.outweighed", lang, impact=self.impact_points,
                            interest=self.interest_points, group=group))
        elif self.verdict == "pass_with_measures":
            parts.append(ui("weighing.tips.measures", lang, impact=self.impact_points, interest=self.interest_points))
        else:
            parts.append(ui("weighing.tips.pass", lang))
        return " ".join(parts)


def _first_sentence(text: str) -> str:
    for sep in (". ", "; "):
        if sep in text:
            return text.split(sep, 1)[0] + "."
    return text


def weigh(group: str, purpose: str | None, findings: list[Finding], answers: Mapping[str, Any],
          model: Weighing, labels: Labels) -> Balance:
    """The balance for one group and purpose (see the module docstring)."""
    d = model.data
    mine = [f for f in findings if f.step == "balancing" and group in (f.rule.rule.groups or ())]
    against = [f for f in mine if f.rule.rule.weighs == "against"]
    pro = [f for f in mine if f.rule.rule.weighs == "for"]
    severe = [f for f in against if f.rule.rule.weight == "severe"]
    impacts: dict[str, Impact] = {}
    for f in against:
        if f.rule.rule.weight == "severe":
            continue
        factor = f.rule.rule.factor or "safeguards"
        w = f.rule.rule.weight or "medium"
        imp = impacts.get(factor)
        if imp is None:
            impacts[factor] = Impact(factor, d.dimensions.get(factor, "consequences"), w, w, [f])
        else:
            imp.findings.append(f)
            if IMPACT_LEVELS.index(w) > IMPACT_LEVELS.index(imp.level_before):
                imp.level_before = imp.level = w
    safeguards = [f for f in pro if f.id in d.safeguards]
    baseline = [f for f in pro if f.id not in d.safeguards]
    for s in safeguards:
        for lowered_factor in d.safeguards[s.id]:
            imp = impacts.get(lowered_factor)
            if imp is not None:
                lowered = lower_impact(imp.level)
                if lowered != imp.level:
                    imp.level = lowered
                    imp.lowered_by.append(s)
    ordered = sorted(impacts.values(), key=lambda i: (-IMPACT_LEVELS.index(i.level), FACTORS.index(i.factor)))
    for i in ordered:
        i.findings.sort(key=lambda f: -IMPACT_LEVELS.index(f.rule.rule.weight or "medium"))
    level = d.interests.get(purpose or "", "medium")
    demonstrated = not (_empty(answers.get("purpose.benefit")) and _empty(answers.get("purpose.consequence_if_not")))
    if not demonstrated:
        level = lower_impact(level)
    interest_points = d.interest_points[level]
    impact_points = sum(d.impact_points[i.level] for i in ordered)
    if severe:
        verdict = "fail"
    elif impact_points > interest_points:
        verdict = "fail"
    elif ordered:
        verdict = "pass_with_measures"
    else:
        verdict = "pass"
    return Balance(group, purpose, level, interest_points, demonstrated, ordered, severe, safeguards, baseline,
                   impact_points, verdict, model, labels)


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
