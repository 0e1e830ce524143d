"""Which reports are current, stale, superseded or broken, and the newest one whose signatures verify."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import LiaError
from .folders import dir_key, report_dirs
from .provenance import stale_reasons
from .signing import verify_report
from .statement import ENVELOPE_FILE, check_binding, load_statement

__all__ = ["ReportStatus", "latest_signed", "report_status"]


def latest_signed(ws: Any, aid: str, before: Path | None = None) -> Path | None:
    """The newest report folder of ``aid`` (older than ``before``, if given) whose signatures all verify."""
    dirs = report_dirs(ws, aid)
    if before is not None:
        before = Path(before)
        dirs = dirs[: dirs.index(before)] if before in dirs else []
    for d in reversed(dirs):
        if not (d / ENVELOPE_FILE).exists():
            continue
        try:
            if verify_report(ws, d, check_current=False).ok:
                return d
        except LiaError:
            continue
    return None


@dataclass
class ReportStatus:
    """One report folder and whether it is current."""

    aid: str
    dir: Path
    version: int
    state: str  # current | stale | superseded | broken (unreadable, or its statement belongs elsewhere)
    reasons: list[str] = field(default_factory=list)
    signed: bool = False

    def to_json(self) -> dict[str, Any]:
        """Plain dict for --json."""
        return {"assessment": self.aid, "dir": str(self.dir), "version": self.version, "state": self.state,
                "reasons": self.reasons, "signed": self.signed}


def report_status(ws: Any, templates: Path | None = None) -> list[ReportStatus]:
    """Every report: the newest of each assessment is current or stale (and why); older ones are superseded."""
    out = []
    by_aid: dict[str, list[Path]] = {}
    for d in report_dirs(ws):
        by_aid.setdefault(d.parent.name, []).append(d)
    for aid, dirs in sorted(by_aid.items()):
        newest = dirs[-1]
        for d in dirs:
            signed = (d / ENVELOPE_FILE).exists()
            try:
                _, st = load_statement(d)
            except LiaError as exc:
                out.append(ReportStatus(aid, d, dir_key(d)[0], "broken", [str(exc)], signed))
                continue
            n = st["predicate"]["answers"]["version"]
            wrong_place = [f"{f}: {m}" for f, m in check_binding(ws, d, st)]
            if wrong_place:  # e.g. another assessment's report copied here: never current
                out.append(ReportStatus(aid, d, n, "broken", wrong_place, signed))
                continue
            if d != newest:
                out.append(ReportStatus(aid, d, n, "superseded", [f"superseded by {newest.name}"], signed))
                continue
            reasons = stale_reasons(ws, st, templates)
            out.append(ReportStatus(aid, d, n, "stale" if reasons else "current", reasons, signed))
    return out

