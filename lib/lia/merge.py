"""Three-way merge of an assessment's answers and metadata (DESIGN decision 9).

When two people edited one assessment from the same version (the *base*), the save that
comes second is merged, not chosen between: every answer only one of them changed is kept as
that person left it, answers both changed to the same value are that value, and only the
questions both changed differently are *clashes*, put to a person to choose per question.

:func:`three_way` merges two mappings (answers, or metadata fields); :func:`merge_versions`
merges answers and metadata together and names metadata fields ``assessment.<field>``.
An answer that is absent (never given, or removed) is :data:`MISSING`; removing an answer is
a change like any other. Two values are the same when their RFC 8785 canonical JSON is the
same (so ``12`` and ``12.0`` are one answer, ``true`` and ``1`` are not).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

__all__ = ["MISSING", "MINE", "THEIRS", "Clash", "MergeResult", "three_way", "merge_versions", "same"]

MINE = "mine"
THEIRS = "theirs"
_SIDES = (MINE, THEIRS)


class _Missing:
    """No answer (never given, or removed)."""

    _instance: "_Missing | None" = None

    def __new__(cls) -> "_Missing":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()

_META_PREFIX = "assessment."


def same(a: Any, b: Any) -> bool:
    """Whether two answers are the same (canonical JSON equality; MISSING only equals MISSING)."""
    if a is MISSING or b is MISSING:
        return a is b
    if a is b:
        return True
    from .canonical import canonical_json

    try:
        return canonical_json(a) == canonical_json(b)
    except Exception:  # values JSON cannot hold (never stored): plain equality with types
        return type(a) is type(b) and a == b


@dataclass(frozen=True)
class Clash:
    """A question (or ``assessment.<field>``) both sides changed, to different values."""

    where: str
    base: Any
    mine: Any
    theirs: Any

    def value(self, side: str) -> Any:
        """The value of *side* (``mine`` or ``theirs``); MISSING when that side removed it."""
        if side not in _SIDES:
            raise ValueError(f"expected 'mine' or 'theirs', got {side!r}")
        return self.mine if side == MINE else self.theirs

    def record(self) -> dict[str, Any]:
        """As JSON: the sides that have a value (a side left out removed the answer)."""
        out: dict[str, Any] = {"where": self.where}
        for name, v in (("base", self.base), ("mine", self.mine), ("theirs", self.theirs)):
            if v is not MISSING:
                out[name] = v
        return out


@dataclass(frozen=True)
class MergeResult:
    """What merging *mine* and *theirs* over their common *base* gives.

    ``answers`` and ``assessment`` hold every key that merged cleanly; a clashing key holds
    *theirs* until it is resolved (what is stored already stays stored unless chosen otherwise).
    """

    answers: dict[str, Any]
    assessment: dict[str, Any]
    clashes: list[Clash] = field(default_factory=list)
    mine_only: list[str] = field(default_factory=list)  # changed only by me: taken from mine
    theirs_only: list[str] = field(default_factory=list)  # changed only by them: kept from theirs
    both_same: list[str] = field(default_factory=list)  # changed by both to the same value

    @property
    def clean(self) -> bool:
        """No question needs a person's choice."""
        return not self.clashes

    def open_clashes(self, choices: Mapping[str, str] | None = None) -> list[Clash]:
        """The clashes *choices* (where -> mine|theirs) leave open."""
        choices = choices or {}
        return [c for c in self.clashes if choices.get(c.where) not in _SIDES]

    def resolve(self, choices: Mapping[str, str] | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
        """``(answers, assessment)`` with every clash settled by *choices*; ValueError if one is open."""
        choices = dict(choices or {})
        bad = {k: v for k, v in choices.items() if v not in _SIDES}
        if bad:
            k, v = next(iter(bad.items()))
            raise ValueError(f"{k}: expected 'mine' or 'theirs', got {v!r}")
        still = self.open_clashes(choices)
        if still:
            raise ValueError("no choice for " + ", ".join(c.where for c in still))
        answers, meta = dict(self.answers), dict(self.assessment)
        for c in self.clashes:
            value = c.value(choices[c.where])
            target, key = (meta, c.where[len(_META_PREFIX):]) if c.where.startswith(_META_PREFIX) else (answers, c.where)
            if value is MISSING:
                target.pop(key, None)
            else:
                target[key] = value
        return answers, meta


def three_way(
    base: Mapping[str, Any], mine: Mapping[str, Any], theirs: Mapping[str, Any], *, order: Iterable[str] | None = None
) -> tuple[dict[str, Any], list[Clash], list[str], list[str], list[str]]:
    """Merge two edits of *base*: ``(merged, clashes, mine_only, theirs_only, both_same)``.

    Per key: both the same -> that value; only one side changed -> that side's value; both
    changed differently -> a :class:`Clash` (merged keeps *theirs* for it until resolved).
    Keys come in *order* first (e.g. the questionnaire's), then in the order they are met.
    """
    keys: list[str] = []
    seen: set[str] = set()
    for k in list(order or ()) + list(theirs) + list(mine) + list(base):
        if k not in seen and (k in base or k in mine or k in theirs):
            seen.add(k)
            keys.append(k)
    merged: dict[str, Any] = {}
    clashes: list[Clash] = []
    mine_only: list[str] = []
    theirs_only: list[str] = []
    both_same: list[str] = []
    for k in keys:
        b, m, t = base.get(k, MISSING), mine.get(k, MISSING), theirs.get(k, MISSING)
        if same(m, t):
            value = m
            if not same(m, b):
                both_same.append(k)
        elif same(m, b):
            value = t
            theirs_only.append(k)
        elif same(t, b):
            value = m
            mine_only.append(k)
        else:
            value = t
            clashes.append(Clash(k, b, m, t))
        if value is not MISSING:
            merged[k] = value
    return merged, clashes, mine_only, theirs_only, both_same


def merge_versions(
    base_answers: Mapping[str, Any],
    base_meta: Mapping[str, Any],
    mine_answers: Mapping[str, Any],
    mine_meta: Mapping[str, Any],
    theirs_answers: Mapping[str, Any],
    theirs_meta: Mapping[str, Any],
    *,
    order: Iterable[str] | None = None,
) -> MergeResult:
    """Merge answers and metadata fields; metadata keys are reported as ``assessment.<field>``."""
    answers, a_clash, a_mine, a_theirs, a_same = three_way(base_answers, mine_answers, theirs_answers, order=order)
    meta, m_clash, m_mine, m_theirs, m_same = three_way(base_meta, mine_meta, theirs_meta)
    p = _META_PREFIX

    def named(keys: list[str]) -> list[str]:
        return [p + k for k in keys]

    return MergeResult(
        answers=answers,
        assessment=meta,
        clashes=[Clash(p + c.where, c.base, c.mine, c.theirs) for c in m_clash] + a_clash,
        mine_only=named(m_mine) + a_mine,
        theirs_only=named(m_theirs) + a_theirs,
        both_same=named(m_same) + a_same,
    )
