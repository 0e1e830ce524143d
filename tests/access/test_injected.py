"""Generated access logs with planted breaches: the analysis finds exactly those, no more, no fewer."""

from __future__ import annotations

import pytest

from lia.access.analysis import analyse, load_calls
from lia.access.limits import AccessLimits
from lia.access.log import read_access_log
from lia.access.synth import INJECTABLE, generate_access


def run(acc, calls_file, tmp_path, fmt="parquet", calls=True):
    path = tmp_path / f"access.{fmt}"
    (acc.write_parquet if fmt == "parquet" else acc.write_csv)(path)
    log = read_access_log(path)
    try:
        if calls:
            load_calls(log.con, calls_file)
        return analyse(log, AccessLimits.from_answers(acc.answers), calls=calls, tz=acc.tz)
    finally:
        log.close()


def test_a_clean_log_has_no_breach(calls_synth, calls_file, tmp_path):
    acc = generate_access(calls_synth, seed=1)
    rep = run(acc, calls_file, tmp_path)
    assert rep.overview["events"] == len(acc.table) > 1000
    assert rep.breaches == []
    assert all(c["status"] == "checked" for c in rep.checks.values()), rep.checks


@pytest.mark.parametrize("kind", INJECTABLE)
def test_each_planted_breach_is_found_alone(kind, calls_synth, calls_file, tmp_path):
    acc = generate_access(calls_synth, seed=2, inject=(kind,))
    rep = run(acc, calls_file, tmp_path)
    assert [b.to_dict() for b in rep.breaches] == [b.to_dict() for b in acc.injected]
    assert len(acc.injected) == 1 and acc.injected[0].kind == kind


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_all_planted_breaches_together_csv_and_parquet(fmt, calls_synth, calls_file, tmp_path):
    acc = generate_access(calls_synth, seed=5, inject=INJECTABLE)
    rep = run(acc, calls_file, tmp_path, fmt=fmt)
    assert [b.to_dict() for b in rep.breaches] == [b.to_dict() for b in acc.injected]
    got = {b.kind for b in rep.breaches}
    assert got == set(INJECTABLE)
    conc = next(b for b in rep.breaches if b.kind == "agent_concentration")
    assert conc.agent and conc.user and conc.value == acc.spec.max_recordings_per_agent + 5


def test_without_a_call_log_only_the_policy_checks_run(calls_synth, calls_file, tmp_path):
    acc = generate_access(calls_synth, seed=5, inject=INJECTABLE)
    rep = run(acc, calls_file, tmp_path, calls=False)
    need_calls = {"declined_caller", "not_recorded", "after_deletion", "after_withdrawal", "after_retention",
                  "agent_concentration", "listened_outside_training"}
    assert {b.kind for b in rep.breaches} == set(INJECTABLE) - need_calls
    assert all(rep.checks[k]["status"] == "no_call_log" for k in need_calls)


def test_the_concentration_threshold_is_an_answer(calls_synth, calls_file, tmp_path):
    acc = generate_access(calls_synth, seed=5, inject=("agent_concentration",))
    path = acc.write_parquet(tmp_path / "a.parquet")
    n = acc.spec.max_recordings_per_agent + 5
    for limit, found in ((n - 1, True), (n, False)):
        answers = dict(acc.answers, **{"access.max_recordings_per_agent": limit})
        log = read_access_log(path)
        load_calls(log.con, calls_file, validate=False)
        rep = analyse(log, AccessLimits.from_answers(answers), calls=True, tz=acc.tz)
        log.close()
        assert any(b.kind == "agent_concentration" for b in rep.breaches) is found
    answers = {k: v for k, v in acc.answers.items() if k != "access.max_recordings_per_agent"}
    log = read_access_log(path)
    load_calls(log.con, calls_file, validate=False)
    rep = analyse(log, AccessLimits.from_answers(answers), calls=True, tz=acc.tz)
    log.close()
    assert rep.checks["agent_concentration"] == {"status": "not_declared", "question": "access.max_recordings_per_agent"}
    assert not any(b.kind == "agent_concentration" for b in rep.breaches)


def test_undeclared_roles_are_not_checked_when_no_roles_are_declared(calls_synth, calls_file, tmp_path):
    acc = generate_access(calls_synth, seed=5, inject=("undeclared_role",))
    path = acc.write_parquet(tmp_path / "a.parquet")
    log = read_access_log(path)
    answers = {k: v for k, v in acc.answers.items() if k != "access.roles"}
    rep = analyse(log, AccessLimits.from_answers(answers), calls=False, tz=acc.tz)
    log.close()
    assert rep.checks["undeclared_role"]["status"] == "not_declared"
    assert rep.breaches == []
