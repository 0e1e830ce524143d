"""A count of one reads as one: "1 access", not "1 accesses", in English, Swedish and Norwegian."""

from __future__ import annotations

from pathlib import Path

import pytest

from lia.access.analysis import analyse, load_calls
from lia.pages.access import breaches_html, summary_html
from lia.access.limits import AccessLimits
from lia.access.log import read_access_log
from lia.commands.access import format_report

CALLS = "call_id,agent,team,start,duration_s,recorded,caller_consent,deleted_at,consent_withdrawn_at\n"
EVENTS = "event_id,recording_id,user,role,action,at,reason\n"
ROLES = [{"role": "trainer", "people": 5, "reason": "training", "can_listen": True, "can_download": False}]


def one_of_each(tmp: Path):
    """One event, by one user in one role, against a call log of one call; one breach of one access."""
    (tmp / "c.csv").write_text(CALLS + "C1,A1,support,2025-01-10T10:00:00+01:00,60,yes,yes,,\n")
    (tmp / "a.csv").write_text(EVENTS + "E1,C1,u1,trainer,download,2025-01-10T11:00:00+01:00,training: x\n")
    log = read_access_log(tmp / "a.csv")
    load_calls(log.con, tmp / "c.csv")
    rep = analyse(log, AccessLimits.from_answers({"access.roles": ROLES}), calls=True, tz="Europe/Stockholm")
    log.close()
    assert [(b.kind, b.value) for b in rep.breaches] == [("download_not_allowed", 1)]
    return rep


@pytest.mark.parametrize("lang, words, wrong", [
    ("en", ["1 access event by 1 user in 1 role", "call log of 1 call;", "0 events name", "1 user, 1 access;",
            "1 breach:", "1 access (limit 0)"],
     ["1 accesses", "1 users", "1 roles", "1 calls", "1 breaches", "1 access events"]),
    ("sv", ["1 åtkomsthändelse av 1 användare i 1 roll", "1 användare, 1 åtkomst;", "1 avvikelse:", "1 åtkomst (gräns 0)"],
     ["1 åtkomster", "1 roller", "1 avvikelser", "1 åtkomsthändelser"]),
    ("nb", ["1 tilgangshendelse av 1 bruker i 1 rolle", "1 bruker, 1 tilgang;", "1 avvik:", "1 tilgang (grense 0)"],
     ["1 tilganger", "1 brukere", "1 roller", "1 tilgangshendelser"]),
])
def test_the_summary_says_one_in_the_singular(lang, words, wrong, tmp_path):
    text = format_report(one_of_each(tmp_path), "x1", 1, lang)
    for w in words:
        assert w in text, (w, text)
    for w in wrong:
        assert w not in text, (w, text)


def test_the_page_says_one_access_and_many_accesses(tmp_path):
    rep = one_of_each(tmp_path)
    page = summary_html(rep, "en") + breaches_html(rep, "en")
    assert "1 access event by 1 user in 1 role" in page and "1 user, 1 access;" in page
    assert "1 access<" in page and "0 accesses<" in page  # value and limit of the breach, each with its own form
    assert "1 accesses" not in page and "1 users" not in page
    nb = summary_html(rep, "nb") + breaches_html(rep, "nb")
    assert "1 tilgang<" in nb and "0 tilganger<" in nb and "1 tilganger" not in nb
