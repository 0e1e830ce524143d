"""Safe loading of the files users give: YAML and JSON, with file and line in every error.

The YAML dialect is deliberately strict and close to YAML 1.2 / JSON:

* only ``true``/``false`` are booleans (``yes``, ``no``, ``on`` stay strings, so a choice id
  ``no`` is not silently turned into ``False``);
* dates stay strings (``2026-05-01``), as the answers format stores them;
* anchors and aliases are refused (no "billion laughs");
* a key given twice is an error, not a silent overwrite.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import IO, Any

from .errors import InputError, Message, os_reason

__all__ = ["load_data_file", "parse_yaml", "parse_json", "read_user_file", "open_user_file", "MAX_FILE_BYTES"]

MAX_FILE_BYTES = 20 * 1024 * 1024

_loader_cls: Any = None


def _strict_loader() -> Any:
    global _loader_cls
    if _loader_cls is not None:
        return _loader_cls
    import yaml

    class StrictLoader(yaml.SafeLoader):
        pass

    # Start from SafeLoader's resolvers without bool and timestamp, then add a strict bool.
    resolvers: dict[Any, list] = {}
    for first, entries in yaml.SafeLoader.yaml_implicit_resolvers.items():
        kept = [(tag, rx) for tag, rx in entries if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
        if kept:
            resolvers[first] = kept
    StrictLoader.yaml_implicit_resolvers = resolvers
    StrictLoader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
    )

    def compose_node(self: Any, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(None, None, Message("errors.yaml_alias"), event.start_mark)
        event = self.peek_event()
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise yaml.MarkedYAMLError(None, None, Message("errors.yaml_anchor"), event.start_mark)
        return yaml.SafeLoader.compose_node(self, parent, index)

    def construct_mapping(self: Any, node: Any, deep: bool = False) -> Any:
        seen: set = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise yaml.MarkedYAMLError(None, None, Message("errors.yaml_key_not_plain"), key_node.start_mark)
            if key in seen:
                raise yaml.MarkedYAMLError(None, None, Message("errors.key_twice", key=repr(key)), key_node.start_mark)
            seen.add(key)
        return yaml.SafeLoader.construct_mapping(self, node, deep=deep)

    StrictLoader.compose_node = compose_node  # type: ignore[method-assign]
    StrictLoader.construct_mapping = construct_mapping  # type: ignore[method-assign]
    _loader_cls = StrictLoader
    return StrictLoader


#: What PyYAML says (its ``problem``, a format with at most one ``%r``) as the code ``errors.<value>``,
#: whose English is PyYAML's own word for word; the ``%r`` value is the code's ``{found}``.
_YAML_PROBLEMS = {
    "could not find expected ':'": "yaml_no_colon",
    "mapping values are not allowed here": "yaml_values_here",
    "mapping keys are not allowed here": "yaml_keys_here",
    "sequence entries are not allowed here": "yaml_entries_here",
    "found unexpected end of stream": "yaml_end_of_stream",
    "found character %r that cannot start any token": "yaml_bad_character",
    "found unknown escape character %r": "yaml_bad_escape",
    "expected <block end>, but found %r": "yaml_no_block_end",
    "expected ',' or ']', but got %r": "yaml_no_list_end",
    "expected ',' or '}', but got %r": "yaml_no_mapping_end",
    "expected a comment or a line break, but found %r": "yaml_no_line_break",
    "expected the node content, but found %r": "yaml_no_content",
    "expected '<document start>', but found %r": "yaml_no_document_start",
    "could not determine a constructor for the tag %r": "yaml_unknown_tag",
}


#: A closing brace in a catalogue text would read as a placeholder's end: it is a parameter instead.
_YAML_BRACES = {"yaml_no_mapping_end": {"brace": "'}'"}}


def _yaml_problem(problem: str) -> str:
    """PyYAML's ``problem`` as a code (see :data:`_YAML_PROBLEMS`); one it has no code for, as PyYAML wrote it."""
    for fmt, key in _YAML_PROBLEMS.items():
        pre, marker, post = fmt.partition("%r")
        if not marker and problem == fmt:
            return Message(f"errors.{key}")
        if marker and problem.startswith(pre) and problem.endswith(post) and len(problem) > len(pre) + len(post):
            return Message(f"errors.{key}", found=problem[len(pre):len(problem) - len(post)], **_YAML_BRACES.get(key, {}))
    return problem


def parse_yaml(text: str, file: str | Path = "<text>") -> Any:
    """Parse strict YAML; errors are :class:`InputError` with file and line."""
    import yaml

    try:
        return yaml.load(text, Loader=_strict_loader())  # noqa: S506 - strict SafeLoader subclass
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = Message("errors.where_line_column", line=mark.line + 1, column=mark.column + 1) if mark else None
        problem = _yaml_problem(err.problem or err.context or "not valid YAML")
        raise InputError(Message("errors.yaml_invalid", problem=problem), file=file, where=where) from None
    except yaml.YAMLError as err:
        raise InputError(Message("errors.yaml_unreadable", error=str(err)), file=file) from None
    except RecursionError:
        raise InputError(Message("errors.file_too_deep"), file=file) from None


#: What Python's JSON reader says (its ``msg``), as the code ``errors.<value>`` read in every language.
_JSON_PROBLEMS = {
    "Expecting value": "json_no_value",
    "Expecting property name enclosed in double quotes": "json_no_name",
    "Expecting ':' delimiter": "json_no_colon",
    "Expecting ',' delimiter": "json_no_comma",
    "Unterminated string starting at": "json_unterminated",
    "Invalid control character at": "json_control_char",
    "Invalid \\escape": "json_bad_escape",
    "Invalid \\uXXXX escape": "json_bad_unicode",
    "Extra data": "json_extra_data",
    "Illegal trailing comma before end of object": "json_trailing_comma_object",
    "Illegal trailing comma before end of array": "json_trailing_comma_array",
}


def parse_json(text: str, file: str | Path = "<text>") -> Any:
    """Parse JSON refusing duplicate keys and NaN/Infinity; errors name file, line and column."""

    class Refused(ValueError):
        def __init__(self, message: Message) -> None:
            super().__init__(message)
            self.said = message

    def pairs(items: list[tuple[str, Any]]) -> dict:
        out: dict = {}
        for key, value in items:
            if key in out:
                raise Refused(Message("errors.key_twice", key=repr(key)))
            out[key] = value
        return out

    def no_constant(name: str) -> Any:
        raise Refused(Message("errors.json_constant", name=name))

    try:
        return json.loads(text, object_pairs_hook=pairs, parse_constant=no_constant)
    except json.JSONDecodeError as err:
        problem = Message(f"errors.{_JSON_PROBLEMS[err.msg]}") if err.msg in _JSON_PROBLEMS else err.msg
        raise InputError(Message("errors.json_invalid", problem=problem), file=file,
                         where=Message("errors.where_line_column", line=err.lineno, column=err.colno)) from None
    except Refused as err:
        raise InputError(err.said, file=file) from None
    except ValueError as err:
        raise InputError(str(err), file=file) from None
    except RecursionError:
        raise InputError(Message("errors.file_too_deep"), file=file) from None


def _what(what: str | None, default: str) -> str:
    """What a file should be, for a message: a caller's text, else the Message ``default``."""
    return Message(default) if what is None else what


def open_user_file(path: str | Path, *, what: str | None = None) -> IO[bytes]:
    """Open a file the user named for binary reading, refusing anything but a regular file.

    A folder, a device (``/dev/zero``), a FIFO or a socket gives an :class:`InputError` naming the
    file and what was expected; opening never blocks (a FIFO without a writer is refused, not
    waited on). Symbolic links are followed: on the command line, a link is the user's own choice.
    Pages that take file names confine them to the workspace first (see ``lia.pages.works_council``).
    The caller closes the returned file (``with open_user_file(...) as fh``).
    """
    p = Path(path)
    what = _what(what, "errors.what_file")
    try:
        fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError(Message("errors.file_missing", what=what), file=p) from None
    except IsADirectoryError:
        raise InputError(Message("errors.file_folder", what=what), file=p) from None
    except OSError as err:
        raise InputError(Message("errors.file_unreadable", reason=os_reason(err)), file=p) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise InputError(Message("errors.file_folder", what=what), file=p)
        if not stat.S_ISREG(mode):
            raise InputError(Message("errors.file_not_regular", what=what), file=p)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_user_file(path: str | Path, *, what: str | None = None, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a file the user gave (answers, evidence, keys, passphrases, logs to import).

    The single reader for user-given files: only regular files are read (see
    :func:`open_user_file`), and ``max_bytes`` is enforced while reading, so a file that grows
    or lies about its size cannot make lia read more. Errors are :class:`InputError` naming the
    file and what was expected.
    """
    p = Path(path)
    what = _what(what, "errors.what_file")
    with open_user_file(p, what=what) as fh:
        size = os.fstat(fh.fileno()).st_size
        if size > max_bytes:
            raise InputError(Message("errors.file_too_big", size=size, what=what, max=max_bytes), file=p)
        try:
            data = fh.read(max_bytes + 1)
        except OSError as err:
            raise InputError(Message("errors.file_unreadable", reason=os_reason(err)), file=p) from None
    if len(data) > max_bytes:
        raise InputError(Message("errors.file_too_big_read", what=what, max=max_bytes), file=p)
    return data


def load_data_file(path: str | Path, *, what: str | None = None) -> Any:
    """Read a YAML (``.yaml``/``.yml``) or JSON file the user gave, safely.

    Refuses missing files, folders, devices and pipes, files over 20 MiB, binary or non-UTF-8 content, with a
    message naming the file and what was expected.
    """
    p = Path(path)
    what = _what(what, "errors.what_data_file")
    raw = read_user_file(p, what=what)
    if b"\x00" in raw:
        raise InputError(Message("errors.file_binary", what=what), file=p)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise InputError(Message("errors.file_not_utf8"), file=p, where=Message("errors.where_line", line=line)) from None
    if not text.strip():
        raise InputError(Message("errors.file_empty", what=what), file=p)
    if p.suffix.lower() == ".json":
        return parse_json(text, p)
    return parse_yaml(text, p)
