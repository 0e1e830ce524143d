"""The works-council app: pick an assessment and a call log, filter, see charts and breaches, export.

notebooks/works_council.ipynb only creates :class:`WorksCouncilApp` and displays
its widget; everything here is testable without a browser. Charts are shown as
inline SVG rendered by vl-convert, so the page loads no JavaScript from anywhere.
A log or assessment that cannot be read leaves the previous view in place and
shows the message.
"""

from __future__ import annotations

import html
import json
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..errors import LiaError, excerpt, shown_name
from ..i18n import LANG_NAMES, LANGS, mark_page_language, t

__all__ = ["WorksCouncilApp", "demo_log", "breaches_html", "breaches_csv", "summarise", "summary_html",
           "download_link", "worst_words", "monthly_share", "monthly_share_html", "select_breaches", "PageMessage", "PAGE_SIZE", "serve_request", "DEMO", "READY_MESSAGE", "LOGS_FOLDER",
           "logs_folder", "list_logs", "workspace_log"]

#: Logged by a preheated kernel once the page is built and waits for a visitor.
READY_MESSAGE = "works-council page preheated, waiting for a visitor"


def serve_request(app: "WorksCouncilApp") -> None:
    """In a preheated Voila kernel: wait for the browser's request, then apply its query string."""
    from ..kernel import serve_request as serve

    serve(app.apply_request, READY_MESSAGE, on_error=app.show_error)


#: The pseudo-assessment id for the generated demo log with its own limits.
DEMO = "(demo)"
_ALL = ""


#: The folder of the workspace whose call logs the page offers (``<home>/logs/``).
LOGS_FOLDER = "logs"
_LOG_SUFFIXES = (".csv", ".parquet", ".pq")


def logs_folder(ws: Any) -> Path:
    """``<workspace>/logs/``: the only place the works-council page reads call logs from."""
    return Path(ws.home) / LOGS_FOLDER


def _confined(folder: Path, name: str) -> Path | None:
    """The real path of ``folder/name`` if it is a regular file inside ``folder`` (links resolved), else None."""
    import stat

    if not name or name != Path(name).name or name.startswith(".") or "\\" in name or "\x00" in name:
        return None
    try:
        real, root = (folder / name).resolve(strict=True), folder.resolve(strict=True)
        mode = os.stat(real).st_mode
    except (OSError, RuntimeError, ValueError):
        return None
    if real.parent != root or not stat.S_ISREG(mode):
        return None
    return real


def list_logs(ws: Any) -> list[str]:
    """Names of the call logs the page offers: CSV and Parquet files directly in ``<home>/logs/``.

    Links are followed only when they stay in that folder; folders, devices and pipes are left out.
    """
    folder = logs_folder(ws)
    try:
        names = sorted(e.name for e in os.scandir(folder))
    except OSError:
        return []
    return [n for n in names if n.lower().endswith(_LOG_SUFFIXES) and _confined(folder, n) is not None]


def workspace_log(ws: Any, name: str) -> Path:
    """The path of the call log ``name`` in ``<home>/logs/``; a LiaError for anything else.

    ``name`` is a file name, not a path: ``../x``, ``/etc/shadow``, a link leading out of the
    folder, a folder or a device are refused, and the message names only the folder.
    """
    folder = logs_folder(ws)
    real = _confined(folder, name) if isinstance(name, str) and name.lower().endswith(_LOG_SUFFIXES) else None
    if real is None:
        raise LiaError(f"'{excerpt(name)}' is not a call log in {shown_name(folder)}; the works-council page reads "
                       "only the CSV and Parquet files in that folder")
    return real


def demo_log(home: Path) -> tuple[Path, dict[str, Any]]:
    """The demo call log and its limits under ``home/periods-demo/``, generated on first use."""
    from .synth import INJECTABLE, generate, write_table_atomic

    folder = Path(home) / "periods-demo"
    log, limits = folder / "demo-calls.parquet", folder / "demo-limits.json"
    if not (log.is_file() and limits.is_file()):
        g = generate(seed=42, inject=INJECTABLE)
        g.write_parquet(log)
        write_table_atomic(limits, lambda tmp: Path(tmp).write_text(json.dumps(g.answers, indent=2), encoding="utf-8"))
    return log, json.loads(limits.read_text(encoding="utf-8"))


#: Rows per page of the breaches table.
PAGE_SIZE = 25
#: The CSV columns of the breaches download (stable names; ``description`` is in the page's language).
CSV_COLUMNS = ("kind", "description", "agent", "team", "start", "end", "value", "limit", "unit", "calls")


def _severity(b: Any) -> float:
    """How far a breach goes beyond its limit (value / limit; the value itself when the limit is 0)."""
    return float(b.value) / float(b.limit) if b.limit else float(b.value) + 1.0


def summarise(report: Any) -> dict[str, Any]:
    """What the summary above the table says, as data.

    ``total``; ``agents`` (employees named in a breach), ``teams``, ``calls`` (calls involved,
    where counted); ``by_kind``: per kind in report order ``{kind, count, agents, teams, worst}``
    (``worst``: the breach furthest beyond its limit); ``worst``: the worst breach of all;
    ``not_checked``: ``[(kind, status, question)]`` for checks that could not be made.
    """
    from .breaches import KINDS

    by: dict[str, list[Any]] = {}
    for b in report.breaches:
        by.setdefault(b.kind, []).append(b)
    kinds = []
    for kind in KINDS:
        bs = by.get(kind)
        if not bs:
            continue
        kinds.append({"kind": kind, "count": len(bs), "agents": len({b.agent for b in bs if b.agent}),
                      "teams": len({b.team for b in bs if b.team}), "worst": max(bs, key=_severity)})
    worst = max(report.breaches, key=_severity) if report.breaches else None
    not_checked = [(k, c.get("status"), c.get("question") or c.get("column") or "")
                   for k, c in (report.checks or {}).items() if c.get("status") not in (None, "checked")]
    return {"total": len(report.breaches), "agents": len({b.agent for b in report.breaches if b.agent}),
            "teams": len({b.team for b in report.breaches if b.team}),
            "calls": sum(int(b.calls or 0) for b in report.breaches), "by_kind": kinds, "worst": worst,
            "not_checked": not_checked, "warnings": list(getattr(report, "warnings", []) or [])}


def _num(v: Any) -> str:
    f = float(v)
    return f"{int(f)}" if f.is_integer() else f"{f:.1f}"


def worst_words(b: Any, lang: str = "en") -> str:
    """One breach in a sentence: who, what was measured against what limit, when."""
    who = b.agent or b.team or ""
    team = f" ({b.team})" if b.agent and b.team else ""
    return t("periods", "wc_worst_case", lang, who=who + team, value=_num(b.value), limit=_num(b.limit),
             unit=t("periods", "unit_" + b.unit, lang), start=b.start.isoformat(), end=b.end.isoformat())


def summary_html(report: Any, lang: str = "en") -> str:
    """The summary a union representative reads first: totals, breaches by kind, the worst case, what was not checked."""
    s = summarise(report)
    e = html.escape
    tr = lambda key, **kw: e(t("periods", key, lang, **kw))  # noqa: E731
    if s["total"] == 1:
        lead = tr("wc_lead_one")
    elif s["total"]:
        lead = tr("wc_lead", n=s["total"], agents=s["agents"], teams=s["teams"])
    else:
        lead = tr("wc_lead_none")
    tiles = [("bad" if s["total"] else "", s["total"], tr("wc_tile_breaches")),
             ("bad" if s["agents"] else "", s["agents"], tr("wc_tile_agents")),
             ("warn" if s["teams"] else "", s["teams"], tr("wc_tile_teams")),
             ("warn" if s["calls"] else "", s["calls"], tr("wc_tile_calls"))]
    out = [f"<div class='lia-wc-summary'><p class='lia-wc-lead'>{lead}</p><div class='lia-tiles'>"]
    out += [f"<div class='lia-tile {c}'><div class='n'>{n}</div><div class='l'>{lab}</div></div>" for c, n, lab in tiles]
    out.append("</div>")
    if s["worst"] is not None:
        b = s["worst"]
        out.append(f"<p class='lia-wc-worst'><b>{tr('wc_worst')}</b> {e(t('periods', 'kind_' + b.kind, lang))}: "
                   f"{e(worst_words(b, lang))}</p>")
    if s["by_kind"]:
        out.append(f"<table class='lia-table lia-wc-kinds'><thead><tr><th>{tr('wc_col_what')}</th><th>{tr('wc_col_count')}</th>"
                   f"<th>{tr('wc_col_agents')}</th><th>{tr('wc_col_worst')}</th></tr></thead><tbody>")
        for k in s["by_kind"]:
            out.append(f"<tr><td>{e(t('periods', 'kind_' + k['kind'], lang))}</td><td>{k['count']}</td>"
                       f"<td>{k['agents'] or ''}</td><td>{e(worst_words(k['worst'], lang))}</td></tr>")
        out.append("</tbody></table>")
    notes = []
    from ..i18n import catalogue

    for kind, status, question in s["not_checked"]:
        key = "check_" + str(status) if status in ("not_declared", "not_applicable", "no_column") else "check_not_declared"
        if f"{key}_{kind}" in catalogue("periods"):  # e.g. not applicable because the callers' basis is not consent
            key = f"{key}_{kind}"
        notes.append(f"<li>{e(t('periods', 'kind_' + kind, lang))}: {e(t('periods', key, lang, question=question))}</li>")
    for w in s["warnings"]:
        notes.append(f"<li class='lia-wc-warning'>{e(t('periods', w['key'], lang, **w.get('args', {})))}</li>")
    if notes:
        out.append(f"<div class='lia-wc-notchecked'><b>{tr('wc_not_checked')}</b><ul>{''.join(notes)}</ul></div>")
    out.append("</div>")
    return "".join(out)


def monthly_share(report: Any) -> Any:
    """Per team and calendar month: calls, recorded calls, the share recorded (%) and whether it is over the declared limit.

    The declared share is checked over the whole log; a team can keep to it on average and still
    record far more in one month (a campaign, a new hire's first weeks). This table shows each month.
    """
    import pandas as pd

    ad = report.agent_days
    cols = ["team", "month", "calls", "recorded_calls", "share", "over"]
    if not len(ad):
        return pd.DataFrame({c: [] for c in cols})
    months = pd.to_datetime(pd.Series(ad["date"])).dt.strftime("%Y-%m").to_numpy()
    g = pd.DataFrame({"team": ad["team"].astype(str).to_numpy(), "month": months, "calls": ad["calls"].to_numpy(),
                      "recorded_calls": ad["recorded_calls"].to_numpy()})
    g = g.groupby(["team", "month"], as_index=False, sort=True)[["calls", "recorded_calls"]].sum()
    g["share"] = (100.0 * g["recorded_calls"] / g["calls"].clip(lower=1)).round(1)
    S = report.limits.share_recorded_percent
    g["over"] = (g["share"] > S) if S is not None else False
    return g[cols]


def monthly_share_html(report: Any, lang: str = "en") -> str:
    """The per-team, per-month share as a table (teams down, months across), months over the limit marked."""
    m = monthly_share(report)
    if not len(m):
        return ""
    e = html.escape
    S = report.limits.share_recorded_percent
    months = sorted(set(m["month"]))
    head = "".join(f"<th>{e(x)}</th>" for x in months)
    rows = []
    for team, part in m.groupby("team", sort=True):
        by = {r.month: r for r in part.itertuples(index=False)}
        cells = []
        for mo in months:
            r = by.get(mo)
            if r is None:
                cells.append("<td></td>")
            else:
                cls = " class='lia-wc-over'" if bool(r.over) else ""
                cells.append(f"<td{cls} title='{int(r.recorded_calls)} / {int(r.calls)}'>{r.share:g} %</td>")
        rows.append(f"<tr><td>{e(str(team))}</td>{''.join(cells)}</tr>")
    note = (t("periods", "wc_monthly_note", lang, limit=f"{S:g}", n=int(m["over"].sum())) if S is not None
            else t("periods", "wc_monthly_note_nolimit", lang))
    return (f"<h3 class='lia-wc-monthly-title'>{e(t('periods', 'wc_monthly_title', lang))}</h3>"
            f"<table class='lia-table lia-wc-monthly'><thead><tr><th>{e(t('periods', 'col_team', lang))}</th>{head}</tr>"
            f"</thead><tbody>{''.join(rows)}</tbody></table><p class='lia-wc-caption'>{e(note)}</p>")


def select_breaches(report: Any, agent: str | None = None) -> list[Any]:
    """The breaches of ``report`` (already filtered by team and dates), of one agent if given."""
    return [b for b in report.breaches if agent is None or b.agent == agent]


def breaches_html(report: Any, lang: str = "en", page: int = 0, per_page: int = PAGE_SIZE,
                  agent: str | None = None) -> str:
    """The breaches as an HTML table (escaped), in ``lang``: page ``page`` (from 0) of ``per_page`` rows."""
    rows_all = select_breaches(report, agent)
    if not rows_all:
        return f"<p>{html.escape(t('periods', 'breaches_none', lang))}</p>"
    cols = ["col_kind", "col_who", "col_team", "col_start", "col_end", "col_value", "col_limit", "col_unit"]
    head = "".join(f"<th>{html.escape(t('periods', c, lang))}</th>" for c in cols)
    rows = []
    for b in rows_all[page * per_page:(page + 1) * per_page]:
        d = b.to_dict()
        cells = [t("periods", "kind_" + b.kind, lang), b.agent or b.team or "", b.team or "", d["period"]["start"],
                 d["period"]["end"], d["value"], d["limit"], t("periods", "unit_" + b.unit, lang)]
        rows.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
    return f"<table class='lia-table lia-wc-breaches'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def breaches_csv(breaches: list[Any], lang: str = "en") -> str:
    """The breaches as CSV text (header :data:`CSV_COLUMNS`), for the minutes or a spreadsheet.

    Cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` first) are prefixed with ``'``.
    """
    import csv
    import io

    def cell(v: Any) -> Any:
        return "'" + v if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r") else v

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for b in breaches:
        d = b.to_dict()
        w.writerow([cell(x) for x in (b.kind, t("periods", "kind_" + b.kind, lang), b.agent or "", b.team or "",
                                      d["period"]["start"], d["period"]["end"], d["value"], d["limit"], b.unit,
                                      d.get("calls", ""))])
    return buf.getvalue()


def download_link(data: bytes | str, filename: str, mime: str, label: str, cls: str = "") -> str:
    """An ``<a download>`` carrying ``data`` in the page itself (a data: URL): nothing is stored on the server."""
    import base64

    raw = data.encode("utf-8") if isinstance(data, str) else data
    href = f"data:{mime};base64,{base64.b64encode(raw).decode('ascii')}"
    return (f"<a class='lia-wc-download {html.escape(cls)}' download='{html.escape(filename)}' "
            f"href='{href}'>{html.escape(label)}</a>")


_WC_CSS = """
<style>
.lia-wc { max-width: 1400px; }
.lia-wc .lia-header .lia-sub { margin-top: 2px; }
.lia-wc .lia-toolbar .widget-label { min-width: 0; width: auto; padding-right: 4px; }
.lia-wc .lia-toolbar .widget-dropdown, .lia-wc .lia-toolbar .widget-datepicker { width: auto; }
.lia-wc-filters { padding: 8px 20px; align-items: center; flex-wrap: wrap; gap: 8px; border-bottom: 1px solid #e4e7eb; }
.lia-wc-upload { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; font-size: 13px; }
.lia-wc-upload label.lia-wc-pick { background: #17324d; color: #fff; padding: 5px 12px; border-radius: 4px; cursor: pointer; }
.lia-wc-upload input[type=file] { position: absolute; left: -9999px; width: 1px; height: 1px; }
.lia-wc-upload progress { width: 140px; height: 10px; }
.lia-wc-upload .lia-wc-limit { color: #52606d; }
.lia-wc-section { padding: 6px 20px 10px 20px; }
.lia-wc-section h2 { font-size: 18px; color: #17324d; margin: 10px 0 6px 0; }
.lia-wc-lead { font-size: 15px; margin: 4px 0 8px 0; }
.lia-wc-worst { font-size: 14px; margin: 8px 0; }
.lia-wc-kinds { margin-top: 6px; }
.lia-wc-notchecked { margin-top: 8px; background: #fff8e1; border: 1px solid #f0c36d; border-radius: 6px; padding: 6px 12px; font-size: 13px; }
.lia-wc-notchecked ul { margin: 4px 0; padding-left: 18px; }
.lia-wc-charts { display: flex; flex-direction: column; gap: 12px; }
.lia-wc .lia-chart { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 10px; overflow-x: auto; }
.lia-wc .lia-chart svg { max-width: 100%; height: auto; }
.lia-wc-caption { font-size: 13px; color: #3e4c59; margin: 4px 4px 0 4px; }
.lia-wc-downloads { display: flex; gap: 6px 14px; flex-wrap: wrap; align-items: center; font-size: 13px; }
a.lia-wc-download { color: #1f5f99; border: 1px solid #b6d0ec; background: #e8f1fb; border-radius: 4px; padding: 3px 9px; text-decoration: none; }
.lia-wc-pager { align-items: center; gap: 8px; padding: 6px 0; }
.lia-wc .lia-toolbar .widget-label, .lia-wc-filters .widget-label { line-height: 28px; height: 28px; margin: 0 2px 0 6px; }
.lia-wc-saves { align-items: center; gap: 8px; margin-top: 6px; }
.lia-wc-saves .widget-button { width: auto; padding: 0 12px; }
.lia-wc-pager .widget-button { width: 40px; }
.lia-wc-pageinfo { font-size: 13px; color: #3e4c59; }
.lia-wc-monthly-title { font-size: 15px; color: #17324d; margin: 14px 0 4px 0; }
table.lia-wc-monthly { width: auto; }
table.lia-wc-monthly td.lia-wc-over { background: #fde8e8; color: #b42318; font-weight: 600; }
</style>
"""


def _page_css() -> str:
    """The wizard's page furniture (header band, toolbar, messages) and the dashboards' tiles and tables, plus this page's own."""
    from ..dashboards.widgets import STYLE
    from ..wizard.app import _CSS

    return _CSS + STYLE + _WC_CSS


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


class PageMessage(LiaError):
    """A message the page says in its own language (from a catalogue key), e.g. why an upload was refused."""

    def __init__(self, area: str, key: str, **fmt: Any) -> None:
        self.area, self.key, self.fmt = area, key, fmt
        super().__init__(self.text("en"))

    def text(self, lang: str) -> str:
        return t(self.area, self.key, lang, **self.fmt)


class WorksCouncilApp:
    """The Voila app's state and widgets. ``.widget`` is what the notebook displays."""

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
                                       layout=w.Layout(width="200px"))
        # the logs in <home>/logs/, by name: the page never takes a path
        self.w_log = w.Dropdown(options=self._log_options(), value="", layout=w.Layout(width="260px"))
        if log:
            self.w_log.value = workspace_log(self.ws, str(log)).name
        self.w_team = w.Dropdown(options=[("", _ALL)], value=_ALL, layout=w.Layout(width="180px"))  # "" = all teams
        self.w_agent = w.Dropdown(options=[("", _ALL)], value=_ALL, layout=w.Layout(width="180px"))
        self.w_agent.add_class("lia-wc-agent")
        self.w_start = w.DatePicker(layout=w.Layout(width="150px"))
        self.w_end = w.DatePicker(layout=w.Layout(width="150px"))
        self.w_lang = w.ToggleButtons(options=[(LANG_NAMES[x], x) for x in LANGS], value=self.lang,
                                      style={"button_width": "128px"})
        self.w_lang.add_class("lia-lang")
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
        self.w_title = w.HTML()
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
        for wid in (self.w_team, self.w_start, self.w_end):
            wid.observe(lambda _: self.refresh(reload=False), names="value")
        self.w_agent.observe(lambda _: self._draw_table(first=True), names="value")
        self.w_lang.observe(self._on_lang, names="value")
        self.w_upload_result.observe(self._on_upload, names="value")
        self.labels = {k: w.Label() for k in ("ui_assessment", "ui_log", "ui_team", "ui_agent", "ui_from", "ui_to")}
        self.w_sections = {k: w.HTML() for k in ("ui_summary", "ui_charts", "ui_downloads")}
        header = w.HBox([self.w_title, w.HBox(layout=w.Layout(flex="1 1 auto")), self.w_lang])
        header.add_class("lia-header")
        toolbar = w.HBox([self.labels["ui_assessment"], self.w_assessment, self.labels["ui_log"], self.w_log,
                          self.w_show, w.HBox(layout=w.Layout(flex="1 1 auto")), self.w_upload, self.w_upload_result])
        toolbar.add_class("lia-toolbar")
        filters = w.HBox([self.labels["ui_team"], self.w_team, self.labels["ui_agent"], self.w_agent,
                          self.labels["ui_from"], self.w_start, self.labels["ui_to"], self.w_end])
        filters.add_class("lia-wc-filters")
        notice = w.Box([self.w_status])
        notice.add_class("lia-notice")
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
        self.widget = w.VBox([
            w.HTML(_page_css()), header, toolbar, filters, notice,
            section(self.w_sections["ui_summary"], self.w_summary, cls="lia-wc-summary-box"),
            section(self.w_sections["ui_downloads"], self.w_downloads, saves),
            section(self.w_sections["ui_charts"], self.w_charts),
            section(self.w_breaches, pager, cls="lia-wc-table-box"),
        ])
        self.widget.add_class("lia-app")
        self.widget.add_class("lia-wc")
        mark_page_language(self.widget, self.lang)
        self._texts()
        self.refresh(reload=True)

    # -- state -----------------------------------------------------------------------------
    def _assessment_ids(self) -> list[str]:
        from ..store import Store

        try:
            return Store(self.ws).ids()
        except LiaError:
            return []

    def _log_options(self) -> list[tuple[str, str]]:
        """(label, value) pairs: the demo log (value ``""``), then each log in ``<home>/logs/``."""
        return [(t("periods", "ui_demo_log", self.lang), "")] + [(n, n) for n in list_logs(self.ws)]

    def _relist_logs(self) -> None:
        """Offer the logs in ``<home>/logs/`` as they are now, keeping the choice while it is still there."""
        value = self.w_log.value
        options = self._log_options()
        if list(self.w_log.options) == options:
            return
        self.w_log.options = options  # (resets the choice to the first option)
        self.w_log.value = value if value in [v for _, v in options] else ""

    def _limits(self) -> Any:
        from ..store import Store
        from .limits import Limits

        if self.w_assessment.value == DEMO:
            return Limits.from_answers(demo_log(self.ws.home)[1])
        return Limits.from_answers(Store(self.ws).load(self.w_assessment.value).answers)

    def load(self) -> None:
        """Read the chosen log against the chosen assessment's limits; raises LiaError on bad input."""
        from .analysis import analyse
        from .calllog import read_call_log

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
        try:
            if reload:
                self._relist_logs()
            if reload or self.report is None:
                self.load()
                self._error = None
            self.draw()
        except LiaError as err:
            self._error = err
        if self._error is not None:
            self.show_error(self._error)
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

        from .charts import all_charts, caption, to_svg

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
        from .charts import file_part

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
        from .charts import to_png

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
        from .charts import export, file_part

        if not self.charts:
            return []
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        prefix = f"{file_part(self.w_assessment.value.strip('()'))}-{file_part(self.team or 'all')}-{stamp}"
        folder = self.ws.reports_dir / "periods"
        folder.mkdir(parents=True, exist_ok=True)
        if not folder.resolve().is_relative_to(self.ws.reports_dir.resolve()):
            raise LiaError(f"refusing to export into {folder}: it leads out of the workspace's reports folder")
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
        from urllib.parse import parse_qs

        env = os.environ if env is None else env
        q = {k: v[0] for k, v in parse_qs(env.get("QUERY_STRING", "") or "").items() if v}
        ids = self._assessment_ids()
        self.w_assessment.options = [DEMO] + ids
        if q.get("lang") in LANGS and q["lang"] != self.lang:
            self.w_lang.value = q["lang"]  # relabels through _on_lang
        changed = False
        if q.get("assessment") in ids:
            self.w_assessment.value, changed = q["assessment"], True
        refused = None
        if q.get("log"):
            self._relist_logs()
            try:  # a name in <home>/logs/, never a path on the server
                self.w_log.value, changed = workspace_log(self.ws, q["log"]).name, True
            except LiaError as err:
                refused = err
        if changed:
            self.refresh(reload=True)
        if refused is not None:
            self._error = refused
            self.show_error(refused)
        if q.get("team") and q["team"] in [v for _, v in self.w_team.options]:
            self.w_team.value = q["team"]

    def _on_lang(self, change: Any) -> None:
        self.lang = change["new"]
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
        self.w_title.value = f"<h1>{tr('ui_title')}</h1><div class='lia-sub'>{tr('wc_subtitle')}</div>"
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


def _d(v: Any) -> date | None:
    return v if isinstance(v, date) else None
