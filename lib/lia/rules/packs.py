"""Rule packs: loading and validating ``templates/rules/{eu,se,no}.yaml``.

A pack is data with a version header (``kind: rule_pack``, ``id``, ``version``)
and a list of rules. Every rule has a stable id, a severity, the LIA step it
belongs to, optionally the balancing factor it weighs on, a condition written
in the predicate vocabulary of :mod:`lia.rules.predicates`, its legal sources
(references into the source registry, :mod:`lia.rules.sources`), where and from
when it applies, and a message and remediation in English, Swedish and
Norwegian Bokmål.

Validation collects every problem in a file and reports them together, each
naming the file, the rule id (and its line) and what was expected.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Literal, Optional

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from ..errors import InputError, Joined, Message, os_reason
from ..levels import Weight
from ..loaders import parse_yaml
from ..paths import templates_dir
from .files import FileCache, Texts, problem_report
from .predicates import QUESTION_ID, ExpressionError, Node, compile_expr
from .sources import Registry, SourceRef, SourceRegistryError, covers, load_registry, registry, render_refs

__all__ = [
    "SEVERITIES",
    "STEPS",
    "FACTORS",
    "LIA_STEPS",
    "Texts",
    "Rule",
    "CompiledRule",
    "Pack",
    "RulePackError",
    "load_pack",
    "load_packs",
    "packs_for",
    "DEFAULT_APPLIES_IN",
    "BASES",
]

SEVERITIES = ("blocker", "warning", "info")
STEPS = ("purpose", "necessity", "balancing", "screening", "consistency")
LIA_STEPS = ("purpose", "necessity", "balancing")
FACTORS = (
    "purpose",
    "necessity",
    "sensitivity",
    "expectations",
    "power_imbalance",
    "recording_periods",
    "union",
    "access",
    "retention",
    "safeguards",
    "ai",
    "rights",
    "security",
    "transfers",
)
JURISDICTIONS = ("EU", "SE", "NO")
#: Where a pack's rules apply unless a rule says otherwise: the EU pack's GDPR rules in the
#: EU (Sweden included) and in Norway (EEA); a national pack's only in its country.
DEFAULT_APPLIES_IN = {"eu": ("EU", "NO"), "se": ("SE",), "no": ("NO",)}
#: What a rule rests on: the law, a regulator's or the EDPB's guidance, or the organisation's
#: own policy (stricter than the law, and labelled so).
BASES = ("law", "guidance", "policy")


class RulePackError(InputError):
    """A rule pack that cannot be used; the message lists every problem found."""


class Rule(BaseModel):
    """One rule as written in a pack."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z]{2}(\.[a-z0-9_]+)+$")
    severity: Literal["blocker", "warning", "info"]
    step: Literal["purpose", "necessity", "balancing", "screening", "consistency"]
    factor: Optional[
        Literal[
            "purpose", "necessity", "sensitivity", "expectations", "power_imbalance", "recording_periods",
            "union", "access", "retention", "safeguards", "ai", "rights", "security", "transfers",
        ]
    ] = None
    question: Optional[str] = None
    when: Any
    weighs: Optional[Literal["for", "against"]] = None
    #: how much the finding weighs in the balance (balancing rules): low | medium | high | severe
    weight: Optional[Weight] = None
    #: the data-subject groups whose balance it weighs in (balancing rules)
    groups: Optional[list[Literal["callers", "agents", "third_parties"]]] = None
    sources: list[str] = Field(min_length=1)
    applies_in: Optional[list[Literal["EU", "SE", "NO"]]] = None
    in_force_from: Optional[dt.date] = None
    until: Optional[dt.date] = None
    basis: Optional[Literal["law", "guidance", "policy"]] = None
    message: Texts
    remediation: Texts
    _refs: tuple[SourceRef, ...] = PrivateAttr(default=())

    @property
    def refs(self) -> tuple[SourceRef, ...]:
        """The resolved registry entries this rule cites."""
        return self._refs

    @property
    def citation(self) -> "RenderedCitation":
        """The citation line, rendered from the registry (``citation.render(lang)``)."""
        return RenderedCitation(self._refs)

    @field_validator("question")
    @classmethod
    def _question_id(cls, v: Optional[str]) -> Optional[str]:
        if v is not None and not QUESTION_ID.match(v):
            raise ValueError("expected a question id such as 'periods.continuous'")
        return v


@dataclass(frozen=True)
class RenderedCitation:
    """A rule's citation as rendered from its registry references."""

    refs: tuple[SourceRef, ...]

    def render(self, lang: str = "en") -> str:
        return render_refs(self.refs, lang)

    def __str__(self) -> str:
        return self.render()


class PackHeader(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["rule_pack"]
    id: str = Field(pattern=r"^[a-z]{2}$")
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    title: Texts
    jurisdiction: Literal["EU", "SE", "NO"]
    rules: list[Any] = Field(min_length=1)


@dataclass(frozen=True)
class CompiledRule:
    """A validated rule with its compiled condition."""

    rule: Rule
    node: Node
    pack: str
    line: int | None
    #: jurisdiction -> (first day, last day or None) the rule is in force there
    windows: dict[str, tuple[dt.date, dt.date | None]] = field(default_factory=dict)
    basis: str = "law"

    @property
    def id(self) -> str:
        return self.rule.id

    @property
    def applies_in(self) -> tuple[str, ...]:
        return tuple(self.windows)

    def applies(self, territory: Iterable[str], on: dt.date) -> bool:
        """Whether the rule is law (or guidance) for an assessment covering ``territory`` on ``on``."""
        return self.not_applied_because(territory, on) is None

    def not_applied_because(self, territory: Iterable[str], on: dt.date) -> str | None:
        """None when the rule applies; else ``"jurisdiction"``, ``"not_yet"`` or ``"expired"``."""
        terr = list(territory)
        reasons = []
        for where, (start, end) in self.windows.items():
            if not any(covers(where, t) for t in terr):
                continue
            if on < start:
                reasons.append("not_yet")
            elif end is not None and on > end:
                reasons.append("expired")
            else:
                return None
        if not reasons:
            return "jurisdiction"
        return "not_yet" if "not_yet" in reasons else "expired"

    @property
    def phase(self) -> int:
        return self.node.phase()


@dataclass(frozen=True)
class Pack:
    """A loaded rule pack."""

    id: str
    version: str
    title: Texts
    jurisdiction: str
    rules: tuple[CompiledRule, ...]
    path: Path
    digest: str

    def descriptor(self) -> dict[str, str]:
        """``{id, version, digest}`` for provenance (reports, signatures)."""
        return {"id": self.id, "version": self.version, "digest": self.digest}


def _field_path(loc: Iterable[Any]) -> str:
    return ".".join(str(p) for p in loc) or Message("errors.rules_top_level")


def _rule_lines(text: str) -> list[int]:
    """1-based line of each item of the top-level ``rules`` list (best effort)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if getattr(key, "value", None) == "rules" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def load_pack(path: Path) -> Pack:
    """Load and validate one pack file; raises :class:`RulePackError` listing every problem."""
    path = Path(path)
    try:
        raw_bytes = path.read_bytes()
    except OSError as exc:
        raise RulePackError(Message("errors.pack_unreadable", reason=os_reason(exc)), file=path) from None
    text = raw_bytes.decode("utf-8", errors="replace")
    try:
        data = parse_yaml(text, path)
    except InputError as exc:
        raise RulePackError(Message("errors.pack_yaml", problem=exc.detail), file=path, where=exc.where) from None

    problems: list[Any] = []
    try:
        header = PackHeader.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            if err["loc"] and err["loc"][0] == "rules" and err["type"] != "too_short":
                continue
            problems.append(Joined([_field_path(err["loc"]), Joined([err["msg"], _got(err)], " ")], ": "))
        if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
            raise RulePackError(_report(path, problems), file=path)
        header = None

    reg = _registry_for(path)
    lines = _rule_lines(text)
    rules: list[CompiledRule] = []
    seen: set[str] = set()
    raw_rules = data.get("rules") or []
    pack_id = data.get("id") if isinstance(data.get("id"), str) else None
    for i, raw in enumerate(raw_rules):
        rid = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else f"rules[{i}]"
        line = lines[i] if i < len(lines) else None
        label = Message("errors.pack_rule_line", id=rid, line=line) if line else Message("errors.pack_rule", id=rid)
        try:
            rule = Rule.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                problems.append(Joined([label, _field_path(err["loc"]), _expected(err)], ": "))
            continue
        if rule.id in seen:
            problems.append(Joined([label, Message("errors.pack_duplicate_id")], ": "))
        seen.add(rule.id)
        if pack_id and not rule.id.startswith(pack_id + "."):
            problems.append(Joined([label, Message("errors.pack_id_prefix", pack=pack_id)], ": "))
        if rule.step == "balancing" and rule.factor is None:
            problems.append(Joined([label, Message("errors.pack_needs_factor")], ": "))
        if rule.weighs is not None and rule.step != "balancing":
            problems.append(Joined([label, Message("errors.pack_weighs_step", step=rule.step)], ": "))
        try:
            node = compile_expr(rule.when)
        except ExpressionError as exc:
            problems.append(Joined([label, exc.path, exc.args[0] if exc.args else str(exc)], ": "))
            continue
        if node.phase() > 0 and rule.step != "consistency":
            problems.append(Joined([label, Message("errors.pack_verdict_step")], ": "))
        if node.phase() > 0 and rule.severity == "blocker":
            problems.append(Joined([label, Message("errors.pack_verdict_severity")], ": "))
        if rule.step == "balancing" and rule.weighs is None:
            problems.append(Joined([label, Message("errors.pack_weighs_missing")], ": "))
        if rule.step == "balancing" and (rule.weight is None or not rule.groups):
            problems.append(Joined([label, Message("errors.pack_weight_missing")], ": "))
        if rule.step != "balancing" and (rule.weight is not None or rule.groups is not None):
            problems.append(Joined([label, Message("errors.pack_weight_step", step=rule.step)], ": "))
        if rule.weight == "severe" and rule.weighs != "against":
            problems.append(Joined([label, Message("errors.pack_severe_for")], ": "))
        refs, ref_problems = reg.resolve_all(rule.sources)
        problems.extend(Joined([label, "sources", p], ": ") for p in ref_problems)
        windows, basis, when_problems = _where_and_when(rule, refs, pack_id or path.stem)
        problems.extend(Joined([label, p], ": ") for p in when_problems)
        rule._refs = tuple(refs)
        rules.append(CompiledRule(rule=rule, node=node, pack=pack_id or path.stem, line=line,
                                  windows=windows, basis=basis))

    if problems or header is None:
        raise RulePackError(_report(path, problems), file=path)
    return Pack(
        id=header.id,
        version=header.version,
        title=header.title,
        jurisdiction=header.jurisdiction,
        rules=tuple(rules),
        path=path,
        digest="sha256:" + hashlib.sha256(raw_bytes).hexdigest(),
    )


def _registry_for(path: Path) -> Registry:
    """The registry beside the pack (``sources.yaml`` in the same folder), else the project's."""
    local = path.parent / "sources.yaml"
    try:
        if local.exists():
            return registry(path.parent.parent) if path.parent.name == "rules" else load_registry(local)
        return registry()
    except SourceRegistryError as exc:
        raise RulePackError(Message("errors.pack_registry", problem=exc.detail), file=exc.file or local) from None


def _where_and_when(
    rule: Rule, refs: list[SourceRef], pack: str
) -> tuple[dict[str, tuple[dt.date, dt.date | None]], str, list[str]]:
    """Where and from when a rule applies, from its own fields and its binding sources.

    A rule applies in ``applies_in`` (default: its pack's, :data:`DEFAULT_APPLIES_IN`). In each
    of those jurisdictions it is in force from the latest first day of the laws it cites there
    (and not before its own ``in_force_from``) until the earliest ``until``. Citing a law that is
    not in force in one of the rule's jurisdictions is an error: a Norway finding may not rest on
    the AI Act while the AI Act is not part of the EEA Agreement.
    """
    problems: list[Any] = []
    where = tuple(rule.applies_in) if rule.applies_in else DEFAULT_APPLIES_IN.get(pack, ("EU",))
    binding = [r for r in refs if r.binding]
    ends = [d for d in [rule.until] + [r.source.until for r in binding] if d is not None]
    end = min(ends) if ends else None
    windows: dict[str, tuple[dt.date, dt.date | None]] = {}
    for j in where:
        starts = [rule.in_force_from] if rule.in_force_from else []
        for r in binding:
            d = r.from_date(j)
            if d is None:
                problems.append(Message("errors.pack_not_in_force", key=r.key, where=j,
                                        known=", ".join(r.source.in_force)))
                continue
            starts.append(d)
        start = max(starts) if starts else dt.date(1900, 1, 1)
        if end is not None and end < start:
            problems.append(Message("errors.pack_until_before", end=str(end), where=j, start=str(start)))
        windows[j] = (start, end)
    if rule.in_force_from and binding:
        earliest = min((r.from_date(j) or dt.date.max) for r in binding for j in where)
        if rule.in_force_from < earliest:
            problems.append(Message("errors.pack_from_before", start=str(rule.in_force_from), earliest=str(earliest)))
    basis = rule.basis or ("law" if binding else "guidance")
    if rule.basis == "law" and not binding:
        problems.append(Message("errors.pack_basis_law"))
    return windows, basis, problems


def _got(err: dict[str, Any]) -> Message:
    """``(got <value>)`` after a pydantic problem, in the reader's language."""
    return Message("errors.rules_got", got=repr(err.get("input")))


def _expected(err: dict[str, Any]) -> Any:
    """What a rule's field should be: a code for the usual problems, pydantic's own English otherwise."""
    msg: Any = err["msg"]
    if err["type"] == "missing":
        return Message("errors.pack_field_missing")
    if err["type"] == "extra_forbidden":
        msg = Message("errors.pack_unknown_field")
    elif err["type"] == "literal_error":
        msg = Message("errors.pack_expected", expected=err.get("ctx", {}).get("expected", msg))
    return Joined([msg, _got(err)], " ")


def _report(path: Path, problems: list[Any]) -> str:
    return problem_report(Message("errors.rules_what_pack"), problems)


_CACHE: FileCache[Pack] = FileCache(load_pack)


def packs_for(jurisdictions: Iterable[str], templates: Path | None = None) -> list[Pack]:
    """The packs that apply: EU always, plus SE and/or NO from the assessment's jurisdictions."""
    root = Path(templates) if templates is not None else templates_dir()
    wanted = ["EU"] + [j for j in JURISDICTIONS[1:] if j in {str(x).upper() for x in jurisdictions}]
    out = []
    for code in wanted:
        path = root / "rules" / f"{code.lower()}.yaml"
        out.append(_CACHE.get(path, RulePackError(Message("errors.pack_missing", code=code), file=path)))
    return out


def load_packs(templates: Path | None = None) -> list[Pack]:
    """Every pack (EU, SE, NO), e.g. for content checks."""
    return packs_for(JURISDICTIONS, templates)
