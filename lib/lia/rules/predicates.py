"""The declared vocabulary of rule conditions.

A rule's ``when:`` is a small expression tree written in YAML. Every node is a
mapping with exactly one key, the name of a registered predicate, whose value
holds the arguments::

    when:
      all:
        - in: [sensitivity.special_categories, [occasional, regular]]
        - any:
            - empty: sensitivity.art9_condition
            - equals: [sensitivity.art9_condition, none]

A scalar value is one argument, a list is the argument list, ``null`` or ``[]``
means no arguments. Nothing is ever evaluated as Python: an unknown predicate
name or a wrong number or kind of argument is rejected when the pack is loaded,
with a message that lists the known predicates.

Predicates are registered once at import with :func:`register`; the registry
:data:`PREDICATES` is the single source of truth for the vocabulary (it is also
what ``docs/rules.md`` documents and what the content tests check question
types against).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Sequence

from ..duration import parse_or_none
from ..errors import Message

__all__ = [
    "PREDICATES",
    "PredicateSpec",
    "Context",
    "Node",
    "Outcome",
    "ExpressionError",
    "register",
    "compile_expr",
    "known_names",
    "duration_days",
    "is_empty",
]

QUESTION_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
COLUMN_ID = re.compile(r"^[a-z][a-z0-9_]*$")

#: Argument kinds a predicate can declare. ``expr``/``exprs`` are sub-expressions.
ARG_KINDS = frozenset(
    {"question", "value", "values", "number", "duration", "column", "string", "strings", "expr", "exprs"}
)


class ExpressionError(ValueError):
    """A rule condition that does not follow the declared vocabulary.

    ``path`` says where in the expression tree the problem is (e.g. ``when.all[1].in``).
    """

    def __init__(self, message: str, path: str = "when") -> None:
        super().__init__(message)
        self.path = path


@dataclass
class Context:
    """What a condition is evaluated against.

    ``derived`` holds results computed by the library before (``dpia``,
    ``risks``) or after (``lia``) the first pass of rules.
    """

    answers: Mapping[str, Any]
    jurisdictions: frozenset[str] = frozenset({"EU"})
    evidence: Sequence[Mapping[str, Any]] = ()
    derived: dict[str, Any] = field(default_factory=dict)


@dataclass
class Outcome:
    """Result of evaluating a node: whether it holds and supporting details."""

    holds: bool
    details: list[dict[str, Any]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.holds


@dataclass(frozen=True)
class PredicateSpec:
    """A registered predicate: its function and its declared argument kinds."""

    name: str
    fn: Callable[..., Any]
    kinds: tuple[str, ...]
    varargs: bool
    qtypes: frozenset[str] | None
    doc: str
    phase: int
    min_args: int
    validate: Callable[..., None] | None = None

    @property
    def signature(self) -> str:
        """Human-readable signature, e.g. ``in(question, values)``."""
        kinds = list(self.kinds)
        if self.varargs:
            kinds[-1] = kinds[-1] + ", ..."
        return f"{self.name}({', '.join(kinds)})"

    @property
    def combinator(self) -> bool:
        return bool(self.kinds) and self.kinds[0] in ("expr", "exprs")


#: name -> PredicateSpec; filled at import by :func:`register`.
PREDICATES: dict[str, PredicateSpec] = {}


def register(
    name: str,
    *kinds: str,
    varargs: bool = False,
    qtypes: Iterable[str] | None = None,
    phase: int = 0,
    min_args: int | None = None,
    validate: Callable[..., None] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``fn(ctx, *args)`` as predicate ``name`` with argument ``kinds``.

    ``qtypes`` lists the question types the first (question) argument may have;
    ``phase`` 1 means the predicate reads the computed LIA verdict and may only
    be used by consistency rules evaluated after the verdict. ``validate(*args)``
    may raise ValueError to reject argument values when the pack is loaded.
    """
    bad = [k for k in kinds if k not in ARG_KINDS]
    if bad:
        raise ValueError(f"predicate {name}: unknown argument kinds {bad}")
    if name in PREDICATES:
        raise ValueError(f"predicate {name} registered twice")

    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        PREDICATES[name] = PredicateSpec(
            name=name,
            fn=fn,
            kinds=tuple(kinds),
            varargs=varargs,
            qtypes=frozenset(qtypes) if qtypes is not None else None,
            doc=(fn.__doc__ or "").strip().splitlines()[0] if fn.__doc__ else "",
            phase=phase,
            min_args=len(kinds) if min_args is None else min_args,
            validate=validate,
        )
        return fn

    return deco


def known_names() -> list[str]:
    """Sorted list of the registered predicate names."""
    return sorted(PREDICATES)


# --------------------------------------------------------------------------- compile


@dataclass(frozen=True)
class Node:
    """A compiled condition node."""

    spec: PredicateSpec
    args: tuple[Any, ...]

    def evaluate(self, ctx: Context) -> Outcome:
        """Evaluate against ``ctx``; a predicate returns bool or a list of details."""
        if self.spec.combinator:
            return self.spec.fn(ctx, *self.args)
        result = self.spec.fn(ctx, *self.args)
        if isinstance(result, Outcome):
            return result
        if isinstance(result, list):
            return Outcome(bool(result), result)
        return Outcome(bool(result))

    def questions(self) -> list[str]:
        """Question ids this node reads, in order of first appearance."""
        seen: list[str] = []
        for kind, arg in self._pairs():
            if kind == "question" and arg not in seen:
                seen.append(arg)
            elif kind in ("expr", "exprs"):
                for sub in arg if isinstance(arg, tuple) else (arg,):
                    for q in sub.questions():
                        if q not in seen:
                            seen.append(q)
        return seen

    def phase(self) -> int:
        """Highest phase of any predicate in the tree."""
        p = self.spec.phase
        for kind, arg in self._pairs():
            if kind in ("expr", "exprs"):
                for sub in arg if isinstance(arg, tuple) else (arg,):
                    p = max(p, sub.phase())
        return p

    def uses(self) -> list[tuple[PredicateSpec, tuple[Any, ...]]]:
        """Every (predicate, args) in the tree, for static checks against questionnaires."""
        out = [(self.spec, self.args)]
        for kind, arg in self._pairs():
            if kind in ("expr", "exprs"):
                for sub in arg if isinstance(arg, tuple) else (arg,):
                    out.extend(sub.uses())
        return out

    def _pairs(self) -> list[tuple[str, Any]]:
        kinds = list(self.spec.kinds)
        while len(kinds) < len(self.args):
            kinds.append(kinds[-1])
        return list(zip(kinds, self.args))


def _known_list() -> str:
    return ", ".join(known_names())


def _check_arg(kind: str, value: Any, path: str, name: str) -> Any:
    def fail(expected: str) -> ExpressionError:
        return ExpressionError(Message("errors.when_arg", name=name, expected=Message(expected), got=repr(value)), path)

    if kind == "question":
        if not isinstance(value, str) or not QUESTION_ID.match(value):
            raise fail("errors.when_expect_question")
        return value
    if kind == "column":
        if not isinstance(value, str) or not COLUMN_ID.match(value):
            raise fail("errors.when_expect_column")
        return value
    if kind == "value":
        if not isinstance(value, (str, int, float, bool)):
            raise fail("errors.when_expect_value")
        return value
    if kind == "values":
        if not isinstance(value, list) or not value or not all(isinstance(v, (str, int, float, bool)) for v in value):
            raise fail("errors.when_expect_values")
        return tuple(value)
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise fail("errors.frag_expect_number")
        return value
    if kind == "duration":
        if not isinstance(value, str) or duration_days(value) is None:
            raise fail("errors.when_expect_duration")
        return value
    if kind == "string":
        if not isinstance(value, str) or not value:
            raise fail("errors.when_expect_string")
        return value
    raise AssertionError(kind)  # pragma: no cover - kinds are validated at register()


def compile_expr(tree: Any, path: str = "when") -> Node:
    """Compile a YAML condition tree into a :class:`Node`.

    Raises :class:`ExpressionError` naming the place in the tree, what was
    expected and, for an unknown predicate, the list of known predicates.
    """
    if not isinstance(tree, Mapping) or len(tree) != 1:
        raise ExpressionError(Message("errors.when_not_one", known=_known_list(), got=repr(tree)), path)
    (name, raw), = tree.items()
    if not isinstance(name, str) or name not in PREDICATES:
        raise ExpressionError(Message("errors.when_unknown", name=repr(name), known=_known_list()), path)
    spec = PREDICATES[name]
    here = f"{path}.{name}"

    if spec.kinds == ("exprs",):
        if not isinstance(raw, list) or not raw:
            raise ExpressionError(Message("errors.when_conditions", name=name, got=repr(raw)), here)
        return Node(spec, (tuple(compile_expr(sub, f"{here}[{i}]") for i, sub in enumerate(raw)),))
    if spec.kinds == ("expr",):
        sub = raw[0] if isinstance(raw, list) and len(raw) == 1 else raw
        return Node(spec, (compile_expr(sub, here),))

    if raw is None:
        args: list[Any] = []
    elif isinstance(raw, list) and (len(spec.kinds) != 1 or spec.varargs or spec.kinds[0] not in ("values",)):
        args = list(raw)
    else:
        args = [raw]
    n_max = None if spec.varargs else len(spec.kinds)
    if len(args) < spec.min_args or (n_max is not None and len(args) > n_max):
        want: Any = f"{spec.min_args}" if n_max == spec.min_args else (
            Message("errors.when_at_least", n=spec.min_args) if n_max is None
            else Message("errors.when_range", lo=spec.min_args, hi=n_max))
        raise ExpressionError(Message("errors.when_arg_count", name=name, want=want, signature=spec.signature,
                                      n=len(args), got=repr(raw)), here)
    checked = []
    for i, arg in enumerate(args):
        kind = spec.kinds[min(i, len(spec.kinds) - 1)]
        checked.append(_check_arg(kind, arg, f"{here}[{i}]", spec.signature))
    if spec.validate is not None:
        try:
            spec.validate(*checked)
        except ValueError as exc:
            raise ExpressionError(exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc), here) from None
    return Node(spec, tuple(checked))


# --------------------------------------------------------------------------- helpers


def duration_days(value: Any) -> float | None:
    """Length in days of an ISO 8601 date duration without a date (:attr:`lia.duration.Duration.nominal_days`:
    a month is 30.4375 days, a year 365.25). None for anything that is not such a duration."""
    d = parse_or_none(value)
    return None if d is None else d.nominal_days


def is_empty(value: Any) -> bool:
    """True for an unanswered value: missing, None, blank text or an empty list."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple, dict)):
        return len(value) == 0
    return False


def _get(ctx: Context, q: str) -> Any:
    return ctx.answers.get(q)


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _rows(ctx: Context, q: str) -> list[Mapping[str, Any]]:
    value = _get(ctx, q)
    if not isinstance(value, list):
        return []
    return [r for r in value if isinstance(r, Mapping)]


# --------------------------------------------------------------------------- combinators


@register("all", "exprs")
def _all(ctx: Context, subs: tuple[Node, ...]) -> Outcome:
    """All of the conditions hold."""
    details: list[dict[str, Any]] = []
    for sub in subs:
        out = sub.evaluate(ctx)
        if not out:
            return Outcome(False)
        details.extend(out.details)
    return Outcome(True, details)


@register("any", "exprs")
def _any(ctx: Context, subs: tuple[Node, ...]) -> Outcome:
    """At least one of the conditions holds."""
    held = [o for o in (s.evaluate(ctx) for s in subs) if o]
    return Outcome(bool(held), [d for o in held for d in o.details])


@register("not", "expr")
def _not(ctx: Context, sub: Node) -> Outcome:
    """The condition does not hold."""
    return Outcome(not sub.evaluate(ctx))


# --------------------------------------------------------------------------- answers


@register("answered", "question")
def _answered(ctx: Context, q: str) -> bool:
    """The question has an answer (not blank, not an empty list)."""
    return not is_empty(_get(ctx, q))


@register("empty", "question")
def _empty(ctx: Context, q: str) -> bool:
    """The question is unanswered (missing, blank text or empty list)."""
    return is_empty(_get(ctx, q))


@register("equals", "question", "value", qtypes={"choice", "yes_no", "number", "text", "date", "duration"})
def _equals(ctx: Context, q: str, value: Any) -> bool:
    """The answer equals the value (unanswered never equals anything)."""
    got = _get(ctx, q)
    if got is None or isinstance(got, list):
        return False
    if isinstance(got, bool) or isinstance(value, bool):
        return got is value
    if _num(got) is not None and _num(value) is not None:
        return _num(got) == _num(value)
    return got == value


@register("in", "question", "values", qtypes={"choice"})
def _in(ctx: Context, q: str, values: tuple[Any, ...]) -> bool:
    """The (single) choice answered is one of the values."""
    got = _get(ctx, q)
    return got is not None and not isinstance(got, list) and got in values


@register("includes", "question", "value", qtypes={"multi_choice"})
def _includes(ctx: Context, q: str, value: Any) -> bool:
    """The multi-choice answer includes the value."""
    got = _get(ctx, q)
    return isinstance(got, list) and value in got


@register("includes_any", "question", "values", qtypes={"multi_choice"})
def _includes_any(ctx: Context, q: str, values: tuple[Any, ...]) -> bool:
    """The multi-choice answer includes at least one of the values."""
    got = _get(ctx, q)
    return isinstance(got, list) and any(v in got for v in values)


@register("includes_all", "question", "values", qtypes={"multi_choice"})
def _includes_all(ctx: Context, q: str, values: tuple[Any, ...]) -> bool:
    """The multi-choice answer includes every one of the values."""
    got = _get(ctx, q)
    return isinstance(got, list) and all(v in got for v in values)


@register("only", "question", "values", qtypes={"multi_choice"})
def _only(ctx: Context, q: str, values: tuple[Any, ...]) -> bool:
    """The multi-choice answer is non-empty and every item is one of the values."""
    got = _get(ctx, q)
    return isinstance(got, list) and bool(got) and all(v in values for v in got)


@register("is_true", "question", qtypes={"yes_no"})
def _is_true(ctx: Context, q: str) -> bool:
    """The yes/no answer is yes (unanswered is neither yes nor no)."""
    return _get(ctx, q) is True


@register("is_false", "question", qtypes={"yes_no"})
def _is_false(ctx: Context, q: str) -> bool:
    """The yes/no answer is no (unanswered is neither yes nor no)."""
    return _get(ctx, q) is False


def _cmp(name: str, op: Callable[[float, float], bool], doc: str) -> None:
    def fn(ctx: Context, q: str, n: float) -> bool:
        got = _num(_get(ctx, q))
        return got is not None and op(got, float(n))

    fn.__doc__ = doc
    register(name, "question", "number", qtypes={"number"})(fn)


_cmp("number_gt", lambda a, b: a > b, "The number answered is greater than n.")
_cmp("number_ge", lambda a, b: a >= b, "The number answered is at least n.")
_cmp("number_lt", lambda a, b: a < b, "The number answered is less than n.")
_cmp("number_le", lambda a, b: a <= b, "The number answered is at most n.")


@register("duration_gt", "question", "duration", qtypes={"duration"})
def _duration_gt(ctx: Context, q: str, limit: str) -> bool:
    """The duration answered is longer than the limit (e.g. 'P90D')."""
    got = duration_days(_get(ctx, q))
    return got is not None and got > (duration_days(limit) or 0)


@register("duration_le", "question", "duration", qtypes={"duration"})
def _duration_le(ctx: Context, q: str, limit: str) -> bool:
    """The duration answered is at most the limit (unanswered does not hold)."""
    got = duration_days(_get(ctx, q))
    return got is not None and got <= (duration_days(limit) or 0)


@register("table_empty", "question", qtypes={"table"})
def _table_empty(ctx: Context, q: str) -> bool:
    """The table has no rows."""
    return not _rows(ctx, q)


@register("table_any", "question", "column", "value", qtypes={"table"})
def _table_any(ctx: Context, q: str, column: str, value: Any) -> list[dict[str, Any]]:
    """Some row of the table has the value in the column."""
    return [{"question": q, "row": i + 1} for i, r in enumerate(_rows(ctx, q)) if r.get(column) == value]


@register("table_sum_gt", "question", "column", "number", qtypes={"table"})
def _table_sum_gt(ctx: Context, q: str, column: str, n: float) -> list[dict[str, Any]]:
    """The numbers in a table column add up to more than n."""
    total = sum(_num(r.get(column)) or 0.0 for r in _rows(ctx, q))
    return [{"question": q, "column": column, "sum": total, "limit": n}] if total > n else []


@register("table_end_before_start", "question", "column", "column", qtypes={"table"})
def _table_end_before_start(ctx: Context, q: str, start: str, end: str) -> list[dict[str, Any]]:
    """Some row's end date (ISO text) lies before its start date."""
    out = []
    for i, r in enumerate(_rows(ctx, q)):
        a, b = r.get(start), r.get(end)
        if isinstance(a, str) and isinstance(b, str) and a and b and str(b) < str(a):
            out.append({"question": q, "row": i + 1, start: a, end: b})
    return out


# --------------------------------------------------------------------------- context


@register("jurisdiction", "string")
def _jurisdiction(ctx: Context, code: str) -> bool:
    """The assessment covers the jurisdiction (EU, SE, NO)."""
    return code.upper() in ctx.jurisdictions


#: Breach kinds of the call-log analysis (``lia periods``), then older names still accepted.
EVIDENCE_KINDS: tuple[str, ...] = (
    "consecutive_days", "whole_week", "days_per_month", "outside_training_period", "share_recorded",
    "declined_recorded", "retention_exceeded", "withdrawal_not_deleted", "not_asked_recorded",
    "never_recorded_type",
    "consecutive_days_exceeded", "whole_weeks", "days_per_month_exceeded", "recorded_outside_training_period",
    "share_recorded_exceeded", "kept_past_retention",
    # access-log analysis (lia.access.breaches.KINDS, issue 16)
    "undeclared_role", "too_many_users", "download_not_allowed", "listen_not_allowed", "undeclared_purpose",
    "reason_missing", "declined_caller", "not_recorded", "after_deletion", "after_withdrawal", "after_retention",
    "agent_concentration", "listened_outside_training",
)


@register("evidence", "string", varargs=True)
def _evidence(ctx: Context, *kinds: str) -> list[dict[str, Any]]:
    """A call-log analysis finding of one of these kinds was passed in (issue 6 breaches)."""
    return [dict(e) for e in ctx.evidence if e.get("kind") in kinds]


@register("table_sum_gt_unless", "question", "column", "number", "column", qtypes={"table"})
def _table_sum_gt_unless(ctx: Context, q: str, column: str, n: float, flag: str) -> list[dict[str, Any]]:
    """The numbers in a table column add up to more than n, not counting rows whose ``flag`` column is yes
    (e.g. people who only retrieve recordings to answer data-subject requests)."""
    total = sum(_num(r.get(column)) or 0.0 for r in _rows(ctx, q) if r.get(flag) is not True)
    return [{"question": q, "column": column, "sum": total, "limit": n, "not_counting": flag}] if total > n else []
