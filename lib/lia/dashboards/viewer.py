"""The signed report viewer: is this report genuine, what does it say, what changed.

:func:`open_report` verifies a report folder *every time* it is opened (never from
a cache): the signatures, every file's SHA-256 against the signed statement, and
whether its inputs are still current. The page shows that result first, then the
report's HTML in a sandboxed frame that can neither run scripts nor load anything,
then the changes since the previous signed report.

Which report: chosen on the page, or by the URL query string
``?assessment=ID&version=N&lang=sv`` (``version`` is the answers version; when it was
rendered more than once the newest rendering is shown, or name one with
``&report=v3-r2``). Voila passes the query string to the kernel in the
``QUERY_STRING`` environment variable; with preheated kernels it is there only after
:func:`voila.utils.wait_for_request` returned (see :func:`lia.dashboards.serve_request`).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import parse_qs

from .sources import ReportChanges, ReportCheck, Sources, SourcesLike, report_number

__all__ = ["ReportView", "ViewerRequest", "parse_query", "report_choices", "find_report", "open_report",
           "sandboxed_iframe", "pdf_data_link", "CSP", "MAX_PDF_LINK",
           "VIEWER_TEMPLATES"]

#: Content-Security-Policy put into the report document: nothing may be fetched; inline styles
#: and data: images (the report's SVG charts) are allowed. Scripts are also blocked by the sandbox.
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; form-action 'none'"
#: The viewer's HTML templates (``templates/html/viewer/``), rendered like the report's.
VIEWER_TEMPLATES = "html/viewer"
#: PDFs larger than this are not offered as an in-page download link.
MAX_PDF_LINK = 8 * 1024 * 1024


@dataclass(frozen=True)
class ViewerRequest:
    """What the URL asks for."""

    assessment: str | None = None
    version: int | None = None
    report: str | None = None
    lang: str | None = None


def parse_query(query_string: str | None) -> ViewerRequest:
    """``assessment=ID&version=N&report=vN-rK&lang=sv`` -> :class:`ViewerRequest` (bad values ignored)."""
    q = parse_qs((query_string or "").lstrip("?"))

    def one(key: str) -> str | None:
        v = (q.get(key) or [""])[0].strip()
        return v or None

    raw = one("version")
    version = int(raw) if raw and raw.isdigit() else None
    report = one("report")
    if report is not None and report_number(Path(report)) is None:
        report = None
    return ViewerRequest(one("assessment"), version, report, one("lang"))


@dataclass(frozen=True)
class ReportView:
    """A report opened in the viewer."""

    aid: str
    dir: Path
    version: int | None
    check: ReportCheck
    html: str | None
    pdf: Path | None
    previous: Path | None
    changes: ReportChanges | None
    #: why the comparison failed: a LiaError (rendered in the page's language, with its file and
    #: place, e.g. a malformed evaluation.json), or a text
    changes_error: str | BaseException | None = None

    @property
    def name(self) -> str:
        """The folder name, e.g. ``v3`` or ``v3-r2``."""
        return self.dir.name


def report_choices(ws: Any, aid: str, sources: SourcesLike | None = None) -> list[Path]:
    """The report folders of ``aid``, newest first."""
    src = sources if sources is not None else Sources()
    return list(reversed(src.report_dirs(_ws(ws), aid)))


def _ws(ws: Any) -> Any:
    from lia.workspace import Workspace

    return ws if isinstance(ws, Workspace) else Workspace(ws)


def find_report(ws: Any, aid: str, version: int | None = None, report: str | None = None,
                sources: SourcesLike | None = None) -> Path:
    """The folder to show: ``report`` by name, else the newest rendering of answers ``version``,
    else the newest report. Raises :class:`lia.errors.NotFoundError` saying what exists."""
    from lia.errors import Message, NotFoundError
    from lia.store import Store

    ws = _ws(ws)
    if not Store(ws).exists(aid):
        known = ", ".join(Store(ws).ids()) or Message("errors.frag_none")
        raise NotFoundError(Message("status.viewer_unknown_assessment", id=aid, known=known))
    dirs = report_choices(ws, aid, sources)
    if not dirs:
        raise NotFoundError(Message("status.viewer_no_reports", id=aid))
    if report:
        for d in dirs:
            if d.name == report:
                return d
        raise NotFoundError(Message("status.viewer_no_report_named", id=aid, report=report,
                                    have=", ".join(d.name for d in dirs)))
    if version is None:
        return dirs[0]
    for d in dirs:
        if report_number(d) == version:
            return d
    have = ", ".join(sorted({str(report_number(d)) for d in dirs}, key=int))
    raise NotFoundError(Message("status.viewer_no_report_version", id=aid, version=version, have=have))


def open_report(ws: Any, aid: str, version: int | None = None, report: str | None = None, *,
                sources: SourcesLike | None = None, lang: str = "en") -> ReportView:
    """Verify and load a report (see :func:`find_report` for which one), with the changes since
    the previous signed report."""
    from lia.errors import LiaError

    ws = _ws(ws)
    src = sources if sources is not None else Sources()
    d = find_report(ws, aid, version, report, src)
    check = src.verify(ws, d)
    html_path = d / "report.html"
    try:
        body = html_path.read_text("utf-8", errors="replace") if html_path.is_file() else None
    except OSError:
        body = None
    pdf = d / "report.pdf"
    previous = changes = None
    error: str | BaseException | None = None
    try:
        previous = src.previous_signed(ws, d)
        if previous is not None:
            changes = src.changes(ws, previous, d, lang)
    except LiaError as exc:  # the comparison is secondary: say why it failed, in the page's language
        error = exc
    except Exception as exc:  # noqa: BLE001  and keep the page
        error = str(exc) or type(exc).__name__
    return ReportView(aid, d, check.version if check.version is not None else report_number(d), check, body,
                      pdf if pdf.is_file() else None, previous, changes, error)


def _html(template: str, /, **context: Any) -> Any:
    """``templates/html/viewer/<template>`` rendered (autoescaped, :func:`lia.reports.htmlkit.render_in`): Markup."""
    from lia.reports.htmlkit import render_in

    return render_in(VIEWER_TEMPLATES, template, **context)


def _with_csp(doc: str) -> str:
    """``doc`` with the :data:`CSP` as the first thing in its ``<head>`` (a document without one is wrapped)."""
    from markupsafe import Markup

    meta = str(_html("csp_meta.html.j2", csp=Markup(CSP)))  # the policy's quotes stay as written
    low = doc[:4096].lower()
    i = low.find("<head")
    if i >= 0:
        j = low.find(">", i)
        if j >= 0:
            return doc[: j + 1] + meta + doc[j + 1 :]
    return str(_html("csp_document.html.j2", meta=Markup(meta), body=Markup(doc)))


def sandboxed_iframe(doc: str, title: str, height: int = 900) -> Any:
    """An ``<iframe sandbox srcdoc=...>`` showing ``doc`` (Markup): no scripts, no same-origin access,
    no network (a CSP forbids every fetch; the viewer's tests check the browser made none)."""
    return _html("frame.html.j2", doc=_with_csp(str(doc)), title=title, height=int(height))


def pdf_data_link(pdf: Path, label: str, filename: str) -> Any:
    """A download link carrying the PDF itself (no request to the server), or '' if it is too large."""
    try:
        if pdf.stat().st_size > MAX_PDF_LINK:
            return ""
        data = base64.b64encode(pdf.read_bytes()).decode("ascii")
    except OSError:
        return ""
    return _html("pdf_link.html.j2", filename=filename, data=data, label=label)


def request_from_env(env: Mapping[str, str]) -> ViewerRequest:
    """The request Voila put into the kernel's environment (``QUERY_STRING``)."""
    return parse_query(env.get("QUERY_STRING", ""))
