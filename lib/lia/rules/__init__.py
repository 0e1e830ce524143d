"""Legal reasoning: rule packs, the three-step LIA verdict, DPIA screening and risk register.

Usage::

    from lia.rules import evaluate
    ev = evaluate(version.assessment, version.answers, lang="sv")
    ev.lia["overall"].verdict          # "yes" | "no" | "conditional" | "not_assessed" | "unlawful" | "not_applicable"
    ev.groups                          # per group (callers, agents, third parties) and purpose
    ev.to_json("sv")                   # the JSON of `lia evaluate --json`

The order of work:

1. DPIA screening and the risk register are computed from the answers;
2. every applicable rule (EU always, SE/NO from the assessment's jurisdictions)
   whose condition does not read the verdict is evaluated -> findings;
3. the decision table in :mod:`lia.rules.verdict` turns findings into verdicts;
4. consistency rules that read the verdict run last.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

from . import consistency as _consistency  # noqa: F401  (registers lia_verdict)
from . import dpia as _dpia  # noqa: F401  (registers dpia/risk predicates)
from ..errors import InputError, Message
from .dpia import DpiaResult, RegisterResult, analyse_register, screen
from .packs import LIA_STEPS, FACTORS, Pack, packs_for
from .predicates import PREDICATES, Context, register
from ..i18n import check_lang
from .verdict import Decision, FactorPosition, Finding, GroupResult, StepVerdict, decide
from .weighing import Weighing, load_weighing

__all__ = ["evaluate", "Evaluation", "Finding", "PREDICATES", "register", "SEVERITY_ORDER", "STEP_ORDER",
           "parse_as_of", "territory_of", "law_date_of"]

SEVERITY_ORDER = ("blocker", "warning", "info")
STEP_ORDER = ("purpose", "necessity", "balancing", "screening", "consistency")


@dataclass
class Evaluation:
    """Everything the reasoning concluded about one answers version."""

    assessment: dict[str, Any]
    answers: dict[str, Any]
    packs: list[Pack]
    findings: list[Finding]
    lia: dict[str, StepVerdict]
    factors: dict[str, FactorPosition]
    dpia: DpiaResult
    risks: RegisterResult
    evidence: list[dict[str, Any]]
    #: each data-subject group's tests per purpose, the infringements, the deciding test
    decision: Decision | None = None
    weighing: Weighing | None = None
    #: the date of the law applied (``--as-of``; today by default)
    as_of: dt.date = field(default_factory=lambda: dt.date.today())
    #: the jurisdictions the law was applied for (the assessment's; EU when it names none)
    territory: tuple[str, ...] = ("EU",)
    #: rules of the applicable packs that were not applied, with why (not_yet, expired, jurisdiction)
    not_applied: dict[str, str] = field(default_factory=dict)

    @property
    def groups(self) -> list[GroupResult]:
        """Each group present with its tests per purpose (see :mod:`lia.rules.verdict`)."""
        return self.decision.groups if self.decision is not None else []

    def fired(self) -> list[str]:
        """Ids of the rules that fired."""
        return [f.id for f in self.findings]

    def by_severity(self) -> dict[str, list[Finding]]:
        """Findings grouped by severity (blocker, warning, info)."""
        return {s: [f for f in self.findings if f.severity == s] for s in SEVERITY_ORDER}

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        """The JSON document of ``lia evaluate --json`` (docs/architecture.md)."""
        _check_lang(lang)
        lia = {s: v.to_json(lang) for s, v in self.lia.items()}
        dec = self.decision
        if dec is not None:
            d = dec.deciding
            lia["overall"]["group"] = d.group if d is not None else None
            lia["overall"]["purpose"] = d.purpose if d is not None else None
            lia["overall"]["cures"] = [f.rule.rule.remediation.get(lang) for f in dec.infringements]
            li = dec.deciding_li
            for s in ("purpose", "necessity", "balancing"):
                lia[s]["group"] = li.group if li is not None else None
                lia[s]["purpose_id"] = li.purpose if li is not None else None
        return {
            "assessment": {k: self.assessment.get(k) for k in ("id", "title", "jurisdictions")},
            "lang": lang,
            "packs": [p.descriptor() for p in self.packs],
            "weighing_model": self.weighing.descriptor() if self.weighing is not None else None,
            "lia": lia,
            "groups": [g.to_json(lang, dec.labels) for g in dec.groups] if dec is not None else [],
            "infringements": [f.to_json(lang) for f in dec.infringements] if dec is not None else [],
            "dpia": self.dpia.to_json(lang),
            "risks": self.risks.to_json(),
            "factors": [self.factors[f].to_json(lang) for f in FACTORS],
            "findings": [_with_sources(f, lang) for f in self.findings],
            "counts": {s: len(v) for s, v in self.by_severity().items()},
            "evidence": self.evidence,
            "law_as_of": self.as_of.isoformat(),
            "law": {
                "as_of": self.as_of.isoformat(),
                "jurisdictions": list(self.territory),
                "not_applied": [{"rule": rid, "reason": why} for rid, why in sorted(self.not_applied.items())],
            },
        }


def _with_sources(f: Finding, lang: str) -> dict[str, Any]:
    """A finding's JSON with its citation in ``lang`` and each registry source it rests on."""
    out = f.to_json(lang)
    rule = f.rule.rule
    out["citation"] = rule.citation.render(lang)
    out["sources"] = [r.to_json(lang) for r in rule.refs]
    out["basis"] = f.rule.basis
    out["applies_in"] = list(f.rule.applies_in)
    return out


def territory_of(assessment: Mapping[str, Any]) -> tuple[str, ...]:
    """The jurisdictions whose law applies to an assessment: those it names (EU when none)."""
    named = [str(j).upper() for j in (assessment.get("jurisdictions") or [])]
    return tuple(dict.fromkeys(named)) or ("EU",)


def law_date_of(version: Any) -> dt.date:
    """The date of the law a report applies to a saved version: the day it was saved (UTC).

    A report must render the same bytes every time, so it does not apply "today's" law:
    it applies the law as of the version's date and says so.
    """
    stamp = str(getattr(version, "time", "") or "")[:10]
    try:
        return dt.date.fromisoformat(stamp)
    except ValueError:
        return dt.date.today()


def parse_as_of(value: Any) -> dt.date:
    """A date of the law from ``YYYY-MM-DD`` (or a date); raises :class:`InputError` saying what was expected."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InputError(Message("errors.as_of_date", value=repr(value))) from None


def _check_lang(lang: str) -> None:
    check_lang(lang)


def _sort_key(f: Finding) -> tuple[int, int, str]:
    return SEVERITY_ORDER.index(f.severity), STEP_ORDER.index(f.step), f.id


def evaluate(
    assessment: Mapping[str, Any],
    answers: Mapping[str, Any],
    *,
    evidence: Sequence[Mapping[str, Any]] | None = None,
    lang: str = "en",
    templates: Path | None = None,
    as_of: dt.date | str | None = None,
) -> Evaluation:
    """Evaluate an answers version against the applicable rule packs.

    ``assessment`` is the version's metadata (``jurisdictions`` decides the
    packs; EU always applies). ``evidence`` are breaches found in real call
    logs (issue 6), each a mapping with at least ``kind``. ``lang`` is checked
    here so a bad language fails early; texts are rendered by ``to_json``.
    ``as_of`` is the date of the law to apply (today by default): a rule
    applies only in the jurisdictions it declares and from the dates the
    law it cites is in force (docs/rules.md, "Where and when").
    Raises :class:`LiaError` / :class:`InputError` when the assessment cannot
    be evaluated (bad pack, bad evidence); never for a negative verdict.
    """
    _check_lang(lang)
    on = dt.date.today() if as_of is None else parse_as_of(as_of)
    if not isinstance(answers, Mapping):
        raise InputError(Message("errors.evaluate_answers", type=type(answers).__name__))
    ev_list: list[dict[str, Any]] = []
    for i, item in enumerate(evidence or []):
        if not isinstance(item, Mapping) or not isinstance(item.get("kind"), str):
            raise InputError(Message("errors.evaluate_evidence_item", n=i + 1, got=repr(item)))
        ev_list.append(dict(item))
    juris = {str(j).upper() for j in (assessment.get("jurisdictions") or [])} | {"EU"}
    packs = packs_for(juris, templates)
    ctx = Context(answers=dict(answers), jurisdictions=frozenset(juris), evidence=ev_list)
    ctx.derived["dpia"] = screen(ctx, templates)
    ctx.derived["risks"] = analyse_register(ctx.answers)

    territory = territory_of(assessment)
    not_applied: dict[str, str] = {}
    rules = []
    for p in packs:
        for r in p.rules:
            why = r.not_applied_because(territory, on)
            if why is None:
                rules.append(r)
            else:
                not_applied[r.id] = why
    findings: list[Finding] = []

    def run(phase: int) -> None:
        for r in rules:
            if r.phase != phase:
                continue
            out = r.node.evaluate(ctx)
            if out:
                qs = r.node.questions()
                if r.rule.question and r.rule.question not in qs:
                    qs.insert(0, r.rule.question)
                findings.append(Finding(r, {q: ctx.answers.get(q) for q in qs}, out.details))

    run(0)
    model = load_weighing(templates)
    decision = decide(findings, ctx.answers, model, ctx)
    steps, factors = decision.steps, decision.factors
    ctx.derived["lia"] = steps
    run(1)
    findings.sort(key=_sort_key)
    return Evaluation(
        assessment=dict(assessment),
        answers=dict(answers),
        packs=packs,
        findings=findings,
        lia=steps,
        factors=factors,
        dpia=ctx.derived["dpia"],
        risks=ctx.derived["risks"],
        evidence=ev_list,
        decision=decision,
        weighing=model,
        as_of=on,
        territory=territory,
        not_applied=not_applied,
    )


assert set(LIA_STEPS) <= set(STEP_ORDER)
