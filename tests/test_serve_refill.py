"""``lia serve`` refills its pools one kernel at a time once no page is loading (issue 12 item 5).

Ten visitors in ten seconds on two cores: Voila started a replacement for each of the ten
kernels handed out, ten seconds later and all at once; preheating a wizard kernel costs more
CPU than a page, and the later visitors' pages, still loading, took 12-22 s. A pool's new
kernel now waits while a handed-out kernel's page has not connected (or connected moments
ago), and the next one starts only once the previous one waits for its visitor.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest


@pytest.fixture
def manager(monkeypatch: pytest.MonkeyPatch) -> Any:
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
    from voila.request_info_handler import RequestInfoSocketHandler

    from lia import serve

    started: list[str] = []

    async def start(self: Any, *args: Any, **kwargs: Any) -> str:  # Jupyter Server's own start
        kid = f"k{len(started) + 1}"
        started.append(kid)
        self._kernels[kid] = object()
        self._kernel_connections[kid] = 0
        return kid

    monkeypatch.setattr(AsyncMappingKernelManager, "start_kernel", start)
    monkeypatch.setattr(serve, "PAGE_SETTLE", 0.3)
    monkeypatch.setattr(serve, "REFILL_WAIT", 5.0)
    monkeypatch.setattr(RequestInfoSocketHandler, "_waiters", {})
    return serve._kernel_manager_class()(), started, RequestInfoSocketHandler._waiters


POOL = {"env": {"VOILA_PREHEAT": "True"}}


def test_a_refill_waits_while_a_visitors_page_is_loading(manager: Any) -> None:
    km, started, _ = manager

    async def scenario() -> list[str]:
        first = await km.start_kernel(**POOL)  # the server's first pool kernel: not held back
        km.lia_handed_out(first)  # a visitor takes it; their page loads
        refill = asyncio.ensure_future(km.start_kernel(**POOL))
        await asyncio.sleep(1.0)
        before = list(started)
        km._kernel_connections[first] = 1  # the page connected ...
        await asyncio.wait_for(refill, 3.0)  # ... and had time to build itself
        return before

    before = asyncio.run(scenario())
    assert before == ["k1"], "the refill started while the visitor's page was still loading"
    assert started == ["k1", "k2"]


def test_refills_preheat_one_at_a_time(manager: Any) -> None:
    km, started, waiters = manager

    async def scenario() -> tuple[list[str], list[str]]:
        first = await km.start_kernel(**POOL)
        km.lia_handed_out(first)
        km._kernel_connections[first] = 1
        await asyncio.sleep(0.4)  # the page is built
        refills = [asyncio.ensure_future(km.start_kernel(**POOL)) for _ in range(2)]
        await asyncio.sleep(1.0)
        one = list(started)
        waiters["k2"] = object()  # the first refill preheated: it waits for its visitor
        await asyncio.wait_for(asyncio.gather(*refills), 3.0)
        return one, list(started)

    one, both = asyncio.run(scenario())
    assert one == ["k1", "k2"], "two refills preheated at once"
    assert both == ["k1", "k2", "k3"]


def test_a_visitors_own_kernel_is_never_held_back(manager: Any) -> None:
    km, started, _ = manager

    async def scenario() -> None:
        first = await km.start_kernel(**POOL)
        km.lia_handed_out(first)  # a page loading ...
        await asyncio.wait_for(km.start_kernel(env={}), 1.0)  # ... does not delay a kernel started for a visitor

    asyncio.run(scenario())
    assert started == ["k1", "k2"]


def test_a_stopping_server_holds_no_refill_back(manager: Any) -> None:
    """Ctrl-C while pages load: the refills waiting for their turn must not keep the server from stopping."""
    km, started, _ = manager

    async def scenario() -> None:
        first = await km.start_kernel(**POOL)
        km.lia_handed_out(first)  # a page loading
        km.__dict__["lia_stopping"] = True  # what LiaVoila.stop sets
        await asyncio.wait_for(asyncio.gather(*(km.start_kernel(**POOL) for _ in range(2))), 1.0)

    asyncio.run(scenario())
    assert started == ["k1", "k2", "k3"]
