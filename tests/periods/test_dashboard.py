"""The works-council app: executes headless in a kernel, filters, switches language, exports, survives bad logs."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from lia.pages.works_council import WorksCouncilApp

from .helpers import row, write_csv

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "works_council.ipynb"


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return tmp_path_factory.mktemp("ws")


@pytest.fixture(scope="module")
def app(home):
    return WorksCouncilApp(home=home)


def test_notebook_is_thin_and_runs_headless(home, monkeypatch):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [ln for c in nb.cells if c.cell_type == "code" for ln in c.source.splitlines() if ln.strip()]
    assert len(code) < 40
    monkeypatch.setenv("LIA_HOME", str(home))
    monkeypatch.setenv("PYTHONPATH", str(ROOT / "lib") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(home)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)


def test_demo_log_is_generated_once_and_analysed(app, home):
    demo = home / "periods-demo" / "demo-calls.parquet"
    assert demo.is_file()
    assert {b.kind for b in app.report.breaches} >= {"whole_week", "retention_exceeded", "declined_recorded"}
    assert len(app.w_charts.children) == 3 and all("<svg" in c.value for c in app.w_charts.children)
    assert "http" not in app.w_breaches.value


def test_filters_by_team_and_period(app):
    team = app.w_team.options[1][1]
    app.w_team.value = team
    app.w_start.value, app.w_end.value = date(2025, 2, 1), date(2025, 3, 31)
    f = app.filtered()
    assert all(b.team == team for b in f.breaches)
    assert all(b.end >= date(2025, 2, 1) and b.start <= date(2025, 3, 31) for b in f.breaches)
    app.w_start.value = app.w_end.value = None
    app.w_team.value = ""
    assert app.team is None and app.w_team.label == "All teams"


def test_language_switch(app):
    app.w_lang.value = "sv"
    assert "Inspelningsperioder för facket" in app.w_title.value
    assert "Överträdelser" in app.w_breaches.value and app.w_show.description == "Visa"
    assert "Andel inspelade samtal per ISO-vecka" in app.w_charts.children[1].value
    app.w_lang.value = "nb"
    assert "Brudd" in app.w_breaches.value
    app.w_lang.value = "en"


@pytest.mark.parametrize("fmt, magic", [("svg", b"<svg"), ("png", b"\x89PNG")])
def test_export(app, home, fmt, magic):
    paths = app.export(fmt)
    assert len(paths) == 3
    for p in paths:
        assert p.parent == home / "reports" / "periods" and p.suffix == "." + fmt
        assert p.read_bytes().lstrip()[:4] == magic[:4]


def test_a_bad_log_shows_the_message_and_keeps_the_previous_view(app, home):
    (home / "logs").mkdir(exist_ok=True)
    write_csv(home / "logs" / "bad.csv", [row(1), row(2, recorded="perhaps")])
    app.w_show.click()  # the page lists the logs in <home>/logs/ again
    before = app.report
    app.w_log.value = "bad.csv"
    app.refresh(reload=True)
    assert "line 3" in app.w_status.value and "perhaps" in app.w_status.value
    assert app.report is before
    assert "The charts below still show the last log that could be read: Demo log (generated)." in app.w_status.value
    # the union representative reads Swedish: the message follows, and stays while they filter
    app.w_lang.value = "sv"
    assert "rad 3, kolumn recorded: 1 av 2 rader kan inte importeras" in app.w_status.value
    assert "väntade yes, no, true, false, 1 eller 0" in app.w_status.value and "perhaps" in app.w_status.value
    assert "Diagrammen nedan visar fortfarande den senaste logg som gick att läsa: Demologg (genererad)." in app.w_status.value
    app.w_team.value = app.w_team.options[1][1]
    assert "kan inte importeras" in app.w_status.value
    app.w_team.value = ""
    app.w_lang.value = "en"
    assert "line 3, column recorded" in app.w_status.value
    # a good read clears it
    app.w_log.value = ""
    app.refresh(reload=True)
    assert app.w_status.value == ""


def test_query_string_sets_language_and_team(home):
    """A link such as works_council.ipynb?lang=nb&team=... opens the page as the union representative expects."""
    page = WorksCouncilApp(home=home)
    team = page.w_team.options[1][1]
    page.apply_request({"QUERY_STRING": f"lang=nb&team={team}"})
    assert page.lang == "nb" and page.w_lang.value == "nb"
    assert page.w_team.value == team and all(b.team == team for b in page.filtered().breaches)
    assert "Opptaksperioder for tillitsvalgte" in page.w_title.value


def test_language_from_the_server_environment(home, monkeypatch):
    monkeypatch.setenv("LIA_LANG", "sv")
    assert WorksCouncilApp(home=home).lang == "sv"


def test_date_fields_say_the_chosen_date_in_the_pages_language(home):
    """Issue 15 item 9: a Swedish page's date fields read "mm/dd/yyyy" (the browser's own locale, which
    ipywidgets' DatePicker cannot change); under each field the page now says, in its own language,
    which date is chosen, or that none is and the field follows the browser's format."""
    app = WorksCouncilApp(home=home, lang="sv")
    hint = app.w_date_hints["start"]
    children = [c for box in app.widget.children for c in getattr(box, "children", ())]
    field = next(b for b in children if app.w_start in getattr(b, "children", ()))
    assert hint in field.children  # right under the field
    assert "Inget datum: alla dagar" in hint.value and "webbläsarens format" in hint.value
    app.w_start.value = date(2025, 2, 1)
    assert "Valt: 1 feb. 2025" in hint.value
    app.w_lang.value = "nb"
    assert "Valgt: 1. feb. 2025" in hint.value
    assert "Ingen dato: alle dager" in app.w_date_hints["end"].value
    app.w_lang.value = "en"
    assert "Chosen: 1 Feb 2025" in hint.value
    app.w_start.value = None
    assert "No date: all days" in hint.value
