"""A fake of lia.dashboards.sources.Sources for unit tests of the dashboards' own logic.

Its "reports" are folders ``reports/<id>/v<N>/`` holding report.html and a tiny
``fake-statement.json`` with the SHA-256 of report.html and the answers digest the
report was made from; ``statement.dsse.json`` present = signed. Verification
compares those, so editing a file really makes it fail, and saving a new version
really makes it stale - enough to test collect, the cache and the viewer.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lia.errors import Message
from lia.dashboards.sources import EvalSummary, ReportChanges, ReportCheck, SignerInfo, report_number


def make_report(ws_home: Path, aid: str, number: int, digest: str, *, signed: bool = True, html: str | None = None,
                findings: list[str] | None = None, verdict: str = "yes") -> Path:
    d = Path(ws_home) / "reports" / aid / f"v{number}"
    d.mkdir(parents=True, exist_ok=True)
    body = html or f"<html><body><h1>Report {aid} v{number}</h1><p>Verdict: {verdict}</p></body></html>"
    (d / "report.html").write_text(body, "utf-8")
    st = {"html": hashlib.sha256(body.encode()).hexdigest(), "answers": digest, "version": number,
          "findings": findings or [], "verdict": verdict}
    (d / "fake-statement.json").write_text(json.dumps(st), "utf-8")
    if signed:
        (d / "statement.dsse.json").write_text(json.dumps({"signers": [["Åsa Lindqvist", "dpo"]]}), "utf-8")
    return d


@dataclass
class FakeSources:
    verdicts: dict[str, EvalSummary] = field(default_factory=dict)
    rules_fp: str = "rules-1"
    inputs_fp: str = "inputs-1"
    evaluated: list[str] = field(default_factory=list)
    verified: list[str] = field(default_factory=list)

    def evaluate(self, assessment: dict[str, Any], answers: dict[str, Any]) -> EvalSummary:
        self.evaluated.append(assessment["id"])
        return self.verdicts.get(assessment["id"], EvalSummary("yes", False, ()))

    def rules_fingerprint(self) -> str:
        return self.rules_fp

    def inputs_fingerprint(self, ws: Any) -> str:
        return self.inputs_fp

    def report_dirs(self, ws: Any, aid: str) -> list[Path]:
        base = Path(ws.reports_dir) / aid
        if not base.is_dir():
            return []
        return sorted((p for p in base.iterdir() if report_number(p) is not None), key=lambda p: report_number(p))

    def previous_signed(self, ws: Any, report_dir: Path) -> Path | None:
        dirs = self.report_dirs(ws, Path(report_dir).parent.name)
        older = dirs[: dirs.index(Path(report_dir))]
        for d in reversed(older):
            if self.verify(ws, d).state in ("current", "stale"):
                return d
        return None

    def verify(self, ws: Any, report_dir: Path) -> ReportCheck:
        from lia.store import Store

        report_dir = Path(report_dir)
        self.verified.append(str(report_dir))
        st = json.loads((report_dir / "fake-statement.json").read_text("utf-8"))
        number = st["version"]
        problems = []
        html = (report_dir / "report.html").read_bytes()
        if hashlib.sha256(html).hexdigest() != st["html"]:
            problems.append(("report.html", Message("status.changed_file")))
        signers: tuple[SignerInfo, ...] = ()
        env = report_dir / "statement.dsse.json"
        if env.exists():
            signers = tuple(SignerInfo(n, r, "2026-01-02T10:00:00Z", True, "k" * 64) for n, r in json.loads(env.read_text("utf-8"))["signers"])
        else:
            problems.append(("statement.dsse.json", Message("status.not_signed")))
        aid = report_dir.parent.name
        head = Store(ws).load(aid)
        stale = () if head.digest == st["answers"] else (Message("status.newer_answers", head=head.number, n=number),)
        return ReportCheck(str(report_dir), number, signers, tuple(problems), stale, True, env.exists())

    def changes(self, ws: Any, old_dir: Path, new_dir: Path, lang: str = "en") -> ReportChanges:
        a = json.loads((Path(old_dir) / "fake-statement.json").read_text("utf-8"))
        b = json.loads((Path(new_dir) / "fake-statement.json").read_text("utf-8"))
        verdicts = () if a["verdict"] == b["verdict"] else ({"step": "overall", "old": a["verdict"], "new": b["verdict"]},)
        added = tuple({"rule": f, "severity": "warning", "message": f"finding {f}"} for f in b["findings"] if f not in a["findings"])
        removed = tuple({"rule": f, "severity": "warning", "message": f"finding {f}"} for f in a["findings"] if f not in b["findings"])
        return ReportChanges(a["version"], b["version"], verdicts, added, removed)
