"""The access page's app without a browser: summary first, two charts, breaches, three languages, errors kept."""

from __future__ import annotations

from lia.access.dashboard import AccessApp, demo_logs
from lia.access.synth import INJECTABLE


def test_demo_page_shows_summary_first_then_charts_then_every_breach_in_swedish(tmp_path):
    app = AccessApp(home=tmp_path, lang="sv")
    assert app.w_status.value == ""
    assert "Vem lyssnar på inspelningarna" in app.w_title.value
    assert "Sammanfattning" in app.w_summary.value and "åtkomsthändelser" in app.w_summary.value
    children = app.widget.children
    assert children.index(app.w_summary) < children.index(app.w_charts) < children.index(app.w_breaches)
    svgs = [c.value for c in app.w_charts.children if "<svg" in c.value]
    assert len(svgs) == 2
    assert "Åtkomster per roll och månad" in svgs[0] and "Öppnade inspelningar av varje medarbetare" in svgs[1]
    assert len(app.report.breaches) == len(INJECTABLE)
    assert "En person som öppnar många inspelningar av samma medarbetare" in app.w_breaches.value
    assert (tmp_path / "access-demo" / "demo-access.parquet").is_file()


def test_switching_language_relabels_everything(tmp_path):
    app = AccessApp(home=tmp_path, lang="en")
    app.w_lang.value = "nb"
    assert "Hvem lytter på opptakene" in app.w_title.value
    assert "Sammendrag" in app.w_summary.value
    assert "Tilganger per rolle og måned" in app.w_charts.children[1].value


def test_a_bad_log_keeps_the_previous_view_and_names_file_and_line(tmp_path):
    app = AccessApp(home=tmp_path, lang="en")
    before = app.w_summary.value
    bad = tmp_path / "bad.csv"
    bad.write_text("event_id,recording_id,user,role,action,at\nE1,C1,U1,qa,listen,yesterday\n")
    acc, calls, _ = demo_logs(tmp_path)
    app.w_log.value = str(bad)
    app.w_calls.value = str(calls)
    app.refresh(reload=True)
    assert "bad.csv" in app.w_status.value and "line 2" in app.w_status.value and "UTC offset" in app.w_status.value
    assert app.w_summary.value == before
