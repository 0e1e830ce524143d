"""The checks' definitions on small hand-written logs: months, purposes, roles, reasons, precedence."""

from __future__ import annotations

from pathlib import Path

from lia.access.analysis import analyse, load_calls
from lia.access.limits import AccessLimits
from lia.access.log import read_access_log

CALLS = "call_id,agent,team,start,duration_s,recorded,caller_consent,deleted_at,consent_withdrawn_at\n"
EVENTS = "event_id,recording_id,user,role,action,at,reason\n"


def run(tmp: Path, calls: list[str], events: list[str], answers: dict):
    (tmp / "c.csv").write_text(CALLS + "".join(r + "\n" for r in calls))
    (tmp / "a.csv").write_text(EVENTS + "".join(r + "\n" for r in events))
    log = read_access_log(tmp / "a.csv")
    load_calls(log.con, tmp / "c.csv")
    rep = analyse(log, AccessLimits.from_answers(answers), calls=True, tz="Europe/Stockholm")
    log.close()
    return {(b.kind, b.user or b.role): b for b in rep.breaches}, rep


ROLES = [{"role": "Trainer", "people": 1, "reason": "coaching", "can_listen": True, "can_download": False}]


def test_retention_in_calendar_months_and_precedence(tmp_path):
    calls = ["C1,A1,support,2025-01-31T10:00:00+01:00,60,yes,yes,,",          # kept until 28 Feb 10:00
             "C2,A1,support,2025-01-31T10:00:00+01:00,60,yes,yes,2025-02-10T00:00:00+01:00,"]
    events = ["E1,C1,u1,TRAINER,listen,2025-02-28T09:59:00+01:00,training: x",   # inside P1M: fine
              "E2,C1,u1,trainer,listen,2025-02-28T10:01:00+01:00,training: x",   # after retention
              "E3,C2,u2,trainer,listen,2025-02-20T10:00:00+01:00,training: x",   # after deletion (Feb: 2 trainers)
              "E5,C2,u2,trainer,listen,2025-03-01T10:00:00+01:00,training: x",   # after deletion wins over retention
              "E4,C2,u2,trainer,delete,2025-03-02T10:00:00+01:00,training: x"]   # deleting is never a breach
    found, _ = run(tmp_path, calls, events, {"access.roles": ROLES + [{"role": "x", "people": 5, "reason": "r",
                                                                         "can_listen": True, "can_download": False}],
                                              "retention.period": "P1M"})
    assert set(found) == {("after_retention", "u1"), ("after_deletion", "u2"), ("too_many_users", "Trainer")}
    assert found[("after_retention", "u1")].value == 1 and found[("after_retention", "u1")].agent == "A1"
    assert found[("after_deletion", "u2")].value == 2
    assert found[("too_many_users", "Trainer")].value == 2


def test_reasons_name_purposes_and_may_be_required(tmp_path):
    calls = ["C1,A1,support,2025-01-10T10:00:00+01:00,60,yes,yes,,"]
    events = ["E1,C1,u1,trainer,listen,2025-01-10T11:00:00+01:00,Customer_Analytics: campaign",
              "E2,C1,u1,trainer,listen,2025-01-10T11:05:00+01:00,complaint from the customer",  # free text: not judged
              "E3,C1,u1,trainer,view_transcript,2025-01-10T11:06:00+01:00,"]
    answers = {"access.roles": ROLES, "purpose.purposes": ["training"], "access.reason_required": True}
    found, rep = run(tmp_path, calls, events, answers)
    assert set(found) == {("undeclared_purpose", "u1"), ("reason_missing", "u1")}
    assert found[("undeclared_purpose", "u1")].value == 1 and found[("reason_missing", "u1")].value == 1
    answers["access.reason_required"] = False
    found, rep = run(tmp_path, calls, events, answers)
    assert set(found) == {("undeclared_purpose", "u1")}
    assert rep.checks["reason_missing"]["status"] == "not_required"


def test_roles_match_case_insensitively_and_listen_and_download_rights_are_checked(tmp_path):
    calls = ["C1,A1,support,2025-01-10T10:00:00+01:00,60,yes,yes,,"]
    roles = ROLES + [{"role": "Auditor", "people": 1, "reason": "audit", "can_listen": False, "can_download": True}]
    events = ["E1,C1,u1, trainer ,share,2025-01-10T11:00:00+01:00,",
              "E2,C1,u2,AUDITOR,listen,2025-01-10T11:00:00+01:00,",
              "E3,C1,u2,auditor,download,2025-01-10T11:01:00+01:00,",
              "E4,C9,u3,intern,listen,2025-01-10T11:02:00+01:00,"]
    found, rep = run(tmp_path, calls, events, {"access.roles": roles})
    assert set(found) == {("download_not_allowed", "u1"), ("listen_not_allowed", "u2"), ("undeclared_role", "intern")}
    assert found[("download_not_allowed", "u1")].role == "Trainer"
    assert rep.overview["events_without_call"] == 1


def test_local_days_follow_daylight_saving_and_the_time_zone(tmp_path):
    """A day is the local calendar day: 23:30 UTC on 30 March 2025 is 31 March in Stockholm (summer time)."""
    calls = ["C1,A1,support,2025-01-10T10:00:00+01:00,60,yes,yes,,"]
    events = ["E1,C1,u1,trainer,share,2025-03-29T22:30:00Z,",   # 23:30 in Stockholm (winter time): 29 March
              "E2,C1,u1,trainer,share,2025-03-30T22:30:00Z,",   # 00:30 in Stockholm (summer time): 31 March
              "E3,C1,u2,trainer,share,1900-01-01T12:00:00Z,",   # a century and more apart: the zone's own rules
              "E4,C1,u2,trainer,share,2025-10-26T23:30:00Z,"]   # 00:30 on 27 October (winter time again)
    found, _ = run(tmp_path, calls, events[:2], {"access.roles": ROLES})
    b = found[("download_not_allowed", "u1")]
    assert (b.start.isoformat(), b.end.isoformat()) == ("2025-03-29", "2025-03-31")
    found, _ = run(tmp_path, calls, events[2:], {"access.roles": ROLES})
    b = found[("download_not_allowed", "u2")]
    assert (b.start.isoformat(), b.end.isoformat()) == ("1900-01-01", "2025-10-27")


def test_the_overview_counts_every_call_of_the_log_and_the_calls_checked_are_the_ones_accessed(tmp_path):
    # only the calls the access log refers to are loaded for the join; the log's size is still reported whole
    calls = [f"C{i},A{i % 3},support,2025-01-10T10:00:00+01:00,60,yes,yes,," for i in range(1, 51)]
    calls[6] = "C7,A1,support,2025-01-10T10:00:00+01:00,60,yes,yes,2025-01-11T00:00:00+01:00,"
    events = ["E1,C7,u1,Trainer,listen,2025-01-12T11:00:00+01:00,coaching",
              "E2,C8,u1,Trainer,listen,2025-01-12T11:05:00+01:00,coaching",
              "E3,C99,u1,Trainer,listen,2025-01-12T11:06:00+01:00,coaching"]
    found, rep = run(tmp_path, calls, events, {"access.roles": ROLES})
    assert rep.overview["calls_in_log"] == 50
    assert rep.overview["events_without_call"] == 1
    assert set(found) == {("after_deletion", "u1")}
    assert found[("after_deletion", "u1")].agent == "A1"
    assert rep.agent_users == [["A1", "support", "u1", "Trainer", 1, 1], ["A2", "support", "u1", "Trainer", 1, 1]]
