"""What changed between two evaluations, as typed values over the presentation model.

A :class:`ChangesView` is built from two :class:`~lia.rules.presentation.EvaluationView` s
(:meth:`ChangesView.between`: ``lia render`` writes it as ``changes.json`` / ``changes.md``) or
read back from that JSON (:meth:`ChangesView.from_json`: the report viewer), checked once as
the evaluation is: a malformed comparison is refused with an :class:`~lia.errors.InputError`
naming its place.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .presentation import FINDING_PARTS, GROUPS, STEPS, EvaluationView, FindingView, RuleTexts
from .stored import Reader as _Reader

__all__ = ["ChangesView", "VerdictChange", "FindingChange", "PartChange"]


@dataclass(frozen=True)
class VerdictChange:
    """A verdict that changed between two evaluations.

    ``step`` is a LIA step (``purpose`` ... ``overall``), ``group.<id>`` (a group's result on its
    own legal basis) or ``dpia_required``; ``old`` and ``new`` are the verdict ids (``True`` /
    ``False`` for ``dpia_required``), None where an evaluation had none. A value that is none of
    these (an older or foreign source) is kept as written, for the presenter to show as text.
    """

    step: str
    old: Any = None
    new: Any = None


@dataclass(frozen=True)
class PartChange:
    """One part of a finding that changed (:data:`FINDING_PARTS`), with its old and new value as stored."""

    part: str
    old: Any = None
    new: Any = None


@dataclass(frozen=True)
class FindingChange:
    """A finding both evaluations have whose severity, wording, citation, remedy or question changed."""

    rule: str
    parts: tuple[PartChange, ...]


@dataclass(frozen=True)
class ChangesView:
    """What changed from one evaluation to the next: verdicts, findings added, removed and changed.

    Built from two :class:`EvaluationView` s (:meth:`between`), or from a comparison's JSON
    (:meth:`from_json`, the shape ``changes.json`` holds) - checked once, as the evaluation is.
    Findings are matched by rule (a rule that fires twice: by rule and question).
    """

    verdicts: tuple[VerdictChange, ...] = ()
    added: tuple[FindingView, ...] = ()
    removed: tuple[FindingView, ...] = ()
    changed: tuple[FindingChange, ...] = ()

    @property
    def empty(self) -> bool:
        """No verdict and no finding changed."""
        return not (self.verdicts or self.added or self.removed or self.changed)

    @classmethod
    def between(cls, old: EvaluationView | None, new: EvaluationView | None) -> "ChangesView":
        """The changes from ``old`` to ``new`` (None: an evaluation there was not)."""
        def keyed(v: EvaluationView | None) -> dict[str, FindingView]:
            out: dict[str, FindingView] = {}
            for f in v.findings if v is not None else ():
                if f.rule:
                    out[f.rule if f.rule not in out else f"{f.rule}#{f.question}"] = f
            return out

        fo, fn = keyed(old), keyed(new)
        changed = []
        for k in sorted(set(fo) & set(fn)):
            a, b = fo[k], fn[k]
            parts = tuple(PartChange(p, _stored(a, p), _stored(b, p)) for p in FINDING_PARTS
                          if getattr(a, p) != getattr(b, p))
            if parts:
                changed.append(FindingChange(rule=b.rule, parts=parts))
        verdicts = []
        for step in STEPS:
            ov = old.verdict(step).verdict if old is not None else None
            nv = new.verdict(step).verdict if new is not None else None
            if ov != nv:
                verdicts.append(VerdictChange(step, ov, nv))
        og = {g.group: g.result for g in (old.groups if old is not None else ())}
        ng = {g.group: g.result for g in (new.groups if new is not None else ())}
        for gid in GROUPS:  # each group's result on its own legal basis (issue 14)
            if og.get(gid) != ng.get(gid):
                verdicts.append(VerdictChange(f"group.{gid}", og.get(gid), ng.get(gid)))
        od = old.screening.required if old is not None else None
        nd = new.screening.required if new is not None else None
        if od != nd:
            verdicts.append(VerdictChange("dpia_required", od, nd))
        return cls(verdicts=tuple(verdicts), added=tuple(fn[k] for k in sorted(set(fn) - set(fo))),
                   removed=tuple(fo[k] for k in sorted(set(fo) - set(fn))), changed=tuple(changed))

    def to_json(self) -> dict[str, Any]:
        """``{verdicts, added, removed, changed}`` as ``changes.json`` holds them: the findings added
        and removed as their evaluations stored them, each changed part ``{old, new}``."""
        def finding(f: FindingView) -> Any:
            return dict(f.stored) if f.stored is not None else {p: getattr(f, p) for p in ("rule",) + FINDING_PARTS}

        return {"verdicts": [{"step": v.step, "old": v.old, "new": v.new} for v in self.verdicts],
                "added": [finding(f) for f in self.added],
                "removed": [finding(f) for f in self.removed],
                "changed": [{"rule": c.rule, "changes": {p.part: {"old": p.old, "new": p.new} for p in c.parts}}
                            for c in self.changed]}

    @classmethod
    def from_json(cls, doc: Any, lang: str = "en", *, texts: RuleTexts | None = None,
                  old_source: str | Path | None = None, new_source: str | Path | None = None) -> "ChangesView":
        """A comparison's JSON (``{verdicts, added, removed, changed}``, as :meth:`to_json` writes it), checked.

        The findings are read in ``lang`` (with ``texts``, as :meth:`FindingView.from_json`); a
        removed finding is named in ``old_source`` (the older evaluation), an added one in
        ``new_source``; the verdicts and changed parts were computed, not stored, so no file is
        named for them. A malformed part raises :class:`~lia.errors.InputError` naming its place,
        e.g. ``changes.removed[1].severity``.
        """
        r, ro, rn = _Reader(None), _Reader(old_source), _Reader(new_source)
        m = r.mapping(doc, "changes")
        verdicts = []
        for i, v in enumerate(r.items(m.get("verdicts"), "changes.verdicts")):
            vm = r.mapping(v, f"changes.verdicts[{i}]")
            verdicts.append(VerdictChange(str(r.text(vm.get("step"), f"changes.verdicts[{i}].step", lang,
                                                     optional=False)), vm.get("old"), vm.get("new")))
        changed = []
        for i, c in enumerate(r.items(m.get("changed"), "changes.changed")):
            w = f"changes.changed[{i}]"
            cm = r.mapping(c, w)
            parts = []
            for p, d in r.mapping(cm.get("changes"), f"{w}.changes", optional=True).items():
                dm = r.mapping(d, f"{w}.changes.{p}")
                parts.append(PartChange(str(p), dm.get("old"), dm.get("new")))
            changed.append(FindingChange(rule=str(r.text(cm.get("rule"), f"{w}.rule", lang, optional=False)),
                                         parts=tuple(parts)))
        return cls(verdicts=tuple(verdicts),
                   added=tuple(FindingView._read(rn, f, f"changes.added[{i}]", lang, texts)
                               for i, f in enumerate(r.items(m.get("added"), "changes.added"))),
                   removed=tuple(FindingView._read(ro, f, f"changes.removed[{i}]", lang, texts)
                                 for i, f in enumerate(r.items(m.get("removed"), "changes.removed"))),
                   changed=tuple(changed))


def _stored(f: FindingView, part: str) -> Any:
    """A finding's ``part`` as its evaluation stored it (the view's value when it was not read from JSON)."""
    return f.stored.get(part) if f.stored is not None else getattr(f, part)
