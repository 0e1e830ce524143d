"""Foundation imports, with a stand-in until the foundation is merged.

Removed once ``lia.errors`` and ``lia.paths`` are on main.
"""

from __future__ import annotations

from pathlib import Path

try:  # pragma: no cover - depends on merge state
    from lia.errors import InputError, LiaError
except ImportError:  # pragma: no cover
    class LiaError(Exception):  # type: ignore[no-redef]
        """Every user-facing failure."""

    class InputError(LiaError):  # type: ignore[no-redef]
        """Bad user file: names the file, the place and what was expected."""

        def __init__(self, message: str, file: object = None, where: object = None) -> None:
            super().__init__(message)
            self.file = file
            self.where = where

try:  # pragma: no cover
    from lia.paths import templates_dir
except ImportError:  # pragma: no cover
    def templates_dir() -> Path:  # type: ignore[misc]
        """The repository's templates/ folder."""
        return Path(__file__).resolve().parents[3] / "templates"

__all__ = ["InputError", "LiaError", "templates_dir"]
