"""Rendering signed-ready assessment reports: the orchestration of one render or a batch.

``render`` executes templates/report.ipynb with papermill into
``reports/<id>/v<N>/`` (``v<N>-r2``, ``-r3``... when version N was rendered
before: an old report, and its signatures, are never overwritten):

* ``report.ipynb``  the executed notebook (volatile timing metadata removed,
  so the same inputs give the same bytes),
* ``report.html``   self-contained HTML (no script, no external resource),
* ``report.pdf``    printed by the system Chromium (Playwright ``page.pdf``),
* ``evaluation.json`` the verdicts and findings (lia.rules), used for changes,
* ``changes.json`` / ``changes.md`` what changed since the last signed report,
* ``statement.json`` an in-toto Statement v1 over all of the above and the inputs
  (:func:`lia.reports.provenance.current_inputs`).

Everything is written to a temporary folder and renamed into place at the
end: there is never a half report. When the notebook fails, papermill's output
notebook, with the error in a visible cell, is kept in ``v<N>.failed/``.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import LiaError, Message
from ..fsio import fsync_dir
from .changes import answer_changes, changes_between, changes_md
from .exporter import check_offline_html, html_exporter, normalize_notebook
from .folders import DIR_RE, next_dir, report_dirs
from .pdf import PdfPrinter, fix_pdf_dates
from .provenance import _sha256_file, current_inputs, stale_reasons, template_inputs
from .statement import STATEMENT_FILE, load_statement
from .status import latest_signed

__all__ = ["PREDICATE_TYPE", "REPORT_FILES", "RenderJob", "RenderResult", "render", "render_many"]

PREDICATE_TYPE = "https://lia-workbench.invalid/assessment-report/v1"
REPORT_FILES = ("report.ipynb", "report.html", "report.pdf", "evaluation.json", "changes.json", "changes.md")


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")



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
    """The verdicts and findings (lia.rules), evaluated against ``templates``.

    ``evidence`` are the breaches of the attached call-log evidence, if any.
    """
    from ..rules import evaluate, law_date_of

    return evaluate(v.assessment, v.answers, evidence=evidence, lang=lang, templates=templates,
                    as_of=law_date_of(v)).to_json(lang)


def _failed_cell(nb_path: Path) -> str:
    """Which cell failed, from papermill's output notebook."""
    import nbformat

    try:
        nb = nbformat.read(str(nb_path), as_version=4)
    except Exception:  # noqa: BLE001
        return Message("errors.frag_unknown_cell")
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                name = cell.get("id", "?")
                return Message("errors.frag_failed_cell", i=i, name=repr(name), count=str(cell.get("execution_count")),
                               error=f"{out.get('ename')}: {out.get('evalue')}")
    return Message("errors.frag_unknown_cell")


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

    from ..i18n import catalogue, text
    from ..periods.evidence import load_evidence

    evidence = load_evidence(ws, job.aid)
    if evidence_sha is not ... and (evidence.sha256 if evidence is not None else None) != evidence_sha:
        raise LiaError(Message("errors.render_evidence_moved", id=job.aid))

    labels = catalogue("reports", templates)
    title = v.assessment.get("title") or job.aid
    kind = text(labels.get("report.kind"), job.lang)
    nb = nbformat.read(str(tmp / "report.ipynb"), as_version=4)
    normalize_notebook(nb)
    _write(tmp / "report.ipynb", nbformat.writes(nb).encode("utf-8"))
    body, _ = html_exporter(templates, job.lang).from_notebook_node(nb)
    bad = check_offline_html(body)
    if bad:
        raise LiaError(Message("errors.render_external_html", id=job.aid, found=", ".join(bad[:3])))
    _write(tmp / "report.html", body.encode("utf-8"))
    if printer is not None:
        footer = f"{job.aid} v{v.number} · {text(labels.get('pdf.page'), job.lang)}"
        external = printer.print_pdf(tmp / "report.html", tmp / "report.pdf", f"{title} — {kind}", footer)
        if external:
            raise LiaError(Message("errors.render_external_pdf", id=job.aid, found=", ".join(external[:3])))
        fix_pdf_dates(tmp / "report.pdf", v.time)

    inputs = current_inputs(ws, job.aid, v, templates)
    if (inputs.get("evidence") or {}).get("sha256") != (evidence.sha256 if evidence is not None else None):
        raise LiaError(Message("errors.render_calls_changed", id=job.aid))
    from ..access.evidence import load_evidence as load_access_evidence

    access = load_access_evidence(ws, job.aid)
    if (inputs.get("access_evidence") or {}).get("sha256") != (access.sha256 if access is not None else None):
        raise LiaError(Message("errors.render_access_changed", id=job.aid))
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
        # The earlier report's evaluation is compared in full or not at all: a file that is gone means
        # no earlier evaluation; one that is damaged (not JSON, or not an evaluation) is refused naming
        # it, as the viewer refuses it - never compared in part.
        old_eval = None
        if (base / "evaluation.json").exists() or (base / "evaluation.json").is_symlink():
            from ..loaders import load_data_file

            old_eval = load_data_file(base / "evaluation.json")
        reasons = job.reasons
        if not reasons:
            try:
                reasons = stale_reasons(ws, load_statement(base)[1], templates)
            except LiaError:
                reasons = []
        m = DIR_RE.match(base.name)
        changes = {"baseline": {"dir": f"{base.parent.name}/{base.name}", "signed": signed},
                   "reasons": reasons, **changes_between(old_eval, evaluation, old_source=base / "evaluation.json",
                                                         new_source=tmp / "evaluation.json"),
                   "answers": answer_changes(ws, job.aid, int(m.group(1)) if m else None, v.number, job.lang,
                                             templates)}
        _write(tmp / "changes.json", (json.dumps(changes, indent=2, sort_keys=True, ensure_ascii=False)
                                      + "\n").encode("utf-8"))
        _write(tmp / "changes.md", changes_md(changes, labels, job.lang).encode("utf-8"))

    subjects = [{"name": n, "digest": {"sha256": _sha256_file(tmp / n)}} for n in REPORT_FILES
                if (tmp / n).is_file()]
    predicate = {**inputs, "rendered_at": _now(), "lang": job.lang, "engine": engine}
    statement = {"_type": "https://in-toto.io/Statement/v1", "subject": subjects,
                 "predicateType": PREDICATE_TYPE, "predicate": predicate}
    _write(tmp / STATEMENT_FILE, (json.dumps(statement, indent=2, sort_keys=True, ensure_ascii=False)
                                  + "\n").encode("utf-8"))
    load_statement(tmp)  # our own output must pass our own parser
    target = next_dir(ws, job.aid, v.number)
    while True:
        try:
            os.rename(tmp, target)  # atomic; fails if another render took this name meanwhile
            break
        except OSError:
            if not target.exists():
                raise
            target = next_dir(ws, job.aid, v.number)
    fsync_dir(target.parent)
    return RenderResult(job.aid, v.number, dir=target, changes=changes)


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

    from ..paths import templates_dir
    from ..store import Store
    from .engine import KernelPool, register

    tdir = Path(templates) if templates else templates_dir()
    template_inputs(tdir)  # fail early when the template is incomplete
    store = Store(ws)
    versions = [store.load(j.aid, j.version) for j in jobs]
    from ..periods.evidence import evidence_digest, load_evidence

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
                    _execute(job, v.number, tmp, Path(ws.home), tdir, engine)
                    fut.set_result(None)
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
        res.error = Message("errors.render_failed_in", id=job.aid, n=v.number, cell=_failed_cell(failed / "report.ipynb"),
                            path=str(failed / "report.ipynb"))
    elif isinstance(exc, LiaError):  # its codes kept: the wizard's report bar shows it in the page's language
        res.error = Message("errors.render_failed", id=job.aid, n=v.number, error=exc.whole)
    else:
        res.error = Message("errors.render_failed", id=job.aid, n=v.number, error=f"{type(exc).__name__}: {exc}")
    return res


def render(ws: Any, aid: str, version: int | None = None, lang: str = "en", engine: str = "lia-warm",
           templates: Path | None = None, pdf: bool = True, reasons: list[str] | None = None) -> Path:
    """Render one report; returns its folder. Raises LiaError (naming the failed cell) on failure."""
    from ..i18n import check_lang

    check_lang(lang)
    res = render_many(ws, [RenderJob(aid, version, lang, reasons or [])], workers=1, engine=engine,
                      templates=templates, pdf=pdf, progress=False)[0]
    if res.error or res.dir is None:
        raise LiaError(res.error or "rendering failed")
    return res.dir
