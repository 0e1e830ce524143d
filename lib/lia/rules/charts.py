"""Charts of an evaluation (altair, imported inside the functions).

- :func:`balancing_chart`: the weighing of the deciding legitimate-interest test
  (the group and purpose the top-level steps show): the interest's points against
  each factor's impact after the safeguards beyond compliance (the part they took
  off shown lighter), a severe impact as its own bar, and the impact that remains;
  the reasons as tooltip. Without a weighing (not assessed, not reached, no group
  on legitimate interest) it falls back to one bar per factor and its net position.
- :func:`risk_map_chart`: the CNIL-style 4x4 risk map (severity x likelihood),
  each risk before and after measures, joined by a line; the high-risk zone
  (both >= significant, or either maximum) is shaded.

Both return an ``altair.Chart``/``LayerChart`` that embeds its data; nothing is
loaded from outside (drawn as SVG by :func:`lia.charts_svg.chart_svg`, offline).
"""

from __future__ import annotations

from typing import Any

from ..levels import RISK_LEVELS, risk_label
from .dpia import residual_high
from .packs import FACTORS
from .texts import ui

__all__ = ["balancing_chart", "risk_map_chart", "deciding_weighing", "POSITION_COLOURS", "WEIGHING_COLOURS"]

POSITION_COLOURS = {"for": "#2e7d32", "against": "#c62828", "neutral": "#9e9e9e"}


WEIGHING_COLOURS = {"interest": "#2e7d32", "impact": "#c62828", "lowered": "#f4b4b4", "severe": "#6d0f0f",
                    "total": "#8a4b4b"}


def deciding_weighing(js: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(group, test) of the legitimate-interest test the top-level steps show, if it has a weighing."""
    bal = (js.get("lia") or {}).get("balancing") or {}
    for g in js.get("groups") or []:
        if g.get("group") != bal.get("group"):
            continue
        for t in g.get("purposes") or []:
            if t.get("purpose") == bal.get("purpose_id") and t.get("weighing"):
                return g, t
    return None


def balancing_chart(evaluation: Any, lang: str = "en") -> Any:
    """The weighing of the deciding test as bars: interest (right) against impacts (left)."""
    import altair as alt

    js = evaluation.to_json(lang)
    found = deciding_weighing(js)
    if found is None:
        return _factor_chart(js, lang)
    g, t = found
    w = t["weighing"]
    kinds = ("interest", "impact", "lowered", "severe", "total")
    names = {k: ui(f"chart.kind.{k}", lang) for k in kinds}
    rows: list[dict[str, Any]] = [{"label": ui("chart.interest", lang, purpose=t["label"]), "order": 0, "stack": 0,
                                   "points": w["interest_points"], "kind": names["interest"],
                                   "reasons": w["interest"]["label"]}]
    top = max(w["interest_points"], w["impact_points"]) + 1
    for sv in w["severe"]:
        rows.append({"label": ui("chart.severe", lang, factor=sv["label"]), "order": 1, "stack": 0, "points": -top,
                     "kind": names["severe"], "reasons": sv["text"][:400]})
    points = {"low": 1, "medium": 2, "high": 3}
    for i, imp in enumerate(w["impacts"], start=1):
        why = " | ".join(f["text"] for f in imp["findings"])[:400]
        rows.append({"label": imp["label"], "order": i + 1, "stack": 0, "points": -points.get(imp["level"], 0),
                     "kind": names["impact"], "reasons": why})
        lowered = points.get(imp["level_before"], 0) - points.get(imp["level"], 0)
        if lowered:
            rows.append({"label": imp["label"], "order": i + 1, "stack": 1, "points": -lowered,
                         "kind": names["lowered"], "reasons": ", ".join(imp["lowered_by"])})
    rows.append({"label": ui("chart.remaining", lang), "order": 99, "stack": 0, "points": -w["impact_points"],
                 "kind": names["total"], "reasons": w["text"][:400]})
    colour = alt.Color("kind:N", title=ui("chart.position", lang), legend=alt.Legend(labelLimit=360),
                       scale=alt.Scale(domain=[names[k] for k in kinds], range=[WEIGHING_COLOURS[k] for k in kinds]))
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            y=alt.Y("label:N", sort=alt.SortField("order"), title=ui("chart.factor", lang), axis=alt.Axis(labelLimit=260)),
            x=alt.X("sum(points):Q", title=ui("chart.balancing.points", lang)),
            color=colour,
            order=alt.Order("stack:Q"),
            tooltip=[alt.Tooltip("label:N", title=ui("chart.factor", lang)),
                     alt.Tooltip("kind:N", title=ui("chart.position", lang)),
                     alt.Tooltip("reasons:N", title=ui("chart.reasons", lang))],
        )
        .properties(title=ui("chart.balancing.title_group", lang, group=g["label"], purpose=t["label"]),
                    width=420, height=alt.Step(22))
    )


def _factor_chart(js: dict[str, Any], lang: str) -> Any:
    """Bar chart of the balancing factors: net weight per factor, coloured for/against/neutral."""
    import altair as alt

    rows = []
    for f in js["factors"]:
        rows.append({
            "factor": f["label"],
            "order": FACTORS.index(f["factor"]),
            "score": f["score"],
            "position": ui(f"position.{f['position']}", lang),
            "key": f["position"],
            "reasons": " | ".join(r["text"] for r in f["reasons"])[:400],
        })
    labels = [ui(f"position.{k}", lang) for k in ("for", "against", "neutral")]
    colour = alt.Color(
        "position:N",
        title=ui("chart.position", lang),
        scale=alt.Scale(domain=labels, range=[POSITION_COLOURS[k] for k in ("for", "against", "neutral")]),
    )
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            y=alt.Y("factor:N", sort=alt.SortField("order"), title=ui("chart.factor", lang)),
            x=alt.X("score:Q", title=ui("chart.balancing.score", lang)),
            color=colour,
            tooltip=[alt.Tooltip("factor:N", title=ui("chart.factor", lang)),
                     alt.Tooltip("position:N", title=ui("chart.position", lang)),
                     alt.Tooltip("reasons:N", title=ui("chart.reasons", lang))],
        )
        .properties(title=ui("chart.balancing.title", lang), width=420, height=alt.Step(22))
    )


def risk_map_chart(evaluation: Any, lang: str = "en") -> Any:
    """The risk map: severity (y) x likelihood (x) on four levels, before -> after measures.

    The shaded zone is where a residual risk counts as high (Art. 36 prior consultation).
    Risks sharing a cell are spread out slightly so none hides another.
    """
    import altair as alt

    levels = [risk_label(lv, lang) for lv in RISK_LEVELS]
    high = [{"x": lk - 0.5, "x2": lk + 0.5, "y": sv - 0.5, "y2": sv + 0.5}
            for sv in range(1, 5) for lk in range(1, 5) if residual_high(sv, lk)]
    risks = evaluation.risks.risks
    n = max(len(risks), 1)
    points = []
    for i, r in enumerate(risks):
        jitter = (i - (n - 1) / 2) * min(0.5 / n, 0.12)
        after = r.residual if (r.severity_after or r.likelihood_after) else (None, None)
        for when, order, (sv, lk) in (("before", 0, (r.severity_before, r.likelihood_before)), ("after", 1, after)):
            if sv and lk:
                points.append({
                    "risk": r.ref + (f" {r.title}" if r.title else ""),
                    "ref": r.ref,
                    "when": ui(f"chart.risk.{when}", lang),
                    "order": order,
                    "x": lk + jitter,
                    "y": sv + jitter,
                    "severity": levels[sv - 1],
                    "likelihood": levels[lk - 1],
                    "last": False,
                })
        if points and points[-1]["ref"] == r.ref:
            points[-1]["last"] = True  # label each risk once, at its latest rating
    label_expr = "[" + ", ".join(f"'{lv}'" for lv in [""] + levels) + "][datum.value] || ''"
    axis: dict[str, Any] = dict(values=[1, 2, 3, 4], labelExpr=label_expr, grid=False)
    x = alt.X("x:Q", title=ui("chart.risk.likelihood", lang), scale=alt.Scale(domain=[0.5, 4.5], nice=False),
              axis=alt.Axis(**axis))
    y = alt.Y("y:Q", title=ui("chart.risk.severity", lang), scale=alt.Scale(domain=[0.5, 4.5], nice=False),
              axis=alt.Axis(**axis))
    zone = alt.Chart(alt.Data(values=high)).mark_rect(color="#ffcdd2", opacity=0.6).encode(
        x=x, x2="x2:Q", y=y, y2="y2:Q")
    data = alt.Data(values=points)
    when_labels = [ui("chart.risk.before", lang), ui("chart.risk.after", lang)]
    lines = alt.Chart(data).mark_line(color="#555555").encode(x=x, y=y, detail="ref:N", order="order:Q")
    dots = alt.Chart(data).mark_point(size=150, filled=True, opacity=1).encode(
        x=x, y=y,
        shape=alt.Shape("when:N", title=ui("chart.risk.when", lang), scale=alt.Scale(domain=when_labels,
                        range=["square", "circle"])),
        color=alt.Color("when:N", title=ui("chart.risk.when", lang),
                        scale=alt.Scale(domain=when_labels, range=["#9e9e9e", "#1565c0"])),
        tooltip=[alt.Tooltip("risk:N", title=ui("chart.risk.risk", lang)),
                 alt.Tooltip("when:N", title=ui("chart.risk.when", lang)),
                 alt.Tooltip("severity:N", title=ui("chart.risk.severity", lang)),
                 alt.Tooltip("likelihood:N", title=ui("chart.risk.likelihood", lang))],
    )
    labels = alt.Chart(data).transform_filter(alt.datum.last).mark_text(
        dx=14, align="left", fontSize=11).encode(x=x, y=y, text="ref:N")
    return alt.layer(zone, lines, dots, labels).properties(
        title=ui("chart.risk.title", lang), width=320, height=320
    )
