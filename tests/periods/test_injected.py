"""Generated logs with known, deliberately injected breaches: the analysis finds exactly those."""

from __future__ import annotations

from pathlib import Path

import pytest

from lia.periods.analysis import analyse
from lia.periods.calllog import from_table, read_call_log
from lia.periods.limits import Limits
from lia.periods.synth import INJECTABLE, generate

SMALL = dict(weeks=26, teams=4, agents_per_team=6, calls_per_agent_day=12)


def found(log, g):
    report = analyse(log, Limits.from_answers(g.answers))
    return report, {b.key(): b for b in report.breaches}


def assert_exact(report, got, g):
    expected = {b.key(): b for b in g.injected}
    assert sorted(got) == sorted(expected), (
        f"missing {sorted(expected.keys() - got.keys())}, extra {sorted(got.keys() - expected.keys())}")
    for k, b in expected.items():
        assert got[k].value == pytest.approx(b.value, abs=0.11), k
        assert got[k].limit == pytest.approx(b.limit), k
        assert got[k].unit == b.unit
        assert got[k].calls == b.calls
        assert got[k].team == b.team


def test_compliant_log_has_no_breaches():
    g = generate(seed=3, **SMALL)
    report, got = found(from_table(g.table), g)
    assert g.injected == [] and got == {}
    assert report.overview["calls"] == g.table.num_rows
    # the compliant plan: two adjacent days a week, so runs of at most two working days
    assert report.agents["longest_run_working_days"].max() == 2
    assert report.agents["whole_weeks"].sum() == 0


@pytest.mark.parametrize("kind", INJECTABLE)
def test_each_injected_breach_alone_is_found_exactly(kind):
    g = generate(seed=11, inject=(kind,), **SMALL)
    assert g.injected, "the generator must declare what it injected"
    assert {b.kind for b in g.injected} >= {kind}
    report, got = found(from_table(g.table), g)
    assert_exact(report, got, g)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_all_breaches_together_are_found_exactly(seed):
    g = generate(seed=seed, inject=INJECTABLE, **SMALL)
    report, got = found(from_table(g.table), g)
    assert_exact(report, got, g)
    assert {b.kind for b in report.breaches} == set(INJECTABLE)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_breaches_survive_the_file_round_trip(tmp_path: Path, fmt):
    g = generate(seed=5, inject=INJECTABLE, **SMALL)
    path = g.write_csv(tmp_path / "log.csv") if fmt == "csv" else g.write_parquet(tmp_path / "log.parquet")
    log = read_call_log(path)
    assert len(log) == g.table.num_rows
    report, got = found(log, g)
    assert_exact(report, got, g)


def test_generator_is_deterministic_by_seed():
    a, b, c = generate(seed=7, inject=INJECTABLE, **SMALL), generate(seed=7, inject=INJECTABLE, **SMALL), generate(seed=8, **SMALL)
    assert a.table.equals(b.table) and a.injected == b.injected
    assert not a.table.equals(c.table)


def test_generator_refuses_impossible_injections():
    with pytest.raises(ValueError, match="cannot inject"):
        generate(inject=("nonsense",))
    with pytest.raises(ValueError, match="too short"):
        generate(weeks=4, inject=("retention_exceeded",), teams=2, agents_per_team=2)


def test_agents_appear_only_by_pseudonymous_id():
    g = generate(seed=1, inject=INJECTABLE, **SMALL)
    report, _ = found(from_table(g.table), g)
    ids = set(report.agents["agent"])
    assert all(a.startswith("A") and a[1:].isdigit() for a in ids)
    assert {b.agent for b in report.breaches if b.agent} <= ids
