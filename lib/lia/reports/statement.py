"""A report's in-toto Statement: reading it, and checking the folder's files and place against it.

``REPORT_DIR/statement.json`` is an in-toto Statement v1 listing the SHA-256 of
every report file and the digests of every input (:mod:`lia.reports.provenance`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

from ..errors import InputError, Message
from .dsse import _json_file, _read_small

__all__ = ["ENVELOPE_FILE", "RECORDS_FILE", "STATEMENT_FILE", "STATEMENT_TYPE", "check_binding", "check_subjects",
           "load_statement"]

STATEMENT_FILE = "statement.json"
ENVELOPE_FILE = "statement.dsse.json"
RECORDS_FILE = "signatures.json"
STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


_SUBJECT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def load_statement(report_dir: Path) -> tuple[bytes, dict[str, Any]]:
    """Read statement.json; check it is an in-toto Statement v1 of ours. Returns (bytes, object)."""
    path = Path(report_dir) / STATEMENT_FILE
    raw = _read_small(path, "statement")
    st = _json_file(path, "statement")
    if not isinstance(st, dict):
        raise InputError(Message("errors.statement_not_object"), file=path)
    if st.get("_type") != STATEMENT_TYPE:
        raise InputError(Message("errors.statement_type", expected=repr(STATEMENT_TYPE), found=repr(st.get("_type"))),
                         file=path)
    subjects = st.get("subject")
    if not isinstance(subjects, list) or not subjects:
        raise InputError(Message("errors.statement_subjects", shape="{name, digest: {sha256}}"), file=path)
    for i, s in enumerate(subjects):
        ok = (isinstance(s, dict) and isinstance(s.get("name"), str) and _SUBJECT_NAME.match(s["name"])
              and isinstance(s.get("digest"), dict) and isinstance(s["digest"].get("sha256"), str)
              and _HEX64.match(s["digest"]["sha256"]))
        if not ok:
            raise InputError(Message("errors.statement_subject"), file=path, where=f"subject[{i}]")
    pred = st.get("predicate")
    if not isinstance(pred, dict):
        raise InputError(Message("errors.statement_predicate"), file=path)
    for key, typ in (("assessment", dict), ("answers", dict), ("questionnaires", list), ("rule_packs", list),
                     ("template", dict), ("library", dict), ("rendered_at", str), ("lang", str)):
        if not isinstance(pred.get(key), typ):
            raise InputError(Message("errors.statement_predicate_key", key=key, type=typ.__name__), file=path)
    if not isinstance(pred["assessment"].get("id"), str) or not isinstance(pred["answers"].get("version"), int):
        raise InputError(Message("errors.statement_predicate_ids"), file=path)
    return raw, st


def check_subjects(report_dir: Path, statement: dict[str, Any]) -> list[tuple[str, str]]:
    """Compare every subject's SHA-256 with the file; flag links and every file the statement does not cover.

    A report folder holds plain files only: a symbolic link (even to identical bytes) is
    refused, and any other entry - hidden files and folders included - is reported.
    """
    report_dir = Path(report_dir)
    problems: list[tuple[str, str]] = []
    listed = set()
    for s in statement["subject"]:
        name = s["name"]
        listed.add(name)
        path = report_dir / name
        if path.is_symlink():
            problems.append((name, Message("status.symlink_file")))
            continue
        if not path.is_file():
            problems.append((name, Message("status.missing_file")))
            continue
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        if h.hexdigest() != s["digest"]["sha256"]:
            problems.append((name, Message("status.changed_file")))
    own = {STATEMENT_FILE, ENVELOPE_FILE, RECORDS_FILE}
    for p in sorted(report_dir.iterdir()):
        if p.name in own and p.is_symlink():
            problems.append((p.name, Message("status.symlink_file")))
        elif p.name not in listed and p.name not in own:
            if p.name.startswith(f".{ENVELOPE_FILE}.") or p.name.startswith(f".{RECORDS_FILE}."):
                continue  # a signature being written right now (write_atomic's temporary file)
            kind = "folder" if p.is_dir() and not p.is_symlink() else "file"
            problems.append((p.name, Message("status.added_file" if kind == "file" else "status.added_folder")))
    return problems


def check_binding(ws: Any, report_dir: Path, statement: dict[str, Any]) -> list[tuple[str, str]]:
    """Whether the statement belongs where it was found.

    Under the workspace's ``reports/`` the folder must be ``<assessment id>/v<N>`` (or
    ``v<N>-r<k>``) of the statement's id and answers version; wherever the folder is, the
    workspace's stored answers version N of that assessment (when it has that assessment)
    must have the digest the statement was built from. A report copied under another
    assessment or version, or into a workspace with other answers, fails here.
    """
    report_dir = Path(report_dir)
    pred = statement["predicate"]
    aid, n = str(pred["assessment"]["id"]), pred["answers"]["version"]
    problems: list[tuple[str, str]] = []
    if report_dir.is_symlink():
        problems.append((report_dir.name, Message("status.symlink_folder")))
    here, reports = Path(os.path.abspath(report_dir)), Path(os.path.abspath(ws.reports_dir))
    if reports in here.parents:
        rel = here.relative_to(reports).parts
        m = re.match(r"^v(\d+)(?:-r\d+)?$", rel[-1])
        if len(rel) != 2 or rel[0] != aid:
            problems.append((STATEMENT_FILE, Message("status.bound_assessment", id=aid,
                                                     folder=f"reports/{'/'.join(rel)}")))
        elif m is None or int(m.group(1)) != n:
            problems.append((STATEMENT_FILE, Message("status.bound_version", n=n, id=aid,
                                                     folder=f"reports/{'/'.join(rel)}")))
    vdir = Path(ws.assessments_dir) / aid / "versions"
    if re.match(r"^[a-z0-9][a-z0-9-]{0,62}$", aid) and vdir.is_dir():
        vfile = vdir / f"{n:04d}.json"
        try:
            have = json.loads(vfile.read_text(encoding="utf-8")).get("digest")
        except FileNotFoundError:
            problems.append((STATEMENT_FILE, Message("status.bound_missing", n=n, id=aid)))
        except (OSError, ValueError, AttributeError):
            pass  # unreadable: staleness says so
        else:
            want = pred["answers"].get("digest")
            if have != want:
                problems.append((STATEMENT_FILE, Message("status.bound_digest", want=want, n=n, id=aid, have=have)))
    return problems
