"""DPIA screening (WP248 rev.01 nine criteria) and the CNIL-style risk register.

Screening: a criterion is met when the assessor answered yes to ``dpia.<id>``
or when the LIA answers show it (the derivations are data, in
``templates/rules/dpia_criteria.yaml``, written in the predicate vocabulary).
Each met criterion carries the answers that show it. Two or more met criteria:
a DPIA is required (WP248 rev.01, section III.B.a).

Risk register (``risks.register`` and ``risks.measures``): each risk is rated
for severity and likelihood on four levels (negligible, limited, significant,
maximum) before and after measures. The residual rating is the "after" rating
where given, the "before" rating otherwise (per dimension).

Residual high risk - the rule used here, after the CNIL PIA methodology's risk
map (PIA, Methodology, February 2018 edition, section 3.2 and 4): a risk is
high when, after measures, **both severity and likelihood are at least
significant, or either is maximum**. Any residual high risk flags prior
consultation of the supervisory authority (GDPR Art. 36(1)).

Consistency of the register:
- a rating lowered after measures on a dimension (severity or likelihood) that
  no measure for that risk addresses (``reduces`` severity/likelihood/both);
- a risk rated after measures without any measure for it;
- a measure whose ``ref`` names no risk in the register;
- a register that leaves out one of the three feared events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import Joined, Message
from ..levels import RISK_LEVELS, risk_level, risk_number
from ..loaders import load_data_file
from ..paths import templates_dir
from .files import FileCache, Texts
from .packs import RulePackError
from .predicates import Context, ExpressionError, Node, compile_expr, register

__all__ = [
    "LEVELS",
    "FEARED_EVENTS",
    "DPIA_THRESHOLD",
    "CriterionResult",
    "DpiaResult",
    "RiskResult",
    "RegisterResult",
    "screen",
    "analyse_register",
    "residual_high",
    "load_criteria",
]

#: The severity / likelihood scale (:data:`lia.levels.RISK_LEVELS`), kept under its older name here.
LEVELS = RISK_LEVELS
FEARED_EVENTS = ("illegitimate_access", "unwanted_modification", "disappearance")
#: WP248 rev.01: "in most cases ... meeting two criteria would require a DPIA".
DPIA_THRESHOLD = 2


# --------------------------------------------------------------------------- criteria data


class Derivation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    when: Any
    because: Texts


class CriterionDef(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z_]+$")
    question: str
    title: Texts
    derived: list[Derivation] = []


class CriteriaFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: str = Field(pattern=r"^dpia_criteria$")
    id: str
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    title: Texts
    #: references into the source registry (templates/rules/sources.yaml), e.g. ``gdpr#Art. 35(1)``
    sources: list[str] = Field(min_length=1)
    criteria: list[CriterionDef] = Field(min_length=9, max_length=9)


@dataclass(frozen=True)
class Criteria:
    """The loaded criteria file with compiled derivations."""

    data: CriteriaFile
    nodes: dict[str, list[Node]]
    path: Path


def _load_criteria(p: Path) -> Criteria:
    try:
        data = CriteriaFile.model_validate(load_data_file(p, what=Message("errors.what_dpia_criteria")))
    except ValidationError as exc:
        lines = [Joined(["  - " + ".".join(map(str, e["loc"])), e["msg"]], ": ") for e in exc.errors()]
        raise RulePackError(Joined([Message("errors.dpia_criteria_invalid"), *lines], "\n"), file=p) from None
    nodes: dict[str, list[Node]] = {}
    for c in data.criteria:
        try:
            nodes[c.id] = [compile_expr(d.when, f"criteria.{c.id}.derived[{i}].when") for i, d in enumerate(c.derived)]
        except ExpressionError as exc:
            raise RulePackError(Joined([Message("errors.dpia_criterion", id=c.id), exc.path,
                                        exc.args[0] if exc.args else str(exc)], ": "), file=p) from None
    return Criteria(data=data, nodes=nodes, path=p)


_CACHE: FileCache[Criteria] = FileCache(_load_criteria)


def load_criteria(templates: Path | None = None) -> Criteria:
    """Load ``templates/rules/dpia_criteria.yaml`` (cached by path, mtime and size)."""
    p = (Path(templates) if templates is not None else templates_dir()) / "rules" / "dpia_criteria.yaml"
    return _CACHE.get(p, RulePackError("DPIA criteria file not found", file=p))


# --------------------------------------------------------------------------- screening


@dataclass
class CriterionResult:
    """One WP248 criterion: met or not, and what shows it."""

    id: str
    title: Texts
    met: bool
    assessor: Optional[bool]
    derived: list[dict[str, Any]] = field(default_factory=list)  # [{because: Texts, answers: {...}}]

    def to_json(self, lang: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title.get(lang),
            "met": self.met,
            "assessor": self.assessor,
            "derived": [{"because": d["because"].get(lang), "answers": d["answers"]} for d in self.derived],
        }


@dataclass
class DpiaResult:
    """The screening result."""

    criteria: list[CriterionResult]
    required: bool
    citation: str

    @property
    def criteria_met(self) -> list[str]:
        return [c.id for c in self.criteria if c.met]

    @property
    def status(self) -> str:
        """``required``, ``not_required`` or ``not_screened``: a screening nobody answered is not a
        green "not required" (Art. 5(2)); enough criteria shown by the LIA answers still require a DPIA."""
        if self.required:
            return "required"
        if all(c.assessor is None for c in self.criteria):
            return "not_screened"
        return "not_required"

    def reasons(self, lang: str) -> list[str]:
        """Why a DPIA is or is not required, one line per met criterion, then the conclusion."""
        from .texts import ui

        out = []
        for c in self.criteria:
            if not c.met:
                continue
            parts = []
            if c.assessor:
                parts.append(ui("dpia.reason.assessor", lang, question=f"dpia.{c.id}"))
            for d in c.derived:
                answers = ", ".join(f"{k} = {_show(v)}" for k, v in d["answers"].items())
                parts.append(f"{d['because'].get(lang)} ({answers})")
            out.append(f"{c.title.get(lang)}: " + "; ".join(parts))
        key = f"dpia.reason.{self.status}"
        out.append(ui(key, lang, count=len(self.criteria_met), threshold=DPIA_THRESHOLD, citation=self.citation))
        return out

    def to_json(self, lang: str) -> dict[str, Any]:
        return {
            "criteria_met": self.criteria_met,
            "required": self.required,
            "status": self.status,
            "threshold": DPIA_THRESHOLD,
            "reasons": self.reasons(lang),
            "criteria": [c.to_json(lang) for c in self.criteria],
            "citation": self.citation,
        }


def _show(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, list):
        return "[" + ", ".join(map(str, v)) + "]"
    return "(unanswered)" if v is None else str(v)


def screen(ctx: Context, templates: Path | None = None) -> DpiaResult:
    """Screen the answers against the nine WP248 criteria."""
    crit = load_criteria(templates)
    results = []
    for c in crit.data.criteria:
        assessor = ctx.answers.get(c.question)
        assessor = assessor if isinstance(assessor, bool) else None
        derived = []
        for d, node in zip(c.derived, crit.nodes[c.id]):
            if node.evaluate(ctx):
                derived.append({"because": d.because, "answers": {q: ctx.answers.get(q) for q in node.questions()}})
        results.append(CriterionResult(c.id, c.title, bool(assessor) or bool(derived), assessor, derived))
    met = sum(r.met for r in results)
    from .sources import registry, render_refs

    refs = [registry(templates).resolve(r) for r in crit.data.sources]
    return DpiaResult(results, met >= DPIA_THRESHOLD, render_refs(refs))


# --------------------------------------------------------------------------- risk register


def _level(v: Any) -> Optional[int]:
    return risk_number(v)


def residual_high(severity: int, likelihood: int) -> bool:
    """High risk: both at least significant (3), or either maximum (4)."""
    return (severity >= 3 and likelihood >= 3) or severity == 4 or likelihood == 4


@dataclass
class RiskResult:
    """One risk of the register, analysed."""

    ref: str
    event: str
    title: str
    severity_before: Optional[int]
    likelihood_before: Optional[int]
    severity_after: Optional[int]
    likelihood_after: Optional[int]
    measures: list[dict[str, Any]]
    problems: list[dict[str, Any]]

    @property
    def residual(self) -> tuple[Optional[int], Optional[int]]:
        s = self.severity_after or self.severity_before
        lk = self.likelihood_after or self.likelihood_before
        return s, lk

    @property
    def high(self) -> bool:
        s, lk = self.residual
        return s is not None and lk is not None and residual_high(s, lk)

    def to_json(self) -> dict[str, Any]:
        name = risk_level
        s, lk = self.residual
        return {
            "ref": self.ref,
            "event": self.event,
            "title": self.title,
            "before": {"severity": name(self.severity_before), "likelihood": name(self.likelihood_before)},
            "after": {"severity": name(self.severity_after), "likelihood": name(self.likelihood_after)},
            "residual": {"severity": name(s), "likelihood": name(lk)},
            "residual_high": self.high,
            "measures": self.measures,
            "problems": self.problems,
        }


@dataclass
class RegisterResult:
    """The analysed register."""

    risks: list[RiskResult]
    unknown_measure_refs: list[dict[str, Any]]
    missing_events: list[str]

    @property
    def prior_consultation(self) -> bool:
        """Residual high risk: GDPR Art. 36(1) prior consultation."""
        return any(r.high for r in self.risks)

    def to_json(self) -> dict[str, Any]:
        return {
            "register": [r.to_json() for r in self.risks],
            "prior_consultation": self.prior_consultation,
            "high_residual": [r.ref for r in self.risks if r.high],
            "unknown_measure_refs": self.unknown_measure_refs,
            "missing_events": self.missing_events,
            "rule": "residual high = severity and likelihood both >= significant, or either = maximum "
                    "(CNIL PIA methodology risk map); high residual risk -> GDPR Art. 36(1)",
        }


def analyse_register(answers: Mapping[str, Any]) -> RegisterResult:
    """Analyse ``risks.register`` against ``risks.measures``."""
    rows = [r for r in answers.get("risks.register") or [] if isinstance(r, Mapping)]
    measures = [m for m in answers.get("risks.measures") or [] if isinstance(m, Mapping)]
    refs = {str(r.get("ref")) for r in rows}
    risks = []
    for i, r in enumerate(rows):
        ref = str(r.get("ref") or f"row {i + 1}")
        mine = [dict(m) for m in measures if str(m.get("ref")) == ref]
        addressed = {d for m in mine for d in (("severity", "likelihood") if m.get("reduces") == "both" else (m.get("reduces"),))}
        risk = RiskResult(
            ref=ref,
            event=str(r.get("event") or ""),
            title=str(r.get("title") or ""),
            severity_before=_level(r.get("severity_before")),
            likelihood_before=_level(r.get("likelihood_before")),
            severity_after=_level(r.get("severity_after")),
            likelihood_after=_level(r.get("likelihood_after")),
            measures=mine,
            problems=[],
        )
        rated_after = risk.severity_after is not None or risk.likelihood_after is not None
        if rated_after and not mine:
            risk.problems.append({"problem": "rated_after_without_measure", "ref": ref})
        for dim in ("severity", "likelihood"):
            before, after = getattr(risk, f"{dim}_before"), getattr(risk, f"{dim}_after")
            if before and after and after < before and mine and dim not in addressed:
                risk.problems.append({"problem": "lowered_without_measure", "ref": ref, "dimension": dim})
        risks.append(risk)
    unknown = [
        {"problem": "measure_unknown_ref", "ref": str(m.get("ref")), "measure": m.get("measure"), "row": i + 1}
        for i, m in enumerate(measures)
        if str(m.get("ref")) not in refs
    ]
    events = {r.event for r in risks}
    missing = [e for e in FEARED_EVENTS if e not in events]
    return RegisterResult(risks, unknown, missing)


# --------------------------------------------------------------------------- predicates
# Computed before the rules run; rules read them through these predicates.


def _dpia(ctx: Context) -> DpiaResult | None:
    return ctx.derived.get("dpia")


def _reg(ctx: Context) -> RegisterResult:
    reg = ctx.derived.get("risks")
    return reg if reg is not None else analyse_register(ctx.answers)


@register("dpia_required")
def _p_dpia_required(ctx: Context) -> list[dict[str, Any]]:
    """Two or more WP248 criteria are met (assessor's answers or derived)."""
    d = _dpia(ctx)
    return [{"criteria_met": d.criteria_met}] if d and d.required else []


@register("dpia_criterion", "string")
def _p_dpia_criterion(ctx: Context, cid: str) -> bool:
    """The named WP248 criterion is met."""
    d = _dpia(ctx)
    return bool(d and cid in d.criteria_met)


@register("risk_residual_high")
def _p_residual_high(ctx: Context) -> list[dict[str, Any]]:
    """Some risk stays high after measures (Art. 36 prior consultation)."""
    return [{"ref": r.ref, "residual": r.to_json()["residual"]} for r in _reg(ctx).risks if r.high]


@register("risk_lowered_without_measure")
def _p_lowered(ctx: Context) -> list[dict[str, Any]]:
    """A rating is lowered on a dimension no measure for that risk addresses."""
    return [p for r in _reg(ctx).risks for p in r.problems if p["problem"] == "lowered_without_measure"]


@register("risk_after_without_measure")
def _p_after(ctx: Context) -> list[dict[str, Any]]:
    """A risk is rated after measures but has no measure."""
    return [p for r in _reg(ctx).risks for p in r.problems if p["problem"] == "rated_after_without_measure"]


@register("risk_measure_unknown_ref")
def _p_unknown(ctx: Context) -> list[dict[str, Any]]:
    """A measure refers to a risk that is not in the register."""
    return list(_reg(ctx).unknown_measure_refs)


@register("risk_events_missing")
def _p_missing(ctx: Context) -> list[dict[str, Any]]:
    """The register leaves out one of the three feared events."""
    return [{"missing_event": e} for e in _reg(ctx).missing_events]
