"""Every page's root widget says which language the page shows (``lia-page-lang-xx``).

The page script (frontend/src/index.js) reads that tag to tell the reader about connection
trouble in the language they chose on the page, not only the one in the address.
"""

from __future__ import annotations

import pytest

from lia.i18n import PAGE_LANG_CLASS, mark_page_language


def _langs(widget) -> list[str]:
    return [c[len(PAGE_LANG_CLASS):] for c in widget._dom_classes if c.startswith(PAGE_LANG_CLASS)]


def test_mark_page_language_keeps_exactly_one_tag() -> None:
    import ipywidgets as W

    box = W.VBox()
    box.add_class("lia-app")
    for lang in ("sv", "nb", "nb", "en"):
        mark_page_language(box, lang)
        assert _langs(box) == [lang]
    assert "lia-app" in box._dom_classes


def test_wizard_root_follows_the_language_switch(tmp_path) -> None:
    from lia.pages.wizard import build_app

    app = build_app(home=tmp_path, author="A")
    assert _langs(app.root) == [app.state.lang]
    app.set_language("sv")
    assert _langs(app.root) == ["sv"]
    app.set_language("nb")
    assert _langs(app.root) == ["nb"]


@pytest.mark.parametrize("builder", ["build_portfolio", "build_viewer"])
def test_dashboard_roots_follow_the_language_switch(tmp_path, builder) -> None:
    import lia.pages as pages

    page = getattr(pages, builder)(tmp_path, "en")
    assert _langs(page.root) == ["en"]
    page.set_language("sv")
    assert _langs(page.root) == ["sv"]


def test_works_council_root_follows_the_language_switch(tmp_path) -> None:
    from lia.pages.works_council import WorksCouncilApp

    page = WorksCouncilApp(home=tmp_path, lang="nb")
    assert _langs(page.widget) == ["nb"]
    page.w_lang.value = "sv"
    assert _langs(page.widget) == ["sv"]
