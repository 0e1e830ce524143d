"""Old name of :mod:`lia.reports.changes` (what changed between two reports), kept for the pages and the CLI."""

from __future__ import annotations

from .reports.changes import *  # noqa: F403
from .reports.changes import __all__  # noqa: F401
