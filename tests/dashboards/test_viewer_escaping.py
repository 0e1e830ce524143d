"""The report viewer's HTML comes from autoescaped Jinja2 templates (issue 13 item 5): a hostile value
anywhere in a report - a signer's name, a finding, an answer, an assessment's title - reaches the DPO
as text, never as markup, and the report itself stays in its sandboxed, policy-locked frame."""

from __future__ import annotations

import ast
import html
from html.parser import HTMLParser
from pathlib import Path

import pytest

from lia.dashboards import viewer as vw
from lia.dashboards.sources import ReportChanges, ReportCheck, SignerInfo
from lia.pages.viewer import ViewerPage

from .conftest import new_assessment
from .fakes import make_report

#: What an attacker writes into any field: a script, an event handler, and both kinds of quotes.
H = "<script>alert('x\"y')</script><img src=x onerror=alert(1)>"
ROOT = Path(__file__).resolve().parents[2]
CSP_META = ('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:; '
            "style-src 'unsafe-inline'; font-src data:; form-action 'none'\">")


class Page(HTMLParser):
    """What a browser makes of an HTML fragment: its elements (with attributes) and its text."""

    def __init__(self, fragment: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.texts: list[str] = []
        self.feed(fragment)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data: str) -> None:
        self.texts.append(data)

    @property
    def text(self) -> str:
        return "".join(self.texts)

    def attrs(self, tag: str) -> list[dict[str, str]]:
        return [a for t, a in self.elements if t == tag]


def assert_inert(fragment: str) -> Page:
    """No element or handler of the hostile value became markup."""
    page = Page(fragment)
    assert "script" not in {t for t, _a in page.elements} and "img" not in {t for t, _a in page.elements}
    assert not [k for _t, a in page.elements for k in a if k.startswith("on")]
    return page


@pytest.fixture
def page(ws: Path, mini: Path, fake) -> ViewerPage:
    return ViewerPage(ws, sources=fake)


def hostile_view(tmp_path: Path, state: str) -> vw.ReportView:
    from lia.errors import Message

    signers = (SignerInfo("Åsa " + H, "dpo", "2026-01-02T10:00:00Z", True, "k" * 64),
               SignerInfo("Bo", "auditor " + H, None, state != "failing", "k" * 64, problem="bad key " + H))
    problems = {"failing": (("report.html " + H, "changed " + H),),
                "unsigned": (("statement.dsse.json", Message("status.not_signed")),)}
    check = ReportCheck("d", 3, signers if state != "unsigned" else (), problems.get(state, ()), ("stale " + H,), True,
                        True)
    changes = ReportChanges(
        2, 3,
        verdicts=({"step": "overall", "old": "yes", "new": H}, {"step": "step " + H, "old": [H], "new": {"k": H}}),
        added=({"rule": "eu.rule " + H, "severity": "warning", "message": "message " + H, "citation": "cite " + H},),
        removed=({"rule": "eu.gone", "severity": "info", "message": {"en": "gone " + H}},),
        changed=({"rule": "eu.changed " + H, "changes": {"severity": {"old": "info", "new": H}, "message " + H: {}}},),
        answers=({"question": "q.old " + H, "old": "was " + H, "new": None},
                 {"question": "q.new " + H, "text": "Question " + H, "old_text": "before " + H, "new_text": "after " + H},
                 {"question": "q.table", "text": "Table", "details": ["row 1: " + H]}))
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    doc = f"<html><head><title>{html.escape(H)}</title></head><body><h1>{html.escape(H)}</h1>{H}</body></html>"
    return vw.ReportView("cc " + H, tmp_path / "v3", 3, check, doc, pdf, tmp_path / "v2", changes)


@pytest.mark.parametrize("state", ["stale", "failing", "unsigned"])
def test_a_hostile_signature_panel_shows_text(page: ViewerPage, tmp_path: Path, state: str) -> None:
    view = hostile_view(tmp_path, state)
    assert view.check.state == state
    shown = assert_inert(page.signature_html(view))
    assert f"Report of cc {H}, version 3" in shown.text and "stale " + H in shown.text
    if state == "failing":
        assert "Failed: report.html " + H in shown.text and "report.html " + H + ": changed " + H in shown.text
    if state != "unsigned":
        assert "Åsa " + H in shown.text and "auditor " + H in shown.text and "bad key " + H in shown.text
    # the structure is the same as before the templates: verdict first, one row per signer
    assert [a.get("class") for a in shown.attrs("div")][:3] == [f"lia-dash lia-sig lia-sig-{state}", "lia-muted",
                                                          "head lia-sig-verdict"]
    assert len(shown.attrs("tr")) == (0 if state == "unsigned" else 3)


def test_hostile_findings_verdicts_and_answers_in_the_changes_show_text(page: ViewerPage, tmp_path: Path) -> None:
    shown = assert_inert(page.changes_html(hostile_view(tmp_path, "stale")))
    for said in ("eu.rule " + H, "message " + H, "cite " + H, "gone " + H, "eu.changed " + H,
                 "step " + H, "q.old " + H, "was " + H, "Question " + H, "before " + H, "after " + H, "row 1: " + H):
        assert said in shown.text, said
    assert H in shown.text  # a verdict that is not one: as it was written
    assert {"q.new " + H, "q.table"} <= {a.get("data-question") for a in shown.attrs("li")}
    assert ["lia-sev lia-sev-warning", "lia-sev lia-sev-info"] == [a["class"] for a in shown.attrs("span")
                                                                  if "lia-sev" in a.get("class", "")]
    assert [a.get("class") for a in shown.attrs("ul")] == ["lia-changed-verdicts", "lia-changes-added",
                                                           "lia-changes-removed", None, "lia-changed-answers", None]


@pytest.mark.parametrize(("lang", "said"), [
    ("en", "expected one of blocker, warning, info"), ("sv", "väntade en av blocker, warning, info"),
    ("nb", "forventet en av blocker, warning, info")])
def test_a_malformed_finding_is_said_with_its_file_and_place(ws: Path, mini: Path, fake, tmp_path: Path, lang: str,
                                                             said: str) -> None:
    """The findings are read once, through the presentation model: one whose severity is not a severity
    (here a hostile one) is not shown as a finding; the reader is told which file and which place."""
    import dataclasses

    view = hostile_view(tmp_path, "stale")
    bad = {"rule": "eu.bad", "severity": "sev " + H, "message": "m"}
    view = dataclasses.replace(view, changes=dataclasses.replace(view.changes, removed=(view.changes.removed[0], bad)))
    shown = assert_inert(ViewerPage(ws, lang, sources=fake).changes_html(view))
    assert str(tmp_path / "v2" / "evaluation.json") in shown.text and "changes.removed[1].severity" in shown.text
    assert said in shown.text, shown.text
    assert "eu.gone" not in shown.text and not shown.attrs("ul")  # no half-read list of changes


def test_a_comparison_that_failed_with_a_hostile_message_shows_text(page: ViewerPage, tmp_path: Path) -> None:
    import dataclasses

    view = dataclasses.replace(hostile_view(tmp_path, "stale"), changes=None, changes_error="boom " + H)
    assert "boom " + H in assert_inert(page.changes_html(view)).text


def test_the_hostile_report_stays_in_its_frame(page: ViewerPage, tmp_path: Path) -> None:
    view = hostile_view(tmp_path, "stale")
    shown = assert_inert(page.content_html(view))
    (frame,) = shown.attrs("iframe")
    assert frame["title"] == f"Report of cc {H}, version 3"
    # the frame holds the report's own document, word for word, behind the policy
    assert frame["srcdoc"] == view.html.replace("<head>", "<head>" + CSP_META, 1)
    (link,) = shown.attrs("a")
    assert link["download"] == f"cc {H}-v3.pdf" and link["href"].startswith("data:application/pdf;base64,")


def test_an_unexpected_error_with_hostile_words_shows_text(page: ViewerPage) -> None:
    page.show_error(RuntimeError("disk " + H))
    assert "RuntimeError: disk " + H in assert_inert(page.msg.value).text


def test_a_hostile_assessment_title_reaches_the_page_only_inside_the_frame(ws: Path, mini: Path, fake) -> None:
    """The title is in the report (escaped by the report's templates); the viewer shows that document in
    the sandboxed frame and nowhere else, so none of it becomes the page's markup."""
    from lia.store import Store

    v = new_assessment(ws, "cc", title="Title " + H)
    title = Store(ws).load("cc").assessment["title"]
    make_report(ws, "cc", v.number, v.digest, html=f"<html><head><title>{html.escape(title)}</title></head>"
                                                   f"<body><h1>{html.escape(title)}</h1></body></html>")
    page = ViewerPage(ws, sources=fake)
    page.apply_request({"QUERY_STRING": "assessment=cc"})
    for w in (page.msg, page.signature, page.content, page.changes, *page._labels, page.header.heading):
        assert_inert(w.value)
    (frame,) = Page(page.content.value).attrs("iframe")
    assert f"<h1>{html.escape(title)}</h1>" in frame["srcdoc"]


# --------------------------------------------------------------------------- the frame is as locked as before


def test_the_frame_keeps_its_sandbox_and_policy() -> None:
    assert vw.CSP == "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; form-action 'none'"
    doc = '<html><HEAD lang="sv"><title>x</title></head><body><script>alert(1)</script></body></html>'
    out = vw.sandboxed_iframe(doc, "Report", height=640)
    assert out.startswith('<iframe class="lia-report-frame" sandbox="" referrerpolicy="no-referrer" title="Report" '
                          'style="width:100%;height:640px;border:1px solid #d0d7de;border-radius:6px;background:#fff" '
                          'srcdoc="')
    (frame,) = Page(out).attrs("iframe")
    assert frame["sandbox"] == "" and frame["referrerpolicy"] == "no-referrer"
    # the policy is the first thing in the document's head, before anything that could fetch or run
    assert frame["srcdoc"] == doc.replace('<HEAD lang="sv">', '<HEAD lang="sv">' + CSP_META)
    assert "<script" not in Page(out).text and out.count("<") == 2  # the frame's own two tags only
    # a document without a head is put into one, with the policy first
    bare = Page(vw.sandboxed_iframe("<p>bare</p>", "R")).attrs("iframe")[0]["srcdoc"]
    assert bare == f"<!DOCTYPE html><html><head>{CSP_META}</head><body><p>bare</p></body></html>"


def test_no_html_is_built_by_hand_in_the_viewer() -> None:
    """The viewer's modules choose texts and classes; its markup is in templates/html/viewer/*.html.j2."""
    for rel in ("lib/lia/pages/viewer.py", "lib/lia/dashboards/viewer.py"):
        source = (ROOT / rel).read_text("utf-8")
        tree = ast.parse(source)
        tags = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)
                and any(isinstance(p, ast.Constant) and "<" in str(p.value) for p in node.values)]
        assert not tags, f"{rel}: an f-string builds HTML on line(s) {tags}"
        assert "escape(" not in source and "_esc(" not in source, f"{rel} escapes by hand"
    assert sorted(p.name for p in (ROOT / "templates" / "html" / "viewer").glob("*.html.j2")) == [
        "changes.html.j2", "content.html.j2", "csp_document.html.j2", "csp_meta.html.j2", "frame.html.j2",
        "label.html.j2", "macros.html.j2", "message.html.j2", "pdf_link.html.j2", "signature.html.j2"]
