"""What a report is built from, with digests, and whether those inputs are still current.

The bottom of the report flow: rendering (:mod:`lia.reports.render`) records
:func:`current_inputs` in the statement, signing and status
(:mod:`lia.reports.signing`, :mod:`lia.reports.status`) ask :func:`stale_reasons`.
This module imports neither of them.

Inputs: the answers version, every questionnaire, the rule packs that apply
(:func:`lia.rules.packs.packs_for`) with the weighing model and the DPIA criteria,
the report template files, the attached call-log and access-log evidence, the
library version and the versions of the tools that shape a report's bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any, Iterable

from ..canonical import digest_obj
from ..errors import LiaError, Message

__all__ = [
    "REPORT_TOOLS", "TEMPLATE_FILES", "access_evidence_input", "current_inputs", "evidence_input",
    "questionnaire_inputs", "rule_pack_inputs", "stale_reasons", "template_inputs", "tool_versions",
]

# Everything that shapes a report besides answers, questionnaires, rule packs and the library.
#: The report's HTML sections (lia.reports.html) are rendered from the Jinja2 templates in html/report/.
HTML_TEMPLATES = tuple(f"html/report/{n}.html.j2" for n in (
    "macros", "value", "summary", "lia", "groups", "dpia", "findings", "periods", "evidence", "access",
    "access_evidence", "union", "answers", "provenance"))
TEMPLATE_FILES = ("report.ipynb", "nbconvert/lia_report/conf.json", "nbconvert/lia_report/index.html.j2",
                  "nbconvert/lia_report/static/report.css", "i18n/reports.yaml", *HTML_TEMPLATES)
#: Besides the packs of the assessment's jurisdictions, these files decide what every report says: the
#: weighing model, the WP248 criteria and the legal source registry its citations are rendered from.
DECISION_MODELS = ("weighing.yaml", "dpia_criteria.yaml", "sources.yaml")


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _library_version() -> str:
    from .. import __version__

    return str(__version__)


#: The packages whose version changes a report's bytes (notebook execution, charts, HTML).
#: Their versions are signed in the statement (``predicate.tools``); an upgrade makes reports stale.
REPORT_TOOLS = ("altair", "nbconvert", "papermill", "vl-convert-python")


def tool_versions() -> dict[str, str]:
    """Installed version of each of :data:`REPORT_TOOLS` (``"not installed"`` when absent)."""
    if not _TOOLS:  # filled in place: a warm kernel keeps this module, and checks its names do not change
        from importlib.metadata import PackageNotFoundError, version

        for name in REPORT_TOOLS:
            try:
                _TOOLS[name] = version(name)
            except PackageNotFoundError:
                _TOOLS[name] = "not installed"
    return dict(_TOOLS)


_TOOLS: dict[str, str] = {}


# --------------------------------------------------------------------------- inputs

def template_inputs(templates: Path) -> dict[str, Any]:
    """Digest of the report template: every file in TEMPLATE_FILES, and one digest over all."""
    files = {}
    for rel in TEMPLATE_FILES:
        p = Path(templates) / rel
        if not p.is_file():
            raise LiaError(Message("errors.render_template_missing", path=str(p), files=", ".join(TEMPLATE_FILES)))
        files[rel] = _sha256_file(p)
    return {"digest": digest_obj(files), "files": files}



_DIGESTS: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}


def _data_digest(path: Path) -> tuple[dict[str, Any], str]:
    """(parsed YAML, content digest) of a data file; cached by path and SHA-256 of its bytes."""
    from ..loaders import load_data_file

    key = (str(path), _sha256_file(path))
    if key not in _DIGESTS:
        data = load_data_file(path, what="template data file")
        _DIGESTS[key] = (data, digest_obj(data)) if isinstance(data, dict) else ({}, digest_obj(None))
    return _DIGESTS[key]


def questionnaire_inputs(templates: Path) -> list[dict[str, Any]]:
    """id, version, content digest (as the store records it) and file SHA-256 of every questionnaire."""
    out = []
    qdir = Path(templates) / "questionnaires"
    for p in sorted(qdir.glob("*.yaml")):
        data, digest = _data_digest(p)
        out.append({"id": str(data.get("id", p.stem)), "version": str(data.get("version", "?")), "digest": digest,
                    "file": f"questionnaires/{p.name}", "sha256": _sha256_file(p)})
    return out



def applicable_rule_files(templates: Path, jurisdictions: Iterable[str]) -> list[Path]:
    """The rule files a report of these jurisdictions is decided by: the packs :func:`lia.rules.packs.packs_for`
    chooses (EU always) and the decision models (:data:`DECISION_MODELS`) that exist."""
    from ..rules.packs import packs_for

    rules = Path(templates) / "rules"
    files = [Path(p.path) for p in packs_for(list(jurisdictions), Path(templates))]
    return files + [rules / name for name in DECISION_MODELS if (rules / name).is_file()]


def rule_pack_inputs(templates: Path, jurisdictions: Iterable[str]) -> list[dict[str, Any]]:
    """The rule files that apply to these jurisdictions (:func:`applicable_rule_files`): id, version, digests, file."""
    out = []
    for p in applicable_rule_files(templates, jurisdictions):
        data, digest = _data_digest(p)
        out.append({"id": str(data.get("id", p.stem)), "version": str(data.get("version", "?")),
                    "digest": digest, "file": f"rules/{p.name}", "sha256": _sha256_file(p)})
    return sorted(out, key=lambda r: r["file"])


def _rule_files(templates: Path) -> dict[str, str]:
    return {f"rules/{p.name}": _sha256_file(p) for p in sorted((Path(templates) / "rules").glob("*.yaml"))}



def evidence_input(ws: Any, aid: str) -> dict[str, Any] | None:
    """The attached call-log evidence as a report input: file, SHA-256, source, analysed_at, breaches; or None.

    Raises InputError (file and place) when the evidence file is damaged.
    """
    from ..periods.evidence import load_evidence

    ev = load_evidence(ws, aid)
    return ev.descriptor() if ev is not None else None


def access_evidence_input(ws: Any, aid: str) -> dict[str, Any] | None:
    """The attached access-log evidence as a report input (file, SHA-256, analysis digest, sources), or None."""
    from ..access.evidence import load_evidence as load_access_evidence

    ev = load_access_evidence(ws, aid)
    return ev.descriptor() if ev is not None else None


def current_inputs(ws: Any, aid: str, version: Any, templates: Path) -> dict[str, Any]:
    """Everything a report of ``version`` is built from, with digests (the statement's predicate core)."""
    from ..store import Store

    meta = version.assessment
    return {
        "evidence": evidence_input(ws, aid),
        "access_evidence": access_evidence_input(ws, aid),
        "assessment": {"id": aid, "title": meta.get("title"), "status": meta.get("status"),
                       "jurisdictions": list(meta.get("jurisdictions") or [])},
        "answers": {"version": version.number, "digest": version.digest, "time": version.time,
                    "head": Store(ws).head_number(aid)},
        "questionnaires": questionnaire_inputs(templates),
        "rule_packs": rule_pack_inputs(templates, meta.get("jurisdictions") or []),
        "rule_files": _rule_files(templates),
        "template": template_inputs(templates),
        "library": {"name": "lia", "version": _library_version()},
        "tools": tool_versions(),
    }



def stale_reasons(ws: Any, statement: dict[str, Any], templates: Path | None = None) -> list[str]:
    """Why a report's inputs are no longer current (empty list: current).

    Fast path: files whose SHA-256 is unchanged are not parsed again.
    """
    from ..paths import templates_dir

    tdir = Path(templates) if templates else templates_dir()
    pred = statement["predicate"]
    aid = pred["assessment"]["id"]
    reasons: list[str] = []
    n = pred["answers"]["version"]
    # A light read of the store (no pydantic import): verify must stay fast.
    vdir = Path(ws.assessments_dir) / aid / "versions"
    if not re.match(r"^[a-z0-9][a-z0-9-]{0,62}$", str(aid)) or not vdir.is_dir():
        return [Message("status.assessment_gone", id=aid)]
    numbers = sorted(int(m.group(1)) for m in (re.match(r"^(\d{4,})\.json$", p.name) for p in vdir.iterdir()) if m)
    head = numbers[-1] if numbers else 0
    if head > n:
        reasons.append(Message("status.newer_answers", head=head, n=n))
    vfile = vdir / f"{n:04d}.json"
    try:
        record = json.loads(vfile.read_text(encoding="utf-8"))
        body = {k: v for k, v in record.items() if k != "digest"}
        if digest_obj(body) != record.get("digest"):
            reasons.append(Message("status.answers_altered", n=n, file=vfile))
        elif record.get("digest") != pred["answers"].get("digest"):
            reasons.append(Message("status.answers_digest", n=n, have=record.get("digest"),
                                   want=pred["answers"].get("digest")))
    except (OSError, ValueError, AttributeError) as exc:
        reasons.append(Message("status.answers_unreadable", n=n, detail=f"{vfile}: {type(exc).__name__}"))

    def compare(kind: str, old: list[dict[str, Any]], new_files: dict[str, Path]) -> None:
        old_by_file = {str(o.get("file")): o for o in old if isinstance(o, dict)}
        for f, o in old_by_file.items():
            p = new_files.get(f)
            if p is None:
                reasons.append(Message("status.pack_removed", id=o.get("id"), version=o.get("version"), file=f)
                               if kind == "pack" else
                               Message("status.questionnaire_removed", id=o.get("id"), version=o.get("version"), file=f))
                continue
            if o.get("sha256") and _sha256_file(p) == o["sha256"]:
                continue
            data, digest = _data_digest(p)
            if digest == o.get("digest"):
                continue
            nv = str(data.get("version", "?"))
            if nv != o.get("version"):
                reasons.append(Message("status.pack_bumped", id=o.get("id"), old=o.get("version"), new=nv)
                               if kind == "pack" else
                               Message("status.questionnaire_bumped", id=o.get("id"), old=o.get("version"), new=nv))
            else:
                reasons.append(Message("status.pack_changed", id=o.get("id"), version=nv, file=f) if kind == "pack"
                               else Message("status.questionnaire_changed", id=o.get("id"), version=nv, file=f))

    qfiles = {f"questionnaires/{p.name}": p for p in (tdir / "questionnaires").glob("*.yaml")}
    compare("questionnaire", pred.get("questionnaires") or [], qfiles)
    for f in sorted(set(qfiles) - {o.get("file") for o in pred.get("questionnaires") or []}):
        reasons.append(Message("status.questionnaire_added", file=f))
    rfiles = {f"rules/{p.name}": p for p in (tdir / "rules").glob("*.yaml")}
    compare("pack", pred.get("rule_packs") or [], rfiles)
    # A rule file that did not apply before may apply now (new file or new jurisdiction list).
    old_files = pred.get("rule_files") or {}
    used = {o.get("file") for o in pred.get("rule_packs") or []}
    applicable: set[str] | None = None
    for f, p in sorted(rfiles.items()):
        if f in used or old_files.get(f) == _sha256_file(p):
            continue
        if applicable is None:  # only now: choosing the packs loads them
            applicable = {f"rules/{a.name}" for a in
                          applicable_rule_files(tdir, pred["assessment"].get("jurisdictions") or [])}
        if f in applicable:
            data, _ = _data_digest(p)
            reasons.append(Message("status.pack_applies", id=data.get("id", p.stem), version=data.get("version", "?"),
                                   file=f))

    old_t = pred.get("template") or {}
    for rel in TEMPLATE_FILES:
        p = tdir / rel
        if not p.is_file():
            reasons.append(Message("status.template_missing", file=rel))
        elif (old_t.get("files") or {}).get(rel) != _sha256_file(p):
            reasons.append(Message("status.template_changed", file=rel))
    reasons += _evidence_reasons(ws, aid, pred.get("evidence"))
    reasons += _access_evidence_reasons(ws, aid, pred.get("access_evidence"))
    old_lib = (pred.get("library") or {}).get("version")
    if old_lib != _library_version():
        reasons.append(Message("status.library_changed", old=old_lib, new=_library_version()))
    old_tools = pred.get("tools")
    if isinstance(old_tools, dict):  # reports rendered before tools were recorded have none
        now = tool_versions()
        for name in sorted(set(old_tools) | set(now)):
            if old_tools.get(name) != now.get(name):
                reasons.append(Message("status.tool_changed", name=name, old=old_tools.get(name, "not recorded"),
                                       new=now.get(name, "not installed")))
    return reasons


def _evidence_reasons(ws: Any, aid: str, old: Any) -> list[str]:
    """Whether the attached call-log evidence differs from the one the report used (hashes only, no parsing)."""
    from ..periods.evidence import RELATIVE_PATH, evidence_digest

    try:
        now = evidence_digest(ws, aid)
    except (OSError, ValueError):
        return [Message("status.evidence_unreadable", file=f"{aid}/{RELATIVE_PATH}")]
    before = old.get("sha256") if isinstance(old, dict) else None
    if before == now:
        return []
    if before is None:
        return [Message("status.evidence_attached", file=f"{aid}/{RELATIVE_PATH}")]
    if now is None:
        return [Message("status.evidence_removed", file=f"{aid}/{RELATIVE_PATH}")]
    return [Message("status.evidence_changed", file=f"{aid}/{RELATIVE_PATH}")]


def _access_evidence_reasons(ws: Any, aid: str, old: Any) -> list[str]:
    """Whether the attached access-log evidence differs from the one the report used (hashes only)."""
    from ..access.evidence import RELATIVE_PATH, evidence_digest as access_digest

    try:
        now = access_digest(ws, aid)
    except (OSError, ValueError):
        return [Message("status.access_evidence_unreadable", file=f"{aid}/{RELATIVE_PATH}")]
    before = old.get("sha256") if isinstance(old, dict) else None
    if before == now:
        return []
    if before is None:
        return [Message("status.access_evidence_attached", file=f"{aid}/{RELATIVE_PATH}")]
    if now is None:
        return [Message("status.access_evidence_removed", file=f"{aid}/{RELATIVE_PATH}")]
    return [Message("status.access_evidence_changed", file=f"{aid}/{RELATIVE_PATH}")]

