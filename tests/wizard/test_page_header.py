"""Issue 15 item 1 for the wizard: it shows the header every page shows (lia.pages.furniture).

The workbench's name, the page's title in the reader's language, links to the other pages that
keep the open assessment and the language, the language switch at the right of the band (the whole
page relabels when it is pressed) and the author field under it.
"""

from __future__ import annotations

import re
from typing import Any, Callable
from urllib.parse import parse_qs, urlparse

from lia.pages.furniture import PAGES, PageHeader
from lia.pages.wizard.page import descendants

from .conftest import create


def _links(app: Any) -> dict[str, dict[str, list[str]]]:
    return {m.group(1): parse_qs(urlparse(m.group(2).replace("&amp;", "&")).query)
            for m in re.finditer(r'data-page="(\w+)" href="([^"]+)"', app.header.nav.value)}


def test_the_wizard_has_the_shared_header_with_its_author_field(app: Any) -> None:
    header = app.header
    assert isinstance(header, PageHeader) and header.page == "wizard"
    assert app.root.children[1] is header.widget
    assert app.lang_toggle is header.switch  # one language switch, the header's
    assert header.switch.options == (("English", "en"), ("Svenska", "sv"), ("Norsk bokmål", "nb"))
    assert "Assessment workbench" in header.heading.value and "Call-recording assessment" in header.heading.value
    assert 'aria-current="page" data-page="wizard"' in header.nav.value
    assert set(_links(app)) == set(PAGES) - {"wizard"}
    # the author field is in the band, under the switch: the switch stays at the right edge
    right = header.widget.children[-1]
    assert right.children[0] is header.switch and app.author in descendants(right)
    # the toolbar's choosers have their labels above them, as on the other pages
    fields = [w for w in descendants(app.root) if "lia-field" in w._dom_classes]
    assert [f.children[1] for f in fields] == [app.chooser, app.version_chooser]
    assert "lia-field-label" in app.assessment_label.value and "Assessment" in app.assessment_label.value
    # the wizard's own section navigation is not styled as the header's links
    assert not [w for w in descendants(app.section_page) if "lia-nav" in w._dom_classes]


def test_the_links_follow_the_assessment_once_saved_and_the_language(make_app: Callable[..., Any]) -> None:
    app = make_app(lang="sv")
    assert all(q == {"lang": ["sv"]} for q in _links(app).values())
    create(app, "cc-2026", "Contact centre recording")
    # a draft is not on disk yet: the other pages could not open it
    assert all("assessment" not in q for q in _links(app).values())
    app.author.value = "Dana DPO"
    app.save()
    assert all(q == {"lang": ["sv"], "assessment": ["cc-2026"]} for q in _links(app).values()), _links(app)
    app.lang_toggle.value = "nb"  # the reader presses "Norsk bokmål"
    assert app.state.lang == "nb" and app.save_button.description == app.t("save")
    assert "Vurderingsverktøyet" in app.header.heading.value and "Vurdering av samtaleopptak" in app.header.heading.value
    assert all(q == {"lang": ["nb"], "assessment": ["cc-2026"]} for q in _links(app).values())
    assert "lia-page-lang-nb" in app.root._dom_classes


def test_lang_in_the_request_relabels_header_and_page(make_app: Callable[..., Any]) -> None:
    app = make_app(lang="en")
    create(app, "cc-2026", "Contact centre recording")
    app.author.value = "Dana DPO"
    app.save()
    fresh = make_app(lang="en")
    fresh.apply_request({"QUERY_STRING": "assessment=cc-2026&lang=sv"})
    assert fresh.header.switch.value == "sv" and fresh.state.lang == "sv"
    assert "Bedömning av samtalsinspelning" in fresh.header.heading.value
    assert _links(fresh)["portfolio"] == {"lang": ["sv"], "assessment": ["cc-2026"]}


def test_the_wizard_lives_with_the_other_pages() -> None:
    notebook = (__import__("pathlib").Path(__file__).resolve().parents[2] / "notebooks" / "wizard.ipynb").read_text()
    assert "lia.pages.wizard.build_app()" in notebook and "import lia.wizard" not in notebook
