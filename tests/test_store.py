"""The versioned store: immutable, hash-chained versions that survive tampering and crashes."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lia.errors import ConflictError, IntegrityError, NotFoundError, ValidationError
from lia.store import Store

ANSWERS = {"basics.purpose": "Train new agents", "basics.scope": "sample", "basics.told": True, "basics.told_how": "IVR"}


@pytest.fixture
def store(mini: Path, ws: Path) -> Store:
    s = Store(ws)
    s.create({"id": "cc", "title": "Call recording", "jurisdictions": ["SE"]}, author="Ada")
    return s


def test_save_history_diff_round_trip(store: Store) -> None:
    v2 = store.save("cc", ANSWERS, author="Ada", message="First answers")
    v3 = store.save("cc", {**ANSWERS, "basics.scope": "all_calls", "limits.share": 20}, author="Bo", message="Scope widened")
    hist = store.history("cc")
    assert [v.number for v in hist] == [1, 2, 3]
    assert [v.author for v in hist] == ["Ada", "Ada", "Bo"]
    assert v3.parent == v2.digest and v2.parent == hist[0].digest
    assert store.load("cc").answers == {**ANSWERS, "basics.scope": "all_calls", "limits.share": 20}
    assert store.load("cc", 2).answers == ANSWERS
    changes = {c.where: c for c in store.diff("cc", 2, 3)}
    assert changes["basics.scope"].kind == "changed"
    assert (changes["basics.scope"].old, changes["basics.scope"].new) == ("sample", "all_calls")
    assert changes["limits.share"].kind == "added"
    assert set(changes) == {"basics.scope", "limits.share"}
    assert v3.questionnaires[0]["id"] == "mini"
    assert v3.assessment["jurisdictions"] == ["EU", "SE"]


def test_version_files_are_plain_sorted_json(store: Store) -> None:
    v = store.save("cc", ANSWERS, author="Ada", message="m")
    text = v.path.read_text()
    data = json.loads(text)
    assert list(data) == sorted(data)
    assert text.endswith("\n") and '\n  "answers": {' in text


def test_stale_parent_is_refused_and_answers_kept(store: Store) -> None:
    store.save("cc", ANSWERS, author="Ada", message="v2")
    store.save("cc", {**ANSWERS, "basics.scope": "all_calls"}, author="Bo", message="v3")
    attempted = {**ANSWERS, "basics.purpose": "Typed by Ada on an old version"}
    with pytest.raises(ConflictError) as err:
        store.save("cc", attempted, author="Ada", message="my edit", parent=2)
    assert err.value.head == 3
    assert err.value.kept and err.value.kept.exists()
    kept = json.loads(err.value.kept.read_text())
    assert kept["answers"] == attempted and kept["parent"] == 2
    assert str(err.value.kept) in str(err.value) and "lia diff cc 2 3" in str(err.value)
    assert [v.number for v in store.history("cc")] == [1, 2, 3]


def test_two_saves_racing_for_the_same_number(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both read head 1; the one that links 0002.json second is refused, never overwrites."""
    other = Store(store.ws)
    head = store.load("cc")
    monkeypatch.setattr(Store, "load", lambda self, aid, number=None, **kw: head)
    other.save("cc", ANSWERS, author="Bo", message="Bo first")
    with pytest.raises(ConflictError, match="at the same moment"):
        store.save("cc", {**ANSWERS, "basics.scope": "all_calls"}, author="Ada", message="Ada second")
    monkeypatch.undo()
    assert store.load("cc").author == "Bo"


def test_invalid_answers_are_not_saved(store: Store) -> None:
    with pytest.raises(ValidationError) as err:
        store.save("cc", {"basics.scope": "everything", "limits.days": -1, "nope": 1}, author="A", message="m")
    assert len(err.value.problems) == 3
    assert store.numbers("cc") == [1]


def test_in_review_needs_complete_answers(store: Store) -> None:
    with pytest.raises(ValidationError, match="in_review needs every required answer"):
        store.save("cc", {"basics.purpose": "x"}, assessment={"status": "in_review"}, author="A", message="m")
    v = store.save("cc", ANSWERS, assessment={"status": "in_review"}, author="A", message="m")
    assert v.assessment["status"] == "in_review"


def test_unknown_assessment_and_version(store: Store) -> None:
    with pytest.raises(NotFoundError, match="no assessment 'other'.*Known assessments: cc"):
        store.load("other")
    with pytest.raises(NotFoundError, match="no version 7; its versions are 1 to 1"):
        store.load("cc", 7)


@pytest.mark.parametrize("bad", ["../etc", "a/b", "A", "", "-x", "x" * 70, "a\\b", ".."])
def test_path_like_ids_are_refused(store: Store, bad: str) -> None:
    from lia.errors import InputError

    with pytest.raises(InputError, match="not allowed"):
        store.load(bad)


def _flip(path: Path, pos: int) -> None:
    data = bytearray(path.read_bytes())
    data[pos] ^= 0x01
    path.write_bytes(bytes(data))


def test_a_byte_flipped_anywhere_is_caught(store: Store) -> None:
    store.save("cc", ANSWERS, author="Ada", message="v2")
    store.save("cc", {**ANSWERS, "limits.share": 10}, author="Bo", message="v3")
    assert store.check() == []
    for n in (1, 2, 3):
        path = store.version_path("cc", n)
        original = path.read_bytes()
        size = len(original)
        for pos in sorted({0, size // 7, size // 3, size // 2, (2 * size) // 3, size - 2}):
            _flip(path, pos)
            problems = store.check()
            path.write_bytes(original)
            if original[pos : pos + 1] in (b" ", b"\n") and not problems:
                continue  # flipping whitespace to another whitespace-like byte can keep the JSON meaning
            assert problems, f"flip at byte {pos} of version {n} went unnoticed"
            assert str(path) in problems[0].where
        assert store.check() == []


def test_a_long_lived_store_notices_an_edit_after_it_read_the_version(store: Store) -> None:
    """The wizard keeps one Store and reads the history after every save; it must still see an edit."""
    store.save("cc", ANSWERS, author="Ada", message="v2")
    assert [v.message for v in store.history("cc")][-1] == "v2"
    p2 = store.version_path("cc", 2)
    st = p2.stat()
    # a same-length edit that even puts the old modification time back
    text = p2.read_text()
    edited = text.replace('"Ada"', '"Eve"')
    assert len(edited) == len(text) and edited != text
    p2.write_text(edited)
    os.utime(p2, ns=(st.st_atime_ns, st.st_mtime_ns))
    with pytest.raises(IntegrityError, match="version 2 was altered after it was saved"):
        store.history("cc")
    with pytest.raises(IntegrityError):
        store.load("cc", 2)  # and again: a failed check is never remembered as a pass
    p2.write_text(text)
    assert store.load("cc", 2).author == "Ada"


def test_edited_truncated_and_missing_versions(store: Store) -> None:
    store.save("cc", ANSWERS, author="Ada", message="v2")
    store.save("cc", ANSWERS, author="Ada", message="v3")
    p2 = store.version_path("cc", 2)
    data = json.loads(p2.read_text())
    data["answers"]["basics.scope"] = "all_calls"  # a hand edit that keeps valid JSON
    p2.write_text(json.dumps(data, indent=2, sort_keys=True))
    problems = store.check()
    assert any("version 2 was altered" in p.message for p in problems)
    with pytest.raises(IntegrityError, match="altered after it was saved"):
        store.load("cc", 2)
    p2.write_text(p2.read_text()[:50])
    assert any("no longer valid JSON" in p.message for p in store.check())
    p2.unlink()
    problems = store.check()
    assert any("version 2 is missing" in p.message for p in problems)


def test_a_recomputed_digest_still_breaks_the_chain(store: Store) -> None:
    """Someone edits version 2 and recomputes its digest: version 3's parent link no longer matches."""
    from lia.canonical import digest_obj, pretty_json

    store.save("cc", ANSWERS, author="Ada", message="v2")
    store.save("cc", ANSWERS, author="Ada", message="v3")
    p2 = store.version_path("cc", 2)
    data = json.loads(p2.read_text())
    data["answers"]["basics.scope"] = "all_calls"
    body = {k: v for k, v in data.items() if k != "digest"}
    data["digest"] = digest_obj(body)
    p2.write_text(pretty_json(data))
    problems = store.check()
    assert len(problems) == 1 and "0003.json" in problems[0].where and "parent digest" in problems[0].message


SAVER = r"""
import os, sys
sys.path.insert(0, sys.argv[1])
from lia.store import Store
s = Store(sys.argv[2])
i = 0
print("ready", flush=True)
while True:
    i += 1
    s.save("cc", {"basics.purpose": "x" * (i % 5000 + 20000), "basics.scope": "sample"}, author="loop", message=f"save {i}")
"""


def test_killing_a_save_midway_leaves_a_consistent_store(store: Store, tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    script = tmp_path / "saver.py"
    script.write_text(SAVER)
    rng = random.Random(7)
    for _ in range(4):
        before = len(store.numbers("cc"))
        proc = subprocess.Popen([sys.executable, str(script), str(root / "lib"), str(store.ws.home)], stdout=subprocess.PIPE)
        assert proc.stdout and proc.stdout.readline().strip() == b"ready"
        deadline = time.monotonic() + 60
        while len(store.numbers("cc")) <= before and time.monotonic() < deadline:
            time.sleep(0.01)  # wait until the loop is really saving, however busy the machine
        time.sleep(rng.uniform(0, 0.05))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert len(store.numbers("cc")) > before, "the saver never got to save; the test proves nothing"
        assert store.check() == [], "the store is inconsistent after a kill"
        head = store.load("cc")
        assert head.number == len(store.numbers("cc"))
    # Leftover temporary files are harmless and ignored by every reader.
    for p in store.stray_files("cc"):
        assert p.name.startswith(".tmp-")


# --- issue 12: a conflict is a merge, not a choice of winner ----------------------------------


def _two_edits_of_v2(store: Store) -> None:
    """Version 2 is the common base; Bo saves version 3 changing the retention; Ada still edits version 2."""
    store.save("cc", {**ANSWERS, "limits.retention": "P90D", "limits.days": 5}, author="Ada", message="v2")
    store.save("cc", {**ANSWERS, "limits.retention": "P30D", "limits.review": "2027-01-01", "limits.days": 5},
               author="Bo", message="shorter retention", parent=2)


def test_a_stale_save_keeps_the_colleagues_answers_when_merged(store: Store) -> None:
    """Tab B changed the retention answers, tab A the access answers: the merge has both."""
    _two_edits_of_v2(store)
    mine = {**ANSWERS, "limits.retention": "P90D", "limits.days": 5, "limits.share": 20}
    with pytest.raises(ConflictError) as err:  # a plain save is refused, with the merge it would make
        store.save("cc", mine, author="Ada", message="share", parent=2)
    assert err.value.merge.clean and err.value.base == 2 and err.value.head == 3
    assert err.value.merge.theirs_only == ["limits.review", "limits.retention"]
    assert "--merge-from-conflict" in str(err.value) and "limits.share" in str(err.value)
    saved = store.save_merging("cc", mine, parent=2, author="Ada", message="share")
    v = saved.version
    assert v.number == 4 and v.parent == store.load("cc", 3).digest
    assert v.answers == {**ANSWERS, "limits.retention": "P30D", "limits.review": "2027-01-01", "limits.days": 5, "limits.share": 20}
    assert v.message == "share (merged with version 3 by Bo; edited from version 2)"
    assert saved.merged_with.number == 3 and saved.merge.mine_only == ["limits.share"]


def test_questions_both_changed_are_refused_until_chosen_per_question(store: Store) -> None:
    _two_edits_of_v2(store)
    mine = {**ANSWERS, "limits.retention": "P1Y", "limits.days": 7, "basics.scope": "all_calls"}
    with pytest.raises(ConflictError) as err:
        store.save_merging("cc", mine, parent=2, author="Ada", message="mine")
    e = err.value
    assert [c.where for c in e.merge.open_clashes()] == ["limits.retention"]
    assert 'limits.retention: yours "P1Y", theirs "P30D"' in str(e)
    kept = json.loads(e.kept.read_text())
    assert kept["answers"] == mine and kept["parent"] == 2 and kept["head"] == 3
    assert kept["clashes"] == [{"where": "limits.retention", "base": "P90D", "mine": "P1Y", "theirs": "P30D"}]
    assert store.numbers("cc") == [1, 2, 3]
    back = store.read_conflict(e.kept)
    v = store.save_merging("cc", back["answers"], parent=back["parent"], assessment=back["assessment"], author="Ada",
                           message=back["message"], choices={"limits.retention": "mine"}, kept=e.kept).version
    assert v.answers["limits.retention"] == "P1Y" and v.answers["limits.review"] == "2027-01-01"
    assert v.answers["basics.scope"] == "all_calls" and v.answers["limits.days"] == 7


def test_metadata_merges_too(store: Store) -> None:
    store.save("cc", ANSWERS, author="Ada", message="v2")
    store.save("cc", ANSWERS, assessment={"owner": "Bo"}, author="Bo", message="owner")
    v = store.save_merging("cc", ANSWERS, parent=2, assessment={"status": "in_review"}, author="Ada", message="review").version
    assert v.assessment["owner"] == "Bo" and v.assessment["status"] == "in_review"


def test_a_save_without_parent_that_loses_a_race_is_merged_not_replacing(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two saves read head 2; Bo's lands first. Ada's is merged with it (or refused), never silently replacing it."""
    store.save("cc", ANSWERS, author="Ada", message="v2")
    real_commit = Store._commit
    calls = []

    def commit_after_bo(self, aid, meta, answers, author, message, head):
        if not calls:
            calls.append(1)
            Store(self.ws).save("cc", {**ANSWERS, "limits.retention": "P30D"}, author="Bo", message="Bo")
        return real_commit(self, aid, meta, answers, author, message, head)

    monkeypatch.setattr(Store, "_commit", commit_after_bo)
    with pytest.raises(ConflictError) as err:
        store.save("cc", {**ANSWERS, "limits.share": 10}, author="Ada", message="Ada")
    assert err.value.base == 2 and err.value.merge.theirs_only == ["limits.retention"]
    calls.clear()
    v = store.save_merging("cc", {**ANSWERS, "limits.retention": "P30D", "limits.share": 10}, parent=None,
                           author="Ada", message="Ada").version
    monkeypatch.undo()
    assert v.number == 5 and v.answers["limits.retention"] == "P30D" and v.answers["limits.share"] == 10


def test_force_replaces_on_purpose(store: Store) -> None:
    _two_edits_of_v2(store)
    v = store.save("cc", ANSWERS, author="Ada", message="reset", parent=2, force=True)
    assert v.number == 4 and v.answers == ANSWERS and v.parent == store.load("cc", 3).digest


def test_an_assessment_created_meanwhile_merges_with_an_empty_base(store: Store) -> None:
    store.save("cc", {"basics.purpose": "Theirs"}, author="Bo", message="theirs")
    with pytest.raises(ConflictError, match="created by someone else") as err:
        store.save("cc", {"basics.purpose": "Mine", "limits.days": 3}, parent=0, author="Ada", message="mine")
    assert [c.where for c in err.value.merge.clashes] == ["basics.purpose"]
    assert err.value.merge.mine_only == ["limits.days"]


def test_a_bad_conflict_file_is_named(store: Store, tmp_path: Path) -> None:
    from lia.errors import InputError

    bad = tmp_path / "c.json"
    bad.write_text('{"answers": {}, "assessment": {}, "message": "m"}')
    with pytest.raises(InputError, match=r"c\.json: missing key\(s\) parent"):
        store.read_conflict(bad)


def test_a_parent_that_does_not_exist_is_named(store: Store) -> None:
    for force in (False, True):
        with pytest.raises(NotFoundError, match="no version 7"):
            store.save("cc", ANSWERS, author="Ada", message="m", parent=7, force=force)
    assert store.numbers("cc") == [1]


# --- property: two people saving through the store never lose a one-sided change ----------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as hst  # noqa: E402

_DOMAINS = {
    "basics.purpose": hst.sampled_from(["Train", "Coach", "QA"]),
    "basics.scope": hst.sampled_from(["all_calls", "sample"]),
    "basics.told": hst.booleans(),
    "limits.share": hst.integers(0, 100),
    "limits.retention": hst.sampled_from(["P30D", "P90D", "P1Y"]),
}


@hst.composite
def _answer_sets(draw):
    def one():
        return {k: draw(v) for k, v in _DOMAINS.items() if draw(hst.booleans())}

    return one(), one(), one()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(trio=_answer_sets())
def test_property_merged_saves_keep_every_one_sided_change(mini: Path, tmp_path_factory: pytest.TempPathFactory, trio) -> None:
    base, theirs, mine = trio
    s = Store(tmp_path_factory.mktemp("prop"))
    s.create({"id": "cc", "title": "T"}, author="Setup", answers=base)
    s.save("cc", theirs, author="Bo", message="theirs", parent=1)
    v = s.save_merging("cc", mine, parent=1, author="Ada", message="mine", take="mine").version
    assert v.number == 3 and v.parent == s.load("cc", 2).digest
    for k in set(base) | set(theirs) | set(mine):
        b, t, m = base.get(k), theirs.get(k), mine.get(k)  # each key holds one type, so == is enough
        expected = t if m == b else m  # I left it: theirs stands; I changed it: mine (clashes taken as mine)
        assert v.answers.get(k) == expected, k
