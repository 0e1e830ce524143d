"""The three-way merge (DESIGN decision 9): an answer only one person changed is never lost."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lia.merge import MISSING, Clash, merge_versions, same, three_way

BASE = {"access.roles": [{"role": "QA", "people": 2}], "retention.period": "P90D", "context.agents": 40}


def test_the_colleagues_retention_answers_survive_my_access_edit() -> None:
    """Issue 12: tab B changed retention, tab A changed access; the merge keeps both."""
    theirs = {**BASE, "retention.period": "P30D", "retention.routine": "nightly job"}
    mine = {**BASE, "access.roles": [{"role": "QA", "people": 3}]}
    merged, clashes, mine_only, theirs_only, both = three_way(BASE, mine, theirs)
    assert merged == {"access.roles": [{"role": "QA", "people": 3}], "retention.period": "P30D",
                      "retention.routine": "nightly job", "context.agents": 40}
    assert clashes == [] and mine_only == ["access.roles"] and sorted(theirs_only) == ["retention.period", "retention.routine"]
    assert both == []


def test_both_changed_differently_is_a_clash_with_all_three_values() -> None:
    mine = {**BASE, "retention.period": "P1Y"}
    theirs = {**BASE, "retention.period": "P30D"}
    merged, clashes, *_ = three_way(BASE, mine, theirs)
    assert clashes == [Clash("retention.period", "P90D", "P1Y", "P30D")]
    assert merged["retention.period"] == "P30D"  # stays as stored until a person chooses


def test_removal_is_a_change_and_same_edit_is_no_clash() -> None:
    mine = {k: v for k, v in BASE.items() if k != "context.agents"}
    theirs = dict(BASE)
    merged, clashes, mine_only, *_ = three_way(BASE, mine, theirs)
    assert "context.agents" not in merged and mine_only == ["context.agents"] and not clashes
    # I removed it, they changed it: a clash whose "mine" is MISSING
    merged, clashes, *_ = three_way(BASE, mine, {**BASE, "context.agents": 50})
    assert clashes == [Clash("context.agents", 40, MISSING, 50)]
    assert clashes[0].record() == {"where": "context.agents", "base": 40, "theirs": 50}
    # both made the same change
    merged, clashes, _m, _t, both = three_way(BASE, {**BASE, "context.agents": 41}, {**BASE, "context.agents": 41.0})
    assert not clashes and both == ["context.agents"] and merged["context.agents"] == 41


def test_types_count_true_is_not_one() -> None:
    assert same(12, 12.0) and not same(True, 1) and not same(MISSING, None) and same(MISSING, MISSING)


def test_metadata_merges_the_same_way_and_is_named_assessment_field() -> None:
    meta = {"id": "cc", "title": "T", "status": "draft", "owner": ""}
    r = merge_versions(BASE, meta, BASE, {**meta, "owner": "Kim"}, BASE, {**meta, "status": "in_review", "title": "T2"})
    assert r.assessment == {"id": "cc", "title": "T2", "status": "in_review", "owner": "Kim"}
    assert r.mine_only == ["assessment.owner"] and sorted(r.theirs_only) == ["assessment.status", "assessment.title"]
    r = merge_versions(BASE, meta, {**BASE, "context.agents": 1}, {**meta, "title": "Mine"}, {**BASE, "context.agents": 2},
                       {**meta, "title": "Theirs"})
    assert [c.where for c in r.clashes] == ["assessment.title", "context.agents"]
    assert not r.clean and len(r.open_clashes({"context.agents": "mine"})) == 1
    with pytest.raises(ValueError, match="no choice for assessment.title"):
        r.resolve({"context.agents": "mine"})
    with pytest.raises(ValueError, match="expected 'mine' or 'theirs'"):
        r.resolve({"context.agents": "both"})
    answers, new_meta = r.resolve({"context.agents": "mine", "assessment.title": "theirs"})
    assert answers["context.agents"] == 1 and new_meta["title"] == "Theirs"


def test_order_puts_questionnaire_order_first() -> None:
    _m, clashes, *_ = three_way({}, {"b": 1, "a": 1}, {"a": 2, "b": 2}, order=["b", "a"])
    assert [c.where for c in clashes] == ["b", "a"]


# --- properties -------------------------------------------------------------------------------

KEYS = st.sampled_from([f"q{i}" for i in range(6)])
VALUES = st.one_of(st.integers(-3, 3), st.booleans(), st.sampled_from(["a", "b", "P90D"]), st.lists(st.integers(0, 2), max_size=2))
ANSWERS = st.dictionaries(KEYS, VALUES, max_size=6)


@st.composite
def edits(draw: st.DrawFn) -> tuple[dict, dict, dict]:
    """A base and two edits of it: each key kept, changed or removed, and new keys added."""
    base = draw(ANSWERS)

    def edit() -> dict:
        out = {}
        for k, v in base.items():
            action = draw(st.sampled_from(["keep", "keep", "change", "remove"]))
            if action == "keep":
                out[k] = v
            elif action == "change":
                out[k] = draw(VALUES)
        out.update(draw(ANSWERS))
        return out

    return base, edit(), edit()


@settings(max_examples=300, deadline=None)
@given(edits())
def test_no_answer_changed_by_only_one_side_is_ever_lost(trio: tuple[dict, dict, dict]) -> None:
    base, mine, theirs = trio
    merged, clashes, mine_only, theirs_only, both = three_way(base, mine, theirs)
    clash_keys = {c.where for c in clashes}
    for k in set(base) | set(mine) | set(theirs):
        b, m, t = (d.get(k, MISSING) for d in (base, mine, theirs))
        got = merged.get(k, MISSING)
        if same(m, b):  # only theirs changed (or nobody): theirs stands
            assert same(got, t) and k not in clash_keys
        elif same(t, b):  # only I changed: mine stands
            assert same(got, m) and k not in clash_keys and k in mine_only
        elif same(m, t):
            assert same(got, m) and k in both
        else:  # both changed differently: put to a person, nothing decided silently
            assert k in clash_keys
    # every clash resolved either way gives exactly that side's value, and nothing else moves
    for side, source in (("mine", mine), ("theirs", theirs)):
        r = merge_versions(base, {}, mine, {}, theirs, {})
        answers, _meta = r.resolve({c.where: side for c in r.clashes})
        for c in r.clashes:
            assert same(answers.get(c.where, MISSING), source.get(c.where, MISSING))
        for k in set(answers) - clash_keys:
            assert same(answers[k], merged[k])


@settings(max_examples=200, deadline=None)
@given(edits())
def test_merge_is_symmetric_and_trivial_merges_are_identities(trio: tuple[dict, dict, dict]) -> None:
    base, mine, theirs = trio
    m1, c1, *_ = three_way(base, mine, theirs)
    m2, c2, *_ = three_way(base, theirs, mine)
    assert {c.where for c in c1} == {c.where for c in c2}
    clash = {c.where for c in c1}
    assert {k: v for k, v in m1.items() if k not in clash} == {k: v for k, v in m2.items() if k not in clash}
    assert three_way(base, mine, base)[0] == mine and three_way(base, base, theirs)[0] == theirs
    assert three_way(base, mine, mine)[0] == mine and not three_way(base, mine, mine)[1]
