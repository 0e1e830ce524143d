"""The one mechanism for evidence files attached to an assessment (``assessments/<id>/evidence/*.json``).

The call-log evidence (:mod:`lia.periods.evidence`, ``periods.json``) and the access-log evidence
(:mod:`lia.access.evidence`, ``access.json``) differ in what they hold, not in how they are kept:

* **attach** (:func:`attach_document`): refused when the assessment has no saved version or when
  the log changed while it was analysed; the document is written as JSON with one table row a
  line (:func:`dumps`), validated by its own reader *before* it is written (we must read what we
  write), then written atomically (:func:`lia.fsio.atomic_write`): a failed attach leaves the
  previous evidence as it was.
* **digest**: :func:`fingerprint` names a log by name, size and SHA-256 (never its content);
  :func:`file_sha256` hashes an evidence file for staleness checks without parsing it; each
  document carries the SHA-256 of its own RFC 8785 canonical JSON, checked on every read.
* **verify** (:func:`read_document`, :class:`Validator`): a file is read through the one reader of
  user files, parsed with file, line and column in every error, and validated field by field; a
  damaged file is an :class:`~lia.errors.InputError` naming the file and the place.
* **detach** (:func:`remove_evidence`): the file is removed durably, a damaged one too.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Callable, TypeVar

from .errors import InputError, LiaError, Message, NotFoundError, os_reason

__all__ = ["Validator", "attach_document", "dumps", "file_sha256", "fingerprint", "now", "parse_bytes",
           "read_document", "remove_evidence"]

T = TypeVar("T")


def now() -> str:
    """The time an analysis is recorded at: UTC, whole seconds, ``Z``."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def fingerprint(path: str | Path, what: str = "log") -> dict[str, Any]:
    """``{name, size, sha256}`` of a log, read through the one reader of user files.

    A folder of Parquet files (one log, :func:`lia.tabular.parquet_folder`) has the SHA-256 over
    each file's name and SHA-256 in name order, and the files' total size.
    """
    from .loaders import open_user_file

    p = Path(path)
    h = hashlib.sha256()
    if p.is_dir() and not p.is_symlink():
        from .tabular import parquet_folder

        parts = [fingerprint(f, what) for f in parquet_folder(p)]
        for f in parts:
            h.update(f["name"].encode() + b"\0" + bytes.fromhex(f["sha256"]))
        return {"name": p.name, "size": sum(f["size"] for f in parts), "sha256": h.hexdigest()}
    with open_user_file(p, what=what) as fh:
        try:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        except OSError as err:
            raise InputError(Message("errors.evidence_unhashable", reason=os_reason(err)), file=p) from None
    return {"name": p.name, "size": p.stat().st_size, "sha256": h.hexdigest()}


def file_sha256(path: Path) -> str | None:
    """Hex SHA-256 of the evidence file at ``path``, or None when there is none (the file is not parsed)."""
    if not path.is_file():
        return None
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def dumps(doc: dict[str, Any]) -> bytes:
    """JSON with one table row per line (``doc["tables"][name] = {columns, rows}``): readable, and small."""
    tables = doc.get("tables") or {}
    head = {k: v for k, v in doc.items() if k != "tables"}
    text = json.dumps(head, indent=2, ensure_ascii=False, allow_nan=False)
    parts = []
    for name, tbl in tables.items():
        rows = ",\n".join("      " + json.dumps(r, ensure_ascii=False, allow_nan=False) for r in tbl["rows"])
        parts.append(f'    {json.dumps(name)}: {{\n      "columns": {json.dumps(tbl["columns"])},\n'
                     f'      "rows": [\n{rows}\n      ]\n    }}' if tbl["rows"] else
                     f'    {json.dumps(name)}: {{"columns": {json.dumps(tbl["columns"])}, "rows": []}}')
    return (text[:-2] + ',\n  "tables": {\n' + ",\n".join(parts) + "\n  }\n}\n").encode("utf-8")


def parse_bytes(raw: bytes, path: Path, command: str = "lia periods --attach") -> Any:
    """Decode and parse the JSON bytes of an evidence file (errors name file, line and column)."""
    from .loaders import parse_json

    if not raw.strip():
        raise InputError(Message("errors.evidence_empty", command=command), file=path)
    if b"\x00" in raw:
        raise InputError(Message("errors.evidence_binary", command=command), file=path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise InputError(Message("errors.evidence_not_utf8", command=command), file=path,
                         where=Message("errors.where_line", line=line)) from None
    return parse_json(text, path)


def read_document(path: str | Path, validate: Callable[[Any, Path, str], T], command: str, max_bytes: int) -> T:
    """Read an evidence file and hand ``validate(document, path, sha256)`` the parsed JSON."""
    from .loaders import read_user_file

    p = Path(path)
    raw = read_user_file(p, what=Message("errors.what_evidence", command=command), max_bytes=max_bytes)
    return validate(parse_bytes(raw, p, command), p, hashlib.sha256(raw).hexdigest())


def attach_document(ws: Any, aid: str, path: Path, build: Callable[[dict[str, Any]], dict[str, Any]],
                    validate: Callable[[Any, Path, str], T], *, source: str | Path, log: str, command: str,
                    read_stat: os.stat_result | None = None) -> T:
    """Write the evidence ``build(fingerprint(source))`` to ``path`` (see the module docstring).

    ``read_stat`` is ``os.stat(source)`` taken before the log was read: when the log changed since,
    nothing is written (its SHA-256 would not describe what was analysed). ``log`` names it in the
    message ("call log", "access log"). Returns the evidence as ``validate`` reads it back.
    """
    from .fsio import atomic_write

    if not (path.parent.parent / "versions").is_dir():
        raise NotFoundError(Message("errors.evidence_no_assessment", id=repr(aid), dir=ws.assessments_dir))
    fp = fingerprint(source, what=log)
    if read_stat is not None:
        st = os.stat(source)
        if (st.st_size, st.st_mtime_ns) != (read_stat.st_size, read_stat.st_mtime_ns):
            raise LiaError(Message("errors.evidence_log_changed", source=source, log=log))
    data = dumps(build(fp))
    ev = validate(parse_bytes(data, path, command), path, hashlib.sha256(data).hexdigest())
    atomic_write(path, data)
    return ev


def remove_evidence(path: Path, load: Callable[[], T | None], damaged: tuple[type[Exception], ...] = (InputError,)
                    ) -> T | None:
    """Remove the evidence file at ``path`` (a damaged one too: then None); returns what was removed."""
    from .fsio import remove

    if not path.exists():
        return None
    try:
        old = load()
    except damaged:
        old = None
    remove(path)
    return old


def _place(where: str) -> str:
    """A JSON path as an error's place: the document itself ("" or "top level") in the reader's language."""
    return Message("errors.where_top_level") if where in ("", "top level") else where


class Validator:
    """Small typed accessors that raise InputError naming the file and the JSON path."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, expected: str, got: Any) -> InputError:
        shown = repr(got)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        return InputError(Message("errors.evidence_expected", expected=expected, found=shown), file=self.path,
                          where=_place(where))

    def format(self, d: dict[str, Any], kind: str, fmt: int, command: str, again: str | None = None) -> None:
        """The document's ``kind`` and ``format``: a newer format, or an older one without a digest, is named as
        such, with ``again`` (default ``command``) as the command that writes a current file."""
        if d.get("kind") != kind:
            raise self.fail("kind", Message("errors.frag_expect_written_by", kind=repr(kind), command=command), d.get("kind"))
        got = self.key(d, "format", "")
        if got != fmt:
            if isinstance(got, int) and not isinstance(got, bool) and got > fmt:
                raise InputError(Message("errors.evidence_newer_format", format=got, reads=fmt),
                                 file=self.path, where="format")
            if isinstance(got, int) and not isinstance(got, bool) and 0 < got < fmt:
                raise InputError(Message("errors.attach_without_digest", format=got, command=again or command),
                                 file=self.path, where="format")
            raise self.fail("format", str(fmt), got)

    def obj(self, v: Any, where: str) -> dict[str, Any]:
        if not isinstance(v, dict):
            raise self.fail(where, Message("errors.frag_expect_object"), v)
        return v

    def key(self, d: dict[str, Any], k: str, where: str) -> Any:
        if k not in d:
            raise InputError(Message("errors.evidence_key_missing", key=repr(k)), file=self.path,
                             where=_place(where))
        return d[k]

    def text(self, v: Any, where: str, optional: bool = False) -> Any:
        if v is None and optional:
            return None
        if not isinstance(v, str) or not v or len(v) > 10_000:
            raise self.fail(where, Message("errors.frag_expect_nonempty_text"), v)
        return v

    def int(self, v: Any, where: str, lo: int = 0, optional: bool = False) -> Any:
        if v is None and optional:
            return None
        if isinstance(v, bool) or not isinstance(v, int) or v < lo:
            raise self.fail(where, Message("errors.frag_expect_whole_min", lo=lo), v)
        return v

    def num(self, v: Any, where: str, optional: bool = False) -> Any:
        if v is None and optional:
            return None
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise self.fail(where, Message("errors.frag_expect_number"), v)
        return v

    def day(self, v: Any, where: str, optional: bool = False) -> Any:
        if v is None and optional:
            return None
        try:
            if isinstance(v, str) and len(v) == 10:
                return date.fromisoformat(v)
        except ValueError:
            pass
        raise self.fail(where, Message("errors.frag_expect_day"), v)

    def time(self, v: Any, where: str) -> str:
        try:
            if isinstance(v, str) and datetime.fromisoformat(v.replace("Z", "+00:00")).tzinfo is not None:
                return v
        except ValueError:
            pass
        raise self.fail(where, Message("errors.frag_expect_time"), v)

    def list(self, v: Any, where: str) -> list[Any]:
        if not isinstance(v, list):
            raise self.fail(where, Message("errors.frag_expect_list"), v)
        return v
