"""The report viewer: which report, the signature check first, safe embedding, changes."""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

import pytest

from lia.dashboards import viewer as vw
from lia.pages.portfolio import PortfolioPage
from lia.pages.viewer import ViewerPage
from lia.errors import NotFoundError

from .conftest import TODAY, new_assessment
from .fakes import make_report


def test_parse_query() -> None:
    r = vw.parse_query("assessment=cc-1&version=3&lang=sv")
    assert (r.assessment, r.version, r.report, r.lang) == ("cc-1", 3, None, "sv")
    r = vw.parse_query("?assessment=cc-1&version=abc&report=../../etc")
    assert r.version is None and r.report is None
    assert vw.parse_query("report=v2-r3").report == "v2-r3"
    assert vw.parse_query("") == vw.ViewerRequest()


@pytest.fixture
def history_ws(ws: Path, mini: Path):
    """cc has signed reports for versions 2 and 3 (findings and verdict changed), and an unsigned v4."""
    from lia.store import Store

    v = new_assessment(ws, "cc")
    make_report(ws, "cc", v.number, v.digest, findings=["eu.notice"], verdict="yes")
    v = Store(ws).save("cc", {"basics.purpose": "Training and AI"}, author="t", message="added AI")
    make_report(ws, "cc", v.number, v.digest, findings=["eu.notice", "eu.ai_act_50"], verdict="conditional")
    v = Store(ws).save("cc", {"basics.purpose": "Training only"}, author="t", message="m")
    make_report(ws, "cc", v.number, v.digest, signed=False)
    return ws


def test_find_report(history_ws: Path, fake) -> None:
    assert vw.find_report(history_ws, "cc", sources=fake).name == "v4"
    assert vw.find_report(history_ws, "cc", 3, sources=fake).name == "v3"
    assert vw.find_report(history_ws, "cc", report="v2", sources=fake).name == "v2"
    with pytest.raises(NotFoundError, match="reports exist for versions 2, 3, 4"):
        vw.find_report(history_ws, "cc", 1, sources=fake)
    with pytest.raises(NotFoundError, match="no assessment 'nope'.*known assessments: cc"):
        vw.find_report(history_ws, "nope", sources=fake)


def test_no_report_yet_says_how_to_make_one(ws: Path, mini: Path, fake) -> None:
    new_assessment(ws, "bare")
    with pytest.raises(NotFoundError, match="lia render bare"):
        vw.open_report(ws, "bare", sources=fake)


def test_changes_since_previous_signed(history_ws: Path, fake) -> None:
    view = vw.open_report(history_ws, "cc", sources=fake)
    assert view.check.state == "unsigned"
    assert view.previous.name == "v3"  # the newest older report that verifies
    view = vw.open_report(history_ws, "cc", 3, sources=fake)
    assert view.check.state == "stale" and view.previous.name == "v2"
    assert [f["rule"] for f in view.changes.added] == ["eu.ai_act_50"]
    assert view.changes.verdicts == ({"step": "overall", "old": "yes", "new": "conditional"},)
    assert vw.open_report(history_ws, "cc", 2, sources=fake).previous is None


def test_tampered_report_fails_and_names_the_file(history_ws: Path, fake) -> None:
    (history_ws / "reports" / "cc" / "v3" / "report.html").write_text("<p>Verdict: yes</p>", "utf-8")
    view = vw.open_report(history_ws, "cc", 3, sources=fake)
    assert view.check.state == "failing" and view.check.failed_files == ["report.html"]
    # and it no longer counts as the previous signed report of v4
    assert vw.open_report(history_ws, "cc", 4, sources=fake).previous.name == "v2"


def test_sandboxed_iframe_blocks_scripts_and_fetches() -> None:
    doc = '<html><head><title>x</title></head><body><script>alert(1)</script><img src="https://cdn.example/x.png">"q"</body></html>'
    out = vw.sandboxed_iframe(doc, "Report")
    assert out.startswith('<iframe class="lia-report-frame" sandbox=""')
    srcdoc = re.search(r'srcdoc="([^"]*)"', out).group(1)
    assert "<script" not in out.replace(srcdoc, "")  # nothing executable outside the frame
    inner = html.unescape(srcdoc)
    assert inner.index("Content-Security-Policy") < inner.index("<script>")
    assert "default-src 'none'" in inner and "img-src data:" in inner


# --------------------------------------------------------------------------- pages


def test_viewer_page_from_query_string_shows_failing_first(history_ws: Path, fake) -> None:
    (history_ws / "reports" / "cc" / "v3" / "report.html").write_text("<p>edited</p>", "utf-8")
    page = ViewerPage(history_ws, sources=fake)
    page.apply_request({"QUERY_STRING": "assessment=cc&version=3"})
    sig = page.signature.value
    assert 'lia-sig-failing' in sig and "FAILING VERIFICATION" in sig and "Failed: report.html" in sig
    assert "lia-sig-current" not in sig and "Valid" not in sig
    assert "lia-ok" not in sig and "files no longer match" in sig  # no green tick anywhere
    children = page.body.children
    assert children.index(page.signature) < children.index(page.content) < children.index(page.changes)
    assert "content failed verification" in page.content.value


def test_viewer_page_in_swedish_and_norwegian(history_ws: Path, fake) -> None:
    page = ViewerPage(history_ws, sources=fake)
    page.apply_request({"QUERY_STRING": "assessment=cc&version=3&lang=sv"})
    assert "Giltig signatur, men rapporten är inaktuell" in page.signature.value
    assert "nyare svarsversion 4 (rapporten bygger på version 3)" in page.signature.value  # the reason too
    assert "Nya fynd" in page.changes.value and "eu.ai_act_50" in page.changes.value
    page.set_language("nb")
    assert "Gyldig signatur, men rapporten er utdatert" in page.signature.value
    assert "nyere svarversjon 4 (rapporten bygger på versjon 3)" in page.signature.value
    assert page.report.value == "v3"


def test_viewer_page_unknown_assessment_message(history_ws: Path, fake) -> None:
    page = ViewerPage(history_ws, sources=fake)
    page.apply_request({"QUERY_STRING": "assessment=nope"})
    assert "lia-viewer-error" in page.msg.value and "no assessment" in page.msg.value
    assert page.signature.value == ""
    # in the reader's language, like every other message of the viewer
    page.apply_request({"QUERY_STRING": "assessment=nope&lang=sv"})
    assert "det finns ingen bedömning 'nope' i arbetsytan" in html.unescape(page.msg.value)


def test_portfolio_page_table_filters_and_export(portfolio_ws: Path, fake) -> None:
    page = PortfolioPage(portfolio_ws, sources=fake, today=TODAY)
    page.load(charts=False)
    table = page.table.value
    for aid, state in (("tampered-one", "failing"), ("stale-one", "stale"), ("unsigned-one", "unsigned"), ("current-one", "current")):
        assert re.search(rf'data-id="{aid}" data-state="{state}"', table)
    assert 'data-id="overdue-one" data-state="none" data-review="overdue"' in table
    page.f_state.value = "failing"
    assert page.table.value.count('class="lia-row') == 1 and "tampered-one" in page.table.value
    page.f_state.value = ""
    page.search.value = "bjørn"
    assert [r.id for r in page.shown] == ["current-one", "tampered-one"]
    page._on_export()
    data = base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", page.csv_link.value).group(1))
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\r\n") == 3
    assert (page.f_state.label, page.f_review.label, page.sort.value) == ("All", "All", "review")
    page.f_review.value = "overdue"
    page.set_language("nb")
    assert (page.f_review.label, page.f_review.value) == ("Forsinket", "overdue")
    page.f_review.value = ""
    assert "Verifisering feiler" in page.tiles.value and "Portefølje" in page.header.heading.value


def test_portfolio_page_url_filters(portfolio_ws: Path, fake) -> None:
    page = PortfolioPage(portfolio_ws, sources=fake, today=TODAY)
    page.apply_request({"QUERY_STRING": "review=overdue&lang=sv"})
    assert [r.id for r in page.shown] == ["overdue-one"]
    assert "Granskning försenad" in page.tiles.value
    assert "lia-chart-chart_reviews" in page.charts.value and "<svg" in page.charts.value


def test_every_ui_string_has_three_languages() -> None:
    from lia.pages.furniture import Strings

    cat = Strings("en").catalogue
    assert len(cat) > 80
    for key, entry in cat.items():
        assert set(entry) == {"en", "sv", "nb"} and all(isinstance(v, str) and v.strip() for v in entry.values()), key


def test_serve_request_outside_voila_applies_the_query_now(portfolio_ws: Path, fake, monkeypatch) -> None:
    import lia.pages as dash

    monkeypatch.setenv("QUERY_STRING", "state=failing&lang=nb")
    page = PortfolioPage(portfolio_ws, sources=fake, today=TODAY)
    dash.serve_request(page)  # no running event loop here: done at once
    assert [r.id for r in page.shown] == ["tampered-one"] and page.s.lang == "nb"


def test_serve_request_shows_errors_on_the_page(history_ws: Path, fake) -> None:
    import lia.pages as dash

    class Broken(ViewerPage):
        def apply_request(self, env=None):
            raise RuntimeError("disk on fire")

    page = Broken(history_ws, sources=fake)
    dash.serve_request(page)
    assert "disk on fire" in page.msg.value


def test_portfolio_reasons_in_the_readers_language(portfolio_ws: Path, fake) -> None:
    page = PortfolioPage(portfolio_ws, sources=fake, today=TODAY)
    page.apply_request({"QUERY_STRING": "lang=sv"})
    page.load(charts=False)
    assert "filen har ändrats" in page.table.value and "nyare svarsversion 3" in page.table.value
    assert "the file was changed" not in page.table.value


def test_portfolio_unreadable_versions_in_the_readers_language(portfolio_ws: Path, fake) -> None:
    from lia.store import Store

    v = Store(portfolio_ws).load("soon-one")
    v.path.write_text(v.path.read_text().replace('"message": "', '"message": "edited: '))  # no longer its digest
    (portfolio_ws / "assessments" / "empty-one" / "versions").mkdir(parents=True)
    page = PortfolioPage(portfolio_ws, sources=fake, today=TODAY)
    page.apply_request({"QUERY_STRING": "lang=nb"})
    page.load(charts=False)
    assert f"versjon {v.number} er endret etter at den ble lagret" in page.table.value
    assert "ingen lagret versjon ennå" in page.table.value
    assert "was altered" not in page.table.value and "no saved version" not in page.table.value


@pytest.mark.parametrize(("lang", "shown", "field"), [("en", "note → warning", "severity"),
                                                      ("sv", "notering → varning", "allvarlighetsgrad"),
                                                      ("nb", "merknad → advarsel", "alvorlighetsgrad")])
def test_a_changed_severity_reads_as_the_report_names_it(history_ws: Path, fake, lang: str, shown: str,
                                                         field: str) -> None:
    from lia.dashboards.sources import ReportChanges

    class Changed(type(fake)):
        def changes(self, ws, old_dir, new_dir, lang="en"):
            base = super().changes(ws, old_dir, new_dir, lang)
            return ReportChanges(base.old_version, base.new_version, base.verdicts, base.added, base.removed,
                                 ({"rule": "eu.notice", "changes": {"severity": {"old": "info", "new": "warning"}}},))

    page = ViewerPage(history_ws, lang, sources=Changed())
    page.apply_request({"QUERY_STRING": "assessment=cc&version=3"})
    assert f"<code>eu.notice</code>: {field}: {shown}</li>" in page.changes.value


@pytest.mark.parametrize(("lang", "said"), [("en", "expected text in an evaluation"), ("sv", "väntade text i en utvärdering"),
                                            ("nb", "forventet tekst i en evaluering")])
def test_a_changed_verdict_that_names_no_step_is_said_with_its_place(history_ws: Path, fake, lang: str,
                                                                     said: str) -> None:
    """The verdicts that changed are read through the presentation model (ChangesView) like the findings:
    a comparison whose verdict names no step is refused with its place, not shown as "None: yes → no"."""
    from lia.dashboards.sources import ReportChanges

    class Broken(type(fake)):
        def changes(self, ws, old_dir, new_dir, lang="en"):
            base = super().changes(ws, old_dir, new_dir, lang)
            return ReportChanges(base.old_version, base.new_version, ({"old": "yes", "new": "no"},), base.added)

    page = ViewerPage(history_ws, lang, sources=Broken())
    page.apply_request({"QUERY_STRING": "assessment=cc&version=3"})
    html = page.changes.value
    assert "changes.verdicts[0].step" in html and said in html, html
    assert "None" not in html and "lia-changed-verdicts" not in html


@pytest.mark.parametrize(("lang", "said"), [("en", "expected a mapping in an evaluation"),
                                            ("sv", "väntade en mappning i en utvärdering"),
                                            ("nb", "forventet en mapping i en evaluering")])
def test_a_report_whose_evaluation_is_malformed_is_named_in_the_page_language(history_ws: Path, lang: str,
                                                                               said: str) -> None:
    """The real source reads both reports' evaluation.json through the presentation model: one that lost
    its overall verdict is named with its file and place, in the reader's language - not compared in part."""
    import json

    from lia.dashboards.sources import Sources

    from .fakes import FakeSources

    class Real(FakeSources):  # the fake's signatures, the real comparison
        def changes(self, ws, old_dir, new_dir, lang="en"):
            return Sources().changes(ws, old_dir, new_dir, lang)

    for d, overall in (("v2", "yes"), ("v3", None)):
        lia = {s: {"verdict": "yes"} for s in ("purpose", "necessity", "balancing")}
        if overall:
            lia["overall"] = {"verdict": overall}
        (history_ws / "reports" / "cc" / d / "evaluation.json").write_text(
            json.dumps({"lia": lia, "findings": [], "dpia": {"required": False}}), "utf-8")
    page = ViewerPage(history_ws, lang, sources=Real())
    page.apply_request({"QUERY_STRING": "assessment=cc&version=3"})
    html = page.changes.value
    assert str(history_ws / "reports" / "cc" / "v3" / "evaluation.json") in html and "lia.overall" in html
    assert said in html, html
    assert "lia-changed-verdicts" not in html
