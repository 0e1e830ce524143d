"""The definitions in docs/periods.md, checked on small hand-written logs."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from lia.periods.analysis import analyse
from lia.periods.calllog import read_call_log
from lia.periods.limits import Limits, TrainingPeriod, parse_duration

from .helpers import row, write_csv


def days_log(tmp_path, days, agent="A0001", team="support", **kw):
    rows = [row(i, agent=agent, team=team, start=f"{d}T10:00:00+01:00", **kw) for i, d in enumerate(days, start=1)]
    return read_call_log(write_csv(tmp_path / "log.csv", rows))


def kinds(report):
    return [(b.kind, b.start.isoformat(), b.end.isoformat(), b.value) for b in report.breaches]


def test_a_run_continues_over_the_weekend(tmp_path):
    # Thu 6, Fri 7, (weekend), Mon 10, Tue 11 March 2025: four consecutive working days
    log = days_log(tmp_path, ["2025-03-06", "2025-03-07", "2025-03-10", "2025-03-11"])
    r = analyse(log, Limits(max_consecutive_days=3))
    assert kinds(r) == [("consecutive_days", "2025-03-06", "2025-03-11", 4)]
    assert r.agents.loc[0, "longest_run_working_days"] == 4


def test_weekend_days_neither_extend_nor_break_a_run_but_count_per_month(tmp_path):
    log = days_log(tmp_path, ["2025-03-07", "2025-03-08", "2025-03-09", "2025-03-10"])  # Fri Sat Sun Mon
    r = analyse(log, Limits(max_consecutive_days=2, max_days_per_month=3))
    assert kinds(r) == [("days_per_month", "2025-03-07", "2025-03-10", 4)]
    assert r.agents.loc[0, "longest_run_working_days"] == 2 and r.agents.loc[0, "recorded_days"] == 4


def test_a_gap_day_breaks_the_run(tmp_path):
    log = days_log(tmp_path, ["2025-03-03", "2025-03-04", "2025-03-06", "2025-03-07"])
    assert analyse(log, Limits(max_consecutive_days=2)).breaches == []


def test_whole_weeks_in_a_row_are_one_breach(tmp_path):
    days = [f"2025-03-{d:02d}" for d in (3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 17, 18)]
    r = analyse(days_log(tmp_path, days), Limits())
    assert kinds(r) == [("whole_week", "2025-03-03", "2025-03-14", 2)]
    assert r.agents.loc[0, "whole_weeks"] == 2


def test_unrecorded_calls_do_not_make_recorded_days(tmp_path):
    log = days_log(tmp_path, [f"2025-03-{d:02d}" for d in (3, 4, 5, 6, 7)], recorded="no")
    r = analyse(log, Limits(max_consecutive_days=1))
    assert r.breaches == [] and r.agents.loc[0, "recorded_days"] == 0


def test_local_calendar_day_decides(tmp_path):
    # 23:30 UTC on Friday is Saturday 00:30 in Stockholm: not a working day there
    rows = [row(1, start="2025-03-06T10:00:00Z"), row(2, start="2025-03-07T10:00:00Z"), row(3, start="2025-03-07T23:30:00Z")]
    log = read_call_log(write_csv(tmp_path / "tz.csv", rows))
    stockholm = analyse(log, Limits(max_days_per_month=2))
    assert kinds(stockholm) == [("days_per_month", "2025-03-06", "2025-03-08", 3)]
    utc = analyse(log, Limits(max_days_per_month=2), tz="UTC")
    assert utc.breaches == []


def test_outside_training_periods_by_team_agent_or_everyone(tmp_path):
    rows = [row(1, agent="A1", team="support", start="2025-03-03T10:00:00+01:00"),
            row(2, agent="A1", team="support", start="2025-03-04T10:00:00+01:00"),
            row(3, agent="A2", team="sales", start="2025-03-03T10:00:00+01:00"),
            row(4, agent="A3", team="sales", start="2025-03-03T10:00:00+01:00"),
            row(5, agent="A3", team="sales", start="2025-03-14T10:00:00+01:00"),
            row(6, agent="A3", team="sales", start="2025-03-17T10:00:00+01:00")]
    log = read_call_log(write_csv(tmp_path / "tp.csv", rows))
    lim = Limits(training_periods=(TrainingPeriod("SUPPORT", date(2025, 3, 3), date(2025, 3, 3)),
                                   TrainingPeriod("a2", date(2025, 3, 1), date(2025, 3, 31)),
                                   TrainingPeriod("*", date(2025, 3, 3), date(2025, 3, 3))))
    r = analyse(log, lim)
    assert [(b.agent, b.team, b.start.isoformat(), b.end.isoformat(), b.value) for b in r.breaches] == [
        ("A1", "support", "2025-03-04", "2025-03-04", 1),
        ("A3", "sales", "2025-03-14", "2025-03-17", 2),  # Friday and Monday: one stretch
    ]
    assert analyse(log, Limits(training_periods=lim.training_periods, continuous=True)).breaches == []


def test_share_recorded_per_team(tmp_path):
    rows = [row(i, team="t1", recorded="yes" if i <= 3 else "no") for i in range(1, 11)]
    rows += [row(i, team="t2", recorded="yes" if i <= 12 else "no") for i in range(11, 21)]
    r = analyse(read_call_log(write_csv(tmp_path / "s.csv", rows)), Limits(share_recorded_percent=25))
    assert [(b.team, b.value, b.limit, b.unit) for b in r.breaches] == [("t1", 30.0, 25.0, "percent")]


def test_retention_by_calendar_months_and_default_now(tmp_path):
    rows = [row(1, start="2025-01-31T10:00:00Z", deleted="2025-02-28T11:00:00Z"),  # Jan 31 + P1M = Feb 28: late
            row(2, start="2025-01-30T10:00:00Z", deleted="2025-02-28T09:00:00Z"),  # in time
            row(3, start="2025-02-01T10:00:00Z"),  # not deleted; now = latest timestamp = 2025-03-05
            row(4, start="2025-03-05T10:00:00Z")]
    log = read_call_log(write_csv(tmp_path / "r.csv", rows))
    r = analyse(log, Limits(retention=parse_duration("P1M")))
    (b,) = r.breaches
    assert (b.kind, b.team, b.calls, b.start.isoformat(), b.end.isoformat()) == ("retention_exceeded", "support", 2, "2025-01-31", "2025-02-01")
    assert b.value == pytest.approx(32.0, abs=0.05)  # row 3: 1 Feb 10:00 to 5 Mar 10:00
    later = analyse(log, Limits(retention=parse_duration("P1M")), now=datetime(2025, 2, 15, tzinfo=timezone.utc))
    assert [x.calls for x in later.breaches] == [1]


def test_withdrawal_must_lead_to_deletion_within_30_days(tmp_path):
    rows = [row(1, start="2025-01-02T10:00:00Z", withdrawn="2025-01-03T10:00:00Z", deleted="2025-01-05T10:00:00Z"),
            row(2, start="2025-01-02T10:00:00Z", withdrawn="2025-01-03T10:00:00Z", deleted="2025-02-10T10:00:00Z"),
            row(3, start="2025-01-02T10:00:00Z", withdrawn="2025-01-03T10:00:00Z", recorded="no"),
            row(4, start="2025-03-01T10:00:00Z")]
    r = analyse(read_call_log(write_csv(tmp_path / "w.csv", rows)), Limits())
    (b,) = r.breaches
    assert (b.kind, b.calls, b.value, b.limit) == ("withdrawal_not_deleted", 1, 38.0, 30)
    assert r.overview["withdrawals"] == 2 and r.overview["withdrawal_to_deletion_days_max"] == 38.0


def test_declined_callers_recorded(tmp_path):
    rows = [row(1, consent="no", recorded="no"), row(2, consent="no", recorded="yes"), row(3, consent="not_asked")]
    r = analyse(read_call_log(write_csv(tmp_path / "d.csv", rows)), Limits())
    assert [(b.kind, b.agent, b.value, b.unit) for b in r.breaches] == [("declined_recorded", "A0001", 1, "calls")]
    assert r.overview["declined_callers"] == 2


def test_json_shape(tmp_path):
    r = analyse(days_log(tmp_path, [f"2025-03-{d:02d}" for d in (3, 4, 5, 6, 7)]), Limits(max_consecutive_days=3))
    d = r.to_dict()
    assert set(d) == {"summary", "breaches"}
    assert set(d["summary"]) == {"overview", "checks", "teams", "agents"}
    b = d["breaches"][0]
    assert list(b) == ["kind", "agent", "team", "period", "value", "limit", "unit"]
    assert b["period"] == {"start": "2025-03-03", "end": "2025-03-07"} and b["value"] == 5 and b["limit"] == 3
