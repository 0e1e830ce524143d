"""Rendering signed-ready assessment reports, and knowing when they are stale.

``render`` executes templates/report.ipynb with papermill into
``reports/<id>/v<N>/`` (``v<N>-r2``, ``-r3``... when version N was rendered
before: an old report, and its signatures, are never overwritten):

* ``report.ipynb``  the executed notebook (volatile timing metadata removed,
  so the same inputs give the same bytes),
* ``report.html``   self-contained HTML (no script, no external resource),
* ``report.pdf``    printed by the system Chromium (Playwright ``page.pdf``),
* ``evaluation.json`` the verdicts and findings (lia.rules), used for changes,
* ``changes.json`` / ``changes.md`` what changed since the last signed report,
* ``statement.json`` an in-toto Statement v1 over all of the above and the inputs.

Everything is written to a temporary folder and renamed into place at the
end: there is never a half report. When the notebook fails, papermill's output
notebook, with the error in a visible cell, is kept in ``v<N>.failed/``.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import re
import shutil
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .canonical import digest_obj
from .errors import LiaError

__all__ = [
    "PREDICATE_TYPE", "REPORT_FILES", "TEMPLATE_FILES", "RenderJob", "RenderResult", "ReportStatus",
    "changes_between", "current_inputs", "evidence_input", "html_exporter", "nbconvert_cli_args", "normalize_notebook",
    "render", "render_many", "report_dirs", "report_status", "rule_pack_inputs", "stale_reasons",
    "template_inputs", "PdfPrinter", "latest_signed",
]

PREDICATE_TYPE = "https://lia-workbench.invalid/assessment-report/v1"
REPORT_FILES = ("report.ipynb", "report.html", "report.pdf", "evaluation.json", "changes.json", "changes.md")
# Everything that shapes a report besides answers, questionnaires, rule packs and the library.
TEMPLATE_FILES = ("report.ipynb", "nbconvert/lia_report/conf.json", "nbconvert/lia_report/index.html.j2",
                  "nbconvert/lia_report/static/report.css", "i18n/reports.yaml")
_DIR_RE = re.compile(r"^v(\d+)(?:-r(\d+))?$")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _library_version() -> str:
    from . import __version__

    return str(__version__)


#: The packages whose version changes a report's bytes (notebook execution, charts, HTML).
#: Their versions are signed in the statement (``predicate.tools``); an upgrade makes reports stale.
REPORT_TOOLS = ("altair", "nbconvert", "papermill", "vl-convert-python")


def tool_versions() -> dict[str, str]:
    """Installed version of each of :data:`REPORT_TOOLS` (``"not installed"`` when absent)."""
    global _TOOLS
    if _TOOLS is None:
        from importlib.metadata import PackageNotFoundError, version

        out = {}
        for name in REPORT_TOOLS:
            try:
                out[name] = version(name)
            except PackageNotFoundError:
                out[name] = "not installed"
        _TOOLS = out
    return dict(_TOOLS)


_TOOLS: dict[str, str] | None = None


# --------------------------------------------------------------------------- inputs

def template_inputs(templates: Path) -> dict[str, Any]:
    """Digest of the report template: every file in TEMPLATE_FILES, and one digest over all."""
    files = {}
    for rel in TEMPLATE_FILES:
        p = Path(templates) / rel
        if not p.is_file():
            raise LiaError(f"the report template file {p} is missing; expected the templates folder to hold "
                           f"{', '.join(TEMPLATE_FILES)}")
        files[rel] = _sha256_file(p)
    return {"digest": digest_obj(files), "files": files}


_DIGESTS: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}


def _data_digest(path: Path) -> tuple[dict[str, Any], str]:
    """(parsed YAML, content digest) of a data file; cached by path and SHA-256 of its bytes."""
    from .loaders import load_data_file

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


def _pack_applies(data: dict[str, Any], jurisdictions: Iterable[str]) -> bool:
    jur = data.get("jurisdiction", data.get("jurisdictions"))
    if jur is None:
        jur = {"eu": "EU", "se": "SE", "no": "NO"}.get(str(data.get("id", "")).lower(), "EU")
    wanted = {str(j).upper() for j in (jur if isinstance(jur, list) else [jur])}
    have = {"EU", *(str(j).upper() for j in jurisdictions)}
    return bool(wanted & have)


def rule_pack_inputs(templates: Path, jurisdictions: Iterable[str]) -> list[dict[str, Any]]:
    """The rule packs that apply to these jurisdictions (EU always): id, version, digests, file."""
    jurisdictions = list(jurisdictions)
    if _has_rules_api():
        try:
            from lia.rules import applicable_packs  # type: ignore[attr-defined]

            packs = applicable_packs(jurisdictions, templates)
            out = []
            for pk in packs:
                path = Path(getattr(pk, "path", "") or templates / "rules" / f"{pk.id}.yaml")
                out.append({"id": pk.id, "version": str(pk.version),
                            "digest": getattr(pk, "digest", None) or _data_digest(path)[1],
                            "file": f"rules/{path.name}", "sha256": _sha256_file(path)})
            return sorted(out, key=lambda r: r["id"])
        except ImportError:
            pass
    out = []
    for p in sorted((Path(templates) / "rules").glob("*.yaml")):
        data, digest = _data_digest(p)
        # the weighing model decides verdicts as much as the packs do (issue 14): a report lists it too
        if data.get("kind") not in (None, "rule_pack", "rules", "rulepack", "weighing"):
            continue
        if _pack_applies(data, jurisdictions):
            out.append({"id": str(data.get("id", p.stem)), "version": str(data.get("version", "?")),
                        "digest": digest, "file": f"rules/{p.name}", "sha256": _sha256_file(p)})
    return out


def _has_rules_api() -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec("lia.rules") is not None
    except (ImportError, ValueError):
        return False


def _rule_files(templates: Path) -> dict[str, str]:
    return {f"rules/{p.name}": _sha256_file(p) for p in sorted((Path(templates) / "rules").glob("*.yaml"))}


def evidence_input(ws: Any, aid: str) -> dict[str, Any] | None:
    """The attached call-log evidence as a report input: file, SHA-256, source, analysed_at, breaches; or None.

    Raises InputError (file and place) when the evidence file is damaged.
    """
    from .periods.evidence import load_evidence

    ev = load_evidence(ws, aid)
    return ev.descriptor() if ev is not None else None


def access_evidence_input(ws: Any, aid: str) -> dict[str, Any] | None:
    """The attached access-log evidence as a report input (file, SHA-256, analysis digest, sources), or None."""
    from .access.evidence import load_evidence as load_access_evidence

    ev = load_access_evidence(ws, aid)
    return ev.descriptor() if ev is not None else None


def current_inputs(ws: Any, aid: str, version: Any, templates: Path) -> dict[str, Any]:
    """Everything a report of ``version`` is built from, with digests (the statement's predicate core)."""
    from .store import Store

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
    from .paths import templates_dir

    tdir = Path(templates) if templates else templates_dir()
    pred = statement["predicate"]
    aid = pred["assessment"]["id"]
    reasons: list[str] = []
    n = pred["answers"]["version"]
    # A light read of the store (no pydantic import): verify must stay fast.
    vdir = Path(ws.assessments_dir) / aid / "versions"
    if not re.match(r"^[a-z0-9][a-z0-9-]{0,62}$", str(aid)) or not vdir.is_dir():
        return [f"the assessment {aid} is no longer in this workspace"]
    numbers = sorted(int(m.group(1)) for m in (re.match(r"^(\d{4,})\.json$", p.name) for p in vdir.iterdir()) if m)
    head = numbers[-1] if numbers else 0
    if head > n:
        reasons.append(f"newer answers version {head} (report has version {n})")
    vfile = vdir / f"{n:04d}.json"
    try:
        record = json.loads(vfile.read_text(encoding="utf-8"))
        body = {k: v for k, v in record.items() if k != "digest"}
        if digest_obj(body) != record.get("digest"):
            reasons.append(f"answers version {n} was altered in the store ({vfile}); run `lia check`")
        elif record.get("digest") != pred["answers"].get("digest"):
            reasons.append(f"answers version {n} in the store has digest {record.get('digest')}, the report was "
                           f"built from {pred['answers'].get('digest')}")
    except (OSError, ValueError, AttributeError) as exc:
        reasons.append(f"answers version {n} cannot be read ({vfile}: {type(exc).__name__})")

    def compare(kind: str, old: list[dict[str, Any]], new_files: dict[str, Path]) -> None:
        old_by_file = {o.get("file"): o for o in old if isinstance(o, dict)}
        for f, o in old_by_file.items():
            p = new_files.get(f)
            if p is None:
                reasons.append(f"{kind} {o.get('id')} {o.get('version')} was removed ({f})")
                continue
            if o.get("sha256") and _sha256_file(p) == o["sha256"]:
                continue
            data, digest = _data_digest(p)
            if digest == o.get("digest"):
                continue
            nv = str(data.get("version", "?"))
            if nv != o.get("version"):
                reasons.append(f"{kind} {o.get('id')} {o.get('version')} -> {nv}")
            else:
                reasons.append(f"{kind} {o.get('id')} {nv} changed without a version bump ({f})")

    qfiles = {f"questionnaires/{p.name}": p for p in (tdir / "questionnaires").glob("*.yaml")}
    compare("questionnaire", pred.get("questionnaires") or [], qfiles)
    for f in sorted(set(qfiles) - {o.get("file") for o in pred.get("questionnaires") or []}):
        reasons.append(f"questionnaire added ({f})")
    rfiles = {f"rules/{p.name}": p for p in (tdir / "rules").glob("*.yaml")}
    compare("rule pack", pred.get("rule_packs") or [], rfiles)
    # A rule file that did not apply before may apply now (new file or new jurisdiction list).
    old_files = pred.get("rule_files") or {}
    used = {o.get("file") for o in pred.get("rule_packs") or []}
    for f, p in sorted(rfiles.items()):
        if f in used or old_files.get(f) == _sha256_file(p):
            continue
        data, _ = _data_digest(p)
        if _pack_applies(data, pred["assessment"].get("jurisdictions") or []):
            reasons.append(f"rule pack {data.get('id', p.stem)} {data.get('version', '?')} now applies ({f})")

    old_t = pred.get("template") or {}
    for rel in TEMPLATE_FILES:
        p = tdir / rel
        if not p.is_file():
            reasons.append(f"template file {rel} is missing")
        elif (old_t.get("files") or {}).get(rel) != _sha256_file(p):
            reasons.append(f"template changed ({rel})")
    reasons += _evidence_reasons(ws, aid, pred.get("evidence"))
    reasons += _access_evidence_reasons(ws, aid, pred.get("access_evidence"))
    old_lib = (pred.get("library") or {}).get("version")
    if old_lib != _library_version():
        reasons.append(f"library version {old_lib} -> {_library_version()}")
    old_tools = pred.get("tools")
    if isinstance(old_tools, dict):  # reports rendered before tools were recorded have none
        now = tool_versions()
        for name in sorted(set(old_tools) | set(now)):
            if old_tools.get(name) != now.get(name):
                reasons.append(f"tool {name} {old_tools.get(name, 'not recorded')} -> {now.get(name, 'not installed')}")
    return reasons


def _evidence_reasons(ws: Any, aid: str, old: Any) -> list[str]:
    """Whether the attached call-log evidence differs from the one the report used (hashes only, no parsing)."""
    from .periods.evidence import RELATIVE_PATH, evidence_digest

    try:
        now = evidence_digest(ws, aid)
    except (OSError, ValueError):
        return [f"call-log evidence cannot be read ({aid}/{RELATIVE_PATH})"]
    before = old.get("sha256") if isinstance(old, dict) else None
    if before == now:
        return []
    if before is None:
        return [f"call-log evidence attached ({aid}/{RELATIVE_PATH})"]
    if now is None:
        return [f"call-log evidence removed ({aid}/{RELATIVE_PATH})"]
    return [f"call-log evidence changed ({aid}/{RELATIVE_PATH})"]


def _access_evidence_reasons(ws: Any, aid: str, old: Any) -> list[str]:
    """Whether the attached access-log evidence differs from the one the report used (hashes only)."""
    from .access.evidence import RELATIVE_PATH, evidence_digest as access_digest

    try:
        now = access_digest(ws, aid)
    except (OSError, ValueError):
        return [f"access-log evidence cannot be read ({aid}/{RELATIVE_PATH})"]
    before = old.get("sha256") if isinstance(old, dict) else None
    if before == now:
        return []
    if before is None:
        return [f"access-log evidence attached ({aid}/{RELATIVE_PATH})"]
    if now is None:
        return [f"access-log evidence removed ({aid}/{RELATIVE_PATH})"]
    return [f"access-log evidence changed ({aid}/{RELATIVE_PATH})"]


# --------------------------------------------------------------------------- report folders

def _dir_key(p: Path) -> tuple[int, int]:
    m = _DIR_RE.match(p.name)
    assert m
    return int(m.group(1)), int(m.group(2) or 1)


def report_dirs(ws: Any, aid: str | None = None) -> list[Path]:
    """Finished report folders (reports/<id>/v<N>[-r<k>]) with a statement, oldest first per assessment."""
    base = Path(ws.reports_dir)
    if not base.is_dir():
        return []
    out = []
    for adir in sorted(base.iterdir()) if aid is None else [base / aid]:
        if not adir.is_dir():
            continue
        dirs = [p for p in adir.iterdir() if p.is_dir() and _DIR_RE.match(p.name)]
        out.extend(sorted(dirs, key=_dir_key))
    return out


def _next_dir(ws: Any, aid: str, number: int) -> Path:
    adir = Path(ws.reports_dir) / aid
    first = adir / f"v{number}"
    if not first.exists():
        return first
    k = 2
    while (adir / f"v{number}-r{k}").exists():
        k += 1
    return adir / f"v{number}-r{k}"


def latest_signed(ws: Any, aid: str, before: Path | None = None) -> Path | None:
    """The newest report folder of ``aid`` (older than ``before``, if given) whose signatures all verify."""
    from .signing import ENVELOPE_FILE, verify_report

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
    from .signing import ENVELOPE_FILE, check_binding, load_statement

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
                out.append(ReportStatus(aid, d, _dir_key(d)[0], "broken", [str(exc)], signed))
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


# --------------------------------------------------------------------------- notebook and HTML

def normalize_notebook(nb: Any) -> Any:
    """Drop volatile metadata (timings, temp paths) so equal inputs give equal bytes."""
    pm = nb.metadata.get("papermill", {})
    for k in ("start_time", "end_time", "duration"):
        pm.pop(k, None)
    pm["input_path"] = "templates/report.ipynb"
    pm["output_path"] = "report.ipynb"
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"  # papermill gives it a random id
        cell.metadata.pop("execution", None)
        cpm = cell.metadata.get("papermill")
        if cpm is not None:
            for k in ("start_time", "end_time", "duration"):
                cpm.pop(k, None)
    return nb


def _exporter_config(templates: Path, lang: str) -> Any:
    from traitlets.config import Config

    c = Config()
    c.HTMLExporter.extra_template_basedirs = [str(Path(templates) / "nbconvert")]
    c.HTMLExporter.template_name = "lia_report"
    c.HTMLExporter.exclude_input = True
    c.HTMLExporter.exclude_input_prompt = True
    c.HTMLExporter.exclude_output_prompt = True
    c.HTMLExporter.exclude_anchor_links = True
    c.HTMLExporter.require_js_url = ""
    c.HTMLExporter.mathjax_url = ""
    c.HTMLExporter.mermaid_js_url = ""
    c.HTMLExporter.jupyter_widgets_base_url = ""
    c.HTMLExporter.widget_renderer_url = ""
    c.HTMLExporter.language_code = lang
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_input_tags = ["remove_input"]
    c.TagRemovePreprocessor.remove_all_outputs_tags = ["remove_output"]
    c.TagRemovePreprocessor.remove_cell_tags = ["remove_cell", "parameters", "injected-parameters"]
    return c


def nbconvert_cli_args(templates: Path, lang: str) -> list[str]:
    """The same exporter settings as command-line flags for ``jupyter nbconvert --to html``."""
    args = []
    for cls, traits in _exporter_config(templates, lang).items():
        for k, v in traits.items():
            if isinstance(v, list):
                args.append(f"--{cls}.{k}={json.dumps(v)}")
            else:
                args.append(f"--{cls}.{k}={v}")
    return args


_EXPORTERS: dict[tuple[str, str], Any] = {}


def html_exporter(templates: Path, lang: str) -> Any:
    """An HTMLExporter for the report template, created once per (templates, lang) and reused."""
    key = (str(templates), lang)
    if key not in _EXPORTERS:
        from nbconvert import HTMLExporter

        _EXPORTERS[key] = HTMLExporter(config=_exporter_config(templates, lang))
    return _EXPORTERS[key]


def _check_offline_html(html: str) -> list[str]:
    """External references left in the page (must be none)."""
    bad = re.findall(r"""<(?:script|link|img|iframe|source|embed|object)\b[^>]*?\b(?:src|href|data)\s*=\s*["']?"""
                     r"""((?:https?:)?//[^"' >]+)""", html, flags=re.I)
    bad += re.findall(r"""@import\s+(?:url\()?["']?((?:https?:)?//[^"')]+)""", html, flags=re.I)
    return bad


# --------------------------------------------------------------------------- PDF

class PdfPrinter:
    """Prints HTML files to PDF with the system Chromium; records and blocks every non-file request.

    Playwright's sync API refuses to run on a thread with a running asyncio loop (a
    Jupyter kernel, Voila, another Playwright user in the same process), and its objects
    belong to the thread that made them: every call therefore runs on one thread of the
    printer's own.
    """

    def __init__(self) -> None:
        self._pw: Any = None
        self._browser: Any = None
        self._thread: Any = None

    def _call(self, fn: Any, *args: Any) -> Any:
        return self._thread.submit(fn, *args).result()

    def __enter__(self) -> PdfPrinter:
        from concurrent.futures import ThreadPoolExecutor

        self._thread = ThreadPoolExecutor(1, thread_name_prefix="lia-pdf")
        try:
            self._call(self._start)
        except BaseException:
            self._thread.shutdown(wait=True)
            raise
        return self

    def _start(self) -> None:
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        try:
            self._browser = self._pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Exception as exc:
            self._pw.stop()
            raise LiaError(f"cannot start Chromium at {CHROMIUM} to print the PDF ({type(exc).__name__}: "
                           f"{str(exc).splitlines()[0] if str(exc) else ''}); install Debian's chromium") from None

    def __exit__(self, *exc: object) -> None:
        try:
            self._call(self._stop)
        finally:
            self._thread.shutdown(wait=True)

    def _stop(self) -> None:
        if self._browser is not None:
            self._browser.close()
        if self._pw is not None:
            self._pw.stop()

    def print_pdf(self, html_path: Path, pdf_path: Path, title: str, footer: str) -> list[str]:
        """Print one page; returns the external requests that were attempted (and blocked)."""
        return self._call(self._print, html_path, pdf_path, title, footer)

    def _print(self, html_path: Path, pdf_path: Path, title: str, footer: str) -> list[str]:
        import html as _html

        external: list[str] = []
        ctx = self._browser.new_context(offline=True, java_script_enabled=False)
        try:
            page = ctx.new_page()

            def route(r: Any) -> None:
                if r.request.url.startswith(("file:", "data:", "about:")):
                    r.continue_()
                else:
                    external.append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            page.goto(Path(html_path).resolve().as_uri(), wait_until="load")
            foot = (f'<div style="font-size:7.5pt;width:100%;padding:0 14mm;color:#5f6368;display:flex;'
                    f'justify-content:space-between;font-family:DejaVu Sans,sans-serif">'
                    f"<span>{_html.escape(title)}</span><span>{_html.escape(footer)} "
                    f'<span class="pageNumber"></span> / <span class="totalPages"></span></span></div>')
            page.pdf(path=str(pdf_path), format="A4", print_background=True, display_header_footer=True,
                     header_template="<span></span>", footer_template=foot,
                     margin={"top": "16mm", "bottom": "18mm", "left": "14mm", "right": "14mm"})
        finally:
            ctx.close()
        return external


def _fix_pdf_dates(pdf: Path, when: str) -> None:
    """Replace Chromium's creation/modification dates by the answers' save time (same length, in place).

    Keeps the PDF bytes reproducible; offsets in the xref table do not move.
    """
    data = pdf.read_bytes()
    stamp = re.sub(r"[^0-9]", "", when)[:14].ljust(14, "0")

    def sub(m: re.Match[bytes]) -> bytes:
        old = m.group(2)
        new = ("D:" + stamp).encode()
        new = (new + old[len(new):]) if len(old) > len(new) else new[:len(old)]
        return m.group(1) + new + m.group(3)

    fixed = re.sub(rb"(/(?:CreationDate|ModDate)\s*\()(D:[^)]*)(\))", sub, data)
    if fixed != data:
        pdf.write_bytes(fixed)


# --------------------------------------------------------------------------- changes
# What changed since the last signed report lives in lia.changes (verdicts, findings, answers).

from .changes import changes_between  # noqa: E402  (public here too)
from .changes import changes_md as _changes_md  # noqa: E402


# --------------------------------------------------------------------------- rendering

@dataclass
class RenderJob:
    """One report to render."""

    aid: str
    version: int | None = None
    lang: str = "en"
    reasons: list[str] = field(default_factory=list)  # why (for --stale)


@dataclass
class RenderResult:
    """Where a report went, or why it failed."""

    aid: str
    version: int
    dir: Path | None = None
    error: str | None = None
    failed_dir: Path | None = None
    changes: dict[str, Any] | None = None
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        """Plain dict for --json."""
        return {"assessment": self.aid, "version": self.version, "dir": str(self.dir) if self.dir else None,
                "error": self.error, "failed_dir": str(self.failed_dir) if self.failed_dir else None,
                "changes": self.changes}


def _evaluation_json(v: Any, lang: str, templates: Path, evidence: list[dict[str, Any]] | None = None
                     ) -> dict[str, Any] | None:
    """The verdicts and findings (lia.rules), evaluated against ``templates``; None without lia.rules.

    ``evidence`` are the breaches of the attached call-log evidence, if any.
    """
    if not _has_rules_api():
        return None
    from lia.rules import evaluate, law_date_of

    old = os.environ.get("LIA_TEMPLATES")
    os.environ["LIA_TEMPLATES"] = str(templates)
    try:
        return evaluate(v.assessment, v.answers, evidence=evidence, lang=lang, as_of=law_date_of(v)).to_json(lang)
    finally:
        if old is None:
            os.environ.pop("LIA_TEMPLATES", None)
        else:
            os.environ["LIA_TEMPLATES"] = old


def _failed_cell(nb_path: Path) -> str:
    """Which cell failed, from papermill's output notebook."""
    import nbformat

    try:
        nb = nbformat.read(str(nb_path), as_version=4)
    except Exception:  # noqa: BLE001
        return "an unknown cell"
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                name = cell.get("id", "?")
                return (f"cell {i} (id {name!r}, In [{cell.get('execution_count')}]): "
                        f"{out.get('ename')}: {out.get('evalue')}")
    return "an unknown cell"


def _execute(job: RenderJob, number: int, tmp: Path, home: Path, templates: Path, engine: str) -> None:
    import papermill as pm

    pm.execute_notebook(
        str(templates / "report.ipynb"), str(tmp / "report.ipynb"),
        parameters={"assessment_id": job.aid, "version": number, "home": str(home), "lang": job.lang,
                    "templates": str(templates)},
        engine_name=None if engine == "nbclient" else engine, kernel_name="python3",
        progress_bar=False, request_save_on_cell_execute=False, log_output=False)


def _write(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _finish(ws: Any, job: RenderJob, v: Any, tmp: Path, templates: Path, printer: PdfPrinter | None,
            engine: str, evidence_sha: Any = ...) -> RenderResult:
    """Normalize the notebook, write HTML, PDF, evaluation, changes and statement; rename into place.

    ``evidence_sha`` is the attached evidence's SHA-256 (or None) taken before the notebook ran:
    when the evidence changed meanwhile, the report is refused (its parts would disagree).
    """
    import nbformat

    from .i18n import catalogue, text
    from .periods.evidence import load_evidence
    from .signing import STATEMENT_FILE, load_statement

    evidence = load_evidence(ws, job.aid)
    if evidence_sha is not ... and (evidence.sha256 if evidence is not None else None) != evidence_sha:
        raise LiaError(f"the call-log evidence of {job.aid} was attached, changed or removed while the report was "
                       "rendered; render it again")

    labels = catalogue("reports", templates)
    title = v.assessment.get("title") or job.aid
    kind = text(labels.get("report.kind"), job.lang)
    nb = nbformat.read(str(tmp / "report.ipynb"), as_version=4)
    normalize_notebook(nb)
    _write(tmp / "report.ipynb", nbformat.writes(nb).encode("utf-8"))
    body, _ = html_exporter(templates, job.lang).from_notebook_node(nb)
    bad = _check_offline_html(body)
    if bad:
        raise LiaError(f"the report HTML of {job.aid} refers to external resources ({', '.join(bad[:3])}); "
                       "the template must load nothing from outside")
    _write(tmp / "report.html", body.encode("utf-8"))
    if printer is not None:
        footer = f"{job.aid} v{v.number} · {text(labels.get('pdf.page'), job.lang)}"
        external = printer.print_pdf(tmp / "report.html", tmp / "report.pdf", f"{title} — {kind}", footer)
        if external:
            raise LiaError(f"printing {job.aid} tried to load {', '.join(external[:3])}; nothing may be loaded")
        _fix_pdf_dates(tmp / "report.pdf", v.time)

    inputs = current_inputs(ws, job.aid, v, templates)
    if (inputs.get("evidence") or {}).get("sha256") != (evidence.sha256 if evidence is not None else None):
        raise LiaError(f"the call-log evidence of {job.aid} changed while the report was rendered; render it again")
    from .access.evidence import load_evidence as load_access_evidence

    access = load_access_evidence(ws, job.aid)
    if (inputs.get("access_evidence") or {}).get("sha256") != (access.sha256 if access is not None else None):
        raise LiaError(f"the access-log evidence of {job.aid} changed while the report was rendered; render it again")
    weighed = (list(evidence.breaches) if evidence is not None else []) + (access.breaches if access is not None else [])
    evaluation = _evaluation_json(v, job.lang, templates, weighed if (evidence is not None or access is not None) else None)
    if evaluation is not None:
        _write(tmp / "evaluation.json", (json.dumps(evaluation, indent=2, sort_keys=True, ensure_ascii=False)
                                         + "\n").encode("utf-8"))
    changes = None
    prev_dirs = report_dirs(ws, job.aid)
    if prev_dirs:
        base = latest_signed(ws, job.aid)
        signed = base is not None
        base = base or prev_dirs[-1]
        old_eval = None
        if (base / "evaluation.json").is_file():
            try:
                old_eval = json.loads((base / "evaluation.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                old_eval = None
        reasons = job.reasons
        if not reasons:
            try:
                reasons = stale_reasons(ws, load_statement(base)[1], templates)
            except LiaError:
                reasons = []
        from .changes import answer_changes

        m = _DIR_RE.match(base.name)
        changes = {"baseline": {"dir": f"{base.parent.name}/{base.name}", "signed": signed},
                   "reasons": reasons, **changes_between(old_eval, evaluation),
                   "answers": answer_changes(ws, job.aid, int(m.group(1)) if m else None, v.number, job.lang,
                                             templates)}
        _write(tmp / "changes.json", (json.dumps(changes, indent=2, sort_keys=True, ensure_ascii=False)
                                      + "\n").encode("utf-8"))
        _write(tmp / "changes.md", _changes_md(changes, labels, job.lang).encode("utf-8"))

    subjects = [{"name": n, "digest": {"sha256": _sha256_file(tmp / n)}} for n in REPORT_FILES
                if (tmp / n).is_file()]
    predicate = {**inputs, "rendered_at": _now(), "lang": job.lang, "engine": engine}
    statement = {"_type": "https://in-toto.io/Statement/v1", "subject": subjects,
                 "predicateType": PREDICATE_TYPE, "predicate": predicate}
    _write(tmp / STATEMENT_FILE, (json.dumps(statement, indent=2, sort_keys=True, ensure_ascii=False)
                                  + "\n").encode("utf-8"))
    load_statement(tmp)  # our own output must pass our own parser
    target = _next_dir(ws, job.aid, v.number)
    while True:
        try:
            os.rename(tmp, target)  # atomic; fails if another render took this name meanwhile
            break
        except OSError:
            if not target.exists():
                raise
            target = _next_dir(ws, job.aid, v.number)
    _fsync_dir(target.parent)
    return RenderResult(job.aid, v.number, dir=target, changes=changes)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def render_many(ws: Any, jobs: list[RenderJob], *, workers: int | None = None, engine: str = "lia-warm",
                templates: Path | None = None, pdf: bool = True, progress: bool = True,
                pool: Any = None) -> list[RenderResult]:
    """Render several reports: notebooks run on a pool of warm kernels, HTML/PDF in this process.

    Returns one result per job, in order; a failed job has ``error`` (and
    ``failed_dir`` with papermill's notebook showing the error).
    """
    import time
    from concurrent.futures import Future

    from tqdm import tqdm

    from .engine import KernelPool, register
    from .paths import templates_dir
    from .store import Store

    tdir = Path(templates) if templates else templates_dir()
    template_inputs(tdir)  # fail early when the template is incomplete
    store = Store(ws)
    versions = [store.load(j.aid, j.version) for j in jobs]
    from .periods.evidence import evidence_digest, load_evidence

    evidence_shas = [evidence_digest(ws, j.aid) for j in jobs]  # the notebook must see these same files
    register()
    own_pool = None
    if engine == "lia-warm" and pool is None:
        own_pool = pool = KernelPool(min(workers or os.cpu_count() or 1, max(1, len(jobs))),
                                     preload_templates=tdir)
        pool.open()
    printer = PdfPrinter() if pdf else None
    results: list[RenderResult | None] = [None] * len(jobs)
    try:
        if printer is not None:
            printer.__enter__()
        futures: list[tuple[int, Future[Any], Path, float]] = []
        for i, (job, v) in enumerate(zip(jobs, versions)):
            adir = Path(ws.reports_dir) / job.aid
            adir.mkdir(parents=True, exist_ok=True)
            tmp = adir / f".tmp-{os.getpid()}-{secrets.token_hex(4)}"
            tmp.mkdir()
            t0 = time.perf_counter()
            try:
                load_evidence(ws, job.aid)  # a damaged evidence file: say so, without running the notebook
                bad = None
            except LiaError as exc:
                bad = exc
            if bad is not None:
                fut: Future[Any] = Future()
                fut.set_exception(bad)
            elif pool is not None:
                fut = pool.submit(_execute, job, v.number, tmp, Path(ws.home), tdir, engine)
            else:
                fut = Future()
                try:
                    fut.set_result(_execute(job, v.number, tmp, Path(ws.home), tdir, engine))
                except BaseException as exc:  # noqa: BLE001
                    fut.set_exception(exc)
            futures.append((i, fut, tmp, t0))
        bar = tqdm(total=len(jobs), unit="report", desc="Rendering", disable=not progress or len(jobs) < 2,
                   leave=True)
        for i, fut, tmp, t0 in futures:  # in order; workers keep executing the rest meanwhile
            job, v = jobs[i], versions[i]
            try:
                fut.result()
                res = _finish(ws, job, v, tmp, tdir, printer, engine, evidence_shas[i])
            except BaseException as exc:
                res = _failure(ws, job, v, tmp, exc)
                if isinstance(exc, KeyboardInterrupt):
                    raise
            finally:
                if tmp.exists():
                    shutil.rmtree(tmp, ignore_errors=True)
            res.seconds = time.perf_counter() - t0
            results[i] = res
            bar.update(1)
        bar.close()
    finally:
        if printer is not None:
            printer.__exit__(None, None, None)
        if own_pool is not None:
            own_pool.close()
        for _, _, tmp, _ in locals().get("futures", []):
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
    return [r for r in results if r is not None]


def _failure(ws: Any, job: RenderJob, v: Any, tmp: Path, exc: BaseException) -> RenderResult:
    from papermill.exceptions import PapermillExecutionError

    res = RenderResult(job.aid, v.number)
    if isinstance(exc, PapermillExecutionError) and (tmp / "report.ipynb").is_file():
        failed = Path(ws.reports_dir) / job.aid / f"v{v.number}.failed"
        if failed.exists():
            shutil.rmtree(failed)
        os.rename(tmp, failed)
        res.failed_dir = failed
        res.error = (f"rendering {job.aid} version {v.number} failed in {_failed_cell(failed / 'report.ipynb')}. "
                     f"The notebook with the error is {failed / 'report.ipynb'}")
    elif isinstance(exc, LiaError):
        res.error = f"rendering {job.aid} version {v.number} failed: {exc}"
    else:
        res.error = f"rendering {job.aid} version {v.number} failed: {type(exc).__name__}: {exc}"
    return res


def render(ws: Any, aid: str, version: int | None = None, lang: str = "en", engine: str = "lia-warm",
           templates: Path | None = None, pdf: bool = True, reasons: list[str] | None = None) -> Path:
    """Render one report; returns its folder. Raises LiaError (naming the failed cell) on failure."""
    from .i18n import check_lang

    check_lang(lang)
    res = render_many(ws, [RenderJob(aid, version, lang, reasons or [])], workers=1, engine=engine,
                      templates=templates, pdf=pdf, progress=False)[0]
    if res.error or res.dir is None:
        raise LiaError(res.error or "rendering failed")
    return res.dir
