"""A small JSON cache of the portfolio's expensive results, under the workspace.

``<workspace>/.lia-cache/portfolio.json`` maps each assessment id to its cached
head metadata, evaluation and report verification, each stored with the key
it was computed for (see :mod:`lia.dashboards.portfolio`). A value is used only
when its key matches exactly; anything unreadable is ignored and rebuilt. Writes
are atomic (temporary file, fsync, rename), so concurrent pages never see half a
file; the last writer wins, which only costs a recomputation.

The file lies in the workspace, which anyone with file access can edit, so it
carries an HMAC-SHA256 over its entries under a secret kept in the user's own
configuration (``$XDG_CONFIG_HOME/lia/cache-secret``, mode 0600). A file whose
MAC does not verify - hand-edited, or written by someone else - is ignored as a
whole and everything is verified again: the cache can only repeat a result this
user's workbench computed for exactly these inputs, never supply one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path
from typing import Any, Iterable

__all__ = ["PortfolioCache", "CACHE_DIR", "CACHE_FORMAT", "cache_secret"]

CACHE_DIR = ".lia-cache"
#: /3: findings are stored as codes and parameters (Message.as_data); a /2 cache (English texts) is
#: dropped and every report verified again.
CACHE_FORMAT = "lia-portfolio-cache/3"
SECRET_FILE = "cache-secret"


def cache_secret() -> bytes | None:
    """The user's cache MAC secret (created on first use, 32 random bytes, mode 0600); None if unavailable."""
    from lia.reports.keys import user_config_dir

    path = user_config_dir() / SECRET_FILE
    try:
        data = path.read_bytes()
        if len(data) >= 32:
            return data
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it just now
        try:
            data = path.read_bytes()
        except OSError:
            return None
        return data if len(data) >= 32 else None
    except OSError:
        return None
    secret = os.urandom(32)
    with os.fdopen(fd, "wb") as fh:
        fh.write(secret)
    return secret


def _mac(secret: bytes, entries: dict[str, Any]) -> str:
    body = json.dumps(entries, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")
    return hmac.new(secret, body, hashlib.sha256).hexdigest()


class PortfolioCache:
    """Entries per assessment id; ``path=None`` keeps everything in memory only."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: dict[str, dict[str, Any]] = {}
        self._dirty = False
        self._secret = cache_secret() if path is not None else None
        if path is not None and self._secret is None:
            self.path = path = None  # no secret, no trustworthy file: keep results in memory only
        if path is not None and self._secret is not None:
            try:
                data = json.loads(path.read_text("utf-8"))
                if isinstance(data, dict) and data.get("format") == CACHE_FORMAT and isinstance(data.get("entries"), dict) \
                        and isinstance(data.get("mac"), str) \
                        and hmac.compare_digest(data["mac"], _mac(self._secret, data["entries"])):
                    self.entries = {k: v for k, v in data["entries"].items() if isinstance(v, dict)}
            except (OSError, ValueError, TypeError):
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
        if self.path is None or self._secret is None or not self._dirty:
            return
        from lia.store import atomic_write

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            doc = {"format": CACHE_FORMAT, "entries": self.entries, "mac": _mac(self._secret, self.entries)}
            atomic_write(self.path, json.dumps(doc, separators=(",", ":")))
        except OSError:
            return
        self._dirty = False
