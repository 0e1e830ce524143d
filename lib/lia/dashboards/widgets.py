"""The two Voila pages: the portfolio and the signed report viewer (ipywidgets).

All logic is in :mod:`lia.dashboards.portfolio` and :mod:`lia.dashboards.viewer`;
this module only lays out widgets and turns results into HTML. UI strings come from
``templates/i18n/dashboards.yaml`` (en, sv, nb); the language can be switched on the
page or with ``?lang=``. Charts are SVG drawn in the kernel by vl-convert, so the page
loads no JavaScript for them and nothing from outside the server.
"""

from __future__ import annotations

import base64
import datetime as dt
import html as _html
import os
import time
from pathlib import Path
from typing import Any, Mapping

import ipywidgets as W

from lia.i18n import LANG_NAMES, LANGS, format_time, mark_page_language, text

from ..messages import translate, translate_error, translate_problem
from . import portfolio as pf
from . import viewer as vw
from .sources import Sources, SourcesLike

__all__ = ["PortfolioPage", "ViewerPage", "Strings", "chart_svg", "STYLE"]

PAGE_SIZE = 50


def _esc(v: Any) -> str:
    return _html.escape("" if v is None else str(v), quote=True)


class Strings:
    """UI strings of the dashboards in one language: ``s("key", name=value)``."""

    def __init__(self, lang: str = "en") -> None:
        self.lang = lang if lang in LANGS else "en"
        self.catalogue = _catalogue()

    def __call__(self, key: str, **fmt: Any) -> str:
        entry = self.catalogue.get(key)
        s = text(entry, self.lang) if entry is not None else key
        return s.format(**fmt) if fmt else s


def _catalogue() -> dict[str, Any]:
    from lia.i18n import catalogue
    from lia.paths import repo_root

    bases = []
    try:
        from lia.paths import templates_dir

        bases.append(templates_dir())
    except Exception:  # templates folder not configured: the checkout's own strings
        pass
    bases.append(repo_root() / "templates")
    for base in bases:
        if (base / "i18n" / "dashboards.yaml").is_file():
            return catalogue("dashboards", base)
    return {}


_svg_cache: dict[str, str] = {}


def chart_svg(chart: Any) -> str:
    """Render an Altair chart to SVG with vl-convert (no JavaScript, no network)."""
    import hashlib
    import json

    import vl_convert as vlc

    spec = chart.to_dict()
    key = hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()
    if key not in _svg_cache:
        schema = str(spec.get("$schema", ""))
        version = ".".join(schema.rsplit("/v", 1)[-1].split(".")[:2]) if "/v" in schema else ""
        if version in (vlc.get_vegalite_versions() if hasattr(vlc, "get_vegalite_versions") else []):
            svg = vlc.vegalite_to_svg(spec, vl_version=version)
        else:  # pragma: no cover
            svg = vlc.vegalite_to_svg(spec)
        if len(_svg_cache) > 32:
            _svg_cache.clear()
        _svg_cache[key] = svg
    return _svg_cache[key]


STYLE = """
<style>
.lia-dash { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; max-width: 1400px; }
.lia-dash h1 { font-size: 24px; margin: 4px 0 2px 0; font-weight: 650; }
.lia-dash h2 { font-size: 17px; margin: 18px 0 8px 0; font-weight: 650; }
.lia-intro { color: #57606a; margin: 0 0 10px 0; max-width: 900px; line-height: 1.4; }
.lia-muted { color: #6e7781; font-size: 12px; }
.lia-card { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 12px 14px; margin: 6px 0; }
.lia-tiles { display: flex; gap: 10px; flex-wrap: wrap; margin: 6px 0 4px 0; }
.lia-tile { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 8px 14px; min-width: 120px; }
.lia-tile .n { font-size: 24px; font-weight: 700; }
.lia-tile .l { font-size: 12px; color: #57606a; }
.lia-tile.bad .n { color: #b42318; } .lia-tile.warn .n { color: #b54708; }
table.lia-table { border-collapse: collapse; width: 100%; background: #fff; font-size: 13px; }
table.lia-table th { text-align: left; background: #f6f8fa; border-bottom: 2px solid #d0d7de; padding: 6px 8px; white-space: nowrap; }
table.lia-table td { border-bottom: 1px solid #eaeef2; padding: 6px 8px; vertical-align: top; }
table.lia-table tr:hover td { background: #f6f8fa; }
.lia-id { font-weight: 600; } .lia-id a { color: #0550ae; text-decoration: none; }
.lia-sub { color: #57606a; font-size: 12px; }
.lia-badge { display: inline-block; border-radius: 10px; padding: 1px 8px; font-size: 12px; font-weight: 600; white-space: nowrap; }
.lia-state-current { background: #dafbe1; color: #116329; }
.lia-state-stale { background: #fff1c2; color: #7a4b00; }
.lia-state-unsigned { background: #eaeef2; color: #424a53; }
.lia-state-failing { background: #b42318; color: #fff; }
.lia-state-none { background: transparent; color: #6e7781; font-weight: 400; }
.lia-review-overdue { background: #ffebe9; color: #b42318; }
.lia-review-due_soon { background: #fff1c2; color: #7a4b00; }
.lia-review-ok, .lia-review-none { background: transparent; color: #424a53; font-weight: 400; }
tr.lia-row.overdue td:first-child { box-shadow: inset 4px 0 0 #b42318; }
tr.lia-row.failing td { background: #fff5f5; }
.lia-verdict-yes { color: #116329; font-weight: 600; } .lia-verdict-no { color: #b42318; font-weight: 600; }
.lia-verdict-conditional { color: #7a4b00; font-weight: 600; }
.lia-verdict-unlawful { color: #b42318; font-weight: 700; } .lia-verdict-not_assessed, .lia-verdict-not_applicable { color: #52606d; }
.lia-risk-high { color: #b42318; font-weight: 600; }
.lia-reasons { color: #6e7781; font-size: 11.5px; max-width: 280px; }
.lia-charts { display: flex; gap: 14px; flex-wrap: wrap; }
.lia-chart { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 10px; }
.lia-chart h3 { font-size: 14px; margin: 0 0 6px 0; }
.lia-sig { border-radius: 8px; padding: 14px 16px; margin: 8px 0; border: 2px solid; }
.lia-sig .head { font-size: 18px; font-weight: 700; margin-bottom: 4px; }
.lia-sig-current { background: #dafbe1; border-color: #1a7f37; color: #0f5323; }
.lia-sig-stale { background: #fff8c5; border-color: #bf8700; color: #4d2d00; }
.lia-sig-unsigned { background: #f6f8fa; border-color: #8c959f; color: #24292f; }
.lia-sig-failing { background: #ffebe9; border-color: #b42318; color: #82071e; }
.lia-sig table { border-collapse: collapse; margin-top: 8px; background: rgba(255,255,255,.6); }
.lia-sig th, .lia-sig td { text-align: left; padding: 4px 10px; border-bottom: 1px solid rgba(0,0,0,.08); font-size: 13px; }
.lia-sig ul { margin: 4px 0 0 18px; padding: 0; }
.lia-sig .failed-file { font-weight: 700; font-family: ui-monospace, monospace; }
.lia-ok { color: #1a7f37; font-weight: 700; } .lia-bad { color: #b42318; font-weight: 700; }
.lia-warn { color: #82071e; font-style: italic; }
.lia-msg { padding: 10px 12px; border-radius: 6px; background: #ddf4ff; border: 1px solid #54aeff; margin: 6px 0; }
.lia-msg.error { background: #ffebe9; border-color: #ff8182; color: #82071e; }
.lia-changes ul { margin: 2px 0 8px 18px; padding: 0; } .lia-changes li { margin: 2px 0; }
.lia-changes h4 { margin: 10px 0 4px 0; font-size: 13.5px; }
.lia-sev { font-size: 11px; font-weight: 700; text-transform: uppercase; padding: 0 5px; border-radius: 4px; background: #eaeef2; }
.lia-sev-blocker { background: #b42318; color: #fff; } .lia-sev-warning { background: #fff1c2; color: #7a4b00; }
a.lia-pdf-link { display: inline-block; margin: 2px 0 10px 0; padding: 5px 12px; border: 1px solid #0969da; border-radius: 6px;
  color: #0969da !important; text-decoration: none; font-weight: 600; background: #fff; }
a.lia-pdf-link:hover { background: #ddf4ff; }
.lia-csv-link a { font-weight: 600; }
.lia-gap > * { margin-right: 8px !important; }
</style>
"""


def _header(s: Strings, title_key: str, intro_key: str) -> str:
    return f'<div class="lia-dash"><h1>{_esc(s(title_key))}</h1><p class="lia-intro">{_esc(s(intro_key))}</p></div>'


def _lang_dropdown(lang: str) -> W.Dropdown:
    dd = W.Dropdown(options=[(LANG_NAMES[code], code) for code in LANGS], value=lang, layout=W.Layout(width="150px"))
    dd.add_class("lia-lang")
    return dd


def _env_lang(default: str | None) -> str:
    lang = default or os.environ.get("LIA_LANG", "en")
    return lang if lang in LANGS else "en"


# =========================================================================== portfolio



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
        self.s = Strings(_env_lang(lang))
        self.rows: list[pf.PortfolioRow] = []
        self.shown: list[pf.PortfolioRow] = []
        self.page = 0
        self.load_seconds: float | None = None
        self._quiet = False
        self._build()

    # --- layout ----------------------------------------------------------------------------------
    def _build(self) -> None:
        self.style = W.HTML(STYLE)
        self.header = W.HTML()
        self.lang = _lang_dropdown(self.s.lang)
        self.lang.observe(self._on_lang, names="value")
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
        top = W.HBox([W.HTML(f"<b>{_esc('')}</b>"), self.lang, self.refresh, self.timing],
                     layout=W.Layout(align_items="center"))
        self._top = top
        top.add_class("lia-gap")
        self.filters = W.HBox([], layout=W.Layout(flex_flow="row wrap", align_items="flex-end"))
        self.filters.add_class("lia-gap")
        actions = W.HBox([self.export, self.csv_link, self.count], layout=W.Layout(align_items="center"))
        pager = W.HBox([self.prev, self.pager, self.next], layout=W.Layout(align_items="center"))
        actions.add_class("lia-gap")
        pager.add_class("lia-gap")
        self.root = W.VBox([
            self.style, self.header, top, self.tiles, self.filters,
            actions,
            self.table,
            pager,
            self.charts,
        ], layout=W.Layout(padding="4px 8px"))
        self.root.add_class("lia-portfolio")
        mark_page_language(self.root, self.s.lang)
        self._relabel()

    def _labelled(self, key: str, w: W.Widget) -> W.VBox:
        return W.VBox([W.HTML(f'<span class="lia-muted">{_esc(self.s(key))}</span>'), w], layout=W.Layout())

    def _relabel(self) -> None:
        s = self.s
        self.header.value = _header(s, "portfolio_title", "portfolio_intro")
        self._top.children[0].value = f'<span class="lia-muted">{_esc(s("language"))}</span>'
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
            self._labelled("sort_by", self.sort), self.desc,
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
            self.table.value = f'<div class="lia-msg error">{_esc(exc)}</div>'
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
            verdict = f'<span class="lia-sub" title="{_esc(ev.error or "")}">{_esc(s("not_evaluated"))}</span>'
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
                body = chart_svg(make())
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
        if lang not in LANGS:
            return
        self.s = Strings(lang)
        if self.lang.value != lang:
            self.lang.value = lang
            return
        mark_page_language(self.root, lang)
        self._relabel()
        if self.rows:
            self.render()
            self.render_charts()

    def _on_lang(self, change: dict[str, Any]) -> None:
        self.set_language(change["new"])

    def apply_request(self, env: Mapping[str, str] | None = None) -> None:
        """Apply ``?lang=``, ``?owner=``, ``?state=``, ``?review=``, ``?q=`` from the URL, then load."""
        from urllib.parse import parse_qs

        env = os.environ if env is None else env
        q = {k: v[0] for k, v in parse_qs(env.get("QUERY_STRING", "") or "").items() if v}
        if q.get("lang") in LANGS:
            self.set_language(q["lang"])
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
        self.table.value = f'<div class="lia-msg error">{_esc(exc)}</div>'

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.root)


# =========================================================================== viewer


class ViewerPage:
    """The report viewer page: signature check first, then the report, then the changes."""

    #: Logged by a preheated kernel once the page is built and waits for a visitor.
    READY_MESSAGE = "viewer page preheated, waiting for a visitor"

    def __init__(self, home: str | Path | None = None, lang: str | None = None, *,
                 sources: SourcesLike | None = None) -> None:
        from lia.store import Store
        from lia.workspace import Workspace

        self.ws = Workspace(home)
        self.store = Store(self.ws)
        self.sources = sources if sources is not None else Sources()
        self.s = Strings(_env_lang(lang))
        self.view: vw.ReportView | None = None
        self._quiet = False
        self._build()

    def _build(self) -> None:
        self.style = W.HTML(STYLE)
        self.header = W.HTML()
        self.lang = _lang_dropdown(self.s.lang)
        self.lang.observe(lambda ch: self.set_language(ch["new"]), names="value")
        self.assessment = W.Dropdown(options=[("—", "")] + [(a, a) for a in self.store.ids()], layout=W.Layout(width="320px"))
        self.assessment.add_class("lia-choose-assessment")
        self.report = W.Dropdown(options=[], layout=W.Layout(width="200px"))
        self.report.add_class("lia-choose-report")
        self.open_btn = W.Button(button_style="primary", layout=W.Layout(width="auto"))
        self.open_btn.add_class("lia-open-report")
        self.assessment.observe(self._on_assessment, names="value")
        self.open_btn.on_click(lambda _b: self.show(self.assessment.value, report=self.report.value or None))
        self.msg = W.HTML()
        self.signature = W.HTML()
        self.signature.add_class("lia-signature")
        self.content = W.HTML()
        self.content.add_class("lia-content")
        self.changes = W.HTML()
        self.changes.add_class("lia-changes-box")
        self._labels = [W.HTML(), W.HTML(), W.HTML()]
        chooser = W.HBox([
            W.VBox([self._labels[0], self.assessment]), W.VBox([self._labels[1], self.report]),
            W.VBox([W.HTML("&nbsp;"), self.open_btn]), W.VBox([self._labels[2], self.lang]),
        ], layout=W.Layout(align_items="flex-end", flex_flow="row wrap"))
        chooser.add_class("lia-gap")
        self.root = W.VBox([self.style, self.header, chooser, self.msg, self.signature, self.content, self.changes],
                           layout=W.Layout(padding="4px 8px"))
        self.root.add_class("lia-viewer")
        mark_page_language(self.root, self.s.lang)
        self._relabel()

    def _relabel(self) -> None:
        s = self.s
        self.header.value = _header(s, "viewer_title", "viewer_intro")
        for w, key in zip(self._labels, ("choose_assessment", "choose_version", "language")):
            w.value = f'<span class="lia-muted">{_esc(s(key))}</span>'
        self.open_btn.description = s("open_report")

    def set_language(self, lang: str) -> None:
        """Switch every text on the page to ``lang`` (the open report's own language does not change)."""
        if lang not in LANGS:
            return
        self.s = Strings(lang)
        if self.lang.value != lang:
            self.lang.value = lang
            return
        mark_page_language(self.root, lang)
        self._relabel()
        if self.view is not None:
            self.view = self._changes_in(self.view, lang)
            self._render(self.view)

    def _changes_in(self, view: vw.ReportView, lang: str) -> vw.ReportView:
        """``view`` with its changes described again in ``lang`` (question texts, values for people)."""
        import dataclasses

        if view.previous is None or view.changes is None:
            return view
        try:
            return dataclasses.replace(view, changes=self.sources.changes(self.ws, view.previous, view.dir, lang))
        except Exception:  # noqa: BLE001  the comparison is secondary: keep the page as it was
            return view

    def _on_assessment(self, change: dict[str, Any]) -> None:
        if self._quiet:
            return
        self._fill_reports(change["new"])

    def _fill_reports(self, aid: str) -> None:
        dirs = vw.report_choices(self.ws, aid, self.sources) if aid else []
        self.report.options = [(d.name, d.name) for d in dirs]
        self.report.value = dirs[0].name if dirs else None

    def show(self, aid: str | None, version: int | None = None, report: str | None = None) -> None:
        """Open and verify a report; show the result (or what went wrong) on the page."""
        from lia.errors import LiaError

        s = self.s
        self.view = None
        for w in (self.signature, self.content, self.changes):
            w.value = ""
        if not aid:
            self.msg.value = ""
            return
        self._quiet = True
        try:
            if aid in [o[1] for o in self.assessment.options]:
                self.assessment.value = aid
                self._fill_reports(aid)
        finally:
            self._quiet = False
        try:
            view = vw.open_report(self.ws, aid, version, report, sources=self.sources, lang=s.lang)
        except LiaError as exc:
            self.msg.value = f'<div class="lia-dash lia-msg error lia-viewer-error">{_esc(translate_error(exc, s.lang))}</div>'
            return
        self.msg.value = ""
        self.report.value = view.name if view.name in [o[1] for o in self.report.options] else self.report.value
        self.view = view
        self._render(view)

    # --- HTML ------------------------------------------------------------------------------------
    def _role(self, role: str | None) -> str:
        key = f"role_{role}"
        return self.s(key) if key in self.s.catalogue else (role or "?")

    def signature_html(self, view: vw.ReportView) -> str:
        """The signature panel: the verdict in one line, then signers, then failed files or stale reasons."""
        s = self.s
        c = view.check
        state = c.state
        head = {"current": s("sig_valid_current"), "stale": s("sig_valid_stale"), "unsigned": s("sig_unsigned"),
                "failing": s("sig_failing")}[state]
        icon = {"current": "✔", "stale": "⚠", "unsigned": "○", "failing": "✖"}[state]
        title = s("report_of", id=view.aid, version=view.version if view.version is not None else "?")
        parts = [f'<div class="lia-muted">{_esc(s("sig_heading"))} · {_esc(title)} · {_esc(view.name)}</div>',
                 f'<div class="head lia-sig-verdict">{icon} {_esc(head)}</div>']
        if state == "failing":
            files = c.failed_files or [view.name]
            parts.append("".join(f'<div class="failed-file">{_esc(s("sig_failed_file", file=f))}</div>' for f in files))
        if c.signers:
            rows = "".join(
                f'<tr class="lia-signer {"ok" if g.valid else "bad"}"><td>{_esc(g.name or s("unknown_signer") + " " + (g.keyid or "")[:16])}</td>'
                f"<td>{_esc(self._role(g.role) if g.role else '—')}</td><td>{_esc(format_time(g.signed_at, self.s.lang) if g.signed_at else '—')}</td>"
                f'<td class="{self._signer_class(g.valid, state)}">{_esc(self._signer_text(g.valid, state))}'
                f'{(" – " + _esc(translate(g.problem, s.lang))) if g.problem else ""}</td></tr>' for g in c.signers)
            parts.append(f'<table><tr><th>{_esc(s("signer_name"))}</th><th>{_esc(s("signer_role"))}</th>'
                         f'<th>{_esc(s("signer_when"))}</th><th>{_esc(s("signer_valid"))}</th></tr>{rows}</table>')
        if c.problems and state in ("failing", "unsigned"):
            items = "".join(f"<li><b>{_esc(f)}</b>: {_esc(translate(m, s.lang))}</li>" for f, m in c.problems)
            parts.append(f'<div style="margin-top:8px">{_esc(s("problems"))}</div><ul class="lia-problems">{items}</ul>')
        if c.stale:
            items = "".join(f"<li>{_esc(translate(r, s.lang))}</li>" for r in c.stale)
            parts.append(f'<div style="margin-top:8px">{_esc(s("stale_because"))}</div><ul class="lia-stale-reasons">{items}</ul>')
        return f'<div class="lia-dash lia-sig lia-sig-{state}" data-state="{state}">{"".join(parts)}</div>'

    def _signer_text(self, valid: bool, state: str) -> str:
        if not valid:
            return self.s("signer_bad")
        # a signature over a statement whose files changed proves nothing about the files
        return self.s("signer_ok_files_changed") if state == "failing" else self.s("signer_ok")

    @staticmethod
    def _signer_class(valid: bool, state: str) -> str:
        return "lia-bad" if not valid else ("lia-warn" if state == "failing" else "lia-ok")

    def content_html(self, view: vw.ReportView) -> str:
        """The report itself in a sandboxed frame (with a warning when it failed verification)."""
        s = self.s
        parts = [f'<h2>{_esc(s("content_heading"))}</h2>']
        if view.check.state == "failing":
            parts.append(f'<div class="lia-msg error">{_esc(s("content_unverified"))}</div>')
        if view.pdf is not None and view.check.state != "failing":
            parts.append(vw.pdf_data_link(view.pdf, s("download_pdf"), f"{view.aid}-{view.name}.pdf"))
        if view.html is None:
            parts.append(f'<div class="lia-msg">{_esc(s("content_missing"))}</div>')
        else:
            parts.append(vw.sandboxed_iframe(view.html, s("report_of", id=view.aid, version=view.version)))
        return f'<div class="lia-dash">{"".join(parts)}</div>'

    def changes_html(self, view: vw.ReportView) -> str:
        """The changes since the previous signed report."""
        s = self.s
        parts = [f'<h2>{_esc(s("changes_heading"))}</h2>']
        ch = view.changes
        if view.changes_error:
            parts.append(f'<div class="lia-msg error">{_esc(s("changes_failed", error=view.changes_error))}</div>')
        elif ch is None or view.previous is None:
            parts.append(f'<div class="lia-msg lia-no-previous">{_esc(s("changes_none_before"))}</div>')
        else:
            parts.append(f'<div class="lia-muted">{_esc(s("changes_from", old=view.previous.name, new=view.name))}</div>')
            if ch.empty:
                parts.append(f'<p>{_esc(s("changes_nothing"))}</p>')
            if ch.verdicts:
                items = "".join(f'<li><b>{_esc(self._step(v.get("step")))}</b>: {self._value(v.get("old"))} → {self._value(v.get("new"))}</li>'
                                for v in ch.verdicts)
                parts.append(f'<h4>{_esc(s("changes_verdicts"))}</h4><ul class="lia-changed-verdicts">{items}</ul>')
            for key, items_ in (("changes_added", ch.added), ("changes_removed", ch.removed)):
                if items_:
                    lis = "".join(f'<li>{self._finding(f)}</li>' for f in items_)
                    parts.append(f'<h4>{_esc(s(key))}</h4><ul class="lia-{key.replace("_", "-")}">{lis}</ul>')
            if ch.changed:
                lis = "".join(
                    f'<li><code>{_esc(c.get("rule"))}</code>: ' + "; ".join(
                        f'{_esc(self._field(a))}: {self._value(d.get("old"))} → {self._value(d.get("new"))}'
                        if a == "severity" else _esc(self._field(a))
                        for a, d in (c.get("changes") or {}).items()) + "</li>" for c in ch.changed)
                parts.append(f'<h4>{_esc(s("changes_changed"))}</h4><ul>{lis}</ul>')
            if ch.answers:
                parts.append(f'<h4>{_esc(s("changes_answers"))}</h4><ul class="lia-changed-answers">'
                             f'{"".join(self._answer(a) for a in ch.answers[:60])}</ul>')
        return f'<div class="lia-dash lia-card lia-changes">{"".join(parts)}</div>'

    def _report_label(self, key: str) -> str | None:
        """A label from the report's own catalogue (templates/i18n/reports.yaml), if there is one."""
        try:
            from lia.i18n import catalogue

            labels = catalogue("reports")
        except Exception:  # no report templates here
            return None
        return text(labels[key], self.s.lang) if key in labels else None

    def _step(self, step: Any) -> str:
        label = self._report_label(f"step.{step}")
        if label:
            return label
        if step == "dpia_required":
            return self.s("col_dpia_required")
        return self.s("col_lia_verdict") if step == "overall" else str(step)

    def _field(self, name: str) -> str:
        """A finding's changed part ("severity", "message", ...) in the page's language."""
        return self._report_label(f"changes.field.{name}") or name

    def _answer(self, a: Mapping[str, Any]) -> str:
        """One changed answer: the question in the page's language, old -> new as people write them
        (lia.changes.answer_changes); a changed table lists its changed rows and cells."""
        if "text" not in a:  # an older source without texts
            return (f'<li><code>{_esc(a.get("question"))}</code>: {self._value(a.get("old"))} → '
                    f'{self._value(a.get("new"))}</li>')
        head = f'<span class="lia-answer-question">{_esc(a["text"])}</span>'
        if a.get("details"):
            items = "".join(f"<li>{_esc(d)}</li>" for d in a["details"])
            return f'<li data-question="{_esc(a.get("question"))}">{head}:<ul>{items}</ul></li>'
        return (f'<li data-question="{_esc(a.get("question"))}">{head}: <span class="lia-old">{_esc(a.get("old_text"))}'
                f'</span> → <span class="lia-new">{_esc(a.get("new_text"))}</span></li>')

    def _value(self, v: Any) -> str:
        if v is None:
            return "—"
        if isinstance(v, bool):
            return _esc(self.s("yes") if v else self.s("no"))
        if isinstance(v, str) and f"verdict_{v}" in self.s.catalogue:
            return f'<span class="lia-verdict-{_esc(v)}">{_esc(self.s("verdict_" + v))}</span>'
        if isinstance(v, str):
            label = self._report_label(f"verdict.{v}")
            if label:
                cls = "no" if v == "fail" else ("yes" if v == "pass" else "conditional")
                return f'<span class="lia-verdict-{cls}">{_esc(label)}</span>'
        if isinstance(v, (list, dict)):
            import json

            v = json.dumps(v, ensure_ascii=False)
        v = str(v)
        return _esc(v if len(v) <= 120 else v[:117] + "...")

    def _finding(self, f: Mapping[str, Any]) -> str:
        msg = f.get("message")
        msg = text(msg, self.s.lang) if isinstance(msg, Mapping) else str(msg or "")
        sev = str(f.get("severity") or "")
        return (f'<span class="lia-sev lia-sev-{_esc(sev)}">{_esc(sev)}</span> '
                f'<code>{_esc(f.get("rule"))}</code> {_esc(msg)}')

    def _render(self, view: vw.ReportView) -> None:
        self.signature.value = self.signature_html(view)
        self.content.value = self.content_html(view)
        self.changes.value = self.changes_html(view)

    def show_error(self, exc: BaseException) -> None:
        """Show an unexpected failure above the report."""
        self.msg.value = f'<div class="lia-dash lia-msg error lia-viewer-error">{_esc(exc)}</div>'

    def apply_request(self, env: Mapping[str, str] | None = None) -> None:
        """Open what the URL asks for: ``?assessment=ID&version=N&report=vN-rK&lang=sv``."""
        req = vw.request_from_env(os.environ if env is None else env)
        if req.lang in LANGS:
            self.set_language(req.lang)
        if req.assessment:
            self.show(req.assessment, req.version, req.report)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.root)
