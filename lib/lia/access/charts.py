"""Charts of who listens: accesses per role and month; per agent, the recordings opened and by whom.

Drawn from the analysis's small tables (``role_month``, ``agent_users``), never from
the events, so a spec holds a few thousand rows at most. Users and agents appear
only by their pseudonymous ids. Rendered offline with vl-convert through
``lia.periods.charts.to_svg`` / ``to_png`` (the project's one chart export); labels
come from ``templates/i18n/access.yaml`` in en, sv or nb.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..i18n import t

__all__ = ["roles_by_month", "agents_accessed", "all_charts", "MAX_AGENTS"]

#: The agents with the most opened recordings shown in the per-agent chart.
MAX_AGENTS = 30
#: Users per row in the per-agent chart's legend (below the bars, where its title has room).
LEGEND_COLUMNS = 6
_ACTION_ORDER = ["listen", "view_transcript", "download", "export", "share", "delete"]


def _tr(key: str, lang: str, **fmt: Any) -> str:
    return t("access", key, lang, **fmt)


def roles_by_month(role_month: list[list[Any]] | pd.DataFrame, lang: str = "en") -> Any:
    """Stacked bars: accesses per month, one colour per role."""
    import altair as alt

    df = role_month if isinstance(role_month, pd.DataFrame) else pd.DataFrame(
        role_month, columns=["role", "month", "action", "accesses", "users"])
    title = alt.TitleParams(_tr("chart_roles_title", lang), subtitle=_tr("chart_roles_subtitle", lang), anchor="start")
    if df.empty:
        return alt.Chart(pd.DataFrame({"x": [0]})).mark_text(text=_tr("no_data", lang)).properties(title=title, width=560, height=80)
    agg = df.groupby(["role", "month"], as_index=False).agg(accesses=("accesses", "sum"), users=("users", "max"))
    return alt.Chart(agg).mark_bar().encode(
        x=alt.X("month:O", title=_tr("axis_month", lang)),
        y=alt.Y("accesses:Q", title=_tr("axis_accesses", lang), stack=True),
        color=alt.Color("role:N", title=_tr("axis_role", lang)),
        tooltip=[alt.Tooltip("role:N", title=_tr("axis_role", lang)), alt.Tooltip("month:O", title=_tr("axis_month", lang)),
                 alt.Tooltip("accesses:Q", title=_tr("axis_accesses", lang)),
                 alt.Tooltip("users:Q", title=_tr("unit_users", lang))],
    ).properties(title=title, width=560, height=260)


def agents_accessed(agent_users: list[list[Any]] | pd.DataFrame, lang: str = "en", top: int = MAX_AGENTS) -> Any:
    """Horizontal stacked bars: per agent, the recordings opened, one segment per user (pseudonymous)."""
    import altair as alt

    df = agent_users if isinstance(agent_users, pd.DataFrame) else pd.DataFrame(
        agent_users, columns=["agent", "team", "user", "role", "recordings", "accesses"])
    title = alt.TitleParams(_tr("chart_agents_title", lang), subtitle=_tr("chart_agents_subtitle", lang), anchor="start")
    if df.empty:
        return alt.Chart(pd.DataFrame({"x": [0]})).mark_text(text=_tr("no_data", lang)).properties(title=title, width=560, height=80)
    totals = df.groupby("agent")["recordings"].sum().sort_values(ascending=False)
    keep = list(totals.index[:top])
    sub = df[df["agent"].isin(keep)]
    return alt.Chart(sub).mark_bar().encode(
        y=alt.Y("agent:N", title=_tr("axis_agent", lang), sort=keep),
        x=alt.X("recordings:Q", title=_tr("axis_recordings", lang), stack=True),
        # the legend below the bars: at the right its title ("Bruker (pseudonym)") ran past the chart's
        # edge whenever the page's font is wider than vl-convert measured; tableau20 so that up to 20
        # users each have their own colour (tableau10 gave U0001 and U0011 the same blue)
        color=alt.Color("user:N", title=_tr("axis_user", lang), scale=alt.Scale(scheme="tableau20"),
                        legend=alt.Legend(orient="bottom", direction="horizontal", columns=LEGEND_COLUMNS,
                                          symbolLimit=40, titleLimit=0, labelLimit=0)),
        tooltip=[alt.Tooltip("agent:N", title=_tr("axis_agent", lang)), alt.Tooltip("user:N", title=_tr("axis_user", lang)),
                 alt.Tooltip("role:N", title=_tr("axis_role", lang)),
                 alt.Tooltip("recordings:Q", title=_tr("axis_recordings", lang))],
    ).properties(title=title, width=520, height=max(120, 16 * len(keep)))


def all_charts(role_month: Any, agent_users: Any, lang: str = "en") -> dict[str, Any]:
    """Both charts, keyed ``roles`` and ``agents``."""
    return {"roles": roles_by_month(role_month, lang), "agents": agents_accessed(agent_users, lang)}
