"""The sections of the assessment report, as HTML strings with inline SVG charts.

The report notebook (templates/report.ipynb) only calls these functions and
displays what they return; every line of logic is here, where tests reach it.
Output is deterministic: the same answers, templates and library give the
same bytes (no random ids, no timestamps, charts as static SVG).

``lia.rules`` (verdicts and findings) is used when installed; when it is
missing the section says so instead of failing. Call-log evidence attached
with ``lia periods --attach`` (``lia.periods.evidence``) is weighed by the
evaluation and shown in the recording-periods section with its charts.
"""

from __future__ import annotations

import html
import importlib.util
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .i18n import text

__all__ = [
    "ReportData", "load", "page_title", "show", "summary_html", "lia_steps_html", "groups_html", "dpia_html", "findings_html",
    "periods_html", "evidence_html", "access_html", "access_evidence_html", "union_html", "answers_html", "provenance_html",
    "verdict_class", "duration_text",
]

SEVERITIES = ("blocker", "warning", "info")
LEVELS = ("negligible", "limited", "significant", "maximum")
DPIA_CRITERIA = ("evaluation_scoring", "automated_decisions", "systematic_monitoring", "sensitive_data",
                 "large_scale", "matching_datasets", "vulnerable_subjects", "innovative_technology",
                 "prevents_rights")
_GOOD = {"pass", "yes", "current", "done", "met_not"}
_BAD = {"fail", "no", "blocker", "unlawful"}


def _has(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


@dataclass
class ReportData:
    """Everything the report sections need, loaded once per report."""

    home: Path
    aid: str
    lang: str
    templates: Path
    version: Any  # lia.store.Version
    head: int
    qset: Any  # lia.questionnaire.QuestionnaireSet or None
    labels: dict[str, dict[str, str]]
    evaluation: Any = None  # lia.rules Evaluation, or None when lia.rules is not installed
    evaluation_json: dict[str, Any] | None = None
    evaluation_error: str | None = None
    inputs: dict[str, Any] = field(default_factory=dict)
    evidence: Any = None  # lia.periods.evidence.Evidence attached to the assessment, or None
    access_evidence: Any = None  # lia.access.evidence.AccessEvidence attached to the assessment, or None

    def L(self, key: str, **fmt: Any) -> str:  # noqa: N802 - short on purpose, used everywhere
        """A UI label from templates/i18n/reports.yaml in the report language (key itself if missing)."""
        entry = self.labels.get(key)
        s = text(entry, self.lang) if entry else key
        return s.format(**fmt) if fmt else s

    @property
    def answers(self) -> dict[str, Any]:
        return self.version.answers

    @property
    def meta(self) -> dict[str, Any]:
        return self.version.assessment


def load(home: str, assessment_id: str, version: int | None, lang: str = "en", templates: str = "") -> ReportData:
    """Load the answers version, questionnaires, labels and (if available) the evaluation."""
    from .i18n import catalogue, check_lang
    from .paths import templates_dir
    from .questionnaire import load_questionnaires
    from .store import Store
    from .workspace import Workspace

    check_lang(lang)
    tdir = Path(templates) if templates else templates_dir()
    if templates:  # so that lia.rules and lia.periods read the same templates (the engine restores env)
        os.environ["LIA_TEMPLATES"] = str(tdir)
    ws = Workspace(home)
    store = Store(ws)
    v = store.load(assessment_id, version or None)
    data = ReportData(home=ws.home, aid=assessment_id, lang=lang, templates=tdir, version=v,
                      head=store.head_number(assessment_id), qset=load_questionnaires(tdir),
                      labels=catalogue("reports", tdir))
    from .periods.evidence import load_evidence

    data.evidence = load_evidence(ws, assessment_id)  # a damaged file stops the report (InputError: file, place)
    breaches = data.evidence.breaches if data.evidence is not None else None
    from .access.evidence import load_evidence as load_access_evidence

    data.access_evidence = load_access_evidence(ws, assessment_id)  # damaged: InputError (file, place)
    if data.access_evidence is not None:
        breaches = list(breaches or []) + data.access_evidence.breaches
    if _has("lia.rules"):
        try:
            from lia.rules import evaluate, law_date_of

            data.evaluation = evaluate(v.assessment, v.answers, evidence=breaches, lang=lang, as_of=law_date_of(v))
            data.evaluation_json = data.evaluation.to_json(lang)
        except Exception as exc:  # noqa: BLE001 - the report says what went wrong, in its own section
            data.evaluation_error = f"{type(exc).__name__}: {exc}"
    from .report import current_inputs

    data.inputs = current_inputs(ws, assessment_id, v, tdir)
    return data


def show(fragment: str, title: str | None = None) -> None:
    """Display an HTML fragment in the notebook (the only IPython call of the report).

    ``title`` (given with the summary) becomes the HTML page title.
    """
    from IPython.display import HTML, display

    display(HTML(fragment), metadata={"lia_title": title} if title else None)


def page_title(d: ReportData) -> str:
    """"<assessment title> — Assessment report" in the report language."""
    return f"{d.meta.get('title') or d.aid} — {d.L('report.kind')}"


# --------------------------------------------------------------------------- small helpers

def e(value: Any) -> str:
    """HTML-escape any value."""
    return html.escape("" if value is None else str(value), quote=True)


def verdict_class(verdict: str | None) -> str:
    """CSS class for a verdict: good, bad, mixed or none."""
    if not verdict:
        return "none"
    if verdict in _GOOD:
        return "good"
    if verdict in _BAD:
        return "bad"
    return "mixed"


def _badge(d: ReportData, verdict: str | None, prefix: str = "verdict") -> str:
    label = d.L(f"{prefix}.{verdict}") if verdict else d.L("verdict.none")
    return f'<span class="badge {verdict_class(verdict)}">{e(label)}</span>'


def _h(level: int, title: str, anchor: str | None = None) -> str:
    ident = f' id="{e(anchor)}"' if anchor else ""
    return f"<h{level}{ident}>{e(title)}</h{level}>"


def _table(headers: list[str], rows: list[list[str]], cls: str = "") -> str:
    """A table; cells are already-escaped HTML."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _kv(rows: list[tuple[str, str]]) -> str:
    body = "".join(f"<tr><th>{e(k)}</th><td>{v}</td></tr>" for k, v in rows)
    return f'<table class="kv"><tbody>{body}</tbody></table>'


def _note(kind: str, message: str) -> str:
    return f'<div class="note {kind}">{message}</div>'


def _section(anchor: str, title: str, body: str) -> str:
    return f'<section class="report-section" id="{e(anchor)}">{_h(2, title)}{body}</section>'




def duration_text(d: ReportData, value: Any) -> str:
    """``P90D`` -> "90 days" (in the report language, :func:`lia.i18n.format_duration`); anything else as given."""
    from .i18n import format_duration

    return e(format_duration(value, d.lang, d.templates))


def _q(d: ReportData, qid: str) -> Any:
    return d.qset.get(qid) if d.qset is not None else None


def _qtext(d: ReportData, qid: str) -> str:
    q = _q(d, qid)
    return text(q.text, d.lang) if q is not None else qid


def _choice(d: ReportData, qid: str, value: Any, column: str | None = None) -> str:
    q = _q(d, qid)
    if q is not None and column:
        q = next((c for c in q.columns if c.id == column), None)
    if q is not None and getattr(q, "choices", None):
        for c in q.choices:
            if c.id == value:
                return e(text(c.label, d.lang))
    return e(value)


def _yes_no(d: ReportData, value: Any) -> str:
    if value is True:
        return e(d.L("yes"))
    if value is False:
        return e(d.L("no"))
    return e(d.L("not_answered"))


def value_html(d: ReportData, q: Any, value: Any) -> str:
    """An answer rendered for a reader: labels for choices, yes/no, units, durations, tables."""
    if value is None or value == "" or value == []:
        return f'<span class="empty">{e(d.L("not_answered"))}</span>'
    kind = getattr(q, "type", None)
    if kind == "yes_no":
        return _yes_no(d, value)
    if kind == "choice":
        return next((e(text(c.label, d.lang)) for c in q.choices if c.id == value), e(value))
    if kind == "multi_choice" and isinstance(value, list):
        labels = {c.id: text(c.label, d.lang) for c in q.choices}
        return "<ul class='inline'>" + "".join(f"<li>{e(labels.get(v, v))}</li>" for v in value) + "</ul>"
    if kind == "number":
        unit = f" {e(text(q.unit, d.lang))}" if getattr(q, "unit", None) else ""
        num = int(value) if isinstance(value, float) and value.is_integer() else value
        return f"{e(num)}{unit}"
    if kind == "duration":
        return duration_text(d, value)
    if kind == "table" and isinstance(value, list):
        cols = list(q.columns)
        rows = [[value_html(d, c, r.get(c.id)) if isinstance(r, dict) else e(r) for c in cols] for r in value]
        return _table([e(text(c.label, d.lang)) for c in cols], rows, "answers-table")
    if kind == "text":
        return "<br>".join(e(line) for line in str(value).splitlines())
    return e(value)


def _answer(d: ReportData, qid: str) -> str:
    return value_html(d, _q(d, qid), d.answers.get(qid))


def _ev(d: ReportData) -> dict[str, Any]:
    return d.evaluation_json or {}


def _reasons(d: ReportData, reasons: Any) -> str:
    """Reasons may be strings or objects with message/rule/question; render a list."""
    if not reasons:
        return f'<p class="empty">{e(d.L("no_reasons"))}</p>'
    items = []
    for r in reasons if isinstance(reasons, list) else [reasons]:
        if isinstance(r, dict):
            msg = r.get("message") or r.get("text") or r.get("reason") or ""
            if isinstance(msg, dict):
                msg = text(msg, d.lang)
            extra = []
            if r.get("rule"):
                extra.append(f'<code>{e(r["rule"])}</code>')
            if r.get("question"):
                extra.append(e(_qtext(d, r["question"])))
            if r.get("effect") or r.get("direction"):
                extra.append(e(r.get("effect") or r.get("direction")))
            tail = f' <span class="meta">({"; ".join(extra)})</span>' if extra else ""
            items.append(f"<li>{e(msg)}{tail}</li>")
        else:
            items.append(f"<li>{e(r)}</li>")
    return "<ul class='reasons'>" + "".join(items) + "</ul>"


def _missing_rules_note(d: ReportData) -> str:
    if d.evaluation_error:
        return _note("bad", e(d.L("rules.error", error=d.evaluation_error)))
    return _note("mixed", e(d.L("rules.missing")))


def _svg(chart: Any, lang: str = "en") -> str:
    """An altair chart as inline SVG (vl-convert: no JavaScript, no network, deterministic, localized)."""
    import vl_convert as vlc

    from .i18n import chart_locale

    svg = vlc.vegalite_to_svg(chart.to_dict(), allowed_base_urls=[], **chart_locale(lang))
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    return f'<figure class="chart">{svg}</figure>'


# --------------------------------------------------------------------------- sections

def summary_html(d: ReportData) -> str:
    """Title, metadata, overall verdict in a box, DPIA result and finding counts, contents."""
    from .i18n import format_time, report_zone

    m = d.meta
    ev = _ev(d)
    overall = (ev.get("lia") or {}).get("overall") or {}
    verdict = overall.get("verdict")
    status = m.get("status") or "draft"
    rows = [
        (d.L("meta.controller"), e(m.get("controller")) or f'<span class="empty">{e(d.L("not_answered"))}</span>'),
        (d.L("meta.processing_activity"), e(m.get("processing_activity")) or "—"),
        (d.L("meta.jurisdictions"), e(", ".join(d.L(f"jurisdiction.{j}") for j in m.get("jurisdictions") or []))),
        (d.L("meta.owner"), e(m.get("owner")) or "—"),
        (d.L("meta.status"), f'<span class="badge {"good" if status == "approved" else "none"}">'
                             f'{e(d.L("status." + status))}</span>'),
        (d.L("meta.version"), e(d.L("version_of", n=d.version.number, head=d.head))),
        (d.L("meta.saved"), e(f"{format_time(d.version.time, d.lang, report_zone(m.get('jurisdictions')), d.templates)}"
                              f" · {d.version.author}")),
        (d.L("meta.message"), e(d.version.message)),
        (d.L("meta.review_date"), e(m.get("review_date")) or "—"),
    ]
    if ev.get("law_as_of"):
        rows.append((d.L("meta.law_as_of"), e(d.L("law_as_of", date=ev["law_as_of"]))))
    parts = [f'<header class="report-title"><p class="meta">{e(d.L("report.kind"))}</p>',
             f"<h1>{e(m.get('title') or d.aid)}</h1>",
             f'<p class="subtitle">{e(d.L("report.subtitle"))} · <code>{e(d.aid)}</code></p></header>']
    if d.version.number != d.head:
        parts.append(_note("mixed", e(d.L("summary.not_head", n=d.version.number, head=d.head))))
    if d.evaluation_json is not None:
        reasons = overall.get("reasons") or []
        parts.append(f'<div class="verdict-box {verdict_class(verdict)}"><div class="label">'
                     f'{e(d.L("summary.overall"))}</div><div class="big">'
                     f'{e(d.L("verdict." + verdict) if verdict else d.L("verdict.none"))}</div>'
                     f'{_reasons(d, reasons[:6])}</div>')
        parts.append(_dpia_note(d, ev.get("dpia") or {}))
        counts = {s: 0 for s in SEVERITIES}
        for f in ev.get("findings") or []:
            if f.get("severity") in counts:
                counts[f["severity"]] += 1
        parts.append('<p class="counts">' + "".join(
            f'<span><span class="badge {"bad" if s == "blocker" else "mixed" if s == "warning" else "none"}">'
            f'{counts[s]}</span> {e(d.L("severity." + s + ".plural"))}</span>' for s in SEVERITIES) + "</p>")
    else:
        parts.append(_missing_rules_note(d))
    parts.append(_kv(rows))
    toc = [("lia", "section.lia"), ("dpia", "section.dpia"), ("findings", "section.findings"),
           ("periods", "section.periods"), ("access", "section.access"), ("union", "section.union"),
           ("answers", "section.answers"), ("provenance", "section.provenance")]
    parts.append(f'<nav class="toc"><strong>{e(d.L("contents"))}</strong><ol>' + "".join(
        f'<li><a href="#{a}">{e(d.L(k))}</a></li>' for a, k in toc) + "</ol></nav>")
    return '<section class="report-section" id="summary">' + "".join(parts) + "</section>"


def _dpia_note(d: ReportData, dp: dict[str, Any]) -> str:
    """Required (red), not required (green) or not screened (neutral: nobody answered the screening)."""
    status = dp.get("status") or ("required" if dp.get("required") else "not_required")
    cls = {"required": "bad", "not_required": "good"}.get(status, "mixed")
    return _note(cls, e(d.L(f"summary.dpia_{status}", n=len(dp.get("criteria_met") or []))))


def groups_html(d: ReportData) -> str:
    """Each group of data subjects on its own legal basis: each purpose's result, the weighing in words
    (or the conditions of consent), so the memo a DPO writes can quote it."""
    groups = _ev(d).get("groups") or []
    if not groups:
        return ""
    rows, details = [], []
    seen: dict[str, str] = {}
    for g in groups:
        for i, t in enumerate(g.get("purposes") or []):
            res = t.get("result")
            cls = {"yes": "good", "conditional": "mixed", "no": "bad", "unlawful": "bad"}.get(str(res), "none")
            rows.append([e(g.get("label")) if i == 0 else "", e(t.get("basis_label")), e(t.get("label")),
                         f'<span class="badge {cls} result-{e(res)}">{e(t.get("result_label"))}</span>'])
            w = t.get("weighing")
            c = t.get("consent")
            if w and w.get("text") not in seen:
                seen[w["text"]] = t.get("label")
                details.append(f'<div class="weighing"><h4>{e(g.get("label"))} - {e(t.get("label"))}</h4>'
                               f'<p>{e(w["text"])}</p></div>')
            elif c:
                key = f'{g.get("group")}:{c.get("verdict")}'
                if key in seen:
                    continue
                seen[key] = t.get("label")
                items = "".join(f'<li>{"✓" if x.get("met") else "✗"} {e(x.get("label"))}'
                                + "".join(f' <span class="meta">({e(f.get("text"))})</span>' for f in x.get("findings") or [])
                                + (f' <span class="meta">({e(x.get("text"))})</span>' if x.get("text") else "")
                                + "</li>" for x in c.get("conditions") or [])
                details.append(f'<div class="consent"><h4>{e(g.get("label"))} - {e(c.get("label"))}</h4>'
                               f"<ul class='reasons'>{items}</ul></div>")
    return (_h(3, d.L("lia.groups")) + f'<p class="meta">{e(d.L("lia.groups.intro"))}</p>'
            + _table([e(d.L("lia.group")), e(d.L("lia.basis")), e(d.L("lia.purpose")), e(d.L("lia.result"))], rows)
            + _h(3, d.L("lia.weighing")) + "".join(details))


def balancing_svg(d: ReportData) -> str:
    """The balancing chart from lia.rules.charts, as SVG ('' if not available)."""
    if d.evaluation is None or not _has("lia.rules.charts"):
        return ""
    try:
        from lia.rules.charts import balancing_chart

        return _svg(balancing_chart(d.evaluation, d.lang), d.lang)
    except Exception as exc:  # noqa: BLE001
        return _note("bad", e(d.L("chart.error", error=f"{type(exc).__name__}: {exc}")))


def lia_steps_html(d: ReportData) -> str:
    """The three cumulative LIA steps, each with its verdict and reasons, then the overall verdict."""
    body = [f'<p>{e(d.L("lia.intro"))}</p>']
    if d.evaluation_json is None:
        body.append(_missing_rules_note(d))
    lia = _ev(d).get("lia") or {}
    answers_for = {"purpose": ["purpose.purposes", "purpose.interest", "purpose.whose_interest", "purpose.benefit"],
                   "necessity": ["necessity.recording_scope", "necessity.alternatives_considered",
                                 "necessity.alternatives_assessment"],
                   "balancing": ["conclusion.measures"]}
    for i, step in enumerate(("purpose", "necessity", "balancing"), start=1):
        s = lia.get(step) or {}
        head = f'<span>{i}. {e(d.L("step." + step))}</span>{_badge(d, s.get("verdict"))}'
        inner = [f"<h3>{head}</h3>", f'<p class="meta">{e(d.L("step." + step + ".question"))}</p>']
        if d.evaluation_json is not None:
            inner.append(_reasons(d, s.get("reasons")))
        rows = [(_qtext(d, q), _answer(d, q)) for q in answers_for[step] if d.answers.get(q) not in (None, "", [])]
        if rows:
            inner.append(_kv(rows))
        if step == "balancing":
            inner.append(balancing_svg(d))
        body.append('<div class="step">' + "".join(inner) + "</div>")
    body.append(groups_html(d))
    overall = lia.get("overall") or {}
    body.append(f'<div class="verdict-box {verdict_class(overall.get("verdict"))}"><div class="label">'
                f'{e(d.L("summary.overall"))}</div><div class="big">'
                f'{e(d.L("verdict." + overall["verdict"]) if overall.get("verdict") else d.L("verdict.none"))}'
                f'</div>{_reasons(d, overall.get("reasons")) if d.evaluation_json is not None else ""}</div>')
    cures = overall.get("cures") or []
    if cures:
        body.append(_h(3, d.L("lia.cures")) + "<ul class='reasons'>" + "".join(f"<li>{e(c)}</li>" for c in cures) + "</ul>")
    rows = [(_qtext(d, q), _answer(d, q)) for q in ("conclusion.assessor_verdict", "conclusion.dpo_opinion")
            if d.answers.get(q) not in (None, "")]
    if rows:
        body.append(_h(3, d.L("lia.assessor_and_dpo")) + _kv(rows))
    return _section("lia", d.L("section.lia"), "".join(body))


def _level_cell(d: ReportData, column: str, value: Any) -> str:
    if not value:
        return '<span class="empty">—</span>'
    cls = f"level-{value}" if value in LEVELS else ""
    return f'<span class="{cls}">{_choice(d, "risks.register", value, column)}</span>'


def risk_map_svg(d: ReportData) -> str:
    """The risk map (severity x likelihood, before -> after): lia.rules.charts if present, else our own."""
    if d.evaluation is not None and _has("lia.rules.charts"):
        try:
            from lia.rules.charts import risk_map_chart

            return _svg(risk_map_chart(d.evaluation, d.lang), d.lang)
        except Exception as exc:  # noqa: BLE001
            return _note("bad", e(d.L("chart.error", error=f"{type(exc).__name__}: {exc}")))
    rows = [r for r in d.answers.get("risks.register") or [] if isinstance(r, dict)]
    if not rows:
        return ""
    import altair as alt
    import pandas as pd

    pts = []
    for r in rows:
        for when, sev, lik in (("before", "severity_before", "likelihood_before"),
                               ("after", "severity_after", "likelihood_after")):
            if r.get(sev) in LEVELS and r.get(lik) in LEVELS:
                pts.append({"ref": r.get("ref", "?"), "when": d.L(f"risk.{when}"),
                            "severity": LEVELS.index(r[sev]) + 1, "likelihood": LEVELS.index(r[lik]) + 1})
    if not pts:
        return ""
    df = pd.DataFrame(pts)
    labels = [d.L(f"level.{lv}") for lv in LEVELS]
    expr = "[" + ",".join(repr(x) for x in ["", *labels]) + "][datum.value]"
    axis_x = alt.Axis(values=[1, 2, 3, 4], labelExpr=expr, title=d.L("risk.likelihood"), grid=True)
    axis_y = alt.Axis(values=[1, 2, 3, 4], labelExpr=expr, title=d.L("risk.severity"), grid=True)
    scale = alt.Scale(domain=[0.5, 4.5])
    base = alt.Chart(df)
    points = base.mark_circle(size=260, opacity=0.85).encode(
        x=alt.X("likelihood:Q", scale=scale, axis=axis_x), y=alt.Y("severity:Q", scale=scale, axis=axis_y),
        color=alt.Color("when:N", title=None, scale=alt.Scale(range=["#b3261e", "#1b7f3b"])))
    refs = base.mark_text(dy=-14, fontSize=11).encode(x="likelihood:Q", y="severity:Q", text="ref:N")
    return _svg((points + refs).properties(width=360, height=300), d.lang)


def dpia_html(d: ReportData) -> str:
    """DPIA screening (WP248 criteria, required or not and why) and the risk register with measures."""
    body = []
    ev = _ev(d)
    dp = ev.get("dpia") or {}
    met_ids = {str(c).removeprefix("dpia.") if not isinstance(c, dict) else str(c.get("id", c.get("criterion", "")))
               .removeprefix("dpia.") for c in dp.get("criteria_met") or []}
    body.append(_h(3, d.L("dpia.screening")))
    if d.evaluation_json is None:
        body.append(_missing_rules_note(d))
    else:
        body.append(_dpia_note(d, dp))
    rows = []
    for c in DPIA_CRITERIA:
        declared = d.answers.get(f"dpia.{c}")
        derived = c in met_ids
        rows.append([e(d.L(f"criterion.{c}")), _yes_no(d, declared),
                     (f'<span class="badge bad">{e(d.L("met"))}</span>' if derived else
                      f'<span class="badge none">{e(d.L("not_met"))}</span>') if d.evaluation_json is not None
                     else "—"])
    body.append(_table([e(d.L("dpia.criterion")), e(d.L("dpia.assessor_view")), e(d.L("dpia.workbench_view"))],
                       rows))
    if dp.get("reasons"):
        body.append(_reasons(d, dp.get("reasons")))
    if d.answers.get("dpia.notes"):
        body.append(_kv([(_qtext(d, "dpia.notes"), _answer(d, "dpia.notes"))]))

    body.append(_h(3, d.L("dpia.risks")))
    reg = [r for r in d.answers.get("risks.register") or [] if isinstance(r, dict)]
    if reg:
        rows = []
        for r in reg:
            title = r.get("title") or ""
            event = _choice(d, "risks.register", r.get("event"), "event")
            rows.append([f"<strong>{e(r.get('ref'))}</strong>", event + (f"<br>{e(title)}" if title else ""),
                         _level_cell(d, "severity_before", r.get("severity_before")),
                         _level_cell(d, "likelihood_before", r.get("likelihood_before")),
                         _level_cell(d, "severity_after", r.get("severity_after")),
                         _level_cell(d, "likelihood_after", r.get("likelihood_after"))])
        body.append(_table(["", e(d.L("risk.event")), e(d.L("risk.severity_before")),
                            e(d.L("risk.likelihood_before")), e(d.L("risk.severity_after")),
                            e(d.L("risk.likelihood_after"))], rows, "risks"))
        body.append(risk_map_svg(d))
        high = [r.get("ref") for r in reg if r.get("severity_after") in LEVELS[2:]
                and r.get("likelihood_after") in LEVELS[2:]]
        if high:
            body.append(_note("bad", e(d.L("risk.art36", refs=", ".join(str(h) for h in high)))))
    else:
        body.append(f'<p class="empty">{e(d.L("risk.none"))}</p>')
    measures = [m for m in d.answers.get("risks.measures") or [] if isinstance(m, dict)]
    if measures:
        body.append(_h(4, d.L("risk.measures")))
        q = _q(d, "risks.measures")
        body.append(value_html(d, q, measures) if q is not None else e(measures))
    return _section("dpia", d.L("section.dpia"), "".join(body))


def findings_html(d: ReportData) -> str:
    """Findings grouped by severity (blockers first), each with citation, remediation and the question."""
    if d.evaluation_json is None:
        return _section("findings", d.L("section.findings"), _missing_rules_note(d))
    findings = [f for f in _ev(d).get("findings") or [] if isinstance(f, dict)]
    body = []
    if not findings:
        body.append(_note("good", e(d.L("findings.none"))))
    for sev in SEVERITIES:
        group = [f for f in findings if f.get("severity") == sev]
        if not group:
            continue
        body.append(_h(3, f'{d.L("severity." + sev + ".plural")} ({len(group)})'))
        for f in group:
            parts = [f'<div class="msg">{e(text(f.get("message"), d.lang))}</div>']
            if f.get("citation"):
                label = f' ({e(d.L("basis." + f["basis"]))})' if f.get("basis") in ("guidance", "policy") else ""
                parts.append(f'<div class="cite">{e(d.L("findings.citation"))}: {e(text(f["citation"], d.lang))}'
                             f"{label}</div>")
            srcs = [s for s in f.get("sources") or [] if isinstance(s, dict) and s.get("url")]
            if srcs:  # each source with its official text (a link: nothing is loaded from it)
                parts.append('<ul class="sources">' + "".join(
                    f'<li><a href="{e(s["url"])}" rel="noreferrer">{e(s.get("instrument"))}'
                    f'{" " + e(s["provision"]) if s.get("provision") else ""}</a>'
                    f'{" - " + e(s["title"]) if s.get("title") else ""}</li>' for s in srcs) + "</ul>")
            if f.get("remediation"):
                parts.append(f'<div class="fix"><strong>{e(d.L("findings.remediation"))}:</strong> '
                             f'{e(text(f["remediation"], d.lang))}</div>')
            meta = [f'<code>{e(f.get("rule"))}</code>']
            if f.get("question"):
                meta.append(f'{e(d.L("findings.question"))}: {e(_qtext(d, f["question"]))}')
            parts.append(f'<div class="meta">{" · ".join(meta)}</div>')
            body.append(f'<div class="finding {e(sev)}">' + "".join(parts) + "</div>")
    return _section("findings", d.L("section.findings"), "".join(body))


def periods_svg(d: ReportData) -> str:
    """Declared training periods per group on a timeline (altair -> SVG); '' when there are none."""
    rows = [r for r in d.answers.get("periods.training_periods") or [] if isinstance(r, dict)
            and r.get("start") and r.get("end")]
    if not rows:
        return ""
    import altair as alt
    import pandas as pd

    df = pd.DataFrame([{"group": str(r.get("group") or "?"), "start": r["start"], "end": r["end"]} for r in rows])
    chart = alt.Chart(df).mark_bar(height=14, color="#1a73e8").encode(
        x=alt.X("start:T", title=d.L("periods.timeline_axis"), axis=alt.Axis(format="%d %b %Y", labelAngle=0)),
        x2="end:T",
        y=alt.Y("group:N", title=None, sort=None),
    ).properties(width=520, height=max(60, 28 * df["group"].nunique()), title=d.L("periods.timeline_title"))
    return _svg(chart, d.lang)


def _num(x: Any) -> str:
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    return f"{x:,}".replace(",", "\u202f") if isinstance(x, int) and not isinstance(x, bool) else e(x)


#: At most this many breaches are listed in the report (all are in the evidence file).
MAX_BREACH_ROWS = 60


def evidence_html(d: ReportData) -> str:
    """The attached call-log evidence: source, period, breaches table and the three works-council charts.

    Without evidence: a note that no call log was analysed and how to attach one.
    """
    ev = d.evidence
    body = [_h(3, d.L("evidence.title"))]
    if ev is None:
        body.append(_note("mixed", e(d.L("evidence.none"))))
        return "".join(body)
    from .i18n import catalogue

    pl = catalogue("periods", d.templates)

    def P(key: str) -> str:  # noqa: N802
        entry = pl.get(key)
        return text(entry, d.lang) if entry else key

    o = ev.overview
    body.append(f'<p>{e(d.L("evidence.intro"))}</p>')
    rows = [
        (d.L("evidence.source"), e(d.L("evidence.source_value", name=ev.source["name"], size=_num(ev.source["size"]),
                                        rows=_num(ev.rows)))
         + f'<br><span class="digest">SHA-256 {e(ev.source["sha256"])}</span>'),
        (d.L("evidence.period"), e(d.L("evidence.period_value", first=ev.first_day or "—", last=ev.last_day or "—",
                                        tz=ev.tz))),
        (d.L("evidence.recorded"), e(d.L("evidence.recorded_value", recorded=_num(o.get("recorded_calls", 0)),
                                          calls=_num(o.get("calls", 0)), share=o.get("share_recorded_percent", 0),
                                          agents=o.get("agents", 0), teams=o.get("teams", 0)))),
        (d.L("evidence.analysed"), e(d.L("evidence.analysed_value", when=ev.analysed_at, now=ev.now))),
        (d.L("evidence.limits_from"), e(d.L("evidence.limits_from_value", n=ev.assessment.get("version")))),
    ]
    body.append(_kv(rows))
    if ev.limits_match(d.answers) is False:
        body.append(_note("mixed", e(d.L("evidence.limits_changed", old=ev.assessment.get("version"),
                                          new=d.version.number))))
    if not ev.breaches:
        body.append(_note("good", e(d.L("evidence.no_breaches"))))
    else:
        # by kind first: how often, how many people, the worst case; then the charts; then the detail
        body.append(_h(4, d.L("evidence.summary")))
        kinds: dict[str, list[dict[str, Any]]] = {}
        for b in ev.breaches:
            kinds.setdefault(b["kind"], []).append(b)
        srows = []
        for kind, bs in kinds.items():
            worst = max(bs, key=lambda b: float(b["value"]) - float(b["limit"]))
            unit = P("unit_" + str(worst.get("unit")))
            who = {b.get("agent") or b.get("team") for b in bs}
            srows.append([e(P("kind_" + kind)), _num(len(bs)), _num(len(who)),
                          f'{_num(worst["value"])} {e(unit)}', f'{_num(worst["limit"])} {e(unit)}'])
        body.append(_table([e(d.L("evidence." + c)) for c in ("col_kind", "col_count", "col_affected", "col_worst",
                                                               "col_limit")], srows, "breach-summary"))
    body.append(_h(4, d.L("evidence.charts")))
    try:
        body.extend(_svg(c, d.lang) for c in ev.charts(d.lang).values())
    except Exception as exc:  # noqa: BLE001 - the report says what went wrong, in its own section
        body.append(_note("bad", e(d.L("chart.error", error=f"{type(exc).__name__}: {exc}"))))
    if ev.breaches:
        body.append(_h(4, d.L("evidence.breaches", n=len(ev.breaches))))
        trs = []
        for b in ev.breaches[:MAX_BREACH_ROWS]:
            who = f'{b["agent"]} ({b["team"]})' if b.get("agent") and b.get("team") else (b.get("agent") or b.get("team"))
            unit = P("unit_" + str(b.get("unit")))
            per = b["period"]
            trs.append([e(P("kind_" + b["kind"])), f"<code>{e(who)}</code>",
                        e(per["start"] if per["start"] == per["end"] else f'{per["start"]} – {per["end"]}'),
                        f'{_num(b["value"])} {e(unit)}', f'{_num(b["limit"])} {e(unit)}',
                        _num(b["calls"]) if b.get("calls") is not None else "—"])
        body.append(_table([e(d.L("evidence." + c)) for c in ("col_kind", "col_who", "col_period", "col_value",
                                                               "col_limit", "col_calls")], trs, "breaches"))
        if len(ev.breaches) > MAX_BREACH_ROWS:
            body.append(f'<p class="empty">{e(d.L("evidence.more", n=len(ev.breaches) - MAX_BREACH_ROWS))}</p>')
    return "".join(body)


def periods_html(d: ReportData) -> str:
    """Recording-period limits as declared, the training periods, and the periods charts."""
    limit_ids = ["periods.continuous", "periods.max_consecutive_days", "periods.max_days_per_month",
                 "periods.share_recorded_percent", "periods.never_recorded", "necessity.recording_scope",
                 "retention.period", "retention.deletion", "retention.training_clips_period"]
    body = [f'<p>{e(d.L("periods.intro"))}</p>',
            _kv([(_qtext(d, q), _answer(d, q)) for q in limit_ids])]
    mcd = d.answers.get("periods.max_consecutive_days")
    if isinstance(mcd, (int, float)) and mcd >= 5:
        body.append(_note("mixed", e(d.L("periods.whole_weeks", n=mcd))))
    if d.answers.get("periods.continuous") is True:
        body.append(_note("bad", e(d.L("periods.continuous_warning"))))
    tp = d.answers.get("periods.training_periods")
    if tp:
        body.append(_h(3, _qtext(d, "periods.training_periods")))
        body.append(_answer(d, "periods.training_periods"))
        body.append(periods_svg(d))
    body.append(evidence_html(d))
    return _section("periods", d.L("section.periods"), "".join(body))


def access_html(d: ReportData) -> str:
    """Who can listen: roles table with totals, scope and controls."""
    roles = [r for r in d.answers.get("access.roles") or [] if isinstance(r, dict)]
    body = []
    if roles:
        rows = []
        for r in roles:
            rows.append([e(r.get("role")), e(r.get("people")), e(r.get("reason")), _yes_no(d, r.get("can_listen")),
                         _yes_no(d, r.get("can_download"))])
        total = sum(r.get("people") or 0 for r in roles if isinstance(r.get("people"), (int, float)))
        listen = sum(r.get("people") or 0 for r in roles
                     if isinstance(r.get("people"), (int, float)) and r.get("can_listen"))
        q = _q(d, "access.roles")
        heads = ([e(text(c.label, d.lang)) for c in q.columns] if q is not None and len(q.columns) == 5 else
                 [e(d.L(k)) for k in ("access.role", "access.people", "access.reason", "access.listen",
                                     "access.download")])
        body.append(_table(heads, rows, "roles"))
        body.append(f'<p>{e(d.L("access.totals", total=total, listen=listen))}</p>')
    else:
        body.append(f'<p class="empty">{e(d.L("access.no_roles"))}</p>')
    ids = ["access.scope", "access.controlled_by", "access.logged", "access.logs_reviewed",
           "access.reason_required", "safeguards.unauthorised_listening_sanctioned"]
    body.append(_kv([(_qtext(d, q), _answer(d, q)) for q in ids]))
    body.append(access_evidence_html(d))
    return _section("access", d.L("section.access"), "".join(body))


def access_evidence_html(d: ReportData) -> str:
    """The attached access-log evidence: source, digests, breaches and the two charts (or a note that none is)."""
    from .i18n import t

    def A(key: str, **fmt: Any) -> str:  # noqa: N802
        return t("access", key, d.lang, **fmt)

    ev = d.access_evidence
    body = [_h(3, A("report_title"))]
    if ev is None:
        body.append(_note("mixed", e(A("report_none"))))
        return "".join(body)
    body.append(_kv([
        (A("report_source"), e(A("report_source_value", name=ev.source["name"], rows=_num(ev.rows), when=ev.analysed_at))
         + f'<br><span class="digest">SHA-256 {e(ev.source["sha256"])}</span>'),
        (A("report_digest"), f'<span class="digest">{e(ev.analysis_digest)}</span>'),
    ]))
    if not ev.breaches:
        body.append(_note("good", e(A("report_no_breaches"))))
    else:
        trs = []
        for b in ev.breaches[:MAX_BREACH_ROWS]:
            who = ", ".join(str(x) for x in (b.get("user"), b.get("role")) if x)
            per = b["period"]
            key = "unit_" + str(b.get("unit", "accesses"))
            unit = lambda n, key=key: A(key, n=n)  # noqa: E731 - "1 access", "2 accesses"
            trs.append([e(A("kind_" + b["kind"])), f"<code>{e(who)}</code>", f"<code>{e(b.get('agent') or '—')}</code>",
                        e(per["start"] if per["start"] == per["end"] else f'{per["start"]} – {per["end"]}'),
                        f'{_num(b["value"])} {e(unit(b["value"]))}', f'{_num(b["limit"])} {e(unit(b["limit"]))}'])
        body.append(_h(4, A("breaches_head", n=len(ev.breaches))))
        body.append(_table([e(A(c)) for c in ("col_kind", "col_who", "col_agent", "col_period", "col_value", "col_limit")],
                           trs, "access-breaches"))
    try:
        from .access.charts import all_charts

        body.extend(_svg(c, d.lang) for c in all_charts(ev.role_month, ev.agent_users, d.lang).values())
    except Exception as exc:  # noqa: BLE001 - the report says what went wrong, in its own section
        body.append(_note("bad", e(d.L("chart.error", error=f"{type(exc).__name__}: {exc}"))))
    return "".join(body)


def union_html(d: ReportData) -> str:
    """Union / works-council position, the consultations held and the employees' own views."""
    ids = ["union.representatives_exist", "union.consulted", "union.position", "union.conditions",
           "union.employee_views"]
    body = [_kv([(_qtext(d, q), _answer(d, q)) for q in ids])]
    pos = d.answers.get("union.position")
    if d.answers.get("union.representatives_exist") and not d.answers.get("union.consulted"):
        body.append(_note("bad", e(d.L("union.not_consulted"))))
    elif pos == "opposes":
        body.append(_note("bad", e(d.L("union.opposes"))))
    body.append(_h(3, _qtext(d, "union.consultations")))
    if d.answers.get("union.consultations"):
        body.append(_answer(d, "union.consultations"))
    else:
        body.append(f'<p class="empty">{e(d.L("union.no_consultations"))}</p>')
    return _section("union", d.L("section.union"), "".join(body))


def answers_html(d: ReportData) -> str:
    """Every answer, section by section, with the question text in the report language."""
    body = []
    if d.qset is None:
        return _section("answers", d.L("section.answers"), e(d.answers))
    for qn, section in d.qset.sections:
        rows = []
        for q in section.questions:
            if not d.qset.is_shown(q, d.answers):
                continue
            rows.append((q, d.answers.get(q.id)))
        if not rows:
            continue
        body.append(_h(3, f"{text(qn.title, d.lang)} — {text(section.title, d.lang)}"))
        body.append('<table class="kv answers"><tbody>' + "".join(
            f'<tr><th>{e(text(q.text, d.lang))}<span class="qid">{e(q.id)}</span></th>'
            f"<td>{value_html(d, q, v)}</td></tr>" for q, v in rows) + "</tbody></table>")
    unknown = sorted(k for k in d.answers if k not in d.qset.questions)
    if unknown:
        body.append(_note("mixed", e(d.L("answers.unknown", ids=", ".join(unknown)))))
    return _section("answers", d.L("section.answers"), "".join(body))


def provenance_html(d: ReportData) -> str:
    """What the report was built from: answers version and digest, questionnaires, rule packs, template."""
    inp = d.inputs
    rows = [[e(d.L("prov.answers")), e(f'{d.aid} v{inp["answers"]["version"]}'),
             f'<span class="digest">{e(inp["answers"]["digest"])}</span>']]
    for q in inp.get("questionnaires", []):
        rows.append([e(d.L("prov.questionnaire")), e(f'{q["id"]} {q["version"]}'),
                     f'<span class="digest">{e(q["digest"])}</span>'])
    for r in inp.get("rule_packs", []):
        rows.append([e(d.L("prov.rule_pack")), e(f'{r["id"]} {r["version"]}'),
                     f'<span class="digest">{e(r["digest"])}</span>'])
    evd = inp.get("evidence")
    if evd:
        rows.append([e(d.L("prov.evidence")), e(d.L("prov.evidence_which", name=(evd.get("source") or {}).get("name"),
                                                    when=evd.get("analysed_at"), n=evd.get("breaches"))),
                     f'<span class="digest">sha256:{e(evd.get("sha256"))}</span>'])
    rows.append([e(d.L("prov.template")), e("templates/report.ipynb"),
                 f'<span class="digest">{e(inp["template"]["digest"])}</span>'])
    rows.append([e(d.L("prov.library")), e(f'lia {inp["library"]["version"]}'), ""])
    body = [f'<p>{e(d.L("prov.intro"))}</p>',
            _table([e(d.L("prov.input")), e(d.L("prov.which")), e(d.L("prov.digest"))], rows, "prov")]
    if not inp.get("rule_packs"):
        body.append(_note("mixed", e(d.L("prov.no_rule_packs"))))
    return _section("provenance", d.L("section.provenance"), "".join(body))
