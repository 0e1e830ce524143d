"""`lia periods ID --log FILE`: limits from the store, summary or JSON, exit codes."""

from __future__ import annotations

import json
import os

import pytest

from lia.periods.synth import INJECTABLE, generate
from lia.store import Store
from lia.workspace import Workspace

from .helpers import row, run_lia, write_csv


@pytest.fixture
def setup(tmp_path, ptemplates, monkeypatch):
    home = tmp_path / "ws"
    home.mkdir()
    monkeypatch.setenv("LIA_HOME", str(home))
    g = generate(seed=4, inject=INJECTABLE, weeks=26, teams=3, agents_per_team=5, calls_per_agent_day=10)
    store = Store(Workspace(home))
    store.create({"id": "cc-rec", "title": "Call recording", "jurisdictions": ["EU", "SE"]}, author="test")
    store.save("cc-rec", g.answers, author="test", message="limits agreed with the union")
    log = g.write_parquet(tmp_path / "calls.parquet")
    env = {"LIA_HOME": str(home), "LIA_TEMPLATES": os.environ["LIA_TEMPLATES"]}
    return g, log, env, tmp_path


def test_json_lists_exactly_the_injected_breaches(setup):
    g, log, env, _ = setup
    res = run_lia("periods", "cc-rec", "--log", str(log), "--json", env=env)
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert set(out) == {"assessment", "summary", "breaches"}
    assert out["assessment"]["id"] == "cc-rec" and out["assessment"]["version"] == 2
    for b in out["breaches"]:
        assert {"kind", "period", "value", "limit", "unit"} <= set(b)
        assert "agent" in b or "team" in b
        assert set(b["period"]) == {"start", "end"}
    got = sorted((b["kind"], b.get("agent") or b["team"], b["period"]["start"], b["period"]["end"]) for b in out["breaches"])
    assert got == sorted(x.key() for x in g.injected)


def test_readable_summary_in_swedish(setup):
    g, log, env, _ = setup
    res = run_lia("periods", "cc-rec", "--log", str(log), "--lang", "sv", env=env)
    assert res.returncode == 0, res.stderr
    assert f"{len(g.injected)} överträdelser av de angivna gränserna" in res.stdout
    assert "Inspelade arbetsdagar i följd" in res.stdout


def test_version_without_limits_gives_no_breaches_but_still_analyses(setup):
    _, log, env, _ = setup
    res = run_lia("periods", "cc-rec", "--log", str(log), "--version", "1", "--json", env=env)
    assert res.returncode == 0, res.stderr
    kinds = {b["kind"] for b in json.loads(res.stdout)["breaches"]}
    assert kinds <= {"whole_week", "withdrawal_not_deleted", "declined_recorded"}  # the checks that need no answer
    assert "declined_recorded" in kinds


def test_bad_log_exits_2_with_the_message_and_no_traceback(setup):
    _, _, env, tmp = setup
    bad = write_csv(tmp / "bad.csv", [row(1), row(2, start="soon")])
    res = run_lia("periods", "cc-rec", "--log", str(bad), env=env)
    assert res.returncode == 2 and res.stdout == ""
    assert "line 3, column start" in res.stderr and "'soon'" in res.stderr and "Traceback" not in res.stderr


@pytest.mark.parametrize("args, fragment", [
    (["nope", "--log", "{log}"], "nope"),
    (["cc-rec", "--log", "{tmp}/missing.csv"], "does not exist"),
    (["cc-rec", "--log", "{log}", "--tz", "Mars/Base"], "unknown time zone"),
    (["cc-rec", "--log", "{log}", "--now", "2025-07-01"], "with an offset"),
])
def test_other_bad_input(setup, args, fragment):
    _, log, env, tmp = setup
    res = run_lia("periods", *[a.format(log=log, tmp=tmp) for a in args], env=env)
    assert res.returncode != 0 and fragment in res.stderr and "Traceback" not in res.stderr


def test_command_module_is_light():
    import subprocess
    import sys

    code = ("import sys, lia.commands.periods; "
            "print(sorted(m for m in ('pandas', 'altair', 'duckdb', 'pyarrow', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(__import__("pathlib").Path(__file__).parents[2] / "lib")})
    assert out.stdout.strip() == "[]", out.stderr


def test_a_5000_character_time_zone_is_bad_input_not_a_crash(setup):
    _, log, env, _ = setup
    res = run_lia("periods", "cc-rec", "--log", str(log), "--tz", "A" * 5000, env=env)
    assert res.returncode == 2, res.stderr
    assert "unknown time zone" in res.stderr and "internal error" not in res.stderr
    assert len(res.stderr) < 400


def test_the_header_of_a_file_that_is_no_call_log_is_not_echoed(setup):
    """`lia periods --log /etc/shadow`-like files: only a short escaped excerpt of the first line."""
    _, _, env, tmp = setup
    secret = "root:$y$j9T$abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ:19000:0:99999:7:::"
    f = tmp / "shadow"
    f.write_text(secret + "\n" + "daemon:*:19000:0:99999:7:::\n")
    res = run_lia("periods", "cc-rec", "--log", str(f), env=env)
    assert res.returncode == 2 and "missing columns" in res.stderr
    assert secret not in res.stderr and secret[:30] not in res.stderr and "daemon" not in res.stderr


def test_a_device_as_call_log_is_refused(setup):
    _, _, env, _ = setup
    res = run_lia("periods", "cc-rec", "--log", "/dev/zero", env=env, timeout=60)
    assert res.returncode == 2 and "not a regular file" in res.stderr


def test_summary_lists_each_breach_with_who_period_value_and_limit() -> None:
    """The printed breaches name the agent and team (or the team alone), the period, the value with
    its unit and the limit, in the reader's language; with none, one line says so."""
    from datetime import date
    from types import SimpleNamespace

    import pandas as pd

    from lia.commands.periods import format_report
    from lia.periods.breaches import Breach

    cols = ["team", "agents", "calls", "recorded_calls", "share_recorded_percent", "longest_run_working_days",
            "whole_weeks", "recorded_days_outside_training_periods", "recordings_kept_past_retention",
            "withdrawals_not_deleted_in_time"]
    overview = {"source": "calls.csv", "calls": 10, "recorded_calls": 5, "share_recorded_percent": 50, "agents": 2,
                "teams": 1, "first_day": "2026-03-02", "last_day": "2026-03-13", "time_zone": "Europe/Stockholm"}
    breaches = [Breach("consecutive_days", date(2026, 3, 2), date(2026, 3, 10), 7, 5, "working_days",
                       agent="a1", team="north"),
                Breach("share_recorded", date(2026, 3, 2), date(2026, 3, 13), 62.5, 50, "percent", team="north")]
    report = SimpleNamespace(overview=overview, teams=pd.DataFrame([dict.fromkeys(cols, 1)]), checks={},
                             breaches=breaches)
    en = format_report(report, "cc", 2, "en").splitlines()
    assert en[-3:] == ["2 breaches of the declared limits:",
                       "  - Consecutive recorded working days: a1 (north), 2026-03-02 to 2026-03-10: 7 working days (limit 5)",
                       "  - Share of calls recorded: north, 2026-03-02 to 2026-03-13: 62.5 % (limit 50)"]
    sv = format_report(report, "cc", 2, "sv").splitlines()
    assert sv[-2] == "  - Inspelade arbetsdagar i följd: a1 (north), 2026-03-02 till 2026-03-10: 7 arbetsdagar (gräns 5)"
    report.breaches = []
    assert format_report(report, "cc", 2, "nb").splitlines()[-1] == "Ingen brudd på de oppgitte grensene."
