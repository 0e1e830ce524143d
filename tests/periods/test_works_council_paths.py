"""The works-council page reads call logs only from <home>/logs/ and writes exports only into reports/periods/.

Issue 12, items 12 and 13: ``?log=/etc/shadow`` showed the file's first line on the page; a team
named ``x/../../../../outside/pwn`` in a call log made Export SVG write outside the workspace.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lia.errors import LiaError
from lia.pages.works_council import WorksCouncilApp, list_logs, workspace_log
from lia.workspace import Workspace

from .helpers import row, write_csv

SECRET = "root:$y$j9T$secretsecretsecretsecretsecret:19000:0:99999:7:::"
EVIL_TEAM = "x/../../../../outside/pwn"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    h = tmp_path / "ws"
    (h / "logs").mkdir(parents=True)
    write_csv(h / "logs" / "calls.csv", [row(1), row(2, agent="A0002", start="2025-03-04T09:00:00+01:00")])
    (tmp_path / "shadow.csv").write_text(SECRET + "\n")
    return h


@pytest.mark.parametrize("given", ["{tmp}/shadow.csv", "../shadow.csv", "../../etc/passwd", "/etc/passwd",
                                   "link.csv", "fifo.csv", "sub.csv", ".hidden.csv", "calls.csv/.."])
def test_only_logs_in_the_logs_folder_are_read(home: Path, given: str) -> None:
    logs = home / "logs"
    (logs / "link.csv").symlink_to(home.parent / "shadow.csv")
    os.mkfifo(logs / "fifo.csv")
    (logs / "sub.csv").mkdir()
    (logs / ".hidden.csv").write_text(SECRET)
    app = WorksCouncilApp(home=home)
    before = app.report
    app.apply_request({"QUERY_STRING": "log=" + given.format(tmp=home.parent)})
    status = app.w_status.value
    assert "is not a call log in" in status and "works-council page reads only" in status
    assert "secret" not in status and "root:" not in status
    assert app.report is before and app.w_log.value == ""
    assert list_logs(Workspace(home)) == ["calls.csv"]


def test_a_log_in_the_logs_folder_is_offered_and_read(home: Path) -> None:
    (home / "logs" / "inside.csv").symlink_to(home / "logs" / "calls.csv")  # a link that stays inside is fine
    app = WorksCouncilApp(home=home)
    assert [v for _, v in app.w_log.options] == ["", "calls.csv", "inside.csv"]
    app.apply_request({"QUERY_STRING": "log=calls.csv"})
    assert app.w_status.value == ""
    assert app.report.overview["calls"] == 2


def test_the_refusal_reads_in_swedish(home: Path) -> None:
    app = WorksCouncilApp(home=home, lang="sv")
    app.apply_request({"QUERY_STRING": "log=/etc/passwd"})
    assert "är ingen samtalslogg i" in app.w_status.value


def test_workspace_log_refuses_paths(home: Path) -> None:
    ws = Workspace(home)
    assert workspace_log(ws, "calls.csv") == (home / "logs" / "calls.csv").resolve()
    with pytest.raises(LiaError, match="not a call log"):
        workspace_log(ws, str(home / "logs" / "calls.csv"))


def test_export_with_a_team_named_like_a_path_stays_in_reports_periods(home: Path, tmp_path: Path) -> None:
    write_csv(home / "logs" / "evil.csv", [row(1, team=EVIL_TEAM), row(2, team=EVIL_TEAM, agent="A0002")])
    app = WorksCouncilApp(home=home)
    app.apply_request({"QUERY_STRING": "log=evil.csv"})
    assert app.w_status.value == ""
    app.w_team.value = EVIL_TEAM
    paths = app.export("svg")
    folder = (home / "reports" / "periods").resolve()
    assert len(paths) == 3 and all(p.resolve().parent == folder for p in paths)
    assert not (tmp_path / "outside").exists() and not (home / "outside").exists()
    assert all(".." not in p.name and "/" not in p.name for p in paths)


def test_export_refuses_a_name_that_would_leave_the_folder(tmp_path: Path) -> None:
    from lia.periods.charts import export, file_part

    assert file_part(EVIL_TEAM) == "x_outside_pwn"
    assert file_part("..") == "_" and file_part("Kundtjänst Malmö") == "Kundtjänst_Malmö"
    out = tmp_path / "out"
    out.mkdir()
    (out / "a-timeline.svg").symlink_to(tmp_path / "elsewhere.svg")  # a planted link: writing through it leaves
    with pytest.raises(LiaError, match="refusing to write"):
        export({"timeline": None}, out, "svg", prefix="a")
    assert not (tmp_path / "elsewhere.svg").exists()
