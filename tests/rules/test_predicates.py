"""The predicate vocabulary: semantics of unanswered questions, durations, tables, combinators."""

from __future__ import annotations

import pytest

from lia.rules.predicates import PREDICATES, Context, ExpressionError, compile_expr, duration_days, register


def holds(tree, answers, **kw) -> bool:
    return bool(compile_expr(tree).evaluate(Context(answers=answers, **kw)))


def test_unanswered_is_neither_yes_nor_no() -> None:
    assert not holds({"is_true": "a.b"}, {}) and not holds({"is_false": "a.b"}, {})
    assert holds({"empty": "a.b"}, {"a.b": "  "}) and holds({"empty": "a.b"}, {"a.b": []})
    assert not holds({"equals": ["a.b", "x"]}, {}) and not holds({"in": ["a.b", ["x"]]}, {})


def test_equals_does_not_confuse_true_with_one() -> None:
    assert not holds({"equals": ["a.b", 1]}, {"a.b": True})
    assert holds({"equals": ["a.b", 1]}, {"a.b": 1.0})


def test_multi_choice_predicates() -> None:
    a = {"a.b": ["x", "y"]}
    assert holds({"includes": ["a.b", "x"]}, a) and not holds({"includes": ["a.b", "z"]}, a)
    assert holds({"includes_any": ["a.b", ["z", "y"]]}, a) and not holds({"includes_all": ["a.b", ["x", "z"]]}, a)
    assert holds({"only": ["a.b", ["x", "y", "z"]]}, a) and not holds({"only": ["a.b", ["x"]]}, a)


# One month length everywhere (lia.duration): a month is 365.25 / 12 = 30.4375 days, a year 365.25.
# The rules used to count a month as 30 days and a year as 365 while the limits showed 30.44.
@pytest.mark.parametrize("text, days", [("P90D", 90), ("P3M", 91.3125), ("P2W", 14), ("P1Y", 365.25),
                                        ("P1Y2M", 426.125)])
def test_durations(text, days) -> None:
    assert duration_days(text) == days


def test_months_compare_with_days_as_on_the_calendar() -> None:
    # six months are longer than 180 days (181 to 184 on any calendar); with 30-day months they were equal
    assert holds({"duration_gt": ["r.p", "P180D"]}, {"r.p": "P6M"})
    assert not holds({"duration_le": ["r.p", "P90D"]}, {"r.p": "P3M"})


def test_duration_comparisons() -> None:
    assert holds({"duration_gt": ["r.p", "P90D"]}, {"r.p": "P6M"})
    assert not holds({"duration_gt": ["r.p", "P90D"]}, {"r.p": "P90D"})
    assert holds({"duration_le": ["r.p", "P90D"]}, {"r.p": "P2W"})
    assert not holds({"duration_le": ["r.p", "P90D"]}, {})
    assert duration_days("90 days") is None and duration_days("P") is None


def test_tables() -> None:
    rows = [{"people": 3, "form": "a"}, {"people": 4, "form": "b"}]
    assert holds({"table_sum_gt": ["t.r", "people", 6]}, {"t.r": rows})
    assert not holds({"table_sum_gt": ["t.r", "people", 7]}, {"t.r": rows})
    assert holds({"table_any": ["t.r", "form", "b"]}, {"t.r": rows})
    assert holds({"table_empty": "t.r"}, {}) and not holds({"table_empty": "t.r"}, {"t.r": rows})


def test_combinators_and_context() -> None:
    tree = {"all": [{"jurisdiction": "NO"}, {"not": {"is_true": "a.b"}}, {"any": [{"evidence": ["k1", "k2"]}]}]}
    ctx = dict(jurisdictions=frozenset({"EU", "NO"}), evidence=[{"kind": "k2", "agent": "A"}])
    out = compile_expr(tree).evaluate(Context(answers={"a.b": False}, **ctx))
    assert out and out.details == [{"kind": "k2", "agent": "A"}]
    assert not holds(tree, {"a.b": False}, jurisdictions=frozenset({"EU"}))


def test_questions_read_by_a_condition() -> None:
    node = compile_expr({"all": [{"is_true": "a.b"}, {"any": [{"in": ["c.d", ["x"]]}, {"is_true": "a.b"}]}]})
    assert node.questions() == ["a.b", "c.d"]


def test_unknown_predicate_lists_known_ones() -> None:
    with pytest.raises(ExpressionError) as exc:
        compile_expr({"eval": "1+1"})
    for name in PREDICATES:
        assert name in str(exc.value)


def test_register_refuses_duplicates_and_unknown_kinds() -> None:
    with pytest.raises(ValueError, match="registered twice"):
        register("equals", "question")(lambda ctx, q: True)
    with pytest.raises(ValueError, match="unknown argument kinds"):
        register("brand_new", "python_code")
