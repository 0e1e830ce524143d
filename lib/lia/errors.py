"""The errors a user can meet.

Every failure caused by user input is a :class:`LiaError`. The command line
prints its message (one paragraph, no traceback) and exits with its
``exit_code``; notebooks show the message in the page.

An error says *what* went wrong as a stable code and its parameters (a :class:`Message`), as
pandera's SchemaError carries a reason code: ``InputError(Message("errors.file_missing",
what=...), file=p)``. ``err.code`` and ``err.params`` are that code and those values;
``str(err)`` is the English text rendered from the catalogue (``templates/i18n/<area>.yaml``,
the code being ``<area>.<key>``), and :func:`lia.messages.translate_error` renders the same code
in Swedish or Norwegian Bokmål. The wording is data; the code is the API.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

__all__ = [
    "Message",
    "Joined",
    "LiaError",
    "InputError",
    "Problem",
    "ValidationError",
    "ConflictError",
    "IntegrityError",
    "NotFoundError",
    "excerpt",
    "shown_name",
    "terminal_safe",
    "os_reason",
    "MAX_LISTED",
]

#: A list of problems (unknown keys, bad rows, ...) shows at most this many, then "and N more".
MAX_LISTED = 50


def _escape(text: str) -> str:
    """``text`` with control characters (newlines, terminal escapes, ...) written as escapes."""
    out = []
    for ch in text:
        if ch.isprintable() or ch == " ":
            out.append(ch)
        else:
            out.append(repr(ch)[1:-1] if ord(ch) > 0xFF or ch in "\n\r\t" else f"\\x{ord(ch):02x}")
    return "".join(out)


def excerpt(value: object, limit: int = 40) -> str:
    """A short, escaped piece of a value from a user's file, for an error message.

    Control characters (line breaks, terminal escapes) are escaped and anything past ``limit``
    characters is cut, saying how long the value was: a message never prints a file's content.
    """
    text = value if isinstance(value, str) else str(value)
    if len(text) > limit:
        head = _escape(text[:limit]) + "..."
        try:  # "(N characters)" in the reader's language when the excerpt is a message's parameter
            return Joined([head, Message("errors.frag_cut", n=len(text))], " ")
        except Exception:  # noqa: BLE001 - the catalogues themselves unreadable: the library's English
            return f"{head} ({len(text)} characters)"
    return _escape(text)


def terminal_safe(message: str) -> str:
    """A whole message for a terminal: its line breaks kept, every other control character escaped.

    The last guard of the command line: a value from a file that reached a message unescaped
    cannot move the cursor, clear the screen or retitle the window.
    """
    return "\n".join(_escape(line) for line in message.split("\n"))


def shown_name(name: str | Path) -> str:
    """A file name as a message prints it: line breaks and terminal escapes escaped, at most 300 characters."""
    return excerpt(str(name), 300)


#: Why the system refused a file operation, by errno: the code ``errors.<value>`` (its English is the
#: C library's own text, so the command line reads as before).
OS_REASONS = {
    errno.ENOENT: "os_no_such_file",
    errno.EACCES: "os_permission_denied",
    errno.EPERM: "os_not_permitted",
    errno.EISDIR: "os_is_a_folder",
    errno.ENOTDIR: "os_not_a_folder",
    errno.ELOOP: "os_too_many_links",
    errno.ENAMETOOLONG: "os_name_too_long",
    errno.EIO: "os_io_error",
    errno.EMFILE: "os_too_many_open",
    errno.ENFILE: "os_too_many_open",
}


def os_reason(err: OSError) -> str:
    """Why a file operation failed, as a message parameter: a Message for the usual reasons, rendered in
    the reader's language; the system's own text (English) only for a rare one nobody gave a code."""
    key = OS_REASONS.get(err.errno) if isinstance(err.errno, int) else None
    return Message(f"errors.{key}") if key else str(err.strerror or type(err).__name__)


#: How a code becomes text in a language: :func:`lia.messages.render_code`, which registers itself
#: here when it is imported (``lia/__init__.py`` imports it first). The errors stay the lowest
#: layer: rendering needs the catalogues, whose reading raises these errors, so this module never
#: imports the renderer (no import cycle; tests/test_import_cycles.py).
_renderer: Callable[[str, dict[str, Any], str], str] | None = None


def _render(code: str, params: dict[str, Any], lang: str) -> str:
    if _renderer is None:  # pragma: no cover - lia/__init__.py always loads lia.messages first
        raise RuntimeError("lia.messages is not loaded: import lia first")
    return _renderer(code, params, lang)


class Message(str):
    """A text with a stable code and its parameters; as a ``str`` it is the English text.

    ``Message("errors.file_missing", what=Message("errors.what_answers"))``: the code names a
    catalogue entry (``<area>.<key>`` in ``templates/i18n/<area>.yaml``) with en, sv and nb texts;
    the parameters fill its ``{placeholders}`` (a parameter that is itself a Message is rendered in
    the same language; counts choose ``{n|one|other}`` forms by CLDR plural rules). Because it is
    a ``str``, code that prints, joins, stores or JSON-dumps messages keeps working unchanged;
    :meth:`text` (or :func:`lia.messages.translate`) gives it in another language.
    """

    code: str
    params: dict[str, Any]

    def __new__(cls, code: str, /, **params: Any) -> "Message":
        obj = super().__new__(cls, _render(code, params, "en"))
        obj.code = code
        obj.params = params
        return obj

    def text(self, lang: str = "en") -> str:
        """This message in ``lang`` (en, sv or nb)."""
        return _render(self.code, self.params, lang)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_message, (self.code, self.params))

    def as_data(self) -> dict[str, Any]:
        """``{"code": ..., "params": {...}}`` for a JSON cache or index (nested Messages included), so a
        page that reads findings back still renders them from their code; see :meth:`from_data`."""
        return {"code": self.code, "params": {k: _data(v) for k, v in self.params.items()}}

    @staticmethod
    def from_data(data: Any) -> Any:
        """The Message :meth:`as_data` wrote; anything else (a plain English text) as it is."""
        if isinstance(data, dict) and set(data) == {"code", "params"} and isinstance(data["code"], str):
            return Message(data["code"], **{k: Message.from_data(v) for k, v in dict(data["params"]).items()})
        if isinstance(data, dict) and set(data) == {"sep", "items"} and isinstance(data["sep"], str):
            return Joined([Message.from_data(v) for v in data["items"]], data["sep"])
        return data


def _message(code: str, params: dict[str, Any]) -> Message:
    return Message(code, **params)


def _data(value: Any) -> Any:
    """A parameter for JSON: a Message or Joined as its data, a number or text as it is, anything else
    (a path) as its text."""
    if isinstance(value, (Message, Joined)):
        return value.as_data()
    return value if value is None or isinstance(value, (str, int, float, bool, dict, list)) else str(value)


class Joined(str):
    """Pieces of a message joined by ``sep``; as a ``str`` the English text, :meth:`text` in a language.

    For a list inside a message (``line 3: 'x'; line 9: 'y'``) or a piece with a place
    (``calls-02.parquet row 4``): each piece that is a Message (or a Joined) is rendered in the
    same language, any other piece (a value from the file, a file name) is shown as it is.
    ``Message("errors.calllog_bad_rows", ..., shown=Joined([Joined([Message("errors.frag_row", n=3),
    "'x'"], ": "), ...], "; "))``.
    """

    items: tuple[Any, ...]
    sep: str

    def __new__(cls, items: Any, sep: str = ", ") -> "Joined":
        items = tuple(items)
        obj = super().__new__(cls, sep.join(str(i) for i in items))
        obj.items = items
        obj.sep = sep
        return obj

    def text(self, lang: str = "en") -> str:
        """The pieces in ``lang``, joined."""
        return self.sep.join(i.text(lang) if isinstance(i, (Message, Joined)) else str(i) for i in self.items)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Joined, (self.items, self.sep))

    def as_data(self) -> dict[str, Any]:
        """``{"sep": ..., "items": [...]}`` (nested Messages as their data); see :meth:`Message.from_data`."""
        return {"sep": self.sep, "items": [_data(i) for i in self.items]}


class LiaError(Exception):
    """A failure the user can act on; ``str(err)`` is the whole message.

    ``code`` and ``params``: the stable code of what went wrong and its values, when the message
    is a :class:`Message` (``None`` and ``{}`` for a message not yet given a code: a page shows it
    as it is, in English; see :mod:`lia.messages`).
    """

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = str(message)
        #: what was said: a Message (with its code) or a plain English str
        self.said: str = message
        self.code: str | None = message.code if isinstance(message, Message) else None
        self.params: dict[str, Any] = dict(message.params) if isinstance(message, Message) else {}

    def __str__(self) -> str:
        return self.message

    @property
    def whole(self) -> str:
        """The whole message as a parameter of another message: ``str(err)`` in English, rendered from its
        codes in the other message's language (a Message or :class:`Joined`; a plain str when it has no code)."""
        return self.said if isinstance(self.said, (Message, Joined)) and str(self.said) == self.message else self.message


class InputError(LiaError):
    """A file or value given by the user is malformed.

    The message names the file, the place in it (line, row, column or key)
    and what was expected.
    """

    def __init__(self, message: str, file: str | Path | None = None, where: str | None = None) -> None:
        self.file = shown_name(file) if file is not None else None
        self.where = where
        prefix = ""
        if self.file:
            prefix = self.file + (f", {where}" if where else "") + ": "
        elif where:
            prefix = f"{where}: "
        super().__init__(message)
        self.message = prefix + str(message)
        self.args = (self.message,)
        self.detail = message

    @property
    def whole(self) -> str:
        if not isinstance(self.detail, (Message, Joined)):
            return self.message
        place = [x for x in (self.file, self.where) if x]
        return Joined([Joined(place, ", "), self.detail], ": ") if place else self.detail


@dataclass(frozen=True)
class Problem:
    """One problem found while validating answers or a data file."""

    where: str  # a question id, or "access.roles[2].people", or a metadata field
    message: str  # what is wrong and what was expected
    kind: str = "invalid"  # unknown | type | missing | choice | range | invalid

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class ValidationError(LiaError):
    """Several problems, collected and reported together.

    Its code is the heading's (``errors.problems_found`` / ``errors.problems_found_in``, with
    ``n`` and ``source``); each :class:`Problem` carries its own message (a Message where converted).
    """

    def __init__(self, problems: list[Problem], source: str | None = None, heading: str | None = None) -> None:
        self.problems = list(problems)
        self.source = source
        n = len(self.problems)
        shown_source = shown_name(source) if source else None
        head: str = heading or (Message("errors.problems_found_in", source=shown_source, n=n) if source
                                else Message("errors.problems_found", n=n))
        self.heading = head
        lines = [head + ":"] + [f"  - {excerpt(p.where, 48)}: {p.message}" for p in self.problems[:MAX_LISTED]]
        if n > MAX_LISTED:
            lines.append("  - " + Message("errors.and_more", n=n - MAX_LISTED))
        super().__init__(head)
        self.message = "\n".join(lines)
        self.args = (self.message,)

    @property
    def whole(self) -> str:
        """The heading and every problem as one :class:`Joined` (``str`` is :attr:`message`): a problem with a
        code is rendered in the other message's language, a place or value from the file as it is."""
        lines: list[Any] = [Joined([self.heading, ""], ":")]
        for p in self.problems[:MAX_LISTED]:
            where = p.where if isinstance(p.where, (Message, Joined)) and len(p.where) <= 48 else excerpt(p.where, 48)
            lines.append(Joined(["  - ", where, ": ", p.message], ""))
        if len(self.problems) > MAX_LISTED:
            lines.append(Joined(["  - ", Message("errors.and_more", n=len(self.problems) - MAX_LISTED)], ""))
        return Joined(lines, "\n")


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
