"""Access-log evidence attached to an assessment: the analysis result, kept beside the versions.

``lia access ID --log FILE [--calls FILE] --attach`` stores what the analysis found in
``assessments/<id>/evidence/access.json``: the access log's (and the call log's) name, size
and SHA-256, the declared access policy it was measured against, the summary, the breaches
and two small tables the access page and the report draw their charts from (accesses per
role and month; per agent, the users who opened that agent's recordings, by pseudonymous
id). Never the log itself. Stored like the call-log evidence (``lia.periods.evidence``):
written atomically, validated field by field when read, a damaged file refused with the
file and the place. The document also carries ``analysis_digest``, the SHA-256 of the
RFC 8785 canonical JSON of everything else in it, checked on every read: a hand-edited
analysis is refused, not weighed.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, Message
from .. import evidence as _ev
from ..evidence import Validator as _V
from ..periods.evidence import evidence_path as _periods_path
from .breaches import KINDS, AccessBreach

__all__ = ["KIND", "FORMAT", "FILE_NAME", "RELATIVE_PATH", "AccessEvidence", "attach", "detach", "evidence_path",
           "load_evidence", "read_evidence", "evidence_digest", "build_document"]

KIND = "access-evidence"
FORMAT = 1
FILE_NAME = "access.json"
RELATIVE_PATH = f"evidence/{FILE_NAME}"
MAX_BYTES = 64 * 1024 * 1024
COMMAND = "lia access --attach"
ROLE_MONTH_COLUMNS = ["role", "month", "action", "accesses", "users"]
AGENT_USER_COLUMNS = ["agent", "team", "user", "role", "recordings", "accesses"]


@dataclass(frozen=True)
class AccessEvidence:
    """An attached access-log analysis, as read (and validated) from ``evidence/access.json``."""

    path: Path
    sha256: str
    assessment: dict[str, Any]
    source: dict[str, Any]
    calls_source: dict[str, Any] | None
    rows: int
    tz: str
    analysed_at: str
    limits: dict[str, Any]
    summary: dict[str, Any]
    breaches: list[dict[str, Any]]
    analysis_digest: str
    role_month: list[list[Any]] = field(default_factory=list)
    agent_users: list[list[Any]] = field(default_factory=list)

    @property
    def overview(self) -> dict[str, Any]:
        return dict(self.summary.get("overview") or {})

    def descriptor(self) -> dict[str, Any]:
        """What reports and ``lia evaluate --json`` say about the access evidence used."""
        return {"file": RELATIVE_PATH, "sha256": self.sha256, "analysis_digest": self.analysis_digest,
                "source": dict(self.source), "calls_source": dict(self.calls_source) if self.calls_source else None,
                "analysed_at": self.analysed_at, "breaches": len(self.breaches),
                "answers_version": self.assessment.get("version")}

    def tables(self) -> tuple[Any, Any]:
        """(role_month, agent_users) as pandas DataFrames."""
        import pandas as pd

        return (pd.DataFrame(self.role_month, columns=ROLE_MONTH_COLUMNS),
                pd.DataFrame(self.agent_users, columns=AGENT_USER_COLUMNS))


def evidence_path(ws: Any, aid: str) -> Path:
    """``<workspace>/assessments/<id>/evidence/access.json`` (the id is checked as for periods evidence)."""
    return _periods_path(ws, aid).with_name(FILE_NAME)


def build_document(report: Any, *, aid: str, version: Any, source: dict[str, Any], calls_source: dict[str, Any] | None,
                   tz: str, analysed_at: str | None = None) -> dict[str, Any]:
    """The evidence document for an :class:`~lia.access.analysis.AccessReport` (JSON-ready, with its digest)."""
    from ..canonical import digest_obj

    doc = {
        "kind": KIND, "format": FORMAT,
        "assessment": {"id": aid, "version": int(version.number), "digest": str(version.digest)},
        "source": {"name": str(source["name"]), "size": int(source["size"]), "sha256": str(source["sha256"])},
        "calls_source": ({"name": str(calls_source["name"]), "size": int(calls_source["size"]),
                          "sha256": str(calls_source["sha256"])} if calls_source else None),
        "rows": int(report.overview.get("events") or 0),
        "tz": tz,
        "analysed_at": analysed_at or _ev.now(),
        "limits": report.limits.to_dict(),
        "summary": json.loads(json.dumps(report.summary(), default=str)),
        "breaches": [b.to_dict() for b in report.breaches],
        "tables": {"role_month": {"columns": ROLE_MONTH_COLUMNS, "rows": [list(r) for r in report.role_month]},
                   "agent_users": {"columns": AGENT_USER_COLUMNS, "rows": [list(r) for r in report.agent_users]}},
    }
    doc["analysis_digest"] = digest_obj(doc)
    return doc


def attach(ws: Any, aid: str, report: Any, *, version: Any, source: str | Path, calls: str | Path | None, tz: str,
           read_stat: os.stat_result | None = None, analysed_at: str | None = None) -> AccessEvidence:
    """Store ``report`` (of the access log ``source``, checked against ``calls``) as the access evidence of ``aid``.

    When the log changed since ``read_stat`` was taken, nothing is written. Atomic: on any
    error the previous evidence stays as it was.
    """
    def build(fp: dict[str, Any]) -> dict[str, Any]:
        return build_document(report, aid=aid, version=version, source=fp,
                              calls_source=_ev.fingerprint(calls, what=Message("errors.what_call_log")) if calls else None, tz=tz, analysed_at=analysed_at)

    return _ev.attach_document(ws, aid, evidence_path(ws, aid), build, lambda d, p, sha: _validate(d, p, sha, aid),
                               source=source, log=Message("errors.what_access_log"), command=COMMAND, read_stat=read_stat)


def detach(ws: Any, aid: str) -> AccessEvidence | None:
    """Remove the attached access evidence (a damaged file too); returns what was removed, or None."""
    return _ev.remove_evidence(evidence_path(ws, aid), lambda: load_evidence(ws, aid))


def evidence_digest(ws: Any, aid: str) -> str | None:
    """Hex SHA-256 of the attached access evidence file, or None (the file is not parsed; for staleness)."""
    return _ev.file_sha256(evidence_path(ws, aid))


def load_evidence(ws: Any, aid: str) -> AccessEvidence | None:
    """The access evidence attached to ``aid``, or None; InputError (file and place) when it is damaged."""
    path = evidence_path(ws, aid)
    if not path.exists() and not path.is_symlink():
        return None
    return read_evidence(path, aid)


def read_evidence(path: str | Path, aid: str | None = None) -> AccessEvidence:
    """Read and validate an access evidence file; ``aid``, when given, must be the assessment it belongs to."""
    return _ev.read_document(path, lambda d, p, sha: _validate(d, p, sha, aid), COMMAND, MAX_BYTES)


def _validate(doc: Any, path: Path, sha: str, aid: str | None) -> AccessEvidence:
    from ..canonical import digest_obj

    v = _V(path)
    d = v.obj(doc, "top level")
    v.format(d, KIND, FORMAT, COMMAND)
    stored = v.text(v.key(d, "analysis_digest", ""), "analysis_digest")
    body = {k: x for k, x in d.items() if k != "analysis_digest"}
    if digest_obj(body) != stored:
        raise InputError(Message("errors.evidence_analysis_edited"), file=path, where="analysis_digest")
    a = v.obj(v.key(d, "assessment", ""), "assessment")
    if aid is not None and a.get("id") != aid:
        raise v.fail("assessment.id", repr(aid), a.get("id"))
    v.int(v.key(a, "version", "assessment"), "assessment.version", lo=1)
    src = v.obj(v.key(d, "source", ""), "source")
    for k in ("name", "sha256"):
        v.text(v.key(src, k, "source"), f"source.{k}")
    v.int(v.key(src, "size", "source"), "source.size")
    cs = d.get("calls_source")
    if cs is not None:
        v.obj(cs, "calls_source")
    breaches = v.list(v.key(d, "breaches", ""), "breaches")
    for i, b in enumerate(breaches):
        w = f"breaches[{i}]"
        v.obj(b, w)
        if b.get("kind") not in KINDS:
            raise v.fail(f"{w}.kind", Message("errors.frag_expect_one_of", choices=", ".join(KINDS)), b.get("kind"))
        try:
            AccessBreach.from_dict(b)
        except (KeyError, TypeError, ValueError):
            raise v.fail(w, Message("errors.frag_expect_access_breach"), b) from None
    tables = v.obj(v.key(d, "tables", ""), "tables")
    rm = v.list(v.obj(v.key(tables, "role_month", "tables"), "tables.role_month").get("rows"), "tables.role_month.rows")
    au = v.list(v.obj(v.key(tables, "agent_users", "tables"), "tables.agent_users").get("rows"), "tables.agent_users.rows")
    for name, rows, width in (("role_month", rm, len(ROLE_MONTH_COLUMNS)), ("agent_users", au, len(AGENT_USER_COLUMNS))):
        for i, r in enumerate(rows):
            if not isinstance(r, list) or len(r) != width:
                raise v.fail(f"tables.{name}.rows[{i}]", Message("errors.frag_expect_row_width", n=width), r)
    return AccessEvidence(path=path, sha256=sha, assessment=a, source=src, calls_source=cs,
                          rows=v.int(v.key(d, "rows", ""), "rows"), tz=v.text(v.key(d, "tz", ""), "tz"),
                          analysed_at=v.time(v.key(d, "analysed_at", ""), "analysed_at"),
                          limits=v.obj(v.key(d, "limits", ""), "limits"),
                          summary=v.obj(v.key(d, "summary", ""), "summary"), breaches=breaches,
                          analysis_digest=stored, role_month=rm, agent_users=au)
