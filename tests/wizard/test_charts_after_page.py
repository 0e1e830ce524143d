"""The wizard's first charts are drawn when the reader comes near them (issue 12 item 5).

Ten visitors arriving together on two cores each paid for charts at the bottom of the side panel
that nobody sees on arrival (about a fifth of the burst). In a served kernel the panel now holds
them (``lia.pages.wizard.charts_after_page``): the page script clicks the hidden
``lia-charts-trigger`` once the ``lia-charts-anchor`` line comes near the window; a client without
the script still gets them CHARTS_FALLBACK seconds after it fetched the page's widgets.
"""

from __future__ import annotations

import asyncio
from typing import Any, Callable, Iterator

import pytest

from tests.wizard.conftest import block, create


@pytest.fixture
def served(make_app: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, Any, list[float]]]:
    """A wizard page on an assessment, then served: a fake kernel loop, the widgets not fetched yet."""
    import ipywidgets as W

    from lia.pages import wizard

    drawn: list[float] = []
    loop = asyncio.new_event_loop()

    def charter(reasoning: Any, lang: str) -> list[tuple[str, str]]:
        drawn.append(loop.time())
        return [("balancing", "<svg></svg>")]

    app = make_app()
    app.charter = charter
    create(app, "cc-2026", "Contact centre recording")  # no loop yet: charts drawn at once, as in tests
    assert drawn, "outside a served kernel the charts are drawn at once"
    drawn.clear()
    monkeypatch.setattr("lia.kernel.kernel_loop", lambda: loop)
    monkeypatch.setattr(wizard, "CHARTS_FALLBACK", 1.0)
    monkeypatch.setattr(W.Widget, "_control_comm", None)
    app._pending = loop.call_later(0.2, app._refresh_charts)  # the panel's refresh after PAGE_LOAD_GRACE
    try:
        yield app, loop, drawn
    finally:
        loop.close()


def run(loop: Any, seconds: float) -> None:
    loop.run_until_complete(asyncio.sleep(seconds))


def fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    import ipywidgets as W

    monkeypatch.setattr(W.Widget, "_control_comm", object())  # the page opened the control comm


def test_first_charts_wait_for_the_reader_to_come_to_them(served: tuple[Any, Any, list[float]],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from lia.pages import wizard

    app, loop, drawn = served
    wizard.charts_after_page(app)
    run(loop, 0.6)
    fetched(monkeypatch)
    run(loop, 0.6)  # fetched, but the fallback (1 s) has not expired
    assert drawn == [], "charts drawn before the reader came near them"
    assert app.charts_anchor.layout.display == "", "the line saying the charts follow is not shown"
    assert "lia-charts-anchor" in app.charts_anchor._dom_classes
    assert "when you get here" in app.charts_anchor.value
    block(app, "context.party_to_call").control.widget.value = True  # an answer meanwhile draws no chart
    run(loop, 0.4)
    assert drawn == []

    app.charts_trigger.click()  # the page script: the anchor came into view
    run(loop, 0.3)
    assert len(drawn) == 1
    assert app.charts_anchor.layout.display == "none"
    assert "lia-chart" in app.charts_box.children[0].value
    app.charts_trigger.click()  # a second click draws nothing more
    run(loop, 1.5)  # nor does the fallback
    assert len(drawn) == 1

    block(app, "context.party_to_call").control.widget.value = False  # later answers redraw as before
    run(loop, 0.4)
    assert len(drawn) == 2


def test_a_click_before_the_fetch_draws_the_charts_once(served: tuple[Any, Any, list[float]],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from lia.pages import wizard

    app, loop, drawn = served
    wizard.charts_after_page(app)
    app.charts_trigger.click()
    run(loop, 0.3)
    assert len(drawn) == 1
    fetched(monkeypatch)
    run(loop, 1.5)
    assert len(drawn) == 1, "the fallback drew the charts a second time"


def test_without_a_click_the_charts_come_after_the_fallback(served: tuple[Any, Any, list[float]],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A client without the page script (JupyterLab, plain Voila) gets the charts CHARTS_FALLBACK s after the fetch."""
    from lia.pages import wizard

    app, loop, drawn = served
    wizard.charts_after_page(app)
    run(loop, 0.5)
    fetched(monkeypatch)
    run(loop, 0.8)
    assert drawn == []
    run(loop, 0.6)
    assert len(drawn) == 1
    assert app.charts_anchor.layout.display == "none"
    app.charts_trigger.click()
    run(loop, 0.3)
    assert len(drawn) == 1


def test_a_page_that_never_fetches_gets_its_charts_after_the_waits(served: tuple[Any, Any, list[float]],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from lia.pages import wizard

    app, loop, drawn = served
    monkeypatch.setattr(wizard, "PAGE_FETCH_WAIT", 0.5)
    monkeypatch.setattr(wizard, "CHARTS_FALLBACK", 0.3)
    wizard.charts_after_page(app)
    run(loop, 1.5)
    assert len(drawn) == 1


def test_outside_a_served_kernel_nothing_is_held(make_app: Callable[..., Any]) -> None:
    from lia.pages import wizard

    drawn: list[int] = []
    app = make_app()
    app.charter = lambda r, lang: drawn.append(1) or [("balancing", "<svg></svg>")]
    create(app, "cc-2026", "Contact centre recording")
    wizard.charts_after_page(app)  # no kernel loop: nothing to wait for
    drawn.clear()
    block(app, "context.party_to_call").control.widget.value = True
    assert drawn == [1]
    assert app.charts_anchor.layout.display == "none"
