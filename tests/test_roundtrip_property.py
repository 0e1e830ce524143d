"""Property: any valid answers survive save and load unchanged."""

from __future__ import annotations

import itertools
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from lia.questionnaire import load_questionnaires
from lia.store import Store

MINI = Path(__file__).resolve().parent / "fixtures" / "templates"

text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=200)
dates = st.dates().map(lambda d: d.isoformat())
durations = st.tuples(*(st.one_of(st.none(), st.integers(0, 500)) for _ in range(4))).filter(
    lambda t: any(x is not None for x in t)
).map(lambda t: "P" + "".join(f"{x}{u}" for x, u in zip(t, "YMWD") if x is not None))

answers_strategy = st.fixed_dictionaries(
    {},
    optional={
        "basics.purpose": text,
        "basics.scope": st.sampled_from(["all_calls", "sample"]),
        "basics.uses": st.lists(st.sampled_from(["training", "quality", "no"]), unique=True),
        "basics.told": st.booleans(),
        "basics.told_how": text,
        "limits.share": st.one_of(st.integers(0, 100), st.floats(0, 100, allow_nan=False)),
        "limits.days": st.integers(0, 10**6),
        "limits.review": dates,
        "limits.retention": durations,
        "limits.roles": st.lists(
            st.fixed_dictionaries({"role": text}, optional={"people": st.integers(0, 5000), "logged": st.booleans()}),
            max_size=5,
        ),
    },
)

_counter = itertools.count()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=answers_strategy)
def test_valid_answers_round_trip(answers: dict) -> None:
    old = os.environ.get("LIA_TEMPLATES")
    os.environ["LIA_TEMPLATES"] = str(MINI)
    try:
        load_questionnaires()
        with tempfile.TemporaryDirectory() as home:
            store = Store(home)
            aid = f"p{next(_counter)}"
            store.create({"id": aid, "title": "Property"}, author="h")
            saved = store.save(aid, answers, author="h", message="random answers")
            loaded = store.load(aid)
            assert loaded.answers == answers
            assert loaded.digest == saved.digest
            assert store.check() == []
    finally:
        if old is None:
            os.environ.pop("LIA_TEMPLATES", None)
        else:
            os.environ["LIA_TEMPLATES"] = old
