"""``lia serve``'s culler never takes the kernel of a page still loading (issue 12 item 4).

At a load of 40, ten visitors' pages took over a minute to connect to their kernels, and the
culler (``--cull-after 60``) shut five of those kernels down first: the visitors' pages never
became interactive. A handed-out kernel whose page has not connected yet is kept
``NEVER_CONNECTED_GRACE`` seconds; once its page has connected, ``--cull-after`` applies.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest


@pytest.fixture
def manager(monkeypatch: pytest.MonkeyPatch) -> Any:
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

    from lia import serve

    culled: list[str] = []

    async def cull(self: Any, kernel_id: str) -> None:  # Jupyter Server's own check (idle, no connection)
        culled.append(kernel_id)

    monkeypatch.setattr(AsyncMappingKernelManager, "cull_kernel_if_idle", cull)
    clock = [1000.0]
    monkeypatch.setattr("time.monotonic", lambda: clock[0])
    km = serve._kernel_manager_class()()
    km.cull_idle_timeout = 60
    km._kernels["k"] = object()
    km._kernel_connections["k"] = 0
    return km, culled, clock


def test_a_page_still_loading_keeps_its_kernel_past_the_culling_time(manager: Any) -> None:
    from lia.serve import NEVER_CONNECTED_GRACE

    km, culled, clock = manager
    asyncio.run(km.cull_kernel_if_idle("k"))  # first seen outside the pools
    clock[0] += 90  # past --cull-after, the page still has not connected
    asyncio.run(km.cull_kernel_if_idle("k"))
    assert culled == []
    clock[0] += NEVER_CONNECTED_GRACE  # a page that never connects (its browser crashed while loading) goes
    asyncio.run(km.cull_kernel_if_idle("k"))
    assert culled == ["k"]


def test_once_its_page_connected_the_culling_time_applies(manager: Any) -> None:
    km, culled, clock = manager
    asyncio.run(km.cull_kernel_if_idle("k"))
    km._kernel_connections["k"] = 1  # the page connected ...
    clock[0] += 15
    asyncio.run(km.cull_kernel_if_idle("k"))
    km._kernel_connections["k"] = 0  # ... and went without a word
    clock[0] += 60
    asyncio.run(km.cull_kernel_if_idle("k"))
    assert culled == ["k"]
