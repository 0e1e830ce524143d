"""Attached call-log evidence: `lia periods --attach/--detach`, lia.periods.evidence, and `lia evaluate` weighing it."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from lia.errors import InputError, LiaError
from lia.periods.analysis import analyse
from lia.periods.calllog import read_call_log
from lia.periods.evidence import attach, evidence_digest, evidence_path, load_evidence
from lia.periods.limits import Limits
from lia.periods.synth import INJECTABLE, generate
from lia.store import Store
from lia.workspace import Workspace

from .helpers import run_lia

#: The rule each breach kind makes fire (templates/rules/eu.yaml, se.yaml); the assessment covers EU and SE.
RULE_OF_KIND = {
    "consecutive_days": "eu.periods.evidence_consecutive_days",
    "whole_week": "se.periods.evidence_whole_weeks",
    "days_per_month": "eu.periods.evidence_days_per_month",
    "outside_training_period": "eu.periods.evidence_outside_periods",
    "share_recorded": "eu.periods.evidence_share_recorded",
    "retention_exceeded": "eu.retention.evidence_kept_too_long",
    "withdrawal_not_deleted": "eu.retention.evidence_withdrawal_not_deleted",
    "declined_recorded": "eu.periods.evidence_declined_recorded",
}


@pytest.fixture
def setup(tmp_path, monkeypatch):
    """A workspace with assessment cc-rec (EU, SE) whose answers hold the synthetic log's limits, and the log."""
    home = tmp_path / "ws"
    home.mkdir()
    monkeypatch.setenv("LIA_HOME", str(home))
    monkeypatch.delenv("LIA_TEMPLATES", raising=False)  # the real questionnaires and rule packs
    g = generate(seed=4, inject=INJECTABLE, weeks=26, teams=3, agents_per_team=5, calls_per_agent_day=10)
    store = Store(Workspace(home))
    store.create({"id": "cc-rec", "title": "Call recording", "jurisdictions": ["EU", "SE"]}, author="test")
    store.save("cc-rec", g.answers, author="test", message="limits agreed with the union")
    log = g.write_parquet(tmp_path / "calls.parquet")
    env = {"LIA_HOME": str(home)}
    return {"g": g, "log": log, "env": env, "ws": Workspace(home), "tmp": tmp_path}


def _attach(s, log: Path | None = None, **kw):
    ws = s["ws"]
    v = Store(ws).load("cc-rec")
    log = log or s["log"]
    rep = analyse(read_call_log(log), Limits.from_answers(v.answers), tz="Europe/Stockholm")
    return rep, attach(ws, "cc-rec", rep, version=v, source=log, tz="Europe/Stockholm", **kw)


def test_attach_round_trip_keeps_the_result_not_the_log(setup):
    rep, ev = _attach(setup)
    path = evidence_path(setup["ws"], "cc-rec")
    assert path == setup["ws"].home / "assessments" / "cc-rec" / "evidence" / "periods.json"
    back = load_evidence(setup["ws"], "cc-rec")
    assert back == ev
    assert back.breaches == [b.to_dict() for b in rep.breaches]
    assert sorted((b["kind"], b.get("agent") or b["team"], b["period"]["start"], b["period"]["end"])
                  for b in back.breaches) == sorted(x.key() for x in setup["g"].injected)
    assert back.limits == rep.limits
    log_bytes = setup["log"].read_bytes()
    assert back.source == {"name": "calls.parquet", "size": len(log_bytes), "sha256": hashlib.sha256(log_bytes).hexdigest()}
    assert back.rows == setup["g"].table.num_rows
    v = Store(setup["ws"]).load("cc-rec")
    assert back.assessment == {"id": "cc-rec", "version": v.number, "digest": v.digest}
    assert back.sha256 == evidence_digest(setup["ws"], "cc-rec") == hashlib.sha256(path.read_bytes()).hexdigest()
    # aggregated tables: per team and day (the calls add up), no call ids anywhere
    td, ages = back.tables()
    assert int(td["calls"].sum()) == back.rows
    assert int(ages["recordings"].sum()) == rep.overview["recorded_calls"]
    text = path.read_text(encoding="utf-8")
    first_call = str(setup["g"].table["call_id"][0].as_py())
    assert first_call not in text
    doc = json.loads(text)
    assert doc["kind"] == "periods-evidence" and doc["format"] == 2


def test_evidence_size_does_not_grow_with_the_number_of_calls(setup):
    """Ten times the calls give (about) the same file: the evidence is aggregated, never per call."""
    sizes = []
    for n in (5, 50):
        g = generate(seed=1, weeks=26, teams=4, agents_per_team=25, calls_per_agent_day=n)
        log = g.write_parquet(setup["tmp"] / f"calls-{n}.parquet")
        _attach(setup, log)
        sizes.append(evidence_path(setup["ws"], "cc-rec").stat().st_size)
    assert sizes[1] < 1.3 * sizes[0], sizes
    assert sizes[1] < 2_000_000, sizes


def test_cli_attach_keeps_json_output_and_detach_removes(setup):
    env, log = setup["env"], setup["log"]
    plain = run_lia("periods", "cc-rec", "--log", str(log), "--json", env=env)
    res = run_lia("periods", "cc-rec", "--log", str(log), "--json", "--attach", env=env)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout) == json.loads(plain.stdout)  # the JSON shape is unchanged
    assert "evidence" in res.stderr and "9 breaches" in res.stderr
    path = evidence_path(setup["ws"], "cc-rec")
    assert path.is_file() and load_evidence(setup["ws"], "cc-rec").source["name"] == "calls.parquet"
    res = run_lia("periods", "cc-rec", "--detach", "--lang", "sv", env=env)
    assert res.returncode == 0 and "Tog bort beviset" in res.stdout and "calls.parquet" in res.stdout
    assert not path.exists()
    res = run_lia("periods", "cc-rec", "--detach", env=env)
    assert res.returncode == 0 and "no attached call-log evidence" in res.stdout
    res = run_lia("periods", "cc-rec", env=env)
    assert res.returncode == 2 and "--log FILE" in res.stderr and "Traceback" not in res.stderr


def test_lia_check_accepts_the_evidence_folder(setup):
    _attach(setup)
    res = run_lia("check", env=setup["env"])
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout.startswith("OK: 1 assessment(s), 2 version(s)")


def _evaluate(env, *extra):
    res = run_lia("evaluate", "cc-rec", "--json", *extra, env=env)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def _evidence_rules(doc) -> set[str]:
    return {f["rule"] for f in doc["findings"] if ".evidence_" in f["rule"]}


def test_evaluate_weighs_attached_evidence(setup):
    env = setup["env"]
    before = _evaluate(env)
    assert before["evidence_source"] is None and _evidence_rules(before) == set()
    run = run_lia("periods", "cc-rec", "--log", str(setup["log"]), "--attach", env=env)
    assert run.returncode == 0, run.stderr
    after = _evaluate(env)
    assert _evidence_rules(after) == {RULE_OF_KIND[k] for k in INJECTABLE}
    src = after["evidence_source"]
    path = evidence_path(setup["ws"], "cc-rec")
    assert src["attached"] is True and src["file"] == "evidence/periods.json"
    assert src["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert src["source"]["name"] == "calls.parquet" and src["breaches"] == len(setup["g"].injected)
    assert src["analysed_at"].endswith("Z")
    # the balancing now weighs the evidence: the recording periods factor has the evidence findings as reasons
    def periods_factor(doc):
        return next(f for f in doc["factors"] if f["factor"] == "recording_periods")

    assert periods_factor(after)["score"] < periods_factor(before)["score"]
    assert "eu.periods.evidence_consecutive_days" in {r["rule"] for r in periods_factor(after)["reasons"]}
    # existing keys are unchanged; the readable output names the evidence too
    assert set(before) == set(after)
    text = run_lia("evaluate", "cc-rec", env=env).stdout
    assert "Call-log evidence: calls.parquet" in text and "se.periods.evidence_whole_weeks" in text


def test_explicit_evidence_file_wins_over_attached(setup):
    _attach(setup)
    f = setup["tmp"] / "only-declined.json"
    f.write_text(json.dumps([{"kind": "declined_recorded", "agent": "A1", "team": "t",
                              "period": {"start": "2025-01-01", "end": "2025-01-01"}, "value": 1, "limit": 0,
                              "unit": "calls"}]), encoding="utf-8")
    doc = _evaluate(setup["env"], "--evidence", str(f))
    assert _evidence_rules(doc) == {"eu.periods.evidence_declined_recorded"}
    assert doc["evidence_source"]["attached"] is False and doc["evidence_source"]["file"] == "only-declined.json"


def _corrupt(path: Path, how: str) -> str:
    """Damage the evidence file; returns the place the error must name."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    if how == "truncated":
        raw = path.read_bytes()
        path.write_bytes(raw[: len(raw) // 2])
        return "line "
    if how == "binary":
        path.write_bytes(b"\x00\x01\x02garbage")
        return "binary"
    if how == "latin1":
        path.write_bytes(path.read_bytes().replace(b'"kind": "periods-evidence"', b'"kind": "periods-evidence\xe9"'))
        return "line 2"
    if how == "empty":
        path.write_bytes(b"")
        return "empty"
    if how == "deep":
        path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
        return "nested"
    if how == "unknown_kind":
        doc["breaches"][2]["kind"] = "rm -rf /"
        where = "breaches[3].kind"
    elif how == "period_backwards":
        doc["breaches"][0]["period"] = {"start": "2025-03-01", "end": "2025-02-01"}
        where = "breaches[1].period.end"
    elif how == "other_assessment":
        doc["assessment"]["id"] = "someone-else"
        where = "assessment.id"
    elif how == "bad_row":
        doc["tables"]["team_days"]["rows"][5] = ["support", "yesterday", 1, 2, 3]
        where = "tables.team_days.rows[6].date"
    elif how == "newer_format":
        doc["format"] = 99
        where = "format"
    elif how == "missing_breaches":
        del doc["breaches"]
        where = "top level"
    elif how == "bad_retention":
        doc["limits"]["retention"] = "ninety days"
        where = "limits.retention"
    else:  # pragma: no cover
        raise AssertionError(how)
    path.write_text(json.dumps(doc), encoding="utf-8")
    return where


HOSTILE = ["truncated", "binary", "latin1", "empty", "deep", "unknown_kind", "period_backwards", "other_assessment",
           "bad_row", "newer_format", "missing_breaches", "bad_retention"]


@pytest.mark.parametrize("how", HOSTILE)
def test_damaged_evidence_is_refused_with_file_and_place(setup, how):
    _attach(setup)
    path = evidence_path(setup["ws"], "cc-rec")
    where = _corrupt(path, how)
    with pytest.raises(InputError) as err:
        load_evidence(setup["ws"], "cc-rec")
    msg = str(err.value)
    assert str(path) in msg and where in msg, msg


@pytest.mark.parametrize("how", ["truncated", "unknown_kind", "other_assessment"])
def test_cli_evaluate_with_damaged_evidence_exits_2_without_traceback(setup, how):
    _attach(setup)
    path = evidence_path(setup["ws"], "cc-rec")
    where = _corrupt(path, how)
    res = run_lia("evaluate", "cc-rec", "--json", env=setup["env"])
    assert res.returncode == 2, res.stdout
    assert "Traceback" not in res.stderr and str(path) in res.stderr and where in res.stderr, res.stderr
    assert res.stdout == ""
    # detaching a damaged file still works
    res = run_lia("periods", "cc-rec", "--detach", env=setup["env"])
    assert res.returncode == 0 and "damaged" in res.stdout and not path.exists()


def _no_temp_files(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.startswith(".tmp")]


def test_failed_attach_leaves_previous_evidence_intact(setup, monkeypatch):
    _attach(setup)
    path = evidence_path(setup["ws"], "cc-rec")
    before = path.read_bytes()
    # 1. the disk fails while the file is replaced
    import lia.store

    def boom(*_a, **_k):
        raise OSError(28, "No space left on device")

    other = generate(seed=9, weeks=8, teams=2, agents_per_team=3).write_parquet(setup["tmp"] / "other.parquet")
    with monkeypatch.context() as m:
        m.setattr(lia.store.os, "replace", boom)
        with pytest.raises(OSError):
            _attach(setup, other)
    assert path.read_bytes() == before and _no_temp_files(path.parent)
    # 2. the log changed while it was analysed: nothing is attached
    st = os.stat(other)
    os.utime(other, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    with pytest.raises(LiaError, match="changed while it was analysed"):
        _attach(setup, other, read_stat=st)
    assert path.read_bytes() == before and _no_temp_files(path.parent)
    # 3. through the CLI: an unreadable log is refused, the evidence stays
    bad = setup["tmp"] / "bad.csv"
    bad.write_text("call_id,agent\n1,A\n", encoding="utf-8")
    res = run_lia("periods", "cc-rec", "--log", str(bad), "--attach", env=setup["env"])
    assert res.returncode == 2 and "Traceback" not in res.stderr and "bad.csv" in res.stderr
    assert path.read_bytes() == before and _no_temp_files(path.parent)


def test_attach_to_unknown_assessment_writes_nothing(setup):
    rep, _ = _attach(setup)
    v = Store(setup["ws"]).load("cc-rec")
    with pytest.raises(LiaError, match="no assessment 'nope'"):
        attach(setup["ws"], "nope", rep, version=v, source=setup["log"], tz="Europe/Stockholm")
    assert not (setup["ws"].assessments_dir / "nope").exists()
