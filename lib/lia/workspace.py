"""The workspace: the folder that holds ``assessments/``, ``reports/`` and ``keys/``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import LiaError, Message, shown_name

__all__ = ["Workspace"]


@dataclass(frozen=True)
class Workspace:
    """A workspace folder. ``Workspace(None)`` uses ``$LIA_HOME`` or the current directory."""

    home: Path

    def __init__(self, home: str | Path | None = None) -> None:
        if home is None:
            home = os.environ.get("LIA_HOME") or "."
        path = Path(home).expanduser()
        if not path.exists():
            raise LiaError(Message("errors.workspace_missing", path=shown_name(path)))
        if not path.is_dir():
            raise LiaError(Message("errors.workspace_is_file", path=shown_name(path)))
        object.__setattr__(self, "home", path.resolve())

    @property
    def assessments_dir(self) -> Path:
        return self.home / "assessments"

    @property
    def reports_dir(self) -> Path:
        return self.home / "reports"

    @property
    def keys_dir(self) -> Path:
        return self.home / "keys"
