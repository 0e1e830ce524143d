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
import re
from pathlib import Path
from typing import Any

from .errors import InputError

__all__ = ["load_data_file", "parse_yaml", "parse_json", "MAX_FILE_BYTES"]

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
            raise yaml.MarkedYAMLError(
                None, None, "aliases (*name) are not accepted; write the value out", event.start_mark
            )
        event = self.peek_event()
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise yaml.MarkedYAMLError(
                None, None, "anchors (&name) are not accepted; write the value out", event.start_mark
            )
        return yaml.SafeLoader.compose_node(self, parent, index)

    def construct_mapping(self: Any, node: Any, deep: bool = False) -> Any:
        seen: set = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise yaml.MarkedYAMLError(None, None, "a mapping key must be a plain value", key_node.start_mark)
            if key in seen:
                raise yaml.MarkedYAMLError(
                    None, None, f"the key {key!r} is given twice; give each key once", key_node.start_mark
                )
            seen.add(key)
        return yaml.SafeLoader.construct_mapping(self, node, deep=deep)

    StrictLoader.compose_node = compose_node  # type: ignore[method-assign]
    StrictLoader.construct_mapping = construct_mapping  # type: ignore[method-assign]
    _loader_cls = StrictLoader
    return StrictLoader


def parse_yaml(text: str, file: str | Path = "<text>") -> Any:
    """Parse strict YAML; errors are :class:`InputError` with file and line."""
    import yaml

    try:
        return yaml.load(text, Loader=_strict_loader())  # noqa: S506 - strict SafeLoader subclass
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        what = err.problem or err.context or "not valid YAML"
        raise InputError(f"{what} (expected valid YAML)", file=file, where=where) from None
    except yaml.YAMLError as err:
        raise InputError(f"not valid YAML: {err}", file=file) from None
    except RecursionError:
        raise InputError("nested too deeply to be a data file", file=file) from None


def parse_json(text: str, file: str | Path = "<text>") -> Any:
    """Parse JSON refusing duplicate keys and NaN/Infinity; errors name file, line and column."""

    def pairs(items: list[tuple[str, Any]]) -> dict:
        out: dict = {}
        for key, value in items:
            if key in out:
                raise ValueError(f"the key {key!r} is given twice; give each key once")
            out[key] = value
        return out

    def no_constant(name: str) -> Any:
        raise ValueError(f"{name} is not a JSON number; give a finite number")

    try:
        return json.loads(text, object_pairs_hook=pairs, parse_constant=no_constant)
    except json.JSONDecodeError as err:
        raise InputError(f"{err.msg} (expected valid JSON)", file=file, where=f"line {err.lineno}, column {err.colno}") from None
    except ValueError as err:
        raise InputError(str(err), file=file) from None
    except RecursionError:
        raise InputError("nested too deeply to be a data file", file=file) from None


def load_data_file(path: str | Path, *, what: str = "data file") -> Any:
    """Read a YAML (``.yaml``/``.yml``) or JSON file the user gave, safely.

    Refuses missing files, folders, files over 20 MiB, binary or non-UTF-8 content, with a
    message naming the file and what was expected.
    """
    p = Path(path)
    if not p.exists():
        raise InputError(f"no such file (expected a {what})", file=p)
    if p.is_dir():
        raise InputError(f"is a folder (expected a {what}, YAML or JSON)", file=p)
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(f"is {size} bytes; a {what} may be at most {MAX_FILE_BYTES} bytes", file=p)
        raw = p.read_bytes()
    except OSError as err:
        raise InputError(f"cannot be read ({err.strerror})", file=p) from None
    if b"\x00" in raw:
        raise InputError(f"contains binary data (expected a {what} in UTF-8 text, YAML or JSON)", file=p)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise InputError("is not UTF-8 text (save it as UTF-8)", file=p, where=f"line {line}") from None
    if not text.strip():
        raise InputError(f"is empty (expected a {what})", file=p)
    if p.suffix.lower() == ".json":
        return parse_json(text, p)
    return parse_yaml(text, p)
