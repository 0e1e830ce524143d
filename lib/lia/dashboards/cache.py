"""A small JSON cache of the portfolio's expensive results, under the workspace.

``<workspace>/.lia-cache/portfolio.json`` maps each assessment id to its cached
head metadata, evaluation and report verification, each stored with the key
it was computed for (see :mod:`lia.dashboards.portfolio`). A value is used only
when its key matches exactly; anything unreadable is ignored and rebuilt. Writes
are atomic (temporary file, fsync, rename), so concurrent pages never see half a
file; the last writer wins, which only costs a recomputation.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable

__all__ = ["PortfolioCache", "CACHE_DIR", "CACHE_FORMAT"]

CACHE_DIR = ".lia-cache"
CACHE_FORMAT = "lia-portfolio-cache/1"


class PortfolioCache:
    """Entries per assessment id; ``path=None`` keeps everything in memory only."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: dict[str, dict[str, Any]] = {}
        self._dirty = False
        if path is not None:
            try:
                data = json.loads(path.read_text("utf-8"))
                if isinstance(data, dict) and data.get("format") == CACHE_FORMAT and isinstance(data.get("entries"), dict):
                    self.entries = {k: v for k, v in data["entries"].items() if isinstance(v, dict)}
            except (OSError, ValueError):
                self.entries = {}

    @classmethod
    def for_workspace(cls, home: Path) -> "PortfolioCache":
        """The cache file of the workspace at ``home``."""
        return cls(Path(home) / CACHE_DIR / "portfolio.json")

    def entry(self, aid: str) -> dict[str, Any]:
        """The (mutable) entry of ``aid``; call :meth:`touch` after changing it."""
        return self.entries.setdefault(aid, {})

    def touch(self) -> None:
        """Mark the cache as changed."""
        self._dirty = True

    def prune(self, ids: Iterable[str]) -> None:
        """Forget assessments that no longer exist."""
        keep = set(ids)
        for aid in [a for a in self.entries if a not in keep]:
            del self.entries[aid]
            self._dirty = True

    def save(self) -> None:
        """Write the cache if it changed (atomically); a read-only workspace just skips it."""
        if self.path is None or not self._dirty:
            return
        from lia.store import atomic_write

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(self.path, json.dumps({"format": CACHE_FORMAT, "entries": self.entries}, separators=(",", ":")))
        except OSError:
            return
        self._dirty = False
