"""Call-log evidence attached to an assessment: the analysis result, kept beside the versions.

``lia periods ID --log FILE --attach`` stores what the analysis found in
``assessments/<id>/evidence/periods.json`` so that ``lia evaluate``, the
wizard's side panel and the report weigh the evidence, not only the declared
policy. The file holds the *result*, never the log: the source file's name,
size and SHA-256, the limits and answers version it was measured against, the
summary, the breaches (as ``lia periods --json`` prints them) and two small
aggregated tables the works-council charts are drawn from (per team and day,
per team and age in days). Agents appear only by their pseudonymous id, and
the size does not grow with the number of calls (a few hundred kB for a year
of ten million calls).

The file is written atomically (temporary file, fsync, rename): a failed
attach leaves the previous evidence as it was. Reading it validates every
field; a damaged or hand-edited file gives an :class:`~lia.errors.InputError`
naming the file and the place, never a traceback.

This module imports no numpy, pandas or altair at import time (reports check
staleness with :func:`evidence_digest`, which only hashes the file).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .. import evidence as _ev
from ..errors import InputError, IntegrityError, LiaError, Message, excerpt, shown_name
from ..evidence import Validator as _V
from .breaches import KINDS
from .limits import Limits, TrainingPeriod, parse_duration

__all__ = [
    "KIND", "FORMAT", "FILE_NAME", "RELATIVE_PATH", "MAX_BYTES", "Evidence", "attach", "detach", "evidence_path",
    "load_evidence", "read_evidence", "evidence_digest", "build_document", "limits_to_dict", "source_fingerprint",
    "content_digest",
]

KIND = "periods-evidence"
#: 2: the document carries its own ``digest`` (format 1 files had none and are refused: attach again).
FORMAT = 2
FILE_NAME = "periods.json"
#: Where the file lives inside ``assessments/<id>/`` (as reports and statements name it).
RELATIVE_PATH = f"evidence/{FILE_NAME}"
#: A larger file is refused unread (the real thing is a few hundred kB).
MAX_BYTES = 64 * 1024 * 1024
TEAM_DAYS_COLUMNS = ["team", "date", "agents_recorded", "calls", "recorded_calls"]
AGES_COLUMNS = ["team", "age_days", "recordings"]
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
COMMAND = "lia periods --attach"


# --------------------------------------------------------------------------- the loaded evidence

@dataclass(frozen=True)
class Evidence:
    """An attached call-log analysis, as read (and validated) from ``evidence/periods.json``."""

    path: Path
    sha256: str  # hex SHA-256 of the evidence file's bytes
    assessment: dict[str, Any]  # id, version, digest of the answers the limits came from
    source: dict[str, Any]  # name, size, sha256 of the analysed call log
    rows: int
    tz: str
    now: str
    analysed_at: str
    limits: Limits
    summary: dict[str, Any]
    breaches: list[dict[str, Any]]
    team_days: list[list[Any]] = field(default_factory=list)  # rows of TEAM_DAYS_COLUMNS (date as text)
    retention_ages: list[list[Any]] = field(default_factory=list)  # rows of AGES_COLUMNS

    @property
    def overview(self) -> dict[str, Any]:
        """The analysis overview (calls, recorded calls, first and last day, ...)."""
        return dict(self.summary.get("overview") or {})

    @property
    def first_day(self) -> str | None:
        """First local day of the log (ISO date), or None for an empty log."""
        return self.overview.get("first_day")

    @property
    def last_day(self) -> str | None:
        """Last local day of the log (ISO date), or None for an empty log."""
        return self.overview.get("last_day")

    def descriptor(self) -> dict[str, Any]:
        """What reports and ``lia evaluate --json`` say about the evidence used (small, JSON-ready)."""
        return {"file": RELATIVE_PATH, "sha256": self.sha256, "source": dict(self.source),
                "analysed_at": self.analysed_at, "breaches": len(self.breaches),
                "answers_version": self.assessment.get("version")}

    def limits_match(self, answers: dict[str, Any]) -> bool | None:
        """Whether ``answers`` declare the same limits the log was measured against (None: cannot tell)."""
        try:
            return Limits.from_answers(answers) == self.limits
        except LiaError:
            return None

    def tables(self) -> tuple[Any, Any]:
        """The two aggregated tables as pandas DataFrames: (team_days, retention_ages)."""
        import pandas as pd

        td = pd.DataFrame(self.team_days, columns=TEAM_DAYS_COLUMNS)
        td["date"] = [date.fromisoformat(d) for d in td["date"]]
        for c in TEAM_DAYS_COLUMNS[2:]:
            td[c] = td[c].astype("int64")
        ages = pd.DataFrame(self.retention_ages, columns=AGES_COLUMNS)
        for c in AGES_COLUMNS[1:]:
            ages[c] = ages[c].astype("int64")
        return td, ages

    def charts(self, lang: str = "en") -> dict[str, Any]:
        """The three works-council charts (timeline, weekly_share, retention) drawn from the stored tables."""
        from .charts import ages_histogram, share_heatmap, team_timeline

        td, ages = self.tables()
        rows = td.rename(columns={"team": "who"})[["who", "date", "calls", "recorded_calls"]]
        rows = rows.assign(team=rows["who"])
        return {
            "timeline": team_timeline(td, self.limits, self.overview, lang=lang),
            "weekly_share": share_heatmap(rows, "team", self.limits, lang=lang),
            "retention": ages_histogram(ages, self.limits, lang=lang),
        }


# --------------------------------------------------------------------------- writing

def evidence_path(ws: Any, aid: str) -> Path:
    """``<workspace>/assessments/<id>/evidence/periods.json`` (whether it exists or not)."""
    if not isinstance(aid, str) or not _ID.match(aid):
        raise LiaError(Message("errors.evidence_bad_id", id=repr(aid)))
    return Path(ws.assessments_dir) / aid / "evidence" / FILE_NAME


def limits_to_dict(limits: Limits) -> dict[str, Any]:
    """The limits as JSON (inverse of the reading in :func:`read_evidence`)."""
    return {
        "training_periods": [{"group": p.group, "start": p.start.isoformat(), "end": p.end.isoformat()}
                             for p in limits.training_periods],
        "max_consecutive_days": limits.max_consecutive_days,
        "max_days_per_month": limits.max_days_per_month,
        "share_recorded_percent": limits.share_recorded_percent,
        "continuous": limits.continuous,
        "retention": limits.retention.iso() if limits.retention is not None else None,
        "never_recorded": list(limits.never_recorded),
        "max_whole_weeks": limits.max_whole_weeks,
        "withdrawal_deletion_days": limits.withdrawal_deletion_days,
    }


def source_fingerprint(path: str | Path) -> dict[str, Any]:
    """Name (without folders), size and SHA-256 of the analysed file or folder of Parquet files."""
    return _ev.fingerprint(path, what=Message("errors.what_call_log"))


def build_document(report: Any, *, aid: str, version: Any, source: dict[str, Any], tz: str,
                   analysed_at: str | None = None) -> dict[str, Any]:
    """The evidence document for a :class:`~lia.periods.analysis.PeriodReport` (JSON-ready)."""
    from .charts import team_days

    td = team_days(report)
    ages = report.retention_ages
    summary = report.summary()
    return {
        "kind": KIND,
        "format": FORMAT,
        "assessment": {"id": aid, "version": int(version.number), "digest": str(version.digest)},
        "source": {"name": str(source["name"]), "size": int(source["size"]), "sha256": str(source["sha256"])},
        "rows": int(report.overview.get("calls") or 0),
        "tz": tz,
        "now": report.overview.get("now"),
        "analysed_at": analysed_at or _ev.now(),
        "limits": limits_to_dict(report.limits),
        "summary": summary,
        "breaches": [b.to_dict() for b in report.breaches],
        "tables": {
            "team_days": {"columns": TEAM_DAYS_COLUMNS,
                          "rows": [[str(t), d.isoformat(), int(a), int(c), int(r)] for t, d, a, c, r in
                                   zip(td["team"], td["date"], td["agents_recorded"], td["calls"], td["recorded_calls"])]},
            "retention_ages": {"columns": AGES_COLUMNS,
                               "rows": [[str(t), int(a), int(n)] for t, a, n in
                                        zip(ages["team"], ages["age_days"], ages["recordings"])]},
        },
    }


def attach(ws: Any, aid: str, report: Any, *, version: Any, source: str | Path, tz: str,
           read_stat: os.stat_result | None = None, analysed_at: str | None = None) -> Evidence:
    """Store the analysis ``report`` of the log ``source`` as the evidence of assessment ``aid``.

    ``version`` is the answers version (number, digest) the limits came from.
    ``read_stat`` is ``os.stat(source)`` taken before the log was read: when the
    file changed since, nothing is written (the SHA-256 would not describe what
    was analysed). Writes atomically; on any error the previous evidence stays.
    Returns the evidence as :func:`load_evidence` will read it.
    """
    def build(fp: dict[str, Any]) -> dict[str, Any]:
        doc = build_document(report, aid=aid, version=version, source=fp, tz=tz, analysed_at=analysed_at)
        doc["digest"] = content_digest(json.loads(_ev.dumps(doc)))  # over the values exactly as they will be read
        return doc

    return _ev.attach_document(ws, aid, evidence_path(ws, aid), build, lambda d, p, sha: _validate(d, p, sha, aid),
                               source=source, log=Message("errors.what_call_log"), command=COMMAND, read_stat=read_stat)


def content_digest(doc: dict[str, Any]) -> str:
    """``sha256:<hex>`` over the RFC 8785 canonical JSON of the document without its ``digest`` key.

    Recorded at attach time; :func:`read_evidence` (so ``lia check``, ``lia evaluate``, the wizard
    and reports) refuses a file whose content no longer hashes to it: a deleted breach or an
    edited count is caught. As with stored versions, the digest is in the file itself.
    """
    from ..canonical import digest_obj

    return digest_obj({k: v for k, v in doc.items() if k != "digest"})


def detach(ws: Any, aid: str) -> Evidence | None:
    """Remove the attached evidence of ``aid``; returns what was removed (None when there was none).

    A damaged file is removed as well (then None is returned).
    """
    return _ev.remove_evidence(evidence_path(ws, aid), lambda: load_evidence(ws, aid), (InputError, IntegrityError))


# --------------------------------------------------------------------------- reading

def evidence_digest(ws: Any, aid: str) -> str | None:
    """Hex SHA-256 of the attached evidence file, or None when none is attached (the file is not parsed)."""
    return _ev.file_sha256(evidence_path(ws, aid))


def load_evidence(ws: Any, aid: str) -> Evidence | None:
    """The evidence attached to ``aid``, or None. Raises InputError (file and place) when it is damaged."""
    path = evidence_path(ws, aid)
    if not path.exists() and not path.is_symlink():
        return None
    return read_evidence(path, aid)


def read_evidence(path: str | Path, aid: str | None = None) -> Evidence:
    """Read and validate an evidence file; ``aid``, when given, must be the assessment it belongs to."""
    return _ev.read_document(path, lambda d, p, sha: _validate(d, p, sha, aid), COMMAND, MAX_BYTES)


def _validate(doc: Any, path: Path, sha: str, aid: str | None) -> Evidence:
    v = _V(path)
    d = v.obj(doc, "top level")
    v.format(d, KIND, FORMAT, COMMAND, again="lia periods ID --log FILE --attach")

    a = v.obj(v.key(d, "assessment", ""), "assessment")
    assessment = {"id": v.text(v.key(a, "id", "assessment"), "assessment.id"),
                  "version": v.int(v.key(a, "version", "assessment"), "assessment.version", lo=1),
                  "digest": v.text(v.key(a, "digest", "assessment"), "assessment.digest")}
    if aid is not None and assessment["id"] != aid:
        raise InputError(Message("errors.evidence_other_assessment", other=repr(assessment["id"]), id=repr(aid)),
                         file=path, where="assessment.id")

    s = v.obj(v.key(d, "source", ""), "source")
    source = {"name": v.text(v.key(s, "name", "source"), "source.name"),
              "size": v.int(v.key(s, "size", "source"), "source.size"),
              "sha256": v.text(v.key(s, "sha256", "source"), "source.sha256")}
    if "/" in source["name"] or "\\" in source["name"]:
        raise v.fail("source.name", Message("errors.frag_expect_file_name"), source["name"])
    if not _HEX64.match(source["sha256"]):
        raise v.fail("source.sha256", Message("errors.frag_expect_hex64"), source["sha256"])

    rows = v.int(v.key(d, "rows", ""), "rows")
    tz = v.text(v.key(d, "tz", ""), "tz")
    now = v.time(v.key(d, "now", ""), "now")
    analysed_at = v.time(v.key(d, "analysed_at", ""), "analysed_at")
    limits = _limits(v, v.obj(v.key(d, "limits", ""), "limits"))

    summary = v.obj(v.key(d, "summary", ""), "summary")
    ov = v.obj(v.key(summary, "overview", "summary"), "summary.overview")
    for k in ("first_day", "last_day"):
        v.day(ov.get(k), f"summary.overview.{k}", optional=True)
    v.obj(summary.get("checks", {}), "summary.checks")
    for k in ("teams", "agents"):
        for i, r in enumerate(v.list(summary.get(k, []), f"summary.{k}")):
            v.obj(r, f"summary.{k}[{i + 1}]")

    breaches = []
    for i, b in enumerate(v.list(v.key(d, "breaches", ""), "breaches"), start=1):
        w = f"breaches[{i}]"
        b = v.obj(b, w)
        kind = v.key(b, "kind", w)
        if kind not in KINDS:
            raise v.fail(f"{w}.kind", Message("errors.frag_expect_one_of", choices=", ".join(KINDS)), kind)
        if b.get("agent") is None and b.get("team") is None:
            raise InputError(Message("errors.evidence_breach_whom"), file=path, where=w)
        for k in ("agent", "team"):
            v.text(b.get(k), f"{w}.{k}", optional=True)
        per = v.obj(v.key(b, "period", w), f"{w}.period")
        lo = v.day(v.key(per, "start", f"{w}.period"), f"{w}.period.start")
        hi = v.day(v.key(per, "end", f"{w}.period"), f"{w}.period.end")
        if hi < lo:
            raise v.fail(f"{w}.period.end", Message("errors.frag_expect_day_from", day=str(lo)), per["end"])
        v.num(v.key(b, "value", w), f"{w}.value")
        v.num(v.key(b, "limit", w), f"{w}.limit")
        v.text(v.key(b, "unit", w), f"{w}.unit")
        v.int(b.get("calls"), f"{w}.calls", optional=True)
        breaches.append(dict(b))

    t = v.obj(v.key(d, "tables", ""), "tables")
    team_days = _table(v, v.key(t, "team_days", "tables"), "tables.team_days", TEAM_DAYS_COLUMNS,
                       (v.text, v.day, v.int, v.int, v.int))
    ages = _table(v, v.key(t, "retention_ages", "tables"), "tables.retention_ages", AGES_COLUMNS,
                  (v.text, lambda x, w: v.int(x, w, lo=-10**9), v.int))
    recorded = v.text(v.key(d, "digest", ""), "digest")
    try:
        actual = content_digest(d)
    except Exception:  # noqa: BLE001 - a value canonical JSON cannot write (a huge integer): not what was attached
        actual = "(cannot be computed)"
    if actual != recorded:
        raise IntegrityError(Message("errors.evidence_altered", path=shown_name(path), actual=actual,
                                     recorded=excerpt(recorded, 80)))
    return Evidence(path=path, sha256=sha, assessment=assessment, source=source, rows=rows, tz=tz, now=now,
                    analysed_at=analysed_at, limits=limits, summary=summary, breaches=breaches,
                    team_days=team_days, retention_ages=ages)


def _table(v: _V, tbl: Any, where: str, columns: list[str], checks: tuple[Any, ...]) -> list[list[Any]]:
    tbl = v.obj(tbl, where)
    if v.key(tbl, "columns", where) != columns:
        raise v.fail(f"{where}.columns", repr(columns), tbl.get("columns"))
    out = []
    for i, row in enumerate(v.list(v.key(tbl, "rows", where), f"{where}.rows"), start=1):
        w = f"{where}.rows[{i}]"
        if not isinstance(row, list) or len(row) != len(columns):
            raise v.fail(w, Message("errors.frag_expect_row_values", n=len(columns), columns=", ".join(columns)), row)
        for j, (x, check) in enumerate(zip(row, checks)):
            check(x, f"{w}.{columns[j]}")
        out.append(row)
    return out


def _limits(v: _V, d: dict[str, Any]) -> Limits:
    periods = []
    for i, r in enumerate(v.list(d.get("training_periods", []), "limits.training_periods"), start=1):
        w = f"limits.training_periods[{i}]"
        r = v.obj(r, w)
        lo = v.day(v.key(r, "start", w), f"{w}.start")
        hi = v.day(v.key(r, "end", w), f"{w}.end")
        if hi < lo:
            raise v.fail(f"{w}.end", Message("errors.frag_expect_day_from", day=str(lo)), r["end"])
        periods.append(TrainingPeriod(group=v.text(v.key(r, "group", w), f"{w}.group"), start=lo, end=hi))
    retention = d.get("retention")
    if retention is not None:
        try:
            retention = parse_duration(v.text(retention, "limits.retention"), where="limits.retention")
        except InputError as err:
            raise InputError(err.detail, file=v.path, where="limits.retention") from None
    continuous = d.get("continuous")
    if continuous is not None and not isinstance(continuous, bool):
        raise v.fail("limits.continuous", Message("errors.frag_expect_bool_or_null"), continuous)
    never = v.list(d.get("never_recorded", []), "limits.never_recorded")
    for i, x in enumerate(never, start=1):
        v.text(x, f"limits.never_recorded[{i}]")
    share = v.num(d.get("share_recorded_percent"), "limits.share_recorded_percent", optional=True)
    return Limits(
        training_periods=tuple(periods),
        max_consecutive_days=v.int(d.get("max_consecutive_days"), "limits.max_consecutive_days", optional=True),
        max_days_per_month=v.int(d.get("max_days_per_month"), "limits.max_days_per_month", optional=True),
        share_recorded_percent=float(share) if share is not None else None,
        continuous=continuous,
        retention=retention,
        never_recorded=tuple(never),
        max_whole_weeks=v.int(d.get("max_whole_weeks", 0), "limits.max_whole_weeks"),
        withdrawal_deletion_days=v.int(d.get("withdrawal_deletion_days", 30), "limits.withdrawal_deletion_days"),
    )
