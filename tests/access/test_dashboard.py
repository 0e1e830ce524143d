"""The access page's app without a browser: summary first, two charts, breaches, three languages, errors kept."""

from __future__ import annotations

import os
import shutil

import pytest

from lia.pages.access import AccessApp, demo_logs
from lia.access.synth import INJECTABLE

SECRET = "root:$y$j9T$secretsecretsecretsecretsecret:19000:0:99999:7:::"


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
    (tmp_path / "logs").mkdir()
    bad = tmp_path / "logs" / "bad.csv"
    bad.write_text("event_id,recording_id,user,role,action,at\nE1,C1,U1,qa,listen,yesterday\n")
    acc, calls, _ = demo_logs(tmp_path)
    shutil.copy(calls, tmp_path / "logs" / "calls.parquet")
    app.refresh(reload=True)  # offers the logs now in <home>/logs/
    app.w_log.value = "bad.csv"
    app.w_calls.value = "calls.parquet"
    app.refresh(reload=True)
    assert "bad.csv" in app.w_status.value and "line 2" in app.w_status.value and "UTC offset" in app.w_status.value
    assert app.w_summary.value == before


@pytest.mark.parametrize("query", ["log=/etc/passwd", "calls=../../x", "log=../shadow.csv", "calls={home}/shadow.csv",
                                   "log=link.csv", "calls=fifo.csv", "log=sub.csv", "log=.hidden.csv"])
def test_a_path_on_the_server_is_refused_and_nothing_of_the_file_is_shown(tmp_path, query):
    """Issue 12 item 12 for the access page: ?log=/etc/passwd showed the file's first line on the page."""
    home = tmp_path / "ws"
    logs = home / "logs"
    logs.mkdir(parents=True)
    (home / "shadow.csv").write_text(SECRET + "\n")
    (logs / "link.csv").symlink_to(home / "shadow.csv")
    os.mkfifo(logs / "fifo.csv")
    (logs / "sub.csv").mkdir()
    (logs / ".hidden.csv").write_text(SECRET)
    app = AccessApp(home=home, lang="sv")
    before, summary = app.report, app.w_summary.value
    app.apply_request({"QUERY_STRING": query.format(home=home)})
    status = app.w_status.value
    assert "är ingen logg i" in status and "åtkomstsidan läser bara CSV- och Parquet-filerna" in status
    assert "secretsecret" not in status and "root:" not in status and "root:" not in app.w_summary.value
    assert app.report is before and app.w_summary.value == summary
    assert app.w_log.value == "" and app.w_calls.value == ""
    assert [v for _, v in app.w_log.options] == [""]  # the link, the fifo, the folder and the hidden file are not offered


def test_a_log_in_the_logs_folder_is_chosen_by_name(tmp_path):
    acc, calls, _ = demo_logs(tmp_path)
    (tmp_path / "logs").mkdir()
    shutil.copy(acc, tmp_path / "logs" / "access.parquet")
    shutil.copy(calls, tmp_path / "logs" / "calls.parquet")
    app = AccessApp(home=tmp_path, lang="en")
    assert [v for _, v in app.w_log.options] == ["", "access.parquet", "calls.parquet"]
    demo = app.report
    app.apply_request({"QUERY_STRING": "log=access.parquet&calls=calls.parquet"})
    assert app.w_status.value == ""
    assert app.report is not demo and app.w_log.value == "access.parquet"
    assert len(app.report.breaches) == len(demo.breaches)


def test_the_constructor_refuses_a_path_too(tmp_path):
    from lia.errors import LiaError

    with pytest.raises(LiaError, match="is not a log in"):
        AccessApp(home=tmp_path, log="/etc/passwd")


def test_the_per_agent_legend_has_room_for_its_title_and_a_colour_per_user():
    """The legend title "Bruker (pseudonym)" was clipped at the chart's right edge, and U0001 and U0011 shared a colour."""
    import re

    from lia.access.charts import agents_accessed
    from lia.periods.charts import to_svg

    rows = [[f"A{i:04d}", "support", f"U{j:04d}", "qa_analyst", 3, 3] for i in range(3) for j in range(14)]
    svg = to_svg(agents_accessed(rows, "nb"), "nb")
    width = float(re.search(r'<svg[^>]* width="([\d.]+)"', svg).group(1))
    legend = svg[svg.index('class="mark-group role-legend"'):]
    x = float(re.search(r'translate\(([\d.-]+),', legend).group(1))
    assert ">Bruker (pseudonym)</text>" in legend
    # the legend starts at the left, below the bars: its title has the chart's whole width, not the last 120 px
    assert x + 56 < width / 2, (x, width)
    symbols = legend[:legend.index('role-legend-title')]
    fills = re.findall(r'fill="(#[0-9a-fA-F]{6})"', symbols[symbols.index('role-legend-symbol'):])
    assert len(set(fills)) == 14, fills
