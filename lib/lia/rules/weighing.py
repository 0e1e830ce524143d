"""The weighing model (``templates/rules/weighing.yaml``): groups, interest weights, safeguards.

What the verdict engine (:mod:`lia.rules.verdict`) needs besides the rule packs,
declared as data with a version header (``kind: weighing``). Loading validates
the file and reports every problem at once, naming the file and the place.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import Joined, Message
from ..levels import IMPACT_LEVELS, WEIGHTS
from ..loaders import parse_yaml
from ..paths import templates_dir
from .files import FileCache, Texts, problem_report, validation_problems
from .packs import FACTORS, RulePackError
from .predicates import Node, compile_expr, ExpressionError

__all__ = ["Weighing", "WeighingModel", "load_weighing", "LEVELS", "GROUPS"]

#: The weights of balancing findings (:data:`lia.levels.WEIGHTS`), kept under its older name here.
LEVELS = WEIGHTS
GROUPS = ("callers", "agents", "third_parties")


class Group(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: Literal["callers", "agents", "third_parties"]
    basis: str
    label: Texts
    facts: list[str]
    present_if: Any = None


class ConsentCondition(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    label: Texts
    rules: dict[str, list[Literal["callers", "agents", "third_parties"]]]
    never_for: list[Literal["callers", "agents", "third_parties"]] = Field(default_factory=list)


class Consent(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    facts: dict[str, list[str]]
    conditions: list[ConsentCondition]

    @field_validator("facts")
    @classmethod
    def _known_groups(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        return _keys_in(v, GROUPS, "consent.facts")


class WeighingModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Literal["weighing"]
    id: Literal["weighing"]
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    # Keys are checked against IMPACT_LEVELS / GROUPS / the steps by the validators below; typed as str
    # so the engine can look them up with the plain strings the rule packs give.
    impact_points: dict[str, int]
    interest_points: dict[str, int]
    groups: list[Group] = Field(min_length=1)
    interests: dict[str, str]
    purpose_scope: dict[str, list[str]] = Field(default_factory=dict)
    safeguards: dict[str, list[str]]
    baseline: dict[str, Texts]
    dimensions: dict[str, str]
    dimension_labels: dict[str, Texts]
    step_effects: dict[str, Literal["not_assessed", "fail"]]
    step_facts: dict[str, list[str]]
    consent: Consent
    infringements: list[str]

    @field_validator("impact_points", "interest_points")
    @classmethod
    def _known_levels(cls, v: dict[str, int]) -> dict[str, int]:
        return _keys_in(v, IMPACT_LEVELS, "points")

    @field_validator("interests")
    @classmethod
    def _known_interest_levels(cls, v: dict[str, str]) -> dict[str, str]:
        bad = sorted(k for k, level in v.items() if level not in IMPACT_LEVELS)
        if bad:
            raise ValueError(f"interests {', '.join(bad)}: expected one of {', '.join(IMPACT_LEVELS)}")
        return v

    @field_validator("step_facts")
    @classmethod
    def _known_steps(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        return _keys_in(v, ("purpose", "necessity"), "step_facts")


def _keys_in(v: dict[str, Any], allowed: tuple[str, ...], where: str) -> Any:
    bad = sorted(set(v) - set(allowed))
    if bad:
        raise ValueError(f"{where}: unknown {', '.join(bad)}; expected {', '.join(allowed)}")
    return v


@dataclass(frozen=True)
class Weighing:
    """The loaded model with its compiled group conditions and provenance."""

    data: WeighingModel
    present: dict[str, Optional[Node]]
    path: Path
    digest: str

    def descriptor(self) -> dict[str, str]:
        return {"id": self.data.id, "version": self.data.version, "digest": self.digest}

    def group(self, gid: str) -> Group:
        return next(g for g in self.data.groups if g.id == gid)


def load_weighing(templates: Path | None = None) -> Weighing:
    """Load ``rules/weighing.yaml`` (cached by path, mtime and size); raises :class:`RulePackError` listing every problem."""
    root = Path(templates) if templates is not None else templates_dir()
    path = root / "rules" / "weighing.yaml"
    return _CACHE.get(path, RulePackError(Message("errors.weighing_missing"), file=path))


def _load(path: Path) -> Weighing:
    raw = path.read_bytes()
    data = parse_yaml(raw.decode("utf-8", errors="replace"), path)
    problems: list[Any] = []
    try:
        model = WeighingModel.model_validate(data)
    except ValidationError as exc:
        raise RulePackError(problem_report(Message("errors.rules_what_weighing"), validation_problems(exc.errors())), file=path) from None
    for fid, factors in model.safeguards.items():
        for f in factors:
            if f not in FACTORS:
                problems.append(Joined([f"safeguards.{fid}", Message("errors.weighing_unknown_factor", factor=repr(f),
                                                                            known=", ".join(FACTORS))], ": "))
    for f, dim in model.dimensions.items():
        if f not in FACTORS:
            problems.append(Joined([f"dimensions.{f}", Message("errors.weighing_unknown_dimension_factor",
                                                                known=", ".join(FACTORS))], ": "))
        if dim not in model.dimension_labels:
            problems.append(Joined([f"dimensions.{f}", Message("errors.weighing_no_label", dimension=repr(dim))], ": "))
    present: dict[str, Optional[Node]] = {}
    for g in model.groups:
        if g.present_if is None:
            present[g.id] = None
            continue
        try:
            present[g.id] = compile_expr(g.present_if)
        except ExpressionError as exc:
            problems.append(Joined([f"groups.{g.id}.present_if", exc.path, exc.args[0] if exc.args else str(exc)], ": "))
    if problems:
        raise RulePackError(problem_report(Message("errors.rules_what_weighing"), problems), file=path)
    return Weighing(model, present, path, "sha256:" + hashlib.sha256(raw).hexdigest())


_CACHE: FileCache[Weighing] = FileCache(_load)
