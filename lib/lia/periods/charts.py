"""Charts for works councils: recorded days against training periods, weekly share, retention ages.

Every chart is built from the report's aggregated tables (runs, agent-days, age
bins), never from the calls themselves, so a spec holds thousands of rows at most.
Agents appear only by their pseudonymous id. Export to SVG and PNG runs offline
with vl-convert (no CDN, no fonts or scripts fetched). Labels come from
``templates/i18n/periods.yaml`` in en, sv or nb.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from ..i18n import t
from .analysis import PeriodReport

__all__ = ["timeline", "weekly_share", "retention_ages", "all_charts", "to_svg", "to_png", "export", "team_days",
           "team_timeline", "share_heatmap", "ages_histogram", "file_part", "caption"]

_OVER, _WITHIN, _SHADE = "#c0392b", "#2e86c1", "#d5f5e3"


def _tr(key: str, lang: str, **fmt: Any) -> str:
    return t("periods", key, lang, **fmt)


def _iso(d: date) -> str:
    return d.isoformat()


def timeline(report: PeriodReport, by: str = "agent", team: str | None = None, start: date | None = None,
             end: date | None = None, lang: str = "en") -> Any:
    """Recorded working days as runs per agent (or agents recorded per day per team), training periods shaded.

    Runs longer than the consecutive-day limit are red.
    """
    import altair as alt

    if by not in ("agent", "team"):
        raise ValueError(f"by must be 'agent' or 'team', got {by!r}")
    rep = report.filter(team=team, start=start, end=end)
    L = rep.limits.max_consecutive_days
    over, within = _tr("run_over", lang), _tr("run_within", lang)
    x_title, y_key = _tr("axis_date", lang), ("axis_agent" if by == "agent" else "axis_team")
    xs = alt.Scale(type="utc")
    if by == "agent":
        runs = rep.runs.copy()
        data = pd.DataFrame({
            "who": runs["agent"].astype(str),
            "start": [_iso(d) for d in runs["start"]],
            "end": [_iso(d + timedelta(days=1)) for d in runs["end"]],
            "days": runs["days"].astype(int),
            "status": [over if o else within for o in runs["over_limit"]],
        })
        members = rep.agent_days[["agent", "team"]].drop_duplicates().rename(columns={"agent": "who"})
    else:
        over_runs = rep.runs[rep.runs["over_limit"].astype(bool)] if len(rep.runs) else None
        return team_timeline(team_days(rep), rep.limits, rep.overview, start=start, end=end, lang=lang,
                             over_runs=over_runs)
    shade = _period_rows(rep.limits, rep.overview, members, start, end)
    title = alt.TitleParams(
        _tr("timeline_title_" + by, lang),
        subtitle=_tr("timeline_subtitle", lang, limit=L) if L is not None else _tr("timeline_subtitle_nolimit", lang))
    y = alt.Y("who:N", title=_tr(y_key, lang), sort="ascending")
    color = alt.Color("status:N", title=_tr("legend_run", lang),
                      scale=alt.Scale(domain=[within, over], range=[_WITHIN, _OVER]))
    bars = alt.Chart(data).mark_rect(cornerRadius=1).encode(
        x=alt.X("start:T", scale=xs, title=x_title), x2="end:T", y=y, color=color,
        tooltip=["who:N", alt.Tooltip("start:T", format="%Y-%m-%d"), "days:Q"])
    return _timeline_layers(shade, bars, y, data, title, lang)


def _timeline_layers(shade: pd.DataFrame, bars: Any, y: Any, data: pd.DataFrame, title: Any, lang: str,
                     extra: list[Any] | tuple[Any, ...] = ()) -> Any:
    import altair as alt

    layers = []
    if len(shade):
        layers.append(alt.Chart(shade).mark_rect(color=_SHADE, opacity=0.9).encode(
            x=alt.X("start:T", scale=alt.Scale(type="utc"), title=_tr("axis_date", lang)), x2="end:T", y=y,
            tooltip=[alt.Tooltip("label:N", title=_tr("training_period", lang))]))
    layers.append(bars)
    layers.extend(extra)
    n_rows = max(1, data["who"].nunique() if len(data) else 1)
    return alt.layer(*layers).properties(title=title, width=720, height=min(16 * n_rows, 900))


def team_days(report: PeriodReport) -> pd.DataFrame:
    """Per team and local day: agents recorded, calls, recorded calls (the team-level charts' table).

    One row per team-day with calls; the size does not grow with the number of calls.
    """
    ad = report.agent_days
    cols = ["team", "date", "agents_recorded", "calls", "recorded_calls"]
    if not len(ad):
        return pd.DataFrame({c: [] for c in cols})
    g = ad.assign(agents_recorded=(ad["recorded_calls"] > 0).astype("int64")).groupby(
        ["team", "date"], as_index=False, sort=True)[["agents_recorded", "calls", "recorded_calls"]].sum()
    g["team"] = g["team"].astype(str)
    return g[cols].reset_index(drop=True)


def team_timeline(td: pd.DataFrame, limits: Any, overview: dict[str, Any], start: date | None = None,
                  end: date | None = None, lang: str = "en", over_runs: pd.DataFrame | None = None) -> Any:
    """Agents recorded per day per team (from a :func:`team_days` table), training periods shaded.

    ``over_runs`` (agent, team, start, end, days: the runs over the consecutive-day limit) are drawn
    in red on their team's row.
    """
    import altair as alt

    if len(td):
        lo, hi = start or date.min, end or date.max
        td = td[(td["date"] >= lo) & (td["date"] <= hi)]
    rec = td[td["agents_recorded"] > 0] if len(td) else td
    data = pd.DataFrame({"who": [str(x) for x in rec["team"]], "start": [_iso(d) for d in rec["date"]],
                         "end": [_iso(d + timedelta(days=1)) for d in rec["date"]],
                         "agents": [int(x) for x in rec["agents_recorded"]]})
    teams = sorted({str(x) for x in td["team"]}) if len(td) else []
    members = pd.DataFrame({"team": teams, "who": teams})
    shade = _period_rows(limits, overview, members, start, end)
    L = limits.max_consecutive_days
    title = alt.TitleParams(
        _tr("timeline_title_team", lang),
        subtitle=_tr("timeline_subtitle", lang, limit=L) if L is not None else _tr("timeline_subtitle_nolimit", lang))
    y = alt.Y("who:N", title=_tr("axis_team", lang), sort="ascending")
    bars = alt.Chart(data).mark_rect().encode(
        x=alt.X("start:T", scale=alt.Scale(type="utc"), title=_tr("axis_date", lang)), x2="end:T", y=y,
        color=alt.Color("agents:Q", title=_tr("axis_agents_recorded", lang), scale=alt.Scale(scheme="blues"),
                        legend=alt.Legend(orient="bottom", direction="horizontal", titleLimit=400)),
        tooltip=["who:N", alt.Tooltip("start:T", format="%Y-%m-%d"), "agents:Q"])
    extra = []
    if over_runs is not None and len(over_runs):
        # the runs over the limit, drawn in red on their team's row: what the subtitle promises
        lo, hi = start or date.min, end or date.max
        r = over_runs[(over_runs["end"] >= lo) & (over_runs["start"] <= hi)]
        red = pd.DataFrame({"who": [str(x) for x in r["team"]], "start": [_iso(max(d, lo)) for d in r["start"]],
                            "end": [_iso(min(d, hi) + timedelta(days=1)) for d in r["end"]],
                            "agent": [str(x) for x in r["agent"]], "days": [int(x) for x in r["days"]],
                            "status": _tr("run_over", lang)})
        if len(red):
            extra.append(alt.Chart(red).mark_rect(opacity=0.85, height=6).encode(
                x=alt.X("start:T", scale=alt.Scale(type="utc")), x2="end:T", y=y,
                color=alt.value(_OVER), tooltip=["who:N", "agent:N", "days:Q",
                                                 alt.Tooltip("start:T", format="%Y-%m-%d")]))
    # one layer chart built from all its layers: re-layering an existing layer chart's ``.layer`` lost
    # the bars' data whenever Altair had lifted it to the parent (no training period in view: only
    # the red runs were drawn, over two weeks, and the colour legend said "NaN")
    return _timeline_layers(shade, bars, y, data, title, lang, extra)


def _period_rows(limits: Any, overview: dict[str, Any], members: pd.DataFrame, start: date | None,
                 end: date | None) -> pd.DataFrame:
    rows = []
    first, last = overview.get("first_day"), overview.get("last_day")
    lo = start or (date.fromisoformat(first) if first else date.min)
    hi = end or (date.fromisoformat(last) if last else date.max)
    pairs = list(members.itertuples(index=False))
    for tp in limits.training_periods:
        if tp.end < lo or tp.start > hi:
            continue
        for m in pairs:
            if tp.applies_to(str(m.team), str(m.who)):
                rows.append({"who": str(m.who), "start": _iso(max(tp.start, lo)), "end": _iso(min(tp.end, hi) + timedelta(days=1)),
                             "label": f"{tp.group}: {tp.start} – {tp.end}"})
    return pd.DataFrame(rows, columns=["who", "start", "end", "label"])


def weekly_share(report: PeriodReport, team: str | None = None, start: date | None = None, end: date | None = None,
                 lang: str = "en") -> Any:
    """Calendar heatmap: share of calls recorded per ISO week, one row per team (per agent when a team is chosen)."""
    rep = report.filter(team=team, start=start, end=end)
    who = "agent" if team is not None else "team"
    return share_heatmap(rep.agent_days, who, rep.limits, lang=lang)


def share_heatmap(ad: pd.DataFrame, who: str, limits: Any, lang: str = "en") -> Any:
    """The weekly-share heatmap from rows with ``who`` (agent or team), date, calls, recorded_calls.

    The rows may be agent-days or team-days (:func:`team_days`): they are summed per ISO week.
    """
    import altair as alt

    if len(ad):
        iso = pd.to_datetime(pd.Series(ad["date"])).dt.isocalendar()
        weeks = iso["year"].astype(str) + "-W" + iso["week"].astype(str).str.zfill(2)
        g = pd.DataFrame({"who": ad[who].astype(str).to_numpy(), "week": weeks.to_numpy(),
                          "calls": ad["calls"].to_numpy(), "rec": ad["recorded_calls"].to_numpy()})
        g = g.groupby(["who", "week"], as_index=False)[["calls", "rec"]].sum()
        g["share"] = (100.0 * g["rec"] / g["calls"].clip(lower=1)).round(1)
    else:
        g = pd.DataFrame({"who": [], "week": [], "calls": [], "rec": [], "share": []})
    S = limits.share_recorded_percent
    title = alt.TitleParams(_tr("heatmap_title", lang), subtitle=_tr("heatmap_subtitle", lang, limit=f"{S:g}") if S is not None else "")
    x = alt.X("week:O", title=_tr("axis_week", lang), axis=alt.Axis(labelAngle=-60))
    y = alt.Y("who:N", title=_tr("axis_agent" if who == "agent" else "axis_team", lang))
    tip = ["who:N", "week:O", "share:Q", "calls:Q", "rec:Q"]
    height = min(18 * max(1, g["who"].nunique() if len(g) else 1), 900)
    if S is None:  # nothing to measure against: a plain 0-100 % scale
        return alt.Chart(g).mark_rect().encode(
            x=x, y=y, tooltip=tip,
            color=alt.Color("share:Q", title=_tr("axis_share", lang), scale=alt.Scale(scheme="blues", domain=[0, 100])),
        ).properties(title=title, width=720, height=height)
    # bands measured against the declared limit: blues up to it, reds beyond it, so an
    # over-limit week stands out whatever the largest share in the log is
    half, double = S / 2, S * 2
    bands = [_tr("band_low", lang, a="0", b=f"{half:g}"), _tr("band_mid", lang, a=f"{half:g}", b=f"{S:g}"),
             _tr("band_over", lang, a=f"{S:g}", b=f"{double:g}"), _tr("band_far", lang, a=f"{double:g}")]
    share = g["share"].astype(float) if len(g) else pd.Series([], dtype=float)
    g = g.assign(band=[bands[0] if v <= half else bands[1] if v <= S else bands[2] if v <= double else bands[3]
                       for v in share], over=share > S)
    cells = alt.Chart(g).mark_rect().encode(
        x=x, y=y, tooltip=tip,
        color=alt.Color("band:N", title=_tr("legend_share_limit", lang, limit=f"{S:g}"),
                        scale=alt.Scale(domain=bands, range=["#deebf7", "#6baed6", "#f4a582", _OVER]),
                        sort=bands, legend=alt.Legend(orient="bottom", direction="vertical", titleLimit=600, labelLimit=400)))
    outline = alt.Chart(g[g["over"]] if len(g) else g).mark_rect(fill=None, stroke="#7b1d12", strokeWidth=1.5).encode(
        x=x, y=y, tooltip=tip)
    return alt.layer(cells, outline).properties(title=title, width=720, height=height)


def retention_ages(report: PeriodReport, team: str | None = None, lang: str = "en", bin_days: int = 7) -> Any:
    """Histogram of recording ages (deletion time, or now, minus start) with the retention period as a rule."""
    rep = report.filter(team=team)
    return ages_histogram(rep.retention_ages, rep.limits, lang=lang, bin_days=bin_days)


def ages_histogram(ages: pd.DataFrame, limits: Any, lang: str = "en", bin_days: int = 7) -> Any:
    """The retention histogram from a table of (team, age_days, recordings) with the retention period as a rule."""
    import altair as alt

    R = limits.retention
    limit = round(R.nominal_days, 1) if R is not None else None
    within, over = _tr("retention_within", lang), _tr("retention_over", lang)
    if len(ages):
        b = (ages["age_days"] // bin_days) * bin_days
        status = [over if limit is not None and a >= limit else within for a in ages["age_days"]]
        g = pd.DataFrame({"status": status, "age": b, "recordings": ages["recordings"]})
        g = g.groupby(["status", "age"], as_index=False)["recordings"].sum()
        g["age_end"] = g["age"] + bin_days
    else:
        g = pd.DataFrame({"status": [], "age": [], "recordings": [], "age_end": []})
    title = alt.TitleParams(_tr("retention_title", lang),
                            subtitle=_tr("retention_subtitle", lang, limit=f"{limit:g}") if limit is not None
                            else _tr("retention_subtitle_none", lang))
    bars = alt.Chart(g).mark_bar().encode(
        x=alt.X("age:Q", title=_tr("axis_age_days", lang), bin="binned"), x2="age_end:Q",
        y=alt.Y("sum(recordings):Q", title=_tr("axis_recordings", lang), stack=True,
                scale=alt.Scale(type="linear", zero=True)),  # a linear axis: bar heights compare as counts
        color=alt.Color("status:N", title=_tr("axis_recordings", lang),
                        scale=alt.Scale(domain=[within, over], range=[_WITHIN, _OVER]),
                        legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=400)),
        tooltip=["status:N", "age:Q", "recordings:Q"])
    layers = [bars]
    if len(g) and (g["status"] == over).any():
        # on a linear axis a few recordings kept too long beside thousands are a sliver: say how many
        o = g[g["status"] == over]
        layers.append(alt.Chart(o).mark_text(color=_OVER, dy=-8, fontWeight="bold").encode(
            x=alt.X("mid:Q"), y=alt.Y("recordings:Q"), text=alt.Text("recordings:Q")).transform_calculate(
            mid="(datum.age + datum.age_end) / 2"))
    if limit is not None:
        rule = pd.DataFrame({"limit": [limit], "label": [f"{_tr('limit', lang)}: {limit:g}"]})
        layers.append(alt.Chart(rule).mark_rule(color=_OVER, strokeWidth=2, strokeDash=[6, 3]).encode(
            x="limit:Q", tooltip=["label:N"]))
        layers.append(alt.Chart(rule).mark_text(color=_OVER, align="right", dx=-4, baseline="top", fontWeight="bold")
                      .encode(x="limit:Q", y=alt.value(2), text="label:N"))
    return alt.layer(*layers).properties(title=title, width=720, height=300)


def all_charts(report: PeriodReport, team: str | None = None, start: date | None = None, end: date | None = None,
               lang: str = "en") -> dict[str, Any]:
    """The three works-council charts, by name: timeline, weekly_share, retention."""
    return {
        "timeline": timeline(report, by="agent" if team else "team", team=team, start=start, end=end, lang=lang),
        "weekly_share": weekly_share(report, team=team, start=start, end=end, lang=lang),
        "retention": retention_ages(report, team=team, lang=lang),
    }


def caption(name: str, report: PeriodReport, team: str | None = None, lang: str = "en") -> str:
    """The sentence under a chart saying what it shows and what its red marks mean (the page and the report)."""
    L, S, R = report.limits.max_consecutive_days, report.limits.share_recorded_percent, report.limits.retention
    if name == "timeline":
        key = "caption_timeline_agent" if team else "caption_timeline_team"
        limit = _tr("caption_runs_limit", lang, limit=L) if L is not None else _tr("caption_no_limit", lang)
        return _tr(key, lang, limit=limit)
    if name == "weekly_share":
        limit = _tr("caption_share_limit", lang, limit=f"{S:g}") if S is not None else _tr("caption_no_limit", lang)
        return _tr("caption_weekly_share_" + ("agent" if team else "team"), lang, limit=limit)
    if name == "retention":
        limit = (_tr("caption_retention_limit", lang, limit=f"{round(R.nominal_days, 1):g}") if R is not None
                 else _tr("caption_no_limit", lang))
        return _tr("caption_retention", lang, limit=limit)
    raise ValueError(f"unknown chart {name!r}; expected timeline, weekly_share or retention")


def to_svg(chart: Any, lang: str = "en") -> str:
    """A chart as SVG text in *lang*: :func:`lia.charts_svg.chart_svg` (offline, the language's dates, cached)."""
    from ..charts_svg import chart_svg

    return chart_svg(chart, lang)


def to_png(chart: Any, scale: float = 2.0, lang: str = "en") -> bytes:
    """A chart as PNG bytes in *lang*: :func:`lia.charts_svg.chart_png` (offline, the language's dates, cached)."""
    from ..charts_svg import chart_png

    return chart_png(chart, lang, scale)


_UNSAFE = None


def file_part(text: str, limit: int = 60) -> str:
    """``text`` (a team, an assessment id: data) made safe as part of a file name.

    Letters, digits, ``.``, ``_`` and ``-`` are kept; anything else (``/``, ``..`` runs, spaces,
    control characters) becomes ``_``; no leading dot; at most ``limit`` characters; never empty.
    """
    import re

    global _UNSAFE
    if _UNSAFE is None:
        _UNSAFE = re.compile(r"(?:[^\w.-]|\.{2,})+")
    out = _UNSAFE.sub("_", str(text)).lstrip(".")[:limit].strip("_")
    return out or "_"


def export(charts: dict[str, Any], folder: str | Path, fmt: str = "svg", prefix: str = "periods",
           lang: str = "en") -> list[Path]:
    """Write each chart to ``folder/<prefix>-<name>.<fmt>`` (svg or png), atomically; returns the paths.

    ``prefix`` and the chart names may come from data (a team named ``x/../../outside``): they are
    passed through :func:`file_part`, and every path is checked to lie directly in ``folder``
    before anything is written.
    """
    from ..errors import LiaError, Message
    from ..fsio import atomic_write

    if fmt not in ("svg", "png"):
        raise ValueError(f"fmt must be 'svg' or 'png', got {fmt!r}")
    base = Path(folder)
    base.mkdir(parents=True, exist_ok=True)
    real = base.resolve()
    paths = {}
    for name in charts:
        path = base / f"{file_part(prefix, 120)}-{file_part(name)}.{fmt}"
        if path.resolve().parent != real or path.is_symlink():
            raise LiaError(Message("errors.charts_write_outside", path=path, folder=base))
        paths[name] = path
    out = []
    for name, chart in charts.items():
        data = to_svg(chart, lang).encode("utf-8") if fmt == "svg" else to_png(chart, lang=lang)
        out.append(atomic_write(paths[name], data))
    return out
