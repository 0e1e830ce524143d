"""The three-step LIA verdict, computed from the findings.

What weighs is declared in the rule packs (each rule's ``step``, ``severity``,
``factor`` and ``weighs``); this module only holds the small decision table
that turns findings into verdicts:

Purpose test (step 1)
    any blocker -> ``fail``; else any warning -> ``needs_refinement``; else ``pass``.
Necessity test (step 2)
    any blocker -> ``fail``; else any warning -> ``needs_scope_reduction``; else ``pass``.
Balancing test (step 3)
    Each factor gets a net weight: every fired balancing rule on it adds
    ``SEVERITY_WEIGHT[severity]`` (blocker 3, warning 2, info 1) if it weighs
    ``for`` and subtracts it if it weighs ``against``; a factor is *against*
    when its net is negative, *for* when positive, *neutral* otherwise.

    1. any blocker in the balancing step (the hard stops) -> ``fail``;
    2. at least ``FAIL_AGAINST_FACTORS`` (4) factors against and more factors
       against than for -> ``fail`` (the data subjects' interests override on
       most counts and no measure list would fix that);
    3. any balancing warning that weighs against -> ``pass_with_measures``
       (the measures are those findings' remediations);
    4. otherwise ``pass``.

    Safeguards only weigh *for* where they go beyond baseline compliance: the
    packs only declare ``weighs: for`` on such measures (pseudonymised training
    clips, an easy opt-out, unrecorded private calls, ...); missing baseline
    measures (encryption, processor agreement, breach routine) are findings
    against or compliance findings, never points in favour.
Overall (the steps are cumulative)
    any step ``fail`` -> ``no``; all three ``pass`` -> ``yes``, unless a
    blocker outside the three steps (screening or consistency, e.g. transfers
    without safeguards or consent without an affirmative act) stands, which
    makes it ``conditional``; anything else -> ``conditional``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from .packs import FACTORS, CompiledRule
from .texts import ui

__all__ = [
    "SEVERITY_WEIGHT",
    "FAIL_AGAINST_FACTORS",
    "WEIGHED_FACTORS",
    "STEP_ANSWERS",
    "Finding",
    "Reason",
    "StepVerdict",
    "FactorPosition",
    "decide",
    "factor_positions",
]

SEVERITY_WEIGHT = {"blocker": 3, "warning": 2, "info": 1}
FAIL_AGAINST_FACTORS = 4
#: Factors counted in the balancing decision. ``purpose`` and ``necessity`` are
#: shown in the balancing chart (from the step verdicts) but not counted twice.
WEIGHED_FACTORS = tuple(f for f in FACTORS if f not in ("purpose", "necessity"))

#: The answers a step's verdict rests on when no finding counts against it.
STEP_ANSWERS: dict[str, tuple[str, ...]] = {
    "purpose": ("purpose.purposes", "purpose.interest", "purpose.whose_interest", "purpose.lawful",
                "purpose.real_and_present"),
    "necessity": ("necessity.furthers_purpose", "necessity.alternatives_considered",
                  "necessity.less_intrusive_equally_effective", "necessity.recording_scope"),
    "balancing": ("sensitivity.special_categories", "information.callers_told", "periods.continuous",
                  "union.position", "access.scope", "retention.period"),
}

_FAILING = {"purpose": "needs_refinement", "necessity": "needs_scope_reduction"}


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
                    "text": f.rule.rule.message.get(lang),
                    "citation": f.rule.rule.citation.render(), "answers": f.answers}
        fmt = {k: (_label(v, lang) if isinstance(v, tuple) else v) for k, v in self.fmt.items()}
        return {"rule": None, "severity": None, "weighs": None, "text": ui(self.key or "", lang, **fmt),
                "answers": self.answers}


def _label(keys: tuple[str, ...], lang: str) -> str:
    return ", ".join(ui(k, lang) for k in keys) or "-"


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
    """A balancing factor's position: for, against or neutral, with its findings."""

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


def _pick(answers: Mapping[str, Any], ids: tuple[str, ...]) -> dict[str, Any]:
    return {q: answers.get(q) for q in ids}


def _simple_step(step: str, findings: list[Finding], answers: Mapping[str, Any]) -> StepVerdict:
    mine = [f for f in findings if f.step == step]
    blockers = [f for f in mine if f.severity == "blocker"]
    warnings = [f for f in mine if f.severity == "warning"]
    infos = [f for f in mine if f.severity == "info"]
    if blockers:
        return StepVerdict(step, "fail", [Reason(finding=f) for f in blockers + warnings + infos])
    if warnings:
        return StepVerdict(step, _FAILING[step], [Reason(finding=f) for f in warnings + infos])
    return StepVerdict(
        step, "pass",
        [Reason(key=f"reason.{step}.pass", answers=_pick(answers, STEP_ANSWERS[step]))] + [Reason(finding=f) for f in infos],
    )


def factor_positions(findings: list[Finding], purpose: str, necessity: str) -> dict[str, FactorPosition]:
    """Each factor's position from the balancing findings (purpose/necessity from their steps)."""
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


def _balancing(findings: list[Finding], factors: dict[str, FactorPosition], answers: Mapping[str, Any]) -> StepVerdict:
    mine = [f for f in findings if f.step == "balancing"]
    against = tuple(f"factor.{k}" for k, p in factors.items() if p.counted and p.position == "against")
    pro = tuple(f"factor.{k}" for k, p in factors.items() if p.counted and p.position == "for")
    summary = Reason(key="reason.balancing.summary", fmt={"n_against": len(against), "against": against,
                                                          "n_for": len(pro), "for": pro})
    blockers = [f for f in mine if f.severity == "blocker"]
    warn_against = [f for f in mine if f.severity == "warning" and f.rule.rule.weighs == "against"]
    pro_findings = [f for f in mine if f.rule.rule.weighs == "for"]
    if blockers:
        return StepVerdict("balancing", "fail",
                           [Reason(key="reason.balancing.hard_stop")] + [Reason(finding=f) for f in blockers] + [summary])
    if len(against) >= FAIL_AGAINST_FACTORS and len(against) > len(pro):
        return StepVerdict("balancing", "fail",
                           [Reason(key="reason.balancing.outweighed", fmt={"threshold": FAIL_AGAINST_FACTORS}), summary]
                           + [Reason(finding=f) for f in warn_against])
    if warn_against:
        return StepVerdict("balancing", "pass_with_measures",
                           [summary] + [Reason(finding=f) for f in warn_against + pro_findings])
    return StepVerdict("balancing", "pass",
                       [Reason(key="reason.balancing.pass", answers=_pick(answers, STEP_ANSWERS["balancing"])), summary]
                       + [Reason(finding=f) for f in pro_findings])


def _overall(steps: dict[str, StepVerdict], findings: list[Finding]) -> StepVerdict:
    failed = [s for s in ("purpose", "necessity", "balancing") if steps[s].verdict == "fail"]
    if failed:
        return StepVerdict("overall", "no", [Reason(key="reason.overall.failed", fmt={"steps": tuple(f"step.{s}" for s in failed)})]
                           + [r for s in failed for r in steps[s].reasons if r.finding is not None])
    outside = [f for f in findings if f.step in ("screening", "consistency") and f.severity == "blocker"]
    open_steps = [s for s in ("purpose", "necessity", "balancing") if steps[s].verdict != "pass"]
    if not open_steps and not outside:
        return StepVerdict("overall", "yes", [Reason(key="reason.overall.yes")])
    reasons: list[Reason] = []
    if open_steps:
        reasons.append(Reason(key="reason.overall.conditional",
                              fmt={"steps": tuple(f"step.{s}" for s in open_steps)}))
        reasons += [r for s in open_steps for r in steps[s].reasons
                    if r.finding is not None and r.finding.severity != "info" and r.finding.rule.rule.weighs != "for"]
    if outside:
        reasons.append(Reason(key="reason.overall.outside_blockers"))
        reasons += [Reason(finding=f) for f in outside]
    return StepVerdict("overall", "conditional", reasons)


def decide(findings: list[Finding], answers: Mapping[str, Any]) -> tuple[dict[str, StepVerdict], dict[str, FactorPosition]]:
    """Verdicts for purpose, necessity, balancing and overall, and the factor positions."""
    steps = {s: _simple_step(s, findings, answers) for s in ("purpose", "necessity")}
    factors = factor_positions(findings, steps["purpose"].verdict, steps["necessity"].verdict)
    steps["balancing"] = _balancing(findings, factors, answers)
    steps["overall"] = _overall(steps, findings)
    return steps, factors
