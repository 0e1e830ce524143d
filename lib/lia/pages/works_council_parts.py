"""What the works-council page shows, as HTML and files: the summary a union representative reads
first, the monthly share per team, the breaches table and its CSV, download links, and the
messages the page says in its own language. Pure functions of a period report and a language."""

from __future__ import annotations

import html
from typing import Any

from lia.errors import LiaError
from lia.i18n import t

__all__ = ["PAGE_SIZE", "CSV_COLUMNS", "summarise", "worst_words", "summary_html", "monthly_share", "monthly_share_html",
           "select_breaches", "breaches_html", "breaches_csv", "download_link", "PageMessage"]


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
    from lia.periods.breaches import KINDS

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


class PageMessage(LiaError):
    """A message the page says in its own language (from a catalogue key), e.g. why an upload was refused."""

    def __init__(self, area: str, key: str, **fmt: Any) -> None:
        self.area, self.key, self.fmt = area, key, fmt
        super().__init__(self.text("en"))

    def text(self, lang: str) -> str:
        return t(self.area, self.key, lang, **self.fmt)
