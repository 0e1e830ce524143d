"""The works-council page: pick an assessment and a call log (or upload one), read the summary,
filter, see the charts and the breaches, download them.

notebooks/works_council.ipynb only creates :class:`WorksCouncilApp` and displays its widget;
everything here is testable without a browser. Charts are inline SVG rendered by vl-convert
(:func:`lia.periods.charts.to_svg`), so the page loads no JavaScript for them. A log or
assessment that cannot be read leaves the previous view in place and shows the message.
The summary, tables and downloads are in :mod:`lia.pages.works_council_parts`, the logs the
page may read in :mod:`lia.pages.call_logs`.
"""

from __future__ import annotations

import html
import json
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

from lia.errors import LiaError, Message, excerpt

from ..i18n import LANGS, mark_page_language, t
from .call_logs import LOGS_FOLDER, demo_log, list_logs, logs_folder, workspace_log
from .furniture import (DEMO, PageHeader, app_root, apply_log_query, assessment_ids, field, notice_box, page_query, relist,
                        reread_and_draw)
from .style import style_widget
from .works_council_parts import (PAGE_SIZE, PageMessage, breaches_csv, breaches_html, download_link, monthly_share,
                                  monthly_share_html, select_breaches, summarise, summary_html, worst_words)

__all__ = ["WorksCouncilApp", "demo_log", "breaches_html", "breaches_csv", "summarise", "summary_html",
           "download_link", "worst_words", "monthly_share", "monthly_share_html", "select_breaches", "PageMessage",
           "PAGE_SIZE", "serve_request", "DEMO", "READY_MESSAGE", "LOGS_FOLDER", "logs_folder", "list_logs",
           "workspace_log"]

#: Logged by a preheated kernel once the page is built and waits for a visitor.
READY_MESSAGE = "works-council page preheated, waiting for a visitor"


def serve_request(app: "WorksCouncilApp") -> None:
    """In a preheated Voila kernel: wait for the browser's request, then apply its query string."""
    from ..kernel import serve_request as serve

    serve(app.apply_request, READY_MESSAGE, on_error=app.show_error)


#: The pseudo-assessment id for the generated demo log with its own limits.
_ALL = ""


#: The upload control's script, run by the browser when a file is chosen (inline, so no script is loaded).
#: It asks the limit (and the XSRF cookie), streams the file with PUT to the server's upload endpoint
#: (lia.upload) showing progress, and hands the result to the kernel through the hidden text field.
_UPLOAD_JS = (
    "(function(inp){var box=inp.closest('.lia-wc-upload'),f=inp.files&&inp.files[0];if(!f)return;"
    "var bar=box.querySelector('progress'),msg=box.querySelector('.lia-wc-upload-msg');"
    "function tell(o){o.file=f.name;o.at=Date.now();var t=document.querySelector('.lia-wc-upload-result input');"
    "if(t){t.value=JSON.stringify(o);t.dispatchEvent(new Event('input',{bubbles:true}));"
    "t.dispatchEvent(new Event('change',{bubbles:true}));}inp.value='';}"
    "var limit=+box.dataset.limit;if(f.size>limit){tell({error:'too_large',size:f.size});return;}"
    "var base=location.pathname.split('/voila/')[0].replace(/\\/$/,'');var url=base+'/lia/upload/logs';"
    "var tok=new URLSearchParams(location.search).get('token');"
    "fetch(url,{credentials:'same-origin',headers:tok?{Authorization:'token '+tok}:{}}).then(function(){"
    "var m=document.cookie.match(/(?:^|; )_xsrf=([^;]*)/),x=new XMLHttpRequest();"
    "x.open('PUT',url+'?name='+encodeURIComponent(f.name));"
    "if(m)x.setRequestHeader('X-XSRFToken',decodeURIComponent(m[1]));if(tok)x.setRequestHeader('Authorization','token '+tok);"
    "bar.hidden=false;bar.value=0;"
    "x.upload.onprogress=function(e){if(e.lengthComputable){var p=Math.floor(100*e.loaded/e.total);bar.value=p;"
    "msg.textContent=box.dataset.uploading.replace('{pct}',p);}};"
    "x.onload=function(){bar.hidden=true;msg.textContent='';var r={};try{r=JSON.parse(x.responseText)}catch(e){}"
    "if(x.status==201)tell({ok:true,name:r.name,size:r.size});else tell({error:r.error||'status',status:x.status});};"
    "x.onerror=function(){bar.hidden=true;msg.textContent='';tell({error:'network'});};x.send(f);"
    "}).catch(function(){tell({error:'network'});});})(this)"
)


class WorksCouncilApp:
    """The Voila app's state and widgets. ``.widget`` is what the notebook displays."""

    #: Logged by a preheated kernel once the page is built and waits for a visitor.
    READY_MESSAGE = READY_MESSAGE

    def __init__(self, home: str | Path | None = None, lang: str | None = None, log: str | Path | None = None,
                 assessment: str | None = None) -> None:
        import ipywidgets as w

        from ..workspace import Workspace

        self.ws = Workspace(home)
        lang = lang or os.environ.get("LIA_LANG", "en")
        self.lang = lang if lang in LANGS else "en"
        self.report: Any = None
        self._error: LiaError | None = None
        self._notice = ""  # a success message (an upload stored), shown until the next message
        self._source: str | None = None  # the log the charts show (None: the demo log)
        self.charts: dict[str, Any] = {}
        self.svgs: dict[str, str] = {}
        self.exported: list[Path] = []
        self.page = 0
        ids = self._assessment_ids()
        self.w_assessment = w.Dropdown(options=[DEMO] + ids, value=assessment if assessment in ids else DEMO,
                                       layout=w.Layout(width="260px"))
        # the logs in <home>/logs/, by name: the page never takes a path
        self.w_log = w.Dropdown(options=self._log_options(), value="", layout=w.Layout(width="260px"))
        if log:
            self.w_log.value = workspace_log(self.ws, str(log)).name
        self.w_team = w.Dropdown(options=[("", _ALL)], value=_ALL, layout=w.Layout(width="180px"))  # "" = all teams
        self.w_agent = w.Dropdown(options=[("", _ALL)], value=_ALL, layout=w.Layout(width="180px"))
        self.w_agent.add_class("lia-wc-agent")
        self.w_start = w.DatePicker(layout=w.Layout(width="150px"))
        self.w_end = w.DatePicker(layout=w.Layout(width="150px"))
        # the browser draws a date field in its own locale (mm/dd/yyyy in an English browser) whatever
        # the page's language: under each field, the chosen date as the page's language writes it,
        # or, with none chosen, a hint saying so in the page's language
        self.w_date_hints = {"start": w.HTML(), "end": w.HTML()}
        for hint in self.w_date_hints.values():
            hint.add_class("lia-wc-date-hint")
        self.header = PageHeader("works_council", self.lang, title="ui_title", subtitle="wc_subtitle", area="periods",
                                 assessment=assessment if assessment in ids else None,
                                 on_language=lambda lang: self._on_lang({"new": lang}))
        self.w_lang = self.header.switch  # the language switch, where every page has it
        self.w_title = self.header.heading
        self.w_show = w.Button(button_style="primary")
        self.w_show.add_class("lia-wc-show")
        self.w_svg, self.w_png = w.Button(icon=""), w.Button(icon="")
        self.w_png_prepare = w.Button(icon="image")
        self.w_png_prepare.add_class("lia-wc-png-prepare")
        self.w_png_links = w.HTML()
        self.w_upload = w.HTML()
        self.w_upload_result = w.Text(layout=w.Layout(display="none"))
        self.w_upload_result.add_class("lia-wc-upload-result")
        self.w_status = w.HTML()
        self.w_summary = w.HTML()
        self.w_downloads = w.HTML()
        self.w_charts = w.VBox()
        self.w_charts.add_class("lia-wc-charts")
        self.w_breaches = w.HTML()
        self.w_prev, self.w_next = w.Button(icon="chevron-left"), w.Button(icon="chevron-right")
        self.w_prev.add_class("lia-wc-prev")
        self.w_next.add_class("lia-wc-next")
        self.w_pageinfo = w.HTML()
        self.w_pageinfo.add_class("lia-wc-pageinfo")
        self.w_show.on_click(lambda _: self.refresh(reload=True))
        self.w_svg.on_click(lambda _: self._export_clicked("svg"))
        self.w_png.on_click(lambda _: self._export_clicked("png"))
        self.w_png_prepare.on_click(lambda _: self.prepare_png())
        self.w_prev.on_click(lambda _: self._turn(-1))
        self.w_next.on_click(lambda _: self._turn(+1))
        for wid in (self.w_start, self.w_end):
            wid.observe(lambda _: self._date_hints(), names="value")
        for wid in (self.w_team, self.w_start, self.w_end):
            wid.observe(lambda _: self.refresh(reload=False), names="value")
        self.w_agent.observe(lambda _: self._draw_table(first=True), names="value")
        self.w_assessment.observe(lambda ch: self.header.set_assessment(None if ch["new"] == DEMO else ch["new"]),
                                  names="value")
        self.w_upload_result.observe(self._on_upload, names="value")
        self.labels = {k: w.Label() for k in ("ui_assessment", "ui_log", "ui_team", "ui_agent", "ui_from", "ui_to")}
        self.w_sections = {k: w.HTML() for k in ("ui_summary", "ui_charts", "ui_downloads")}
        lab = self.labels
        toolbar = w.HBox([field(lab["ui_assessment"], self.w_assessment), field(lab["ui_log"], self.w_log), self.w_show,
                          w.HBox(layout=w.Layout(flex="1 1 auto")), self.w_upload, self.w_upload_result])
        toolbar.add_class("lia-toolbar")
        filters = w.HBox([field(lab["ui_team"], self.w_team), field(lab["ui_agent"], self.w_agent),
                          field(lab["ui_from"], self.w_start, self.w_date_hints["start"]),
                          field(lab["ui_to"], self.w_end, self.w_date_hints["end"])])
        filters.add_class("lia-wc-filters")
        filters.layout.align_items = "flex-start"  # the fields line up at the top whatever the date hints' height
        pager = w.HBox([self.w_prev, self.w_pageinfo, self.w_next])
        pager.add_class("lia-wc-pager")

        def section(*children: Any, cls: str = "") -> Any:
            box = w.VBox(list(children))
            box.add_class("lia-wc-section")
            if cls:
                box.add_class(cls)
            return box

        saves = w.HBox([self.w_png_prepare, self.w_png_links, w.HBox(layout=w.Layout(flex="1 1 auto")),
                        self.w_svg, self.w_png])
        saves.add_class("lia-wc-saves")
        self.widget = app_root([
            style_widget(), self.header.widget, toolbar, filters, notice_box(self.w_status),
            section(self.w_sections["ui_summary"], self.w_summary, cls="lia-wc-summary-box"),
            section(self.w_sections["ui_downloads"], self.w_downloads, saves),
            section(self.w_sections["ui_charts"], self.w_charts),
            section(self.w_breaches, pager, cls="lia-wc-table-box"),
        ], "lia-wc", self.lang)
        self._texts()
        self.refresh(reload=True)

    # -- state -----------------------------------------------------------------------------
    def _assessment_ids(self) -> list[str]:
        return assessment_ids(self.ws)

    def _log_options(self) -> list[tuple[str, str]]:
        """(label, value) pairs: the demo log (value ``""``), then each log in ``<home>/logs/``."""
        return [(t("periods", "ui_demo_log", self.lang), "")] + [(n, n) for n in list_logs(self.ws)]

    def _relist_logs(self) -> None:
        """Offer the logs in ``<home>/logs/`` as they are now, keeping the choice while it is still there."""
        relist(self.w_log, self._log_options())

    def _limits(self) -> Any:
        from ..store import Store
        from lia.periods.limits import Limits

        if self.w_assessment.value == DEMO:
            return Limits.from_answers(demo_log(self.ws.home)[1])
        return Limits.from_answers(Store(self.ws).load(self.w_assessment.value).answers)

    def load(self) -> None:
        """Read the chosen log against the chosen assessment's limits; raises LiaError on bad input."""
        from lia.periods.analysis import analyse
        from lia.periods.calllog import read_call_log

        limits = self._limits()
        given = self.w_log.value or ""
        path = workspace_log(self.ws, given) if given else demo_log(self.ws.home)[0]
        self.report = analyse(read_call_log(path), limits)
        self._source = given or None  # None: the demo log
        teams = sorted(self.report.teams["team"].astype(str))
        with self.w_team.hold_trait_notifications():
            self.w_team.options = [(t("periods", "ui_all_teams", self.lang), _ALL)] + [(x, x) for x in teams]
            self.w_team.value = _ALL
        self.page = 0

    def refresh(self, reload: bool = False) -> None:
        """Re-read (if asked) and redraw charts and breaches; a failure keeps the previous view.

        The message of a failed read stays until a read succeeds: filtering or switching the
        language redraws the previous view and says again, in the new language, what failed.
        """
        error = reread_and_draw(self, reload)
        if error is not None:
            self.show_error(error)
        elif self._notice:
            self.w_status.value = self._notice
        else:
            self.w_status.value = ""

    def show_error(self, err: BaseException) -> None:
        """Show *err* above the charts in the page's language (the file, the place, what was expected)."""
        from ..messages import translate_error

        text = html.escape(err.text(self.lang) if isinstance(err, PageMessage) else translate_error(err, self.lang))
        still = ""
        if self.report is not None:  # say what the charts show, lest they be read as the file that failed
            source = self._source or t("periods", "ui_demo_log", self.lang)
            still = f"<p class='lia-wc-still'>{html.escape(t('periods', 'ui_still_showing', self.lang, source=source))}</p>"
        self._notice = ""
        self.w_status.value = (f"<div class='lia-msg error'><p class='lia-wc-error' style='white-space:pre-wrap;margin:0'>"
                               f"{text}</p>{still}</div>")

    def filtered(self) -> Any:
        """The report restricted to the chosen team and dates."""
        return self.report.filter(team=self.team, start=_d(self.w_start.value), end=_d(self.w_end.value))

    @property
    def team(self) -> str | None:
        """The chosen team, or None for all teams."""
        return self.w_team.value or None

    @property
    def agent(self) -> str | None:
        """The chosen agent (breaches table), or None for all agents."""
        return self.w_agent.value or None

    def draw(self) -> None:
        """Render the summary, the three charts (inline SVG, each with its caption), the downloads and the table."""
        import ipywidgets as w

        from lia.periods.charts import all_charts, caption, to_svg

        self.charts = all_charts(self.report, team=self.team, start=_d(self.w_start.value),
                                 end=_d(self.w_end.value), lang=self.lang)
        self.svgs = {name: to_svg(c, self.lang) for name, c in self.charts.items()}
        self.w_charts.children = [
            w.HTML(f"<div class='lia-chart lia-wc-chart-{name}'>{svg}"
                   f"<p class='lia-wc-caption'>{html.escape(caption(name, self.report, team=self.team, lang=self.lang))}</p></div>")
            for name, svg in self.svgs.items()]
        rep = self.filtered()
        self.w_summary.value = summary_html(rep, self.lang) + monthly_share_html(rep, self.lang)
        self._draw_downloads(rep)
        self.w_png_links.value = ""  # PNGs of the previous view are not offered for this one
        self._relist_agents(rep)
        self._draw_table()

    def _prefix(self) -> str:
        from lia.periods.charts import file_part

        return f"{file_part(self.w_assessment.value.strip('()'))}-{file_part(self.team or 'all')}"

    def _draw_downloads(self, rep: Any) -> None:
        """Links that download the shown charts (SVG) and the breaches (CSV) to the reader's computer."""
        links = [download_link(svg, f"{self._prefix()}-{name}.svg", "image/svg+xml",
                               t("periods", "wc_download_svg", self.lang, chart=t("periods", "chart_" + name, self.lang)),
                               cls=f"lia-wc-dl-svg lia-wc-dl-{name}")
                 for name, svg in self.svgs.items()]
        links.append(download_link(breaches_csv(rep.breaches, self.lang), f"{self._prefix()}-breaches.csv",
                                   "text/csv;charset=utf-8", t("periods", "wc_download_csv", self.lang, n=len(rep.breaches)),
                                   cls="lia-wc-dl-csv"))
        self.w_downloads.value = f"<div class='lia-wc-downloads'>{''.join(links)}</div>"

    def prepare_png(self) -> None:
        """Render the shown charts as PNG (about a second: only when asked) and offer them as downloads."""
        from lia.periods.charts import to_png

        links = [download_link(to_png(c, lang=self.lang), f"{self._prefix()}-{name}.png", "image/png",
                               t("periods", "wc_download_png", self.lang, chart=t("periods", "chart_" + name, self.lang)),
                               cls=f"lia-wc-dl-png lia-wc-dl-png-{name}")
                 for name, c in self.charts.items()]
        self.w_png_links.value = f"<div class='lia-wc-downloads'>{''.join(links)}</div>"

    def _relist_agents(self, rep: Any) -> None:
        agents = sorted({b.agent for b in rep.breaches if b.agent})
        options = [(t("periods", "ui_all_agents", self.lang), _ALL)] + [(a, a) for a in agents]
        if list(self.w_agent.options) != options:
            value = self.w_agent.value
            with self.w_agent.hold_trait_notifications():
                self.w_agent.options = options
                self.w_agent.value = value if value in agents else _ALL

    def _draw_table(self, first: bool = False) -> None:
        """The breaches table: the chosen page of the breaches of the chosen team, dates and agent."""
        if self.report is None:
            return
        rows = select_breaches(self.filtered(), self.agent)
        pages = max(1, -(-len(rows) // PAGE_SIZE))
        self.page = 0 if first else min(max(0, self.page), pages - 1)
        self.w_breaches.value = (f"<h2>{html.escape(t('periods', 'ui_breaches', self.lang))}</h2>"
                                 + breaches_html(self.filtered(), self.lang, page=self.page, agent=self.agent))
        lo, hi = (self.page * PAGE_SIZE + 1, min(len(rows), (self.page + 1) * PAGE_SIZE)) if rows else (0, 0)
        self.w_pageinfo.value = html.escape(t("periods", "wc_page", self.lang, lo=lo, hi=hi, n=len(rows),
                                              page=self.page + 1, pages=pages))
        self.w_prev.disabled = self.page == 0
        self.w_next.disabled = self.page >= pages - 1

    def _turn(self, step: int) -> None:
        self.page += step
        self._draw_table()

    def _on_upload(self, change: Any) -> None:
        """The browser stored a file in ``<home>/logs/`` (or could not): read it, or say why not."""
        from ..upload import human_size, upload_limit

        try:
            msg = json.loads(change["new"] or "{}")
        except ValueError:
            return
        if not isinstance(msg, dict) or not msg:
            return
        given = excerpt(str(msg.get("file", "")))
        if msg.get("ok") and isinstance(msg.get("name"), str):
            self._relist_logs()
            try:
                name = workspace_log(self.ws, msg["name"]).name
            except LiaError as err:
                self._error = err
                self.show_error(err)
                return
            self._notice = ""
            self.w_log.value = name
            self.refresh(reload=True)
            if self._error is None:
                self._notice = (f"<div class='lia-msg ok lia-wc-uploaded'>{html.escape(t('periods', 'wc_uploaded', self.lang, file=given, name=name, size=human_size(int(msg.get('size') or 0))))}</div>")
                self.w_status.value = self._notice
            return
        key = {"too_large": "wc_upload_too_large", "bad_name": "wc_upload_bad_name"}.get(
            str(msg.get("error") or ""), "wc_upload_failed")
        refusal = PageMessage("periods", key, file=given, limit=human_size(upload_limit()), status=msg.get("status", ""))
        self._error = refusal
        self.show_error(refusal)

    def export(self, fmt: str) -> list[Path]:
        """Write the shown charts as SVG or PNG to ``reports/periods/`` in the workspace."""
        from lia.periods.charts import export, file_part

        if not self.charts:
            return []
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        prefix = f"{file_part(self.w_assessment.value.strip('()'))}-{file_part(self.team or 'all')}-{stamp}"
        folder = self.ws.reports_dir / "periods"
        folder.mkdir(parents=True, exist_ok=True)
        if not folder.resolve().is_relative_to(self.ws.reports_dir.resolve()):
            raise LiaError(Message("errors.wc_export_outside", folder=folder))
        self.exported = export(self.charts, folder, fmt, prefix=prefix, lang=self.lang)
        self.w_status.value = html.escape(t("periods", "ui_exported", self.lang,
                                            files=", ".join(str(p) for p in self.exported)))
        return self.exported

    def _export_clicked(self, fmt: str) -> None:
        try:
            self.export(fmt)
        except LiaError as err:
            self.show_error(err)

    def apply_request(self, env: Any = None) -> None:
        """Use the page's query string: ``?assessment=ID&log=NAME&team=NAME&lang=en|sv|nb``.

        ``log`` names a file in ``<home>/logs/``; anything else (a path, ``../``) is refused with a
        message and the page keeps what it shows.
        """
        q = page_query(env)
        apply_log_query(self, q, {"log": (self.w_log, lambda name: workspace_log(self.ws, name))})
        if q.get("team") and q["team"] in [v for _, v in self.w_team.options]:
            self.w_team.value = q["team"]

    def _on_lang(self, change: Any) -> None:
        self.lang = change["new"]
        self.header.set_language(self.lang)
        mark_page_language(self.widget, self.lang)
        self._texts()
        if self.report is not None:
            opts = list(self.w_team.options)
            value = self.w_team.value
            with self.w_team.hold_trait_notifications():
                self.w_team.options = [(t("periods", "ui_all_teams", self.lang), _ALL)] + opts[1:]
                self.w_team.value = value
            opts, value = list(self.w_agent.options), self.w_agent.value
            with self.w_agent.hold_trait_notifications():
                self.w_agent.options = [(t("periods", "ui_all_agents", self.lang), _ALL)] + opts[1:]
                self.w_agent.value = value
        self.refresh(reload=False)

    def _texts(self) -> None:
        from ..upload import human_size, upload_limit

        tr = lambda key, **kw: html.escape(t("periods", key, self.lang, **kw))  # noqa: E731
        for k, lab in self.labels.items():
            lab.value = t("periods", k, self.lang)
        for k, sec in self.w_sections.items():
            sec.value = f"<h2>{tr(k)}</h2>"
        limit = upload_limit()
        self.w_upload.value = (
            f"<div class='lia-wc-upload' data-limit='{limit}' data-uploading='{tr('wc_uploading')}'>"
            f"<label class='lia-wc-pick'>{tr('wc_upload')}<input type='file' accept='.csv,.parquet,.pq' "
            f"onchange=\"{html.escape(_UPLOAD_JS)}\"></label>"
            f"<span class='lia-wc-limit'>{tr('wc_upload_limit', limit=human_size(limit))}</span>"
            f"<progress max='100' value='0' hidden></progress><span class='lia-wc-upload-msg'></span></div>")
        self.w_png_prepare.description = t("periods", "wc_prepare_png", self.lang)
        self.w_prev.tooltip = t("periods", "wc_prev", self.lang)
        self.w_next.tooltip = t("periods", "wc_next", self.lang)
        self.w_show.description = t("periods", "ui_show", self.lang)
        self.w_svg.description = t("periods", "ui_export_svg", self.lang)
        self.w_png.description = t("periods", "ui_export_png", self.lang)
        self._relist_logs()  # relabels the demo log
        self._date_hints()

    def _date_hints(self) -> None:
        """Under each date field: the chosen date in the page's language, or how to choose one."""
        from ..i18n import format_date

        for key, wid in (("start", self.w_start), ("end", self.w_end)):
            day = _d(wid.value)
            text = (t("periods", "wc_date_chosen", self.lang, date=format_date(day, self.lang)) if day
                    else t("periods", "wc_date_hint", self.lang))
            self.w_date_hints[key].value = (f"<span class='lia-muted' style='display:block;max-width:180px;"
                                             f"line-height:1.3'>{html.escape(text)}</span>")


def _d(v: Any) -> date | None:
    return v if isinstance(v, date) else None
