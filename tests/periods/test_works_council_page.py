"""The works-council page reads like a finished tool (issue 15, items 7-11), tested without a browser.

Summary first in words, a paged table filterable by agent, downloads of the charts and the
breaches, charts that mark what is over the declared limit and say so under each chart, and
the upload's safe names and messages in three languages.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from lia.periods import charts
from lia.periods.analysis import analyse
from lia.periods.breaches import Breach
from lia.periods.calllog import from_table
from lia.pages.works_council import (PAGE_SIZE, WorksCouncilApp, breaches_csv, breaches_html, summarise,
                                    summary_html)
from lia.periods.limits import Limits
from lia.periods.synth import INJECTABLE, generate
from lia.upload import human_size, unique_path, upload_name


@pytest.fixture(scope="module")
def report():
    g = generate(seed=2, inject=INJECTABLE, weeks=26, teams=3, agents_per_team=5, calls_per_agent_day=20)
    return analyse(from_table(g.table), Limits.from_answers(g.answers))


def _b(kind: str, value: float, limit: float, agent: str | None = "A1", team: str = "sales", calls: int | None = None):
    from lia.periods.breaches import KINDS

    return Breach(kind, date(2025, 1, 6), date(2025, 1, 10), value, limit, KINDS[kind], agent=agent, team=team, calls=calls)


class _Rep:
    def __init__(self, breaches, checks=None):
        self.breaches, self.checks = breaches, checks or {}


def test_summary_counts_people_and_names_the_worst_case():
    rep = _Rep([_b("consecutive_days", 5, 3, "A1"), _b("consecutive_days", 12, 3, "A2"),
                _b("days_per_month", 9, 8, "A1", "support"), _b("retention_exceeded", 200, 90, None, "support", calls=4)],
               checks={"share_recorded": {"status": "not_declared", "question": "periods.share_recorded_percent"}})
    s = summarise(rep)
    assert (s["total"], s["agents"], s["teams"], s["calls"]) == (4, 2, 2, 4)
    assert [k["kind"] for k in s["by_kind"]] == ["consecutive_days", "days_per_month", "retention_exceeded"]
    assert s["by_kind"][0]["count"] == 2 and s["by_kind"][0]["agents"] == 2
    assert s["worst"].agent == "A2"  # 12 against 3 is further over than 200 against 90
    text = summary_html(rep, "en")
    assert "The log shows 4 breaches of the declared limits, concerning 2 employees in 2 teams." in text
    assert "A2 (sales), 12 working days where the limit is 3 (2025-01-06 to 2025-01-10)" in text
    assert "Checks that could not be made" in text and "periods.share_recorded_percent" in text
    sv = summary_html(rep, "sv")
    assert "Loggen visar 4 överträdelser" in sv and "Värsta fallet:" in sv and "där gränsen är 3" in sv
    assert "Verste tilfelle:" in summary_html(rep, "nb")
    assert "no breach" in summary_html(_Rep([]), "en")


def test_the_table_is_paged_and_filtered_by_agent():
    report = _Rep([_b("consecutive_days", 4 + i, 3, f"A{i % 7:04d}") for i in range(60)])
    n = len(report.breaches)
    first, second = breaches_html(report, page=0), breaches_html(report, page=1)
    assert first.count("<tr>") == PAGE_SIZE + 1 and second.count("<tr>") == min(PAGE_SIZE, n - PAGE_SIZE) + 1
    agent = next(b.agent for b in report.breaches if b.agent)
    one = breaches_html(report, agent=agent)
    assert one.count("<tr>") == sum(1 for b in report.breaches if b.agent == agent) + 1


def test_breaches_csv_has_every_breach_and_no_formulas():
    rep = [_b("consecutive_days", 5, 3, "=HYPERLINK(\"x\")"), _b("retention_exceeded", 200.5, 90, None, "support", calls=4)]
    rows = list(csv.DictReader(io.StringIO(breaches_csv(rep, "sv"))))
    assert [r["kind"] for r in rows] == ["consecutive_days", "retention_exceeded"]
    assert rows[0]["agent"].startswith("'=") and rows[0]["description"] == "Inspelade arbetsdagar i följd"
    assert rows[1]["calls"] == "4" and rows[1]["value"] == "200.5" and rows[1]["limit"] == "90"


def test_share_heatmap_marks_weeks_over_the_declared_limit(report):
    spec = charts.all_charts(report)["weekly_share"].to_dict()
    color = spec["layer"][0]["encoding"]["color"]
    assert color["scale"]["range"][-1] == "#c0392b" and "20 %" in color["title"]
    rows = next(iter(spec["datasets"].values()))
    over = [r for r in rows if r["share"] > 20]
    assert over and all("over" in r["band"] for r in over) and all(r["over"] for r in over)
    assert all("within" in r["band"] or "up to" in r["band"] for r in rows if r["share"] <= 20)
    assert len(spec["layer"]) == 2  # the outline of over-limit cells


def test_retention_axis_is_linear_and_the_limit_is_labelled(report):
    spec = charts.all_charts(report)["retention"].to_dict()
    assert spec["layer"][0]["encoding"]["y"]["scale"]["type"] == "linear"
    assert any(layer["mark"]["type"] == "text" for layer in spec["layer"] if isinstance(layer["mark"], dict))


def test_all_teams_shows_the_red_runs_its_subtitle_promises(report):
    assert report.runs["over_limit"].any()
    spec = charts.all_charts(report)["timeline"].to_dict()
    assert "longer runs in red" in json.dumps(spec["title"])
    reds = [layer for layer in spec["layer"] if layer.get("encoding", {}).get("color", {}).get("value") == "#c0392b"]
    assert reds


@pytest.mark.parametrize("lang, words", [("en", "Each row is a team"), ("sv", "Varje rad är ett team"),
                                         ("nb", "Hver rad er et team")])
def test_each_chart_has_a_caption(report, lang, words):
    assert words in charts.caption("timeline", report, lang=lang)
    assert "20 %" in charts.caption("weekly_share", report, lang=lang)
    assert "90" in charts.caption("retention", report, lang=lang)


@pytest.mark.parametrize("given, stored", [("calls.csv", "calls.csv"), ("C:\\Users\\me\\my calls.CSV", "my_calls.CSV"),
                                           ("../../etc/x.parquet", "x.parquet"), (".hidden.csv", "hidden.csv"),
                                           ("a..b.csv", "a.b.csv"), ("notes.txt", None), (".csv", None), ("", None)])
def test_upload_names_are_file_names_in_logs(given, stored):
    assert upload_name(given) == stored


def test_an_upload_never_replaces_a_log(tmp_path: Path):
    (tmp_path / "calls.csv").write_text("x")
    (tmp_path / "calls-2.csv").write_text("x")
    assert unique_path(tmp_path, "calls.csv").name == "calls-3.csv"
    assert human_size(1 << 30) == "1 GiB" and human_size(5_000_000) == "4.8 MiB"


def test_the_page_reads_an_uploaded_log_and_says_so(tmp_path: Path):
    from .helpers import row, write_csv

    app = WorksCouncilApp(home=tmp_path)
    (tmp_path / "logs").mkdir()
    write_csv(tmp_path / "logs" / "up.csv", [row(1), row(2, start="2025-03-04T09:00:00+01:00")])
    app.w_upload_result.value = json.dumps({"ok": True, "name": "up.csv", "size": 300, "file": "my log.csv", "at": 1})
    assert app.w_log.value == "up.csv" and app._source == "up.csv"
    assert "Uploaded my log.csv (300 B)" in app.w_status.value
    assert "<h2>Summary</h2>" in app.w_sections["ui_summary"].value and "lia-wc-lead" in app.w_summary.value
    assert "lia-wc-dl-csv" in app.w_downloads.value and "data:image/svg+xml;base64," in app.w_downloads.value
    # a refused upload is said in the page's language and keeps the view
    app.w_lang.value = "nb"
    app.w_upload_result.value = json.dumps({"error": "too_large", "file": "huge.csv", "at": 2})
    assert "huge.csv ble ikke lastet opp: den er større enn 1 GiB" in app.w_status.value
    assert app._source == "up.csv"
    app.w_lang.value = "sv"
    assert "huge.csv laddades inte upp" in app.w_status.value


def _log_report(tmp_path: Path, rows: list[str], answers: dict):
    from lia.periods.analysis import analyse as run
    from lia.periods.calllog import read_call_log

    from .helpers import write_csv

    return run(read_call_log(write_csv(tmp_path / "calls.csv", rows)), Limits.from_answers(answers))


def test_callers_never_asked_are_a_breach_where_their_basis_is_consent(tmp_path: Path):
    from .helpers import row

    rows = [row(1, consent="not_asked"), row(2, consent="not_asked", start="2025-03-04T09:00:00+01:00"),
            row(3, consent="yes"), row(4, consent="not_asked", recorded="no")]
    rep = _log_report(tmp_path, rows, {"context.legal_basis_callers": "consent"})
    found = [b for b in rep.breaches if b.kind == "not_asked_recorded"]
    assert [(b.agent, b.value, b.calls, b.start.isoformat(), b.end.isoformat()) for b in found] == [
        ("A0001", 2, 2, "2025-03-03", "2025-03-04")]
    assert rep.checks["not_asked_recorded"]["status"] == "checked"
    assert "Callers never asked for consent were recorded" in summary_html(rep, "en")
    other = _log_report(tmp_path, rows, {"context.legal_basis_callers": "legitimate_interest"})
    assert not [b for b in other.breaches if b.kind == "not_asked_recorded"]
    assert "the callers&#x27; legal basis is not consent" in summary_html(other, "en")
    assert "uppringarnas rättsliga grund är inte samtycke" in summary_html(other, "sv")
    unknown = _log_report(tmp_path, rows, {})
    assert unknown.checks["not_asked_recorded"] == {"status": "not_declared", "question": "context.legal_basis_callers"}


def test_a_training_group_matching_no_team_is_named(tmp_path: Path):
    from .helpers import row

    rows = [row(1, team="support"), row(2, team="sales", agent="A0002")]
    periods = [{"group": "suport", "start": "2025-03-01", "end": "2025-03-31"},
               {"group": "sales", "start": "2025-03-01", "end": "2025-03-31"},
               {"group": "*", "start": "2025-01-01", "end": "2025-01-31"}]
    rep = _log_report(tmp_path, rows, {"periods.training_periods": periods})
    assert rep.warnings == [{"key": "warn_training_group_unmatched", "args": {"group": "suport", "teams": "sales, support"}}]
    import html

    assert "the training-period group 'suport' matches no team and no agent in the log (teams: sales, support)" in html.unescape(summary_html(rep, "en"))
    assert "gruppen 'suport' i utbildningsperioderna matchar inget team" in html.unescape(summary_html(rep, "sv"))
    assert rep.filter(team="sales").warnings == rep.warnings


def test_the_share_is_shown_per_team_and_month(tmp_path: Path):
    from lia.pages.works_council import monthly_share, monthly_share_html

    from .helpers import row

    # March: 1 of 2 calls recorded (50 %), April: 1 of 10 (10 %); 2 of 12 overall (17 %) keeps to 20 %
    rows = [row(1), row(2, recorded="no", start="2025-03-04T09:00:00+01:00"),
            row(3, start="2025-04-01T09:00:00+02:00")]
    rows += [row(10 + i, recorded="no", start=f"2025-04-{2 + i:02d}T09:00:00+02:00") for i in range(9)]
    rep = _log_report(tmp_path, rows, {"periods.share_recorded_percent": 20})
    assert not [b for b in rep.breaches if b.kind == "share_recorded"]
    m = monthly_share(rep)
    assert [(r.month, r.calls, r.recorded_calls, r.share, bool(r.over)) for r in m.itertuples()] == [
        ("2025-03", 2, 1, 50.0, True), ("2025-04", 10, 1, 10.0, False)]
    text = monthly_share_html(rep, "sv")
    assert "class='lia-wc-over'" in text and "50 %" in text and "(1 månader)" in text


def test_calls_declared_never_recorded_are_checked_when_the_log_has_call_type(tmp_path: Path):
    from .helpers import HEADER, row, write_csv

    from lia.periods.analysis import analyse as run
    from lia.periods.calllog import read_call_log

    answers = {"periods.never_recorded": ["private_calls", "union_representative_calls", "declined_callers"]}
    rows = [row(1) + ",Private", row(2, start="2025-03-04T09:00:00+01:00") + ",union representative",
            row(3, recorded="no") + ",private", row(4, agent="A0002") + ",customer", row(5, agent="A0002") + ","]
    log = read_call_log(write_csv(tmp_path / "typed.csv", rows, header=HEADER + ",Call_Type"))
    assert sorted(log.call_types) == ["customer", "private", "union_representative"]
    rep = run(log, Limits.from_answers(answers))
    found = [(b.agent, b.value, b.start.isoformat(), b.end.isoformat()) for b in rep.breaches if b.kind == "never_recorded_type"]
    assert found == [("A0001", 2, "2025-03-03", "2025-03-04")]
    assert "Calls the assessment says are never recorded were recorded" in summary_html(rep, "en")
    # without the column the check cannot be made, and the summary says which column is missing
    plain = _log_report(tmp_path, [row(1)], answers)
    assert plain.checks["never_recorded_type"] == {"status": "no_column", "question": "call_type", "column": "call_type"}
    assert "not checked: the log has no call_type column" in summary_html(plain, "en")
    assert "loggen har ingen kolumn call_type" in summary_html(plain, "sv")
    # nothing declared: not checked either, for that reason
    assert _log_report(tmp_path, [row(1)], {}).checks["never_recorded_type"]["status"] == "not_declared"


def test_recordings_kept_too_long_are_counted_on_the_retention_chart(report):
    spec = charts.all_charts(report)["retention"].to_dict()
    texts = [layer for layer in spec["layer"] if isinstance(layer["mark"], dict) and layer["mark"]["type"] == "text"
             and layer["mark"].get("color") == "#c0392b" and layer["encoding"]["text"]["field"] == "recordings"]
    assert texts
