"""Every page shares one header (workbench name, links between the pages keeping the assessment and
the language, the language switch in one place and form) and speaks the page's language in its
texts and its charts' dates (issue 15 items 1, 2 and 11; issue 13 item 2)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

import lia.pages as pages
from lia.i18n import LANGS
from lia.pages.furniture import PAGES, PageHeader

from .conftest import TODAY
from .test_viewer import history_ws  # noqa: F401  (fixture)

#: "Jun 08", "Maj 04": an English-looking capitalised month before the day, which no Swedish or
#: Norwegian reader writes.
ENGLISH_ORDER = re.compile(r">(?:[A-Z][a-zé]{2,3}\.?) \d{2}<")


def _links(nav_html: str) -> dict[str, dict[str, list[str]]]:
    return {m.group(1): parse_qs(urlparse(m.group(2).replace("&amp;", "&")).query)
            for m in re.finditer(r'data-page="(\w+)" href="([^"]+)"', nav_html)}


def _pages(home: Path, lang: str, fake) -> dict[str, object]:
    return {"portfolio": pages.build_portfolio(home, lang, sources=fake, today=TODAY),
            "report_viewer": pages.build_viewer(home, lang, sources=fake),
            "works_council": pages.build_works_council(home, lang),
            "access": pages.build_access(home, lang)}


def test_every_page_has_the_same_header_with_links_that_keep_assessment_and_language(portfolio_ws: Path, fake) -> None:
    built = _pages(portfolio_ws, "sv", fake)
    for name, page in built.items():
        header = page.header
        assert isinstance(header, PageHeader) and header.page == name
        root = getattr(page, "root", None) or page.widget
        assert root.children[1] is header.widget and "lia-header" in header.widget._dom_classes
        assert header.switch.options == (("English", "en"), ("Svenska", "sv"), ("Norsk bokmål", "nb"))
        assert header.switch.value == "sv" and "lia-lang" in header.switch._dom_classes
        assert "Bedömningsverktyget" in header.heading.value  # the workbench's name
        links = _links(header.nav.value)
        assert set(links) == set(PAGES) - {name}, name  # every other page, the current one marked instead
        assert f'aria-current="page" data-page="{name}"' in header.nav.value
        assert all(q == {"lang": ["sv"]} for q in links.values()), (name, links)

    # an opened assessment travels with the links, and so does a language switched on the page
    viewer = built["report_viewer"]
    viewer.apply_request({"QUERY_STRING": "assessment=overdue-one&lang=nb"})
    links = _links(viewer.header.nav.value)
    assert links["wizard"] == {"lang": ["nb"], "assessment": ["overdue-one"]}
    assert links["works_council"] == {"lang": ["nb"], "assessment": ["overdue-one"]}
    assert "Vurderingsverktøyet" in viewer.header.heading.value and viewer.s.lang == "nb"

    portfolio = built["portfolio"]
    portfolio.apply_request({"QUERY_STRING": "assessment=overdue-one"})
    portfolio.header.switch.value = "en"  # the reader clicks "English"
    assert portfolio.s.lang == "en" and "Portfolio of assessments" in portfolio.header.heading.value
    assert _links(portfolio.header.nav.value)["access"] == {"lang": ["en"], "assessment": ["overdue-one"]}

    wc = built["works_council"]
    wc.w_assessment.value = "overdue-one"
    assert _links(wc.header.nav.value)["report_viewer"] == {"lang": ["sv"], "assessment": ["overdue-one"]}
    wc.w_lang.value = "nb"
    assert "Opptaksperioder for tillitsvalgte" in wc.header.heading.value
    assert _links(wc.header.nav.value)["portfolio"] == {"lang": ["nb"], "assessment": ["overdue-one"]}


@pytest.mark.parametrize("lang", LANGS)
def test_the_header_and_page_titles_exist_in_every_language(lang: str) -> None:
    from lia.start_page import page_title

    header = PageHeader("access", lang)
    assert "page_title." not in header.nav.value and "nav.label" not in header.nav.value
    for page in (*PAGES, "start"):
        assert "page_title." not in page_title(page, lang)


def test_works_council_chart_dates_are_written_as_the_language_writes_them(tmp_path: Path) -> None:
    page = pages.build_works_council(tmp_path, "sv")
    svg = page.svgs["timeline"]
    ticks = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert "juni" in ticks and "8 juni" in ticks, ticks  # not "Juni" beside "Jun 08"
    assert not ENGLISH_ORDER.search(svg), ENGLISH_ORDER.findall(svg)
    page.w_lang.value = "nb"
    ticks = re.findall(r"<text[^>]*>([^<]*)</text>", page.svgs["timeline"])
    assert "8. jun." in ticks and "juni" in ticks, ticks
    page.w_lang.value = "en"
    ticks = re.findall(r"<text[^>]*>([^<]*)</text>", page.svgs["timeline"])
    assert "8 Jun" in ticks and "June" in ticks, ticks


def test_portfolio_review_chart_names_months_in_the_page_language(portfolio_ws: Path, fake) -> None:
    page = pages.build_portfolio(portfolio_ws, "sv", sources=fake, today=TODAY)
    page.load()
    ticks = re.findall(r"<text[^>]*>([^<]*)</text>", page.charts.value)
    months = [x for x in ticks if re.fullmatch(r"\S+ 20\d\d", x)]
    assert months and all(m.split()[0] in ("jan.", "feb.", "mars", "apr.", "maj", "juni", "juli", "aug.", "sep.",
                                           "okt.", "nov.", "dec.") for m in months), months


def test_viewer_shows_findings_and_their_legal_sources_in_the_page_language(history_ws: Path) -> None:
    """A report rendered in English lists its findings in English; a Swedish reader of the viewer reads
    them, their severity and their legal sources in Swedish - unless the rule was reworded since, when
    the report's own words stay (they are what was signed)."""
    from lia.dashboards.sources import ReportChanges, Sources
    from lia.paths import repo_root

    from .fakes import FakeSources

    real = Sources(templates=repo_root() / "templates")
    rule = "eu.sensitivity.vulnerable_callers"
    texts = real.finding_texts(rule)
    assert texts is not None and texts["citation"]["sv"] and texts["message"]["nb"]
    english = {"rule": rule, "severity": "warning", "message": texts["message"]["en"], "citation": texts["citation"]["en"]}
    reworded = {"rule": "eu.notice", "severity": "info", "message": "Callers were told in 2019 wording."}

    class Sources_(FakeSources):
        def changes(self, ws, old_dir, new_dir, lang="en"):
            base = super().changes(ws, old_dir, new_dir, lang)
            return ReportChanges(base.old_version, base.new_version, base.verdicts, (english,), (reworded,))

        def finding_texts(self, rule):
            return real.finding_texts(rule)

    page = pages.build_viewer(history_ws, "sv", sources=Sources_())
    page.apply_request({"QUERY_STRING": "assessment=cc&version=3"})
    html = page.changes.value
    assert texts["message"]["sv"] in html and texts["message"]["en"] not in html
    assert texts["citation"]["sv"] in html and "varning" in html and ">warning<" not in html
    assert "Callers were told in 2019 wording." in html  # not the rule's current words
    page.set_language("nb")
    html = page.changes.value
    assert texts["message"]["nb"] in html and texts["citation"]["nb"] in html and "advarsel" in html
