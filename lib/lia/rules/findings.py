"""What the verdict is made of: findings (rules that fired), reasons, step verdicts, factor
positions, and the labels of groups, purposes and bases in the reader's language.

Split out of :mod:`lia.rules.verdict`, which decides; :mod:`lia.rules.balance` weighs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .packs import CompiledRule
from .texts import ui
from .weighing import Weighing

__all__ = ["Finding", "Reason", "StepVerdict", "FactorPosition", "Labels"]


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
