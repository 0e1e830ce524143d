"""The portfolio page: every assessment of the workspace with its review date, last report
(current, stale, unsigned, failing verification), LIA verdict, DPIA and highest residual risk;
filters, CSV export and two charts.

The logic is in :mod:`lia.dashboards.portfolio` (collecting rows, cached) and
:mod:`lia.dashboards.sources`; this module lays out widgets and turns rows into HTML in the
page's language (``templates/i18n/dashboards.yaml``). Charts are SVG drawn in the kernel.
"""

from __future__ import annotations

import base64
import datetime as dt
import time
from pathlib import Path
from typing import Any, Mapping

import ipywidgets as W

from lia.dashboards import portfolio as pf
from lia.dashboards.sources import Sources, SourcesLike
from lia.i18n import LANGS
from lia.messages import translate, translate_problem

from .charts import chart_svg
from .furniture import PageHeader, Strings, app_root, env_lang, field, page_query, switch_language
from .furniture import esc as _esc
from .style import style_widget

__all__ = ["PortfolioPage", "PAGE_SIZE"]

PAGE_SIZE = 50


def _reasons_in(row: Any, lang: str) -> list[str]:
    """Why a row's report is not current, in *lang* (the library writes them in English)."""
    rep = row.report
    if rep is None:
        return []
    if rep.state == "stale":
        return [translate(x, lang) for x in rep.stale]
    if rep.state in ("failing", "unsigned"):
        return [translate_problem(f, m, lang) for f, m in rep.problems] or ([translate(rep.error, lang)] if rep.error else [])
    return []

class PortfolioPage:
    """The portfolio page. :meth:`load` collects the rows; filters re-render without collecting again."""

    #: Logged by a preheated kernel once the page is built and waits for a visitor.
    READY_MESSAGE = "portfolio page preheated, waiting for a visitor"

    def __init__(self, home: str | Path | None = None, lang: str | None = None, *, sources: SourcesLike | None = None,
                 today: dt.date | None = None, viewer_url: str = "report_viewer.ipynb") -> None:
        from lia.workspace import Workspace

        self.ws = Workspace(home)
        self.sources = sources if sources is not None else Sources()
        self.today = today
        self.viewer_url = viewer_url
        self.s = Strings(env_lang(lang))
        self.rows: list[pf.PortfolioRow] = []
        self.shown: list[pf.PortfolioRow] = []
        self.page = 0
        self.load_seconds: float | None = None
        self._quiet = False
        self._build()

    # --- layout ----------------------------------------------------------------------------------
    def _build(self) -> None:
        self.style = style_widget()
        self.header = PageHeader("portfolio", self.s.lang, title="portfolio_title", subtitle="portfolio_intro",
                                 on_language=self.set_language)
        self.lang = self.header.switch
        self.refresh = W.Button(icon="refresh", layout=W.Layout(width="auto"))
        self.refresh.add_class("lia-refresh")
        self.refresh.on_click(lambda _b: self.load())
        self.timing = W.HTML()
        self.tiles = W.HTML()
        self.search = W.Text(continuous_update=False, layout=W.Layout(width="230px"))
        self.search.add_class("lia-search")
        self.f_status = W.Dropdown(layout=W.Layout(width="150px"))
        self.f_owner = W.Dropdown(layout=W.Layout(width="170px"))
        self.f_jur = W.Dropdown(layout=W.Layout(width="110px"))
        self.f_state = W.Dropdown(layout=W.Layout(width="190px"))
        self.f_review = W.Dropdown(layout=W.Layout(width="190px"))
        self.sort = W.Dropdown(layout=W.Layout(width="190px"))
        self.desc = W.Checkbox(value=False, indent=False, layout=W.Layout(width="auto"))
        for name, w in (("status", self.f_status), ("owner", self.f_owner), ("jurisdiction", self.f_jur),
                        ("state", self.f_state), ("review", self.f_review), ("sort", self.sort)):
            w.add_class(f"lia-filter-{name}")
        for w in (self.search, self.f_status, self.f_owner, self.f_jur, self.f_state, self.f_review, self.sort, self.desc):
            w.observe(self._on_filter, names="value")
        self.export = W.Button(icon="download", layout=W.Layout(width="auto"))
        self.export.add_class("lia-export")
        self.export.on_click(self._on_export)
        self.csv_link = W.HTML()
        self.count = W.HTML()
        self.table = W.HTML(f'<div class="lia-muted">{_esc(self.s("loading"))}</div>')
        self.table.add_class("lia-portfolio-table")
        self.prev = W.Button(icon="chevron-left", layout=W.Layout(width="auto"))
        self.next = W.Button(icon="chevron-right", layout=W.Layout(width="auto"))
        self.prev.on_click(lambda _b: self._goto(self.page - 1))
        self.next.on_click(lambda _b: self._goto(self.page + 1))
        self.pager = W.HTML()
        self.charts = W.HTML()
        self.charts.add_class("lia-portfolio-charts")
        self.labels: dict[str, str] = {}
        self.filters = W.HBox([])
        self.filters.add_class("lia-toolbar")
        actions = W.HBox([self.export, self.csv_link, self.count, W.HBox(layout=W.Layout(flex="1 1 auto")),
                          self.timing, self.refresh], layout=W.Layout(align_items="center"))
        pager = W.HBox([self.prev, self.pager, self.next], layout=W.Layout(align_items="center"))
        actions.add_class("lia-gap")
        pager.add_class("lia-gap")
        body = W.VBox([self.tiles, actions, self.table, pager, self.charts])
        body.add_class("lia-body")
        self.root = app_root([self.style, self.header.widget, self.filters, body], "lia-portfolio", self.s.lang)
        self._relabel()

    def _labelled(self, key: str, w: W.Widget) -> W.VBox:
        return field(W.HTML(f'<span class="lia-field-label">{_esc(self.s(key))}</span>'), w)

    def _relabel(self) -> None:
        s = self.s
        self.refresh.description = s("refresh")
        self.export.description = s("export_csv")
        self.prev.description, self.next.description = s("previous"), s("next")
        self.search.placeholder = s("filter_search_placeholder")
        self.desc.description = s("descending")
        self._quiet = True
        keep = (self.f_state.value or "", self.f_review.value or "", self.sort.value or "review")
        try:
            self.f_state.options = [(s("filter_all"), ""), (s("filter_attention"), "attention")] + [
                (s(f"state_{x}"), x) for x in ("failing", "stale", "unsigned", "current", "none")]
            self.f_review.options = [(s("filter_all"), ""), (s("filter_overdue_or_soon"), "overdue_or_soon")] + [
                (s(f"review_{x}"), x) for x in pf.REVIEW_STATES]
            self.sort.options = [(s(f"col_{k}" if k != "report_state" else "col_report_state"), k) for k in
                                 ("review", "report_state", "id", "title", "owner", "status", "review_date",
                                  "lia_verdict", "dpia_required", "highest_risk")]
            self.f_state.value, self.f_review.value, self.sort.value = keep
            self._fill_choices()
        finally:
            self._quiet = False
        self.filters.children = [
            self._labelled("filter_search", self.search), self._labelled("filter_status", self.f_status),
            self._labelled("filter_owner", self.f_owner), self._labelled("filter_jurisdiction", self.f_jur),
            self._labelled("filter_state", self.f_state), self._labelled("filter_review", self.f_review),
            self._labelled("sort_by", W.HBox([self.sort, self.desc], layout=W.Layout(align_items="center"))),
        ]
        self.labels = {
            "overdue": s("review_overdue"), "due_soon": s("review_due_soon"), "ok": s("review_ok"),
            "month": s("chart_month"), "count": s("chart_count"), "review": s("col_review"), "today": s("chart_today"),
            "severity": s("severity"), "likelihood": s("likelihood"),
            **{lv: s(f"level_{lv}") for lv in pf.LEVELS},
        }

    def _fill_choices(self) -> None:
        s = self.s
        keep = (self.f_status.value, self.f_owner.value, self.f_jur.value)
        statuses = sorted({r.status for r in self.rows if r.status})
        owners = sorted({r.owner for r in self.rows if r.owner}, key=str.lower)
        jurs = sorted({j for r in self.rows for j in r.jurisdictions})
        self.f_status.options = [(s("filter_all"), "")] + [(s(f"status_{x}"), x) for x in statuses]
        self.f_owner.options = [(s("filter_all"), "")] + [(o, o) for o in owners]
        self.f_jur.options = [(s("filter_all"), "")] + [(j, j) for j in jurs]
        for w, v in zip((self.f_status, self.f_owner, self.f_jur), keep):
            w.value = v if v in [o[1] for o in w.options] else ""

    # --- data ------------------------------------------------------------------------------------
    def prefetch(self) -> None:
        """Collect once without showing anything: fills the cache (used in preheated kernels)."""
        from lia.errors import LiaError

        try:
            pf.collect(self.ws, self.today, sources=self.sources)
        except LiaError:
            pass

    def load(self, charts: bool = True) -> None:
        """Collect every assessment (cached where unchanged) and show the page."""
        from lia.errors import LiaError

        t0 = time.perf_counter()
        try:
            self.rows = pf.collect(self.ws, self.today, sources=self.sources)
        except LiaError as exc:
            self.rows = []
            self.show_error(exc)
            return
        self._quiet = True
        try:
            self._fill_choices()
        finally:
            self._quiet = False
        self.load_seconds = time.perf_counter() - t0
        self.timing.value = f'<span class="lia-muted">{_esc(self.s("loaded_in", seconds=f"{self.load_seconds:.2f}"))}</span>'
        self.render()
        if charts:
            self.render_charts()

    def filters_value(self) -> pf.Filters:
        """The filters as set on the page."""
        return pf.Filters(status=self.f_status.value or "", owner=self.f_owner.value or "", jurisdiction=self.f_jur.value or "",
                          state=self.f_state.value or "", review=self.f_review.value or "", text=self.search.value or "")

    def _on_filter(self, _change: Any) -> None:
        if not self._quiet:
            self.page = 0
            self.render()

    def _goto(self, page: int) -> None:
        self.page = page
        self.render()

    def render(self) -> None:
        """Apply filters and sorting; show tiles, the table page and the pager."""
        s = self.s
        shown = pf.sort_rows(pf.apply_filters(self.rows, self.filters_value()), self.sort.value or "review", bool(self.desc.value))
        self.shown = shown
        self.tiles.value = self._tiles_html(pf.summary_counts(self.rows))
        self.count.value = f'<span class="lia-muted lia-count">{_esc(s("shown_of", shown=len(shown), total=len(self.rows)))}</span>'
        pages = max(1, -(-len(shown) // PAGE_SIZE))
        self.page = min(max(0, self.page), pages - 1)
        part = shown[self.page * PAGE_SIZE:(self.page + 1) * PAGE_SIZE]
        if not self.rows:
            self.table.value = f'<div class="lia-msg">{_esc(s("no_assessments"))}</div>'
        elif not shown:
            self.table.value = f'<div class="lia-msg">{_esc(s("no_match"))}</div>'
        else:
            self.table.value = self._table_html(part)
        self.pager.value = f'<span class="lia-muted">{_esc(s("page_of", page=self.page + 1, pages=pages))}</span>'
        self.prev.disabled = self.page == 0
        self.next.disabled = self.page >= pages - 1
        self.csv_link.value = ""

    def _tiles_html(self, c: dict[str, int]) -> str:
        s = self.s
        tiles = [("total", "tile_total", ""), ("overdue", "tile_overdue", "bad"), ("due_soon", "tile_due_soon", "warn"),
                 ("failing", "tile_failing", "bad"), ("stale", "tile_stale", "warn"), ("unsigned", "tile_unsigned", "warn"),
                 ("high_risk", "tile_high_risk", "bad")]
        out = "".join(
            f'<div class="lia-tile lia-tile-{k} {cls if c.get(k) else ""}"><div class="n">{c.get(k, 0)}</div>'
            f'<div class="l">{_esc(s(label))}</div></div>' for k, label, cls in tiles)
        return f'<div class="lia-dash lia-tiles">{out}</div>'

    def _row_html(self, r: pf.PortfolioRow) -> str:
        s = self.s
        link = f"{self.viewer_url}?assessment={_esc(r.id)}&lang={self.s.lang}"
        if r.report_version is not None and r.report is not None:
            link += f"&report={_esc(Path(r.report.report_dir).name)}"
        title = f'<div class="lia-id">{_esc(r.id)}</div><div class="lia-sub">{_esc(r.title)}</div>'
        if r.error:
            return (f'<tr class="lia-row failing" data-id="{_esc(r.id)}"><td>{title}</td>'
                    f'<td colspan="9"><span class="lia-badge lia-state-failing">{_esc(s("unreadable"))}</span> '
                    f'<span class="lia-reasons">{_esc(translate(r.error, s.lang))}</span></td></tr>')
        review = "—"
        if r.review_date:
            extra = ""
            if r.review == "overdue":
                extra = s("days_overdue", days=-(r.days_to_review or 0))
            elif r.review == "due_soon":
                extra = s("days_left", days=r.days_to_review)
            review = (f'<span class="lia-badge lia-review-{r.review}" title="{_esc(s("review_" + r.review))}">{_esc(r.review_date)}</span>'
                      + (f'<div class="lia-sub">{_esc(extra)}</div>' if extra else ""))
        state = r.report_state
        rep = f'<span class="lia-badge lia-state-{state}">{_esc(s("state_" + state))}</span>'
        if r.report is not None:
            rep = f'<a href="{link}" class="lia-open" target="_blank">v{_esc(Path(r.report.report_dir).name[1:])}</a> ' + rep
        reasons = _reasons_in(r, s.lang)
        if reasons:
            rep += f'<div class="lia-reasons" title="{_esc("; ".join(reasons))}">{_esc("; ".join(reasons)[:160])}</div>'
        signers = "<br>".join(f'{_esc(n)} <span class="lia-sub">({_esc(s("role_" + role) if ("role_" + role) in s.catalogue else role)})</span>'
                              for n, role in r.signers) or '<span class="lia-sub">—</span>'
        ev = r.evaluation
        if ev.error or ev.verdict is None:
            verdict = f'<span class="lia-sub" title="{_esc(translate(ev.error, s.lang) if ev.error else "")}">{_esc(s("not_evaluated"))}</span>'
        else:
            verdict = f'<span class="lia-verdict-{_esc(ev.verdict)}">{_esc(s("verdict_" + ev.verdict))}</span>'
        dpia = "—" if r.dpia_required is None else _esc(s("yes") if r.dpia_required else s("no"))
        hr = r.highest_risk
        risk = "—"
        if hr:
            risk = (f'<span class="{"lia-risk-high" if hr.get("high") else ""}">{_esc(hr["ref"])}: '
                    f'{_esc(self.labels[hr["severity"]])} × {_esc(self.labels[hr["likelihood"]])}</span>')
        cls = "lia-row" + (" overdue" if r.review == "overdue" else "") + (" failing" if state == "failing" else "")
        return (
            f'<tr class="{cls}" data-id="{_esc(r.id)}" data-state="{state}" data-review="{r.review}">'
            f"<td>{title}</td><td>{_esc(s('status_' + r.status) if r.status else '')}</td><td>{_esc(r.owner)}</td>"
            f"<td>{_esc(' '.join(r.jurisdictions))}</td><td>{r.head_version or ''}</td><td>{review}</td>"
            f"<td>{rep}</td><td>{signers}</td><td>{verdict}</td><td>{dpia}</td><td>{risk}</td></tr>"
        )

    def _table_html(self, rows: list[pf.PortfolioRow]) -> str:
        s = self.s
        heads = ["col_id", "col_status", "col_owner", "col_jurisdictions", "col_head_version", "col_review_date",
                 "col_report", "col_signers", "col_lia_verdict", "col_dpia_required", "col_highest_risk"]
        th = "".join(f"<th>{_esc(s(h))}</th>" for h in heads)
        body = "".join(self._row_html(r) for r in rows)
        return f'<div class="lia-dash"><table class="lia-table"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table></div>'

    def render_charts(self) -> None:
        """Draw the review-date chart and the risk map (SVG)."""
        s = self.s
        parts = []
        for key, make in (("chart_reviews", lambda: pf.review_chart(self.rows, self.labels, self.today)),
                          ("chart_risk_map", lambda: pf.risk_map_chart(self.rows, self.labels))):
            try:
                body = chart_svg(make(), s.lang)
            except Exception as exc:  # a chart must never take the page down
                body = f'<div class="lia-msg error">{_esc(s("chart_failed", error=exc))}</div>'
            parts.append(f'<div class="lia-chart lia-chart-{key}"><h3>{_esc(s(key))}</h3>{body}</div>')
        self.charts.value = f'<div class="lia-dash lia-charts">{"".join(parts)}</div>'

    def _on_export(self, _b: Any = None) -> None:
        data = pf.to_csv_bytes(self.shown)
        name = f"portfolio-{(self.today or dt.date.today()).isoformat()}.csv"
        b64 = base64.b64encode(data).decode("ascii")
        label = self.s("download_csv", file=name, count=len(self.shown))
        self.csv_link.value = (f'<span class="lia-csv-link"><a download="{name}" '
                               f'href="data:text/csv;charset=utf-8;base64,{b64}">{_esc(label)}</a></span>')

    def set_language(self, lang: str) -> None:
        """Switch every text on the page to ``lang``."""
        if switch_language(self, lang) and self.rows:
            self.render()
            self.render_charts()

    def apply_request(self, env: Mapping[str, str] | None = None) -> None:
        """Apply ``?lang=``, ``?assessment=`` (kept in the links to the other pages), ``?owner=``, ``?state=``, ``?review=``, ``?q=`` from the URL, then load."""
        q = page_query(env)
        if q.get("lang") in LANGS:
            self.set_language(q["lang"])
        self.header.set_assessment(q.get("assessment"))  # the links to the other pages keep it
        self.load(charts=False)
        self._quiet = True
        try:
            for key, w in (("status", self.f_status), ("owner", self.f_owner), ("jurisdiction", self.f_jur),
                           ("state", self.f_state), ("review", self.f_review)):
                if key in q and q[key] in [o[1] for o in w.options]:
                    w.value = q[key]
            if "q" in q:
                self.search.value = q["q"]
        finally:
            self._quiet = False
        self.render()
        from lia.kernel import PAGE_LOAD_GRACE, later

        later(self.render_charts, PAGE_LOAD_GRACE)  # the table first; the charts once the page is built

    def show_error(self, exc: BaseException) -> None:
        """Show an unexpected failure in place of the table."""
        from lia.messages import translate_error

        self.table.value = f'<div class="lia-msg error">{_esc(translate_error(exc, self.s.lang))}</div>'

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.root)
