"""Reading an answers file a user gives to ``lia save`` or ``lia validate``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import InputError, Message
from .loaders import load_data_file

__all__ = ["read_answers_file", "read_answers_version"]

_RECORD_KEYS = {"author", "digest", "format", "message", "number", "parent", "questionnaires", "time"}


def read_answers_file(path: str | Path) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Return ``(answers, metadata or None)`` from a YAML/JSON answers file.

    Accepted shapes: a mapping of question ids to answers; a mapping with ``answers`` (and
    optionally ``assessment``); or a whole version record as printed by ``lia show --json``.
    """
    return _answers(load_data_file(path, what=Message("errors.what_answers")), path)


def read_answers_version(path: str | Path) -> tuple[dict[str, Any], dict[str, Any] | None, int | None, str | None]:
    """Like :func:`read_answers_file`, plus the version the file says it was edited from.

    ``(answers, metadata or None, number, digest)``: a whole version record (``lia show --json``)
    names its version in ``number`` and ``digest``; the other shapes name none (None, None).
    """
    data = load_data_file(path, what=Message("errors.what_answers"))
    answers, meta = _answers(data, path)
    if "answers" not in data or "number" not in data:
        return answers, meta, None, None
    number, digest = data.get("number"), data.get("digest")
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        raise InputError(Message("errors.answers_bad_number", value=repr(number)), file=path)
    if digest is not None and not isinstance(digest, str):
        raise InputError(Message("errors.answers_bad_digest", n=number, value=repr(digest)), file=path)
    return answers, meta, number, digest


def _answers(data: Any, path: str | Path) -> tuple[dict[str, Any], dict[str, Any] | None]:
    if not isinstance(data, dict):
        raise InputError(Message("errors.answers_not_mapping"), file=path, where=Message("errors.where_line", line=1))
    if "answers" in data and isinstance(data["answers"], dict):
        extra = set(data) - {"answers", "assessment"} - _RECORD_KEYS
        if extra:
            raise InputError(Message("errors.answers_extra_keys", keys=", ".join(sorted(map(str, extra)))), file=path)
        meta = data.get("assessment")
        if meta is not None and not isinstance(meta, dict):
            raise InputError(Message("errors.answers_bad_meta"), file=path)
        return data["answers"], meta
    bad = [k for k in data if not isinstance(k, str)]
    if bad:
        raise InputError(Message("errors.answers_bad_ids", value=repr(bad[0])), file=path)
    return data, None
