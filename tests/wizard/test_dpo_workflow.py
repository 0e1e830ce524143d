"""Issue 15, items 3-6: a DPO finishes in the wizard - details, status, render, sign, honest progress.

These run on the real questionnaires and the shipped example; rendering is replaced by a
report folder built the way `lia render` builds its statement (the real rendering runs in
tests/browser/test_dpo_journey_e2e.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from pathlib import Path
from typing import Any

import pytest

from lia.example import EXAMPLE_ID, ensure_example
from lia.model import STATUS_MOVES, review_missing, status_move_problems
from lia.questionnaire import load_questionnaires
from lia.store import Store
from lia.workspace import Workspace
from lia.pages.wizard.app import build_app

from .conftest import fake_reasoner


# ---------------------------------------------------------------- helpers

def example_app(ws: Path, author: str = "Dana DPO", lang: str = "en") -> Any:
    ensure_example(Workspace(ws))
    app = build_app(home=ws, reasoner=fake_reasoner, author=author, lang=lang)
    app.open(EXAMPLE_ID)
    return app


def move_button(app: Any, target: str) -> Any:
    found = [b for b in app.status_buttons.children if f"lia-move-{target}" in b._dom_classes]
    assert found, f"no button to move to {target}; shown: {[b.description for b in app.status_buttons.children]}"
    return found[0]


def fake_report(ws: Path, aid: str, number: int) -> Path:
    """A report folder of version *number* whose statement is what `lia render` would write (one file)."""
    from lia.paths import templates_dir
    from lia.reports.provenance import current_inputs

    w = Workspace(ws)
    v = Store(w).load(aid, number)
    d = w.reports_dir / aid / f"v{number}"
    d.mkdir(parents=True)
    html = f"<html><body>Report {aid} v{number}</body></html>".encode()
    (d / "report.html").write_bytes(html)
    predicate = {**current_inputs(w, aid, v, templates_dir()), "rendered_at": "2026-11-30T04:00:00Z", "lang": "en"}
    statement = {"_type": "https://in-toto.io/Statement/v1",
                 "subject": [{"name": "report.html", "digest": {"sha256": hashlib.sha256(html).hexdigest()}}],
                 "predicateType": "https://lia.example/report/v1", "predicate": predicate}
    (d / "statement.json").write_text(json.dumps(statement, indent=2, sort_keys=True), "utf-8")
    return d


@pytest.fixture
def dpo_key(ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A passphrase-protected DPO key in the user's own key folder ($XDG_CONFIG_HOME/lia/keys), trusted here."""
    from lia.reports.keylog import new_key

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    info = new_key(Workspace(ws), "Ingrid Solheim", "dpo", tmp_path / "config" / "lia" / "keys",
                   passphrase=b"correct horse")
    return Path(info["private_key"])


# ---------------------------------------------------------------- item 5: honest progress

def test_new_assessment_shows_no_section_done(ws: Path) -> None:
    """Sections without required questions (conclusion, DPIA screening, risks) were 'done' on a new assessment."""
    app = build_app(home=ws, reasoner=fake_reasoner, author="A")
    app.new_id.value, app.new_title.value = "fresh", "Fresh"
    app.create_button.click()
    progress = app.state.progress()
    assert [p.section for p in progress if p.complete] == []
    assert not any("done" in b._dom_classes or b.description.startswith("✓") for b in app.steps.children)
    by = {p.section: p for p in progress}
    assert (by["screening"].answered, by["screening"].required) == (0, 9)  # nine yes/no criteria; notes do not count
    assert by["conclusion"].required == 2  # assessor's verdict and DPO opinion, required before review


def test_screening_is_done_when_every_criterion_is_answered(ws: Path) -> None:
    app = build_app(home=ws, reasoner=fake_reasoner, author="A")
    app.new_id.value, app.new_title.value = "fresh", "Fresh"
    app.create_button.click()
    index = [s.id for s in app.state.form.sections].index("screening")
    app.goto_section(index)
    criteria = [q for q in app.state.form.sections[index].questions if q.type == "yes_no"]
    for q in criteria[:-1]:
        app.blocks[q.id].control.set(False)  # "no" is an answer
        app._on_answer(q.id, False)
    assert not app.state.progress()[index].complete
    app.blocks[criteria[-1].id].control.set(True)
    app._on_answer(criteria[-1].id, True)
    assert app.state.progress()[index].complete
    assert app.steps.children[index].description.startswith("✓")


def test_conclusion_and_dpo_opinion_are_required_before_review(ws: Path) -> None:
    ensure_example(Workspace(ws))
    answers = dict(Store(ws).load(EXAMPLE_ID).answers)
    qset = load_questionnaires()
    assert review_missing(qset, answers) == []
    del answers["conclusion.dpo_opinion"]
    assert [p.where for p in review_missing(qset, answers)] == ["conclusion.dpo_opinion"]
    assert [p.where for p in status_move_problems("draft", "in_review", qset, answers)] == ["conclusion.dpo_opinion"]
    # shown as required on the page too
    app = example_app(ws)
    app.goto_question("conclusion.dpo_opinion")
    assert "lia-required" in app.blocks["conclusion.dpo_opinion"].box._dom_classes


def test_new_verdict_states_show_through_the_label_lookup(ws: Path) -> None:
    app = build_app(home=ws, reasoner=fake_reasoner, author="A", lang="sv")
    assert "inte bedömt" in app._verdict_badge("not_assessed")
    assert "inte prövat" in app._verdict_badge("not_reached")


# ---------------------------------------------------------------- item 3: status rules

def test_status_moves_follow_the_model() -> None:
    qset = load_questionnaires()
    assert STATUS_MOVES["draft"] == ("in_review",)
    assert [p.kind for p in status_move_problems("draft", "approved", qset, {})] == ["move"]
    assert [p.kind for p in status_move_problems("approved", "draft", qset, {})] == ["move"]
    assert [p.kind for p in status_move_problems("superseded", "draft", qset, {})] == ["move"]
    assert {p.kind for p in status_move_problems("draft", "in_review", qset, {})} == {"missing"}
    assert status_move_problems("in_review", "draft", qset, {}) == []


def test_details_are_edited_on_the_page_and_saved(ws: Path) -> None:
    app = build_app(home=ws, reasoner=fake_reasoner, author="Dana DPO")
    app.new_id.value, app.new_title.value = "cc-2027", "Call recording 2027"
    app.create_button.click()
    assert app.meta_box.layout.display == ""  # a new, unsaved assessment shows its details too
    app.meta_inputs["owner"].value = "Head of Customer Service"
    app.meta_inputs["controller"].value = "Nordkontakt AB"
    app.meta_inputs["processing_activity"].value = "Recording customer calls for coaching"
    app.meta_date.value = dt.date(2027, 5, 31)
    app.meta_jur["NO"].value = True
    assert app.state.dirty
    version = app.save()
    meta = Store(ws).load("cc-2027", version.number).assessment
    assert meta["owner"] == "Head of Customer Service"
    assert meta["controller"] == "Nordkontakt AB"
    assert meta["processing_activity"] == "Recording customer calls for coaching"
    assert meta["review_date"] == "2027-05-31"
    assert meta["jurisdictions"] == ["EU", "NO"]
    # an existing one: reopened, changed, saved as a new version
    app2 = build_app(home=ws, reasoner=fake_reasoner, author="Ola")
    app2.open("cc-2027")
    assert app2.meta_inputs["owner"].value == "Head of Customer Service"
    app2.meta_inputs["owner"].value = "DPO office"
    app2.save()
    head = Store(ws).load("cc-2027")
    assert (head.number, head.assessment["owner"], head.author) == (2, "DPO office", "Ola")


def test_an_empty_title_is_refused_and_not_kept(ws: Path) -> None:
    app = example_app(ws)
    title = app.state.assessment["title"]
    app.meta_inputs["title"].value = "  "
    assert "title is required" in app.status_feedback.value
    assert app.state.assessment["title"] == title


def test_send_for_review_refused_lists_what_is_missing_and_saves_nothing(ws: Path) -> None:
    app = build_app(home=ws, reasoner=fake_reasoner, author="Dana DPO")
    app.new_id.value, app.new_title.value = "cc-new", "New"
    app.create_button.click()
    app.save()
    move_button(app, "in_review").click()
    assert "Not moved to In review" in app.status_feedback.value
    assert "required, not answered" in app.status_feedback.value
    assert Store(ws).head_number("cc-new") == 1
    assert app.state.status == "draft"


def test_each_status_move_is_a_version_with_its_author(ws: Path) -> None:
    app = example_app(ws, author="Karin Lind")
    before = Store(ws).head_number(EXAMPLE_ID)
    assert app.state.status == "in_review"
    move_button(app, "draft").click()
    head = Store(ws).load(EXAMPLE_ID)
    assert (head.number, head.assessment["status"], head.author) == (before + 1, "draft", "Karin Lind")
    assert head.message == "Status: In review → Draft"
    move_button(app, "in_review").click()
    assert Store(ws).load(EXAMPLE_ID).assessment["status"] == "in_review"
    assert "Status In review, saved as version" in app.status_feedback.value


def browser_click(button: Any) -> None:
    """A click in the browser: it reaches the kernel only while the button's widget is open there.

    The kernel drops a message for a closed widget without a word, so a click on a button the
    page has just replaced - but the browser still shows - is lost.
    """
    assert button.comm is not None, f"{button.description!r} was closed: the kernel drops this click"
    button.click()


def test_a_move_clicked_right_after_the_first_save_of_a_new_assessment_is_saved_and_shown(ws: Path) -> None:
    """Issue 15: on a new assessment, 'send for review' clicked as soon as 'Version 1 saved' showed
    was lost - every save replaced the move buttons, and the click went to the closed one. The
    badge stayed 'Draft' (browser journey, one run in two)."""
    ensure_example(Workspace(ws))
    answers = dict(Store(ws).load(EXAMPLE_ID).answers)
    app = build_app(home=ws, reasoner=fake_reasoner, author="Ingrid Solheim", lang="sv")
    app.new_id.value, app.new_title.value = "kundtjanst-2027", "Inspelning av kundtjänstsamtal 2027"
    app.create_button.click()
    for qid, value in answers.items():
        app._on_answer(qid, value)
    shown = move_button(app, "in_review")  # what the browser shows while the first save runs
    assert app.save().number == 1
    browser_click(shown)
    head = Store(ws).load("kundtjanst-2027")
    assert (head.number, head.assessment["status"]) == (2, "in_review")
    assert app.status_badge.value.endswith("Status: Under granskning</span>")
    assert [b.description for b in app.status_buttons.children] == ["← Tillbaka till utkast", "Godkänn ✓"]
    # a click on a button that no longer applies (the old "send for review") is refused in words, not lost
    browser_click(shown)
    assert "Under granskning kan inte flyttas till Under granskning" in app.status_feedback.value
    assert Store(ws).head_number("kundtjanst-2027") == 2


def test_status_move_needs_an_author(ws: Path) -> None:
    app = example_app(ws, author="")
    move_button(app, "draft").click()
    assert "lia-missing" in app.author._dom_classes
    assert app.state.status == "in_review"


# ---------------------------------------------------------------- item 4: sign, approve

def test_approval_needs_a_valid_dpo_signature_then_saves(ws: Path, dpo_key: Path) -> None:
    app = example_app(ws)
    n = app.state.base_number
    move_button(app, "approved").click()
    assert "needs a valid DPO signature" in app.status_feedback.value
    assert Store(ws).head_number(EXAMPLE_ID) == n

    fake_report(ws, EXAMPLE_ID, n)
    app.open(EXAMPLE_ID)
    assert app.key_chooser.value == str(dpo_key)
    assert "not signed yet" in app.report_info.value
    app.passphrase.value = "correct horse"
    info = app.sign_report()
    assert info["role"] == "dpo"
    assert app.passphrase.value == ""  # never kept
    assert "signed by Ingrid Solheim (dpo)" in app.report_info.value
    assert "current" in app.report_info.value

    move_button(app, "approved").click()
    head = Store(ws).load(EXAMPLE_ID)
    assert (head.number, head.assessment["status"]) == (n + 1, "approved")
    assert [b.description for b in app.status_buttons.children] == ["Mark as superseded"]
    move_button(app, "superseded").click()
    assert Store(ws).load(EXAMPLE_ID).assessment["status"] == "superseded"
    assert app.status_buttons.children == ()


def test_wrong_passphrase_is_refused_and_cleared(ws: Path, dpo_key: Path) -> None:
    app = example_app(ws)
    d = fake_report(ws, EXAMPLE_ID, app.state.base_number)
    app.open(EXAMPLE_ID)
    app.passphrase.value = "wrong"
    assert app.sign_report() is None
    assert "check the passphrase" in app.sign_feedback.value
    assert app.passphrase.value == ""
    assert not (d / "statement.dsse.json").exists()


def test_changed_report_is_refused(ws: Path, dpo_key: Path) -> None:
    app = example_app(ws, lang="sv")
    d = fake_report(ws, EXAMPLE_ID, app.state.base_number)
    (d / "report.html").write_text("<html>edited afterwards</html>", "utf-8")
    app.open(EXAMPLE_ID)
    app.passphrase.value = "correct horse"
    assert app.sign_report() is None
    assert "Inte signerad: rapportens filer stämmer inte längre" in app.sign_feedback.value
    assert not (d / "statement.dsse.json").exists()


def test_stale_report_is_refused(ws: Path, dpo_key: Path) -> None:
    app = example_app(ws)
    n = app.state.base_number
    d = fake_report(ws, EXAMPLE_ID, n)
    move_button(app, "draft").click()  # a newer version: the report of version n is stale
    from lia.pages.wizard.actions import SignRefused, sign

    with pytest.raises(SignRefused) as err:
        sign(Workspace(ws), d, dpo_key, "correct horse")
    assert err.value.reason == "stale"
    assert any("newer answers version" in x for x in err.value.details)
    assert not (d / "statement.dsse.json").exists()


def test_untrusted_key_is_refused(ws: Path, dpo_key: Path, tmp_path: Path) -> None:
    from lia.reports.keylog import new_key

    (tmp_path / "elsewhere").mkdir()
    other = Workspace(tmp_path / "elsewhere")
    new_key(other, "Mallory", "dpo", dpo_key.parent)  # trusted elsewhere, not here
    app = example_app(ws)
    d = fake_report(ws, EXAMPLE_ID, app.state.base_number)
    app.open(EXAMPLE_ID)
    app.key_chooser.value = str(dpo_key.parent / "Mallory.key")
    assert app.sign_report() is None
    assert "the key Mallory is not among this workspace&#x27;s trusted keys" in app.sign_feedback.value
    assert not (d / "statement.dsse.json").exists()


def test_no_key_folder_says_how_to_make_a_key(ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "empty-config"))
    app = example_app(ws)
    assert app.sign_button.disabled
    assert "lia keys new" in app.sign_feedback.value


def test_render_runs_in_the_background_with_progress_and_a_viewer_link(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The page stays usable while rendering: the click returns at once, progress ticks, the link appears at the end."""
    import lia.reports.render as report
    from lia.reports.render import RenderResult

    release = []

    def slow_render_many(w: Any, jobs: list[Any], **kw: Any) -> list[Any]:
        while not release:
            time.sleep(0.05)
        return [RenderResult(jobs[0].aid, jobs[0].version, dir=fake_report(ws, jobs[0].aid, jobs[0].version))]

    monkeypatch.setattr(report, "render_many", slow_render_many)
    app = example_app(ws, lang="nb")
    t0 = time.monotonic()
    task = app.render_report()
    assert time.monotonic() - t0 < 1.0
    time.sleep(1.3)
    assert "Lager rapporten" in app.render_progress.value
    assert app.render_button.disabled
    release.append(True)
    task.join(10)
    assert task.state == "done"
    assert "lia-viewer-link" in app.render_progress.value
    assert f"report_viewer.ipynb?assessment={EXAMPLE_ID}&amp;version={task.number}&amp;lang=nb&amp;report=v{task.number}" in app.render_progress.value
    assert not app.render_button.disabled
    assert "ikke signert ennå" in app.report_info.value


def test_render_refuses_unsaved_changes(ws: Path) -> None:
    app = example_app(ws)
    app.meta_inputs["owner"].value = "Someone else"
    assert app.render_report() is None
    assert "unsaved changes" in app.render_progress.value


# ---------------------------------------------------------------- item 6

def test_next_focuses_the_top_of_the_next_section(ws: Path) -> None:
    app = example_app(ws)
    sent: list[Any] = []
    for b in app.steps.children:
        b.focus = lambda b=b: sent.append(b)  # type: ignore[method-assign]
    app.next_button.click()
    assert app.state.section_index == 1
    assert sent == [app.steps.children[1]]


def test_switching_language_relabels_the_report_bar_and_its_messages(ws: Path, dpo_key: Path) -> None:
    app = example_app(ws, lang="sv")
    fake_report(ws, EXAMPLE_ID, app.state.base_number)
    app.open(EXAMPLE_ID)
    app.passphrase.value = "correct horse"
    app.sign_report()
    assert "Signerad av" in app.sign_feedback.value
    app.set_language("nb")
    assert app.render_button.description == "Lag rapport"
    assert "Signerad" not in app.sign_feedback.value
    assert "signert av Ingrid Solheim (dpo)" in app.report_info.value
    assert "Under gjennomgang" in app.status_badge.value
