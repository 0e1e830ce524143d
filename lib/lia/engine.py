"""Old home of the ``lia-warm`` papermill engine: :mod:`lia.reports.engine`.

Installs made before the reports package registered the entry point as
``lia.engine:WarmEngine``; papermill loads it while it is itself being imported,
so this module imports nothing at the top and hands every name over on first use.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    from .reports import engine

    return getattr(engine, name)
