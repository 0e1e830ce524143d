"""The access page: who listened, for the works council and the DPO.

notebooks/access.ipynb only creates :class:`AccessApp` and displays its widget;
everything here is testable without a browser. The summary comes first (events,
users, roles against what is declared, what each check did), then the two charts
(accesses per role and month; per agent, the recordings opened and by whom, by
pseudonymous id) as inline SVG rendered offline by vl-convert, then the breaches.
Default logs: a demo call log and access log generated on first use under
``<workspace>/access-demo/``. Other logs are chosen by name from ``<workspace>/logs/``, the
folder the works-council page reads (:mod:`lia.pages.call_logs`: links leading out, folders and
devices refused); the page never takes a path on the server, from its fields or its query string.
A log that cannot be read leaves the previous view and shows the message (file, place, expected)
in the page's language, never the file's content.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path
from typing import Any

from lia.errors import LiaError, Message, excerpt, shown_name

from ..i18n import LANGS, mark_page_language, t
from .call_logs import list_logs, logs_folder, workspace_log
from .furniture import (DEMO, PageHeader, app_root, apply_log_query, assessment_ids, field, notice_box, page_query, relist,
                        reread_and_draw)
from .style import style_widget

__all__ = ["AccessApp", "demo_logs", "access_log", "summary_html", "breaches_html", "serve_request", "DEMO",
           "READY_MESSAGE"]

READY_MESSAGE = "access page preheated, waiting for a visitor"


def serve_request(app: "AccessApp") -> None:
    """In a preheated Voila kernel: wait for the browser's request, then apply its query string."""
    from ..kernel import serve_request as serve

    serve(app.apply_request, READY_MESSAGE, on_error=app.show_error)


def demo_logs(home: Path) -> tuple[Path, Path, dict[str, Any]]:
    """The demo access log, call log and policy under ``home/access-demo/``, generated on first use."""
    from lia.access.synth import INJECTABLE, generate_access
    from lia.periods.synth import generate, write_table_atomic

    folder = Path(home) / "access-demo"
    acc, calls, policy = folder / "demo-access.parquet", folder / "demo-calls.parquet", folder / "demo-policy.json"
    if not (acc.is_file() and calls.is_file() and policy.is_file()):
        c = generate(seed=42, weeks=16, inject=("declined_recorded", "withdrawal_not_deleted"))
        a = generate_access(c, seed=42, inject=INJECTABLE)
        c.write_parquet(calls)
        a.write_parquet(acc)
        write_table_atomic(policy, lambda tmp: Path(tmp).write_text(json.dumps(a.answers, indent=2), encoding="utf-8"))
    return acc, calls, json.loads(policy.read_text(encoding="utf-8"))


def access_log(ws: Any, name: str) -> Path:
    """The log ``name`` in ``<workspace>/logs/`` (:func:`lia.pages.call_logs.workspace_log`), or a
    LiaError in the access page's words that names only the given name and the folder."""
    try:
        return workspace_log(ws, name)
    except LiaError:
        raise LiaError(Message("errors.access_not_a_log", name=excerpt(name),
                               folder=shown_name(logs_folder(ws)))) from None


def _e(x: Any) -> str:
    return html.escape(str(x))


def summary_html(report: Any, lang: str = "en") -> str:
    """The summary first: the overview, roles (declared people against users seen) and the checks."""
    o = report.overview
    parts = [f"<h3>{_e(t('access', 'summary_title', lang))}</h3>",
             f"<p class='lia-access-overview'>{_e(t('access', 'summary_events', lang, events=o['events'], users=o['users'], roles=o['roles'], first=o['first_day'], last=o['last_day'], tz=o['time_zone']))}</p>"]
    if "calls_in_log" in o:
        parts.append(f"<p>{_e(t('access', 'summary_calls', lang, calls=o['calls_in_log'], without=o['events_without_call']))}</p>")
    else:
        parts.append(f"<p>{_e(t('access', 'summary_no_calls', lang))}</p>")
    n = len(report.breaches)
    parts.append(f"<p class='lia-access-count'><b>{_e(t('access', 'breaches_head', lang, n=n) if n else t('access', 'breaches_none', lang))}</b></p>")
    rows = "".join(
        f"<li>{_e(t('access', 'role_line', lang, role=r['role'], users=r['users'], accesses=r['accesses'], people=r['people'] if r['declared'] else t('access', 'role_undeclared', lang)))}</li>"
        for r in report.roles)
    parts.append(f"<p>{_e(t('access', 'summary_roles', lang))}</p><ul>{rows}</ul>")
    checks = "".join(
        f"<li>{_e(t('access', 'kind_' + k, lang))}: {_e(t('access', 'check_' + c['status'], lang, question=c.get('question', '')))}</li>"
        for k, c in report.checks.items())
    parts.append(f"<details><summary>{_e(t('access', 'summary_checks', lang))}</summary><ul>{checks}</ul></details>")
    return "".join(parts)


def breaches_html(report: Any, lang: str = "en") -> str:
    """The breaches as an escaped HTML table in ``lang``."""
    if not report.breaches:
        return f"<p>{_e(t('access', 'breaches_none', lang))}</p>"
    cols = ["col_kind", "col_who", "col_agent", "col_period", "col_value", "col_limit"]
    head = "".join(f"<th style='text-align:left;padding:2px 8px'>{_e(t('access', c, lang))}</th>" for c in cols)
    rows = []
    for b in report.breaches:
        d = b.to_dict()
        unit = lambda n, u=b.unit: t("access", "unit_" + u, lang, n=n)  # noqa: E731 - "1 access", "2 accesses"
        per = d["period"]
        cells = [t("access", "kind_" + b.kind, lang), ", ".join(x for x in (b.user, b.role) if x), b.agent or "—",
                 per["start"] if per["start"] == per["end"] else f"{per['start']} – {per['end']}",
                 f"{d['value']} {unit(d['value'])}", f"{d['limit']} {unit(d['limit'])}"]
        rows.append("<tr>" + "".join(f"<td style='padding:2px 8px'>{_e(c)}</td>" for c in cells) + "</tr>")
    return f"<table class='lia-access-breaches'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


class AccessApp:
    """The Voila app's state and widgets. ``.widget`` is what the notebook displays."""

    #: Logged by a preheated kernel once the page is built and waits for a visitor.
    READY_MESSAGE = READY_MESSAGE

    def __init__(self, home: str | Path | None = None, lang: str | None = None, log: str | None = None,
                 calls: str | None = None, assessment: str | None = None) -> None:
        import ipywidgets as w

        from ..workspace import Workspace

        self.ws = Workspace(home)
        lang = lang or os.environ.get("LIA_LANG", "en")
        self.lang = lang if lang in LANGS else "en"
        self.report: Any = None
        self.charts: dict[str, Any] = {}
        self._error: LiaError | None = None
        ids = self._assessment_ids()
        self.w_assessment = w.Dropdown(options=[DEMO] + ids, value=assessment if assessment in ids else DEMO)
        # the logs in <home>/logs/, by name ("" = the demo logs): the page never takes a path
        self.w_log = w.Dropdown(options=self._log_options("demo_log"), value="", layout=w.Layout(width="260px"))
        self.w_calls = w.Dropdown(options=self._log_options("calls_default"), value="",
                                  layout=w.Layout(width="260px"))
        self.w_log.add_class("lia-access-log")
        self.w_calls.add_class("lia-access-calls")
        if log:
            self.w_log.value = access_log(self.ws, str(log)).name
        if calls:
            self.w_calls.value = access_log(self.ws, str(calls)).name
        self.header = PageHeader("access", self.lang, title="page_title", subtitle="page_intro", area="access",
                                 assessment=assessment if assessment in ids else None,
                                 on_language=lambda lang: self._on_lang({"new": lang}))
        self.w_lang = self.header.switch  # the language switch, where every page has it
        self.w_title = self.header.heading
        self.w_show = w.Button(button_style="primary")
        self.w_show.add_class("lia-access-show")
        self.w_status = w.HTML()
        self.w_summary, self.w_breaches = w.HTML(), w.HTML()
        self.w_charts = w.VBox()
        self.labels = {k: w.Label() for k in ("assessment", "access_log", "call_log")}
        self.w_show.on_click(lambda _: self.refresh(reload=True))
        self.w_assessment.observe(lambda ch: self.header.set_assessment(None if ch["new"] == DEMO else ch["new"]),
                                  names="value")

        toolbar = w.HBox([field(self.labels["assessment"], self.w_assessment), field(self.labels["access_log"], self.w_log),
                          field(self.labels["call_log"], self.w_calls), self.w_show])
        toolbar.add_class("lia-toolbar")
        for part in (self.w_summary, self.w_charts, self.w_breaches):
            part.add_class("lia-section")
        self.widget = app_root([style_widget(), self.header.widget, toolbar, notice_box(self.w_status), self.w_summary,
                                self.w_charts, self.w_breaches], "lia-access", self.lang)
        self._texts()
        self.refresh(reload=True)

    def _assessment_ids(self) -> list[str]:
        return assessment_ids(self.ws)

    def _log_options(self, default: str) -> list[tuple[str, str]]:
        """(label, value) pairs: the default (value ``""``, labelled by ``default``), then each log in ``<home>/logs/``."""
        return [(t("access", default, self.lang), "")] + [(n, n) for n in list_logs(self.ws)]

    def _relist_logs(self) -> None:
        """Offer the logs in ``<home>/logs/`` as they are now, keeping each choice while it is still there."""
        for wid, default in ((self.w_log, "demo_log"), (self.w_calls, "calls_default")):
            relist(wid, self._log_options(default))

    def load(self) -> None:
        """Read and check the chosen logs against the chosen assessment's policy; LiaError on bad input."""
        from lia.access.analysis import analyse, load_calls
        from lia.access.limits import AccessLimits
        from lia.access.log import read_access_log

        from ..store import Store

        demo_acc = demo_calls = None
        log_name, calls_name = self.w_log.value or "", self.w_calls.value or ""
        if self.w_assessment.value == DEMO or not log_name:
            demo_acc, demo_calls, policy = demo_logs(self.ws.home)
        answers = policy if self.w_assessment.value == DEMO else Store(self.ws).load(self.w_assessment.value).answers
        log_path = str(access_log(self.ws, log_name)) if log_name else str(demo_acc)
        calls_path = (str(access_log(self.ws, calls_name)) if calls_name
                      else str(demo_calls) if not log_name else "")
        log = read_access_log(log_path)
        try:
            if calls_path:
                load_calls(log.con, calls_path)
            self.report = analyse(log, AccessLimits.from_answers(answers), calls=bool(calls_path))
        finally:
            log.close()

    def refresh(self, reload: bool = False) -> None:
        """Re-read (if asked) and redraw; a failure keeps the previous view and shows the message."""
        error = reread_and_draw(self, reload)
        if error is not None:
            self.show_error(error)
        else:
            self.w_status.value = ""

    def show_error(self, err: BaseException) -> None:
        from ..messages import translate_error

        msg = t("access", "error", self.lang, error=translate_error(err, self.lang))
        self.w_status.value = f"<div class='lia-msg error'><p class='lia-access-error'>{_e(msg)}</p></div>"

    def draw(self) -> None:
        """Summary first, then the two charts (inline SVG), then the breaches table."""
        import ipywidgets as w

        from lia.access.charts import all_charts

        from .charts import chart_svg

        self.w_summary.value = summary_html(self.report, self.lang)
        self.charts = all_charts(self.report.role_month, self.report.agent_users, self.lang)
        self.w_charts.children = [w.HTML(f"<h3>{_e(t('access', 'charts_title', self.lang))}</h3>")] + [
            w.HTML(f"<div class='lia-access-chart'>{chart_svg(c, self.lang)}</div>") for c in self.charts.values()]
        self.w_breaches.value = (f"<h3>{_e(t('access', 'breaches_table', self.lang))}</h3>"
                                 + breaches_html(self.report, self.lang))

    def apply_request(self, env: Any = None) -> None:
        """Use the page's query string: ``?assessment=ID&log=NAME&calls=NAME&lang=en|sv|nb``.

        ``log`` and ``calls`` name files in ``<home>/logs/``; anything else (a path, ``../``) is
        refused with a message in the page's language and the page keeps what it shows.
        """
        def find(name: str) -> Path:
            return access_log(self.ws, name)

        apply_log_query(self, page_query(env), {"log": (self.w_log, find), "calls": (self.w_calls, find)})

    def _on_lang(self, change: Any) -> None:
        self.lang = change["new"]
        self.header.set_language(self.lang)
        mark_page_language(self.widget, self.lang)
        self._texts()
        self.refresh(reload=False)

    def _texts(self) -> None:
        for k, lab in self.labels.items():
            lab.value = t("access", k, self.lang)
        self.w_show.description = t("access", "load", self.lang)
        self._relist_logs()  # relabels the default choices
