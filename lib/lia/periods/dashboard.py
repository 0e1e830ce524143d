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

__all__ = ["WorksCouncilApp", "demo_log", "breaches_html", "serve_request", "DEMO", "READY_MESSAGE", "LOGS_FOLDER",
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


def breaches_html(report: Any, lang: str = "en") -> str:
    """The breaches as an HTML table (escaped), in ``lang``."""
    if not report.breaches:
        return f"<p>{html.escape(t('periods', 'breaches_none', lang))}</p>"
    cols = ["col_kind", "col_who", "col_team", "col_start", "col_end", "col_value", "col_limit", "col_unit"]
    head = "".join(f"<th style='text-align:left;padding:2px 8px'>{html.escape(t('periods', c, lang))}</th>" for c in cols)
    rows = []
    for b in report.breaches:
        d = b.to_dict()
        cells = [t("periods", "kind_" + b.kind, lang), b.agent or b.team or "", b.team or "", d["period"]["start"],
                 d["period"]["end"], d["value"], d["limit"], t("periods", "unit_" + b.unit, lang)]
        rows.append("<tr>" + "".join(f"<td style='padding:2px 8px'>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


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
        self._source: str | None = None  # the log the charts show (None: the demo log)
        self.charts: dict[str, Any] = {}
        self.exported: list[Path] = []
        ids = self._assessment_ids()
        self.w_assessment = w.Dropdown(options=[DEMO] + ids, value=assessment if assessment in ids else DEMO)
        # the logs in <home>/logs/, by name: the page never takes a path
        self.w_log = w.Dropdown(options=self._log_options(), value="", layout=w.Layout(width="420px"))
        if log:
            self.w_log.value = workspace_log(self.ws, str(log)).name
        self.w_team = w.Dropdown(options=[("", _ALL)], value=_ALL)  # "" stands for all teams (None shows blank)
        self.w_start, self.w_end = w.DatePicker(), w.DatePicker()
        self.w_lang = w.Dropdown(options=[(LANG_NAMES[x], x) for x in LANGS], value=self.lang)
        self.w_show = w.Button(button_style="primary")
        self.w_svg, self.w_png = w.Button(icon=""), w.Button(icon="")
        self.w_status = w.HTML()
        self.w_title = w.HTML()
        self.w_charts = w.VBox()
        self.w_breaches = w.HTML()
        self.w_show.on_click(lambda _: self.refresh(reload=True))
        self.w_svg.on_click(lambda _: self._export_clicked("svg"))
        self.w_png.on_click(lambda _: self._export_clicked("png"))
        for wid in (self.w_team, self.w_start, self.w_end):
            wid.observe(lambda _: self.refresh(reload=False), names="value")
        self.w_lang.observe(self._on_lang, names="value")
        self.labels = {k: w.Label() for k in ("ui_assessment", "ui_log", "ui_team", "ui_from", "ui_to", "ui_language")}
        row1 = w.HBox([self.labels["ui_assessment"], self.w_assessment, self.labels["ui_log"], self.w_log, self.w_show])
        row2 = w.HBox([self.labels["ui_team"], self.w_team, self.labels["ui_from"], self.w_start, self.labels["ui_to"],
                       self.w_end, self.labels["ui_language"], self.w_lang])
        self.widget = w.VBox([self.w_title, row1, row2, w.HBox([self.w_svg, self.w_png]), self.w_status,
                              self.w_charts, self.w_breaches])
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
        else:
            self.w_status.value = ""

    def show_error(self, err: BaseException) -> None:
        """Show *err* above the charts in the page's language (the file, the place, what was expected)."""
        from ..messages import translate_error

        text = html.escape(translate_error(err, self.lang))
        still = ""
        if self.report is not None:  # say what the charts show, lest they be read as the file that failed
            source = self._source or t("periods", "ui_demo_log", self.lang)
            still = f"<p class='lia-wc-still'>{html.escape(t('periods', 'ui_still_showing', self.lang, source=source))}</p>"
        self.w_status.value = f"<p class='lia-wc-error' style='color:#a00;white-space:pre-wrap'>{text}</p>{still}"

    def filtered(self) -> Any:
        """The report restricted to the chosen team and dates."""
        return self.report.filter(team=self.team, start=_d(self.w_start.value), end=_d(self.w_end.value))

    @property
    def team(self) -> str | None:
        """The chosen team, or None for all teams."""
        return self.w_team.value or None

    def draw(self) -> None:
        """Render the three charts (inline SVG) and the breaches table for the current filters."""
        import ipywidgets as w

        from .charts import all_charts, to_svg

        self.charts = all_charts(self.report, team=self.team, start=_d(self.w_start.value),
                                 end=_d(self.w_end.value), lang=self.lang)
        self.w_charts.children = [w.HTML(to_svg(c, self.lang)) for c in self.charts.values()]
        self.w_breaches.value = (f"<h3>{html.escape(t('periods', 'ui_breaches', self.lang))}</h3>"
                                 + breaches_html(self.filtered(), self.lang))

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
        self.refresh(reload=False)

    def _texts(self) -> None:
        self.w_title.value = f"<h2>{html.escape(t('periods', 'ui_title', self.lang))}</h2>"
        for k, lab in self.labels.items():
            lab.value = t("periods", k, self.lang)
        self.w_show.description = t("periods", "ui_show", self.lang)
        self.w_svg.description = t("periods", "ui_export_svg", self.lang)
        self.w_png.description = t("periods", "ui_export_png", self.lang)
        self._relist_logs()  # relabels the demo log


def _d(v: Any) -> date | None:
    return v if isinstance(v, date) else None
