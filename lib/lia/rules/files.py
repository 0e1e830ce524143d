"""What the rules' content files share: the three-language text, the cache, the problem report.

Rule packs (``templates/rules/<eu|se|no>.yaml``, :mod:`lia.rules.packs`), the source registry
(``sources.yaml``, :mod:`lia.rules.sources`), the weighing model (``weighing.yaml``,
:mod:`lia.rules.weighing`) and the DPIA criteria (``dpia_criteria.yaml``, :mod:`lia.rules.dpia`)
are each loaded once per content: :class:`FileCache` keys a loaded file by its path, modification
time and size, so an edited file is read again and an unchanged one never is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from ..errors import Joined, Message

__all__ = ["Texts", "FileCache", "problem_report", "validation_problems"]

T = TypeVar("T")


class Texts(BaseModel):
    """A text in the three languages, each non-empty."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    en: str = Field(min_length=1)
    sv: str = Field(min_length=1)
    nb: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        """The text in ``lang`` (en, sv or nb)."""
        return str(getattr(self, lang))


class FileCache(Generic[T]):
    """``load(path)`` once per (path, modification time, size)."""

    def __init__(self, load: Callable[[Path], T]) -> None:
        self._load = load
        self._loaded: dict[tuple[str, int, int], T] = {}

    def get(self, path: Path, missing: Exception) -> T:
        """The loaded file; ``missing`` is raised when it cannot be found."""
        try:
            st = path.stat()
        except OSError:
            raise missing from None
        key = (str(path.resolve()), st.st_mtime_ns, st.st_size)
        got = self._loaded.get(key)
        if got is None:
            got = self._loaded[key] = self._load(path)
        return got

    def clear(self) -> None:
        self._loaded.clear()


def validation_problems(errors: list[Any], label: str = "") -> list[str]:
    """pydantic's errors as ``[label: ]where: what (got value)`` lines."""
    out: list[str] = []
    for e in errors:
        loc = ".".join(str(x) for x in e["loc"]) or Message("errors.rules_top_level")
        got = Joined([e["msg"], Message("errors.rules_got", got=repr(e.get("input")))], " ")
        out.append(Joined([*([label] if label else []), loc, got], ": "))
    return out


def problem_report(what: str, problems: list[str]) -> str:
    """``N problem(s) in <what>`` and one ``  - problem`` line each."""
    head = Message("errors.rules_problems", n=len(problems), what=what)
    return Joined([head, *(Joined(["  - ", p], "") for p in problems)], "\n")
