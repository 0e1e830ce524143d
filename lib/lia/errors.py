"""The errors a user can meet.

Every failure caused by user input is a :class:`LiaError`. The command line
prints its message (one paragraph, no traceback) and exits with its
``exit_code``; notebooks show the message in the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "LiaError",
    "InputError",
    "Problem",
    "ValidationError",
    "ConflictError",
    "IntegrityError",
    "NotFoundError",
]


class LiaError(Exception):
    """A failure the user can act on; ``str(err)`` is the whole message."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(LiaError):
    """A file or value given by the user is malformed.

    The message names the file, the place in it (line, row, column or key)
    and what was expected.
    """

    def __init__(self, message: str, file: str | Path | None = None, where: str | None = None) -> None:
        self.file = str(file) if file is not None else None
        self.where = where
        prefix = ""
        if self.file:
            prefix = self.file + (f", {where}" if where else "") + ": "
        elif where:
            prefix = f"{where}: "
        super().__init__(prefix + message)
        self.detail = message


@dataclass(frozen=True)
class Problem:
    """One problem found while validating answers or a data file."""

    where: str  # a question id, or "access.roles[2].people", or a metadata field
    message: str  # what is wrong and what was expected
    kind: str = "invalid"  # unknown | type | missing | choice | range | invalid

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class ValidationError(LiaError):
    """Several problems, collected and reported together."""

    def __init__(self, problems: list[Problem], source: str | None = None, heading: str | None = None) -> None:
        self.problems = list(problems)
        self.source = source
        n = len(self.problems)
        head = heading or (
            f"{source}: {n} problem{'s' if n != 1 else ''} found" if source else f"{n} problem{'s' if n != 1 else ''} found"
        )
        lines = [head + ":"] + [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class ConflictError(LiaError):
    """A save whose parent is no longer the head; the attempted answers are kept.

    ``merge`` is the :class:`lia.merge.MergeResult` of the refused answers with the head
    (its ``clashes`` are the questions both sides changed), ``base`` the version they were
    edited from (0: none, the assessment was created meanwhile).
    """

    exit_code = 3

    def __init__(self, message: str, kept: Path | None = None, head: int | None = None,
                 merge: object | None = None, base: int | None = None) -> None:
        super().__init__(message)
        self.kept = kept
        self.head = head
        self.merge = merge
        self.base = base


class IntegrityError(LiaError):
    """A stored file no longer matches its digest or its chain."""

    exit_code = 4


class NotFoundError(LiaError):
    """An assessment, version, report or file that does not exist."""
