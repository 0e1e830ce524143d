"""The wizard's first charts wait for the page to fetch its widgets (issue 12 item 5).

With ten visitors on two cores a page took longer than ``PAGE_LOAD_GRACE`` to connect, so its
kernel drew the charts while the page waited for its widgets' state, which then carried the
charts too. They now follow the page's state request (ipywidgets' control comm opened).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest


def test_first_charts_wait_for_the_page_to_fetch_its_widgets(monkeypatch: pytest.MonkeyPatch) -> None:
    import ipywidgets as W

    from lia.pages import wizard

    loop = asyncio.new_event_loop()
    monkeypatch.setattr("lia.kernel.kernel_loop", lambda: loop)
    monkeypatch.setattr(wizard, "CHARTS_AFTER_PAGE", 0.1)
    monkeypatch.setattr(W.Widget, "_control_comm", None)
    drawn: list[float] = []

    class Page:
        _pending: Any = None

        def _refresh_charts(self) -> None:
            drawn.append(loop.time())

    page = Page()
    page._pending = loop.call_later(0.2, page._refresh_charts)  # the panel's refresh after PAGE_LOAD_GRACE
    try:
        wizard.charts_after_page(page)
        loop.run_until_complete(asyncio.sleep(1.0))
        assert drawn == [], "charts drawn before the page fetched its widgets"
        monkeypatch.setattr(W.Widget, "_control_comm", object())  # the page opened the control comm
        loop.run_until_complete(asyncio.sleep(0.6))
        assert len(drawn) == 1
    finally:
        loop.close()


def test_a_page_that_never_fetches_gets_its_charts_after_the_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    import ipywidgets as W

    from lia.pages import wizard

    loop = asyncio.new_event_loop()
    monkeypatch.setattr("lia.kernel.kernel_loop", lambda: loop)
    monkeypatch.setattr(wizard, "CHARTS_AFTER_PAGE", 0.05)
    monkeypatch.setattr(wizard, "PAGE_FETCH_WAIT", 0.5)
    monkeypatch.setattr(W.Widget, "_control_comm", None)
    drawn: list[float] = []

    class Page:
        _pending: Any = None

        def _refresh_charts(self) -> None:
            drawn.append(loop.time())

    page = Page()
    page._pending = loop.call_later(0.1, page._refresh_charts)
    try:
        wizard.charts_after_page(page)
        loop.run_until_complete(asyncio.sleep(1.2))
        assert len(drawn) == 1
    finally:
        loop.close()
