"""Reading a stored evaluation's JSON once: each value checked as the model is built.

:class:`Reader` is what :mod:`lia.rules.presentation` and :mod:`lia.rules.changes_view` read
stored evaluations and comparisons with; the first problem raises an
:class:`~lia.errors.InputError` whose code (``errors.evaluation_field``,
``errors.evaluation_choice``) names the file, the place and what was expected.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from ..errors import InputError, Message

__all__ = ["Reader"]


class Reader:
    """Checks a JSON document while the model is built; the first problem is an InputError with a code."""

    def __init__(self, source: str | Path | None) -> None:
        self.source = source

    def fail(self, where: str, expected: Any, got: Any) -> InputError:
        from ..model import _kind

        return InputError(Message("errors.evaluation_field", expected=expected, got=_kind(got)),
                          file=self.source, where=where)

    def mapping(self, v: Any, where: str, *, optional: bool = False) -> Mapping[str, Any]:
        if v is None and optional:
            return {}
        if not isinstance(v, Mapping):
            raise self.fail(where, Message("errors.kind_mapping"), v)
        return v

    def items(self, v: Any, where: str) -> list[Any]:
        """A list (None: an empty one)."""
        if v is None:
            return []
        if not isinstance(v, list):
            raise self.fail(where, Message("errors.kind_list"), v)
        return v

    def text(self, v: Any, where: str, lang: str, *, optional: bool = True) -> str | None:
        """A text, or a data text ``{en, sv, nb}`` rendered in ``lang``; None when absent and optional."""
        if v is None and optional:
            return None
        if isinstance(v, str):
            return v
        if isinstance(v, Mapping) and v and all(isinstance(x, str) for x in v.values()):
            from ..i18n import text

            return text(dict(v), lang)
        raise self.fail(where, Message("errors.kind_text"), v)

    def flag(self, v: Any, where: str, default: bool = False) -> bool:
        if v is None:
            return default
        if not isinstance(v, bool):
            raise self.fail(where, Message("errors.kind_bool"), v)
        return v

    def choice(self, v: Any, where: str, known: tuple[str, ...]) -> str:
        if not isinstance(v, str) or v not in known:
            from ..model import _kind

            raise InputError(Message("errors.evaluation_choice", known=", ".join(known), got=_kind(v)),
                             file=self.source, where=where)
        return v
