"""Adapter between the wizard and the reasoning engine (:mod:`lia.rules`).

The side panel shows what :func:`lia.rules.evaluate` says about the answers
on screen. This module is the only place that knows how to call it, so the
page keeps working (and stays testable) when the engine is missing or fails:
:func:`reason` then returns a :class:`Reasoning` that says so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable

__all__ = ["Reasoning", "Reasoner", "reason", "workspace_reasoner", "chart_svgs", "chart_to_svg", "warm_up"]


@dataclass
class Reasoning:
    """The reasoning shown in the side panel.

    *data* is ``Evaluation.to_json(lang)``: ``{"lia": {...}, "dpia": {...}, "findings": [...]}``.
    *available* is False when no reasoning engine is installed; *error* holds
    the message of a failed evaluation.
    """

    data: dict[str, Any] = field(default_factory=dict)
    evaluation: Any = None
    available: bool = True
    error: str | None = None
    #: The attached call-log evidence that was weighed (``Evidence.descriptor()``), or None.
    evidence: dict[str, Any] | None = None
    #: Why attached evidence could not be used (a damaged file); the reasoning then ran without it.
    evidence_error: str | None = None

    @property
    def dpia_required(self) -> bool:
        """Whether the DPIA screening says a DPIA is required."""
        return bool((self.data.get("dpia") or {}).get("required"))


#: A function from (assessment metadata, answers, language) to a Reasoning.
Reasoner = Callable[[dict, dict, str], Reasoning]


def reason(assessment: dict[str, Any], answers: dict[str, Any], lang: str, evidence: Any = None) -> Reasoning:
    """Evaluate *answers* with :mod:`lia.rules`, never raising for a failed evaluation.

    *evidence* is the assessment's attached call-log evidence
    (:class:`lia.periods.evidence.Evidence`) or None: its breaches are weighed too.
    """
    try:
        from lia.rules import evaluate
    except ImportError:
        return Reasoning(available=False)
    try:
        evaluation = evaluate(assessment, answers, evidence=evidence.breaches if evidence is not None else None,
                              lang=lang)
        return Reasoning(data=evaluation.to_json(lang), evaluation=evaluation,
                         evidence=evidence.descriptor() if evidence is not None else None)
    except Exception as exc:  # the page must stay usable whatever the rules do
        return Reasoning(error=str(exc) or type(exc).__name__)


def workspace_reasoner(store: Any) -> Reasoner:
    """A :data:`Reasoner` that also weighs the call-log evidence attached to the assessment on screen.

    The evidence file is read again only when it changes (size and modification
    time), so typing in the wizard costs no file parsing. A damaged file does not
    stop the reasoning: it runs without the evidence and ``evidence_error`` says why.
    """
    cache: dict[str, tuple[Any, Any, BaseException | None]] = {}

    def run(assessment: dict[str, Any], answers: dict[str, Any], lang: str) -> Reasoning:
        aid = assessment.get("id")
        ev: Any = None
        err: BaseException | None = None
        if isinstance(aid, str) and aid:
            try:
                from lia.periods.evidence import evidence_path, load_evidence

                path = evidence_path(store.ws, aid)
                try:
                    st = path.stat()
                    stamp: Any = (st.st_size, st.st_mtime_ns, st.st_ino)
                except OSError:
                    stamp = None
                hit = cache.get(aid)
                if hit is not None and hit[0] == stamp:
                    ev, err = hit[1], hit[2]
                else:
                    try:
                        ev = load_evidence(store.ws, aid) if stamp is not None else None
                    except Exception as exc:  # a damaged file: reason without it, and say so
                        ev, err = None, exc
                    cache[aid] = (stamp, ev, err)
            except Exception as exc:  # an id the store refuses, etc.: reason without evidence
                err = exc
        r = reason(assessment, answers, lang, ev)
        # said in the reader's language each time (the cache holds the error, not its words)
        r.evidence_error = _error_text(err, lang) if err is not None else None
        return r

    return run


def chart_to_svg(chart: Any, lang: str = "en") -> str:
    """An Altair chart as SVG in *lang*: :func:`lia.charts_svg.chart_svg` (no JavaScript, no network, cached)."""
    from lia.charts_svg import chart_svg

    return chart_svg(chart, lang)


_charts_cache: dict[str, list[tuple[str, str]]] = {}


def _error_text(err: Any, lang: str) -> str:
    """What the page says about *err* in *lang* (a LiaError with its file and place)."""
    from lia.messages import translate_error

    if isinstance(err, BaseException):
        return translate_error(err, lang) if str(err) else type(err).__name__
    return str(err)


def chart_svgs(reasoning: Reasoning, lang: str) -> list[tuple[str, str]]:
    """The charts for the side panel as (UI string key, SVG): the balancing overview, and the risk map when a DPIA applies.

    Building an Altair chart costs far more than evaluating the rules, so the
    SVGs are cached on what the charts show (factors, risks, DPIA, language).
    """
    if reasoning.evaluation is None:
        return []
    data = reasoning.data
    bal = (data.get("lia") or {}).get("balancing") or {}
    weighings = [(g.get("group"), t.get("purpose"), t.get("weighing")) for g in data.get("groups") or []
                 for t in g.get("purposes") or [] if t.get("weighing")]
    key = json.dumps([data.get("factors"), data.get("risks"), reasoning.dpia_required, lang,
                      bal.get("group"), bal.get("purpose_id"), weighings], sort_keys=True, default=str)
    if key in _charts_cache:
        return _charts_cache[key]
    from lia.rules.charts import balancing_chart, risk_map_chart

    out = [("balancing_chart", chart_to_svg(balancing_chart(reasoning.evaluation, lang), lang))]
    if reasoning.dpia_required:
        out.append(("risk_map", chart_to_svg(risk_map_chart(reasoning.evaluation, lang), lang)))
    if len(_charts_cache) > 32:
        _charts_cache.clear()
    _charts_cache[key] = out
    return out


def warm_up(lang: str = "en", charts: bool = True) -> None:
    """Load the rule packs and (with *charts*) Altair and vl-convert once, so the first visitor does not wait for them.

    Called by a preheated kernel before it waits for its visitor; ``lia serve --lean-kernels``
    leaves the chart libraries (about 90 MB of each kernel) until the page draws its first chart.
    """
    try:
        r = reason({"id": "warm-up", "jurisdictions": ["EU", "SE", "NO"]}, {}, lang)
        if charts and r.evaluation is not None:
            from lia.rules.charts import balancing_chart, risk_map_chart

            chart_to_svg(balancing_chart(r.evaluation, lang), lang)
            chart_to_svg(risk_map_chart(r.evaluation, lang), lang)
    except Exception:  # warming up is an optimisation only
        pass
