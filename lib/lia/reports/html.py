"""The sections of the assessment report, as HTML from Jinja2 templates, with inline SVG charts.

The report notebook (templates/report.ipynb) only calls these functions and
displays what they return; every line of logic is here, where tests reach it.
Each function gathers a section's facts in the report language and renders
``templates/html/report/<section>.html.j2`` (autoescaped; :mod:`lia.reports.htmlkit`).

Call-log evidence attached with ``lia periods --attach`` (``lia.periods.evidence``)
and access-log evidence (``lia.access.evidence``) are weighed by the evaluation
and shown in the recording-periods and access sections with their charts.
"""

from __future__ import annotations

from typing import Any

from ..i18n import text
from .htmlkit import (LEVELS, SEVERITIES, ReportData, answer, answer_rows, chart_error, chart_html, choice_label,
                      duration_text, load, macros, missing_rules_note, number, plain, qtext, question, reasons_html,
                      render, value_html, verdict_class, yes_no)

__all__ = [
    "ReportData", "load", "page_title", "show", "summary_html", "lia_steps_html", "groups_html", "dpia_html",
    "findings_html", "periods_html", "evidence_html", "access_html", "access_evidence_html", "union_html",
    "answers_html", "provenance_html", "value_html", "verdict_class", "duration_text", "dpia_criteria",
]

#: At most this many breaches are listed in the report (all are in the evidence file).
MAX_BREACH_ROWS = 60


def show(fragment: str, title: str | None = None) -> None:
    """Display an HTML fragment in the notebook (the only IPython call of the report).

    ``title`` (given with the summary) becomes the HTML page title.
    """
    from IPython.display import HTML, display

    display(HTML(str(fragment)), metadata={"lia_title": title} if title else None)


def page_title(d: ReportData) -> str:
    """"<assessment title> — Assessment report" in the report language."""
    return f"{d.meta.get('title') or d.aid} — {d.L('report.kind')}"


def _verdict_label(d: ReportData, verdict: str | None) -> str:
    return d.L("verdict." + verdict) if verdict else d.L("verdict.none")


def _dpia_note(d: ReportData) -> Any:
    """Required (red), not required (green) or not screened (neutral: nobody answered the screening)."""
    sc = d.view.screening if d.view is not None else None
    status = sc.status if sc is not None else "not_required"
    cls = {"required": "bad", "not_required": "good"}.get(status, "mixed")
    return macros(d).note(cls, d.L(f"summary.dpia_{status}", n=len(sc.met) if sc is not None else 0))


def _verdict(d: ReportData, step: str) -> Any:
    """A step's verdict from the presentation model (lia.rules.presentation.StepView), None without an evaluation."""
    return d.view.verdict(step) if d.view is not None else None


# --------------------------------------------------------------------------- summary and verdicts

def summary_html(d: ReportData) -> str:
    """Title, metadata, overall verdict in a box, DPIA result and finding counts, contents."""
    from ..i18n import format_time, report_zone

    m, view, M = d.meta, d.view, macros(d)
    overall = _verdict(d, "overall")
    verdict = overall.verdict if overall is not None else None
    status = m.get("status") or "draft"
    saved = format_time(d.version.time, d.lang, report_zone(m.get("jurisdictions")), d.templates)
    rows = [
        (d.L("meta.controller"), plain(m.get("controller")) or M.empty(d.L("not_answered"), "span")),
        (d.L("meta.processing_activity"), plain(m.get("processing_activity")) or "—"),
        (d.L("meta.jurisdictions"), ", ".join(d.L(f"jurisdiction.{j}") for j in m.get("jurisdictions") or [])),
        (d.L("meta.owner"), plain(m.get("owner")) or "—"),
        (d.L("meta.status"), M.badge("good" if status == "approved" else "none", d.L("status." + status))),
        (d.L("meta.version"), d.L("version_of", n=d.version.number, head=d.head)),
        (d.L("meta.saved"), f"{saved} · {d.version.author}"),
        (d.L("meta.message"), plain(d.version.message)),
        (d.L("meta.review_date"), plain(m.get("review_date")) or "—"),
    ]
    if view is not None and view.law_as_of:
        rows.append((d.L("meta.law_as_of"), d.L("law_as_of", date=view.law_as_of)))
    counts = view.counts if view is not None else {s: 0 for s in SEVERITIES}
    badge = {"blocker": "bad", "warning": "mixed"}
    toc = [("lia", "section.lia"), ("dpia", "section.dpia"), ("findings", "section.findings"),
           ("periods", "section.periods"), ("access", "section.access"), ("union", "section.union"),
           ("answers", "section.answers"), ("provenance", "section.provenance")]
    return render(d, "summary.html.j2", title=m.get("title") or d.aid, not_head=d.version.number != d.head,
                  evaluated=d.evaluation_json is not None, verdict_cls=verdict_class(verdict),
                  verdict_label=_verdict_label(d, verdict), reasons=reasons_html(d, list(overall.reasons[:6]) if overall is not None else []),
                  dpia_note=_dpia_note(d),
                  counts=[(s, counts[s], badge.get(s, "none")) for s in SEVERITIES],
                  missing=missing_rules_note(d), rows=rows, toc=toc)


def groups_html(d: ReportData) -> str:
    """Each group of data subjects on its own legal basis: each purpose's result, the weighing in words
    (or the conditions of consent), so the memo a DPO writes can quote it."""
    groups = d.view.groups if d.view is not None else ()
    if not groups:
        return ""
    M = macros(d)
    rows: list[list[Any]] = []
    details: list[dict[str, Any]] = []
    seen: set[str] = set()
    for g in groups:
        for i, t in enumerate(g.purposes):
            res = t.result
            cls = {"yes": "good", "conditional": "mixed", "no": "bad", "unlawful": "bad"}.get(res, "none")
            rows.append([g.label if i == 0 else "", t.basis_label, t.label,
                         M.badge(cls, t.result_label, f"result-{res}")])
            c = t.consent
            if t.weighing is not None and t.weighing not in seen:
                seen.add(t.weighing)
                details.append({"kind": "weighing", "group": g.label, "purpose": t.label, "text": t.weighing})
            elif c is not None:
                key = f"{g.group}:{c.verdict}"
                if key in seen:
                    continue
                seen.add(key)
                details.append({"kind": "consent", "group": g.label, "label": c.label,
                                "conditions": [{"met": x.met, "label": x.label,
                                                "findings": [f.text for f in x.findings],
                                                "text": plain(x.text)} for x in c.conditions]})
    return render(d, "groups.html.j2", rows=rows, details=details)


def balancing_svg(d: ReportData) -> Any:
    """The balancing chart from lia.rules.charts, as SVG ('' without an evaluation)."""
    if d.evaluation is None:
        return ""
    try:
        from ..rules.charts import balancing_chart

        return chart_html(d, balancing_chart(d.evaluation, d.lang))
    except Exception as exc:  # noqa: BLE001 - the report says what went wrong, in its own section
        return chart_error(d, exc)


def lia_steps_html(d: ReportData) -> str:
    """The three cumulative LIA steps, each with its verdict and reasons, then the overall verdict."""
    answers_for = {"purpose": ["purpose.purposes", "purpose.interest", "purpose.whose_interest", "purpose.benefit"],
                   "necessity": ["necessity.recording_scope", "necessity.alternatives_considered",
                                 "necessity.alternatives_assessment"],
                   "balancing": ["conclusion.measures"]}
    steps = []
    for i, step in enumerate(("purpose", "necessity", "balancing"), start=1):
        s = _verdict(d, step)
        verdict = s.verdict if s is not None else None
        steps.append({"n": i, "id": step, "cls": verdict_class(verdict), "label": _verdict_label(d, verdict),
                      "reasons": reasons_html(d, list(s.reasons) if s is not None else []),
                      "rows": answer_rows(d, answers_for[step], only_answered=True),
                      "chart": balancing_svg(d) if step == "balancing" else ""})
    overall = _verdict(d, "overall")
    overall_verdict = overall.verdict if overall is not None else None
    conclusion = [(qtext(d, q), answer(d, q)) for q in ("conclusion.assessor_verdict", "conclusion.dpo_opinion")
                  if d.answers.get(q) not in (None, "")]
    evaluated = d.evaluation_json is not None
    return render(d, "lia.html.j2", evaluated=evaluated, missing=missing_rules_note(d), steps=steps,
                  groups=groups_html(d), overall_cls=verdict_class(overall_verdict),
                  overall_label=_verdict_label(d, overall_verdict),
                  overall_reasons=reasons_html(d, list(overall.reasons)) if overall is not None else "",
                  cures=list(overall.cures) if overall is not None else [], conclusion=conclusion)


def dpia_criteria(d: ReportData) -> list[dict[str, Any]]:
    """The nine WP248 criteria as ``templates/rules/dpia_criteria.yaml`` declares them: id, question, title."""
    from ..rules.dpia import load_criteria

    return [{"id": c.id, "question": c.question, "title": c.title.get(d.lang)}
            for c in load_criteria(d.templates).data.criteria]


def risk_map_svg(d: ReportData) -> Any:
    """The risk map (severity x likelihood, before -> after), from lia.rules.charts ('' without an evaluation)."""
    if d.evaluation is None:
        return ""
    try:
        from ..rules.charts import risk_map_chart

        return chart_html(d, risk_map_chart(d.evaluation, d.lang))
    except Exception as exc:  # noqa: BLE001 - the report says what went wrong, in its own section
        return chart_error(d, exc)


def dpia_html(d: ReportData) -> str:
    """DPIA screening (WP248 criteria, required or not and why) and the risk register with measures."""
    sc = d.view.screening if d.view is not None else None
    met_ids = set(sc.met) if sc is not None else set()
    criteria = [{"label": c["title"], "declared": yes_no(d, d.answers.get(c["question"])), "met": c["id"] in met_ids}
                for c in dpia_criteria(d)]
    # the analysed register of the presentation model: the same rows, and the one rule for a high
    # residual risk (lia.rules.dpia.residual_high) that the Art. 36 finding and `lia evaluate` use
    risks = d.view.risks if d.view is not None else None
    register = []
    for r in risks.rows if risks is not None else ():
        levels = []
        for col, v in (("severity_before", r.severity_before), ("likelihood_before", r.likelihood_before),
                       ("severity_after", r.severity_after), ("likelihood_after", r.likelihood_after)):
            levels.append({"value": v, "cls": f"level-{v}" if v in LEVELS else "",
                           "label": choice_label(d, "risks.register", v, col) if v else ""})
        register.append({"ref": r.ref, "title": r.title or "",
                         "event": choice_label(d, "risks.register", r.event, "event") if r.event else "",
                         "levels": levels})
    high = risks.high_residual if risks is not None and risks.prior_consultation else ()
    measures = [x for x in d.answers.get("risks.measures") or [] if isinstance(x, dict)]
    q = question(d, "risks.measures")
    evaluated = d.evaluation_json is not None
    return render(d, "dpia.html.j2", evaluated=evaluated, criteria=criteria,
                  screening_note=_dpia_note(d) if evaluated else missing_rules_note(d),
                  reasons=reasons_html(d, list(sc.reasons)) if sc is not None and sc.reasons else "",
                  notes=answer_rows(d, ["dpia.notes"]) if d.answers.get("dpia.notes") else [],
                  register=register, risk_map=risk_map_svg(d) if register else "",
                  high=", ".join(str(h) for h in high),
                  measures=(value_html(d, q, measures) if q is not None else plain(measures)) if measures else "")


def findings_html(d: ReportData) -> str:
    """Findings grouped by severity (blockers first), each with citation, remediation and the question."""
    by_severity = d.view.by_severity() if d.view is not None else {}
    return render(d, "findings.html.j2", evaluated=d.evaluation_json is not None, missing=missing_rules_note(d),
                  groups=[(sev, fs) for sev, fs in by_severity.items() if fs],
                  question=lambda qid: qtext(d, qid) if qid else "")


# --------------------------------------------------------------------------- facts and evidence

def periods_svg(d: ReportData) -> Any:
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
    return chart_html(d, chart)


def evidence_html(d: ReportData) -> str:
    """The attached call-log evidence: source, period, breaches table and the three works-council charts.

    Without evidence: a note that no call log was analysed and how to attach one.
    """
    ev = d.evidence
    if ev is None:
        return render(d, "evidence.html.j2", ev=None)
    from ..i18n import catalogue

    pl = catalogue("periods", d.templates)

    def P(key: str) -> str:  # noqa: N802
        entry = pl.get(key)
        return text(entry, d.lang) if entry else key

    M, o = macros(d), ev.overview
    rows = [
        (d.L("evidence.source"), M.with_digest(d.L("evidence.source_value", name=ev.source["name"],
                                                   size=number(ev.source["size"]), rows=number(ev.rows)),
                                               ev.source["sha256"])),
        (d.L("evidence.period"), d.L("evidence.period_value", first=ev.first_day or "—", last=ev.last_day or "—",
                                     tz=ev.tz)),
        (d.L("evidence.recorded"), d.L("evidence.recorded_value", recorded=number(o.get("recorded_calls", 0)),
                                       calls=number(o.get("calls", 0)), share=o.get("share_recorded_percent", 0),
                                       agents=o.get("agents", 0), teams=o.get("teams", 0))),
        (d.L("evidence.analysed"), d.L("evidence.analysed_value", when=ev.analysed_at, now=ev.now)),
        (d.L("evidence.limits_from"), d.L("evidence.limits_from_value", n=ev.assessment.get("version"))),
    ]
    summary = []  # by kind first: how often, how many people, the worst case; then the charts; then the detail
    kinds: dict[str, list[dict[str, Any]]] = {}
    for b in ev.breaches:
        kinds.setdefault(b["kind"], []).append(b)
    for kind, bs in kinds.items():
        worst = max(bs, key=lambda b: float(b["value"]) - float(b["limit"]))
        unit = P("unit_" + str(worst.get("unit")))
        summary.append([P("kind_" + kind), number(len(bs)), number(len({b.get("agent") or b.get("team") for b in bs})),
                        f'{number(worst["value"])} {unit}', f'{number(worst["limit"])} {unit}'])
    try:
        charts = [chart_html(d, c) for c in ev.charts(d.lang).values()]
    except Exception as exc:  # noqa: BLE001 - the report says what went wrong, in its own section
        charts = [chart_error(d, exc)]
    breaches = []
    for b in ev.breaches[:MAX_BREACH_ROWS]:
        who = f'{b["agent"]} ({b["team"]})' if b.get("agent") and b.get("team") else (b.get("agent") or b.get("team"))
        unit = P("unit_" + str(b.get("unit")))
        per = b["period"]
        breaches.append([P("kind_" + b["kind"]), _code(who),
                         per["start"] if per["start"] == per["end"] else f'{per["start"]} – {per["end"]}',
                         f'{number(b["value"])} {unit}', f'{number(b["limit"])} {unit}',
                         number(b["calls"]) if b.get("calls") is not None else "—"])
    return render(d, "evidence.html.j2", ev=ev, rows=rows, limits_changed=ev.limits_match(d.answers) is False,
                  summary=summary, summary_heads=[d.L("evidence." + c) for c in ("col_kind", "col_count", "col_affected",
                                                                                  "col_worst", "col_limit")],
                  charts=charts, breaches=breaches, breach_count=len(ev.breaches),
                  breach_heads=[d.L("evidence." + c) for c in ("col_kind", "col_who", "col_period", "col_value",
                                                                "col_limit", "col_calls")],
                  more=max(0, len(ev.breaches) - MAX_BREACH_ROWS))


def _code(value: Any) -> Any:
    from markupsafe import Markup

    return Markup("<code>{}</code>").format(plain(value))


def periods_html(d: ReportData) -> str:
    """Recording-period limits as declared, the training periods, and the periods charts."""
    limit_ids = ["periods.continuous", "periods.max_consecutive_days", "periods.max_days_per_month",
                 "periods.share_recorded_percent", "periods.never_recorded", "necessity.recording_scope",
                 "retention.period", "retention.deletion", "retention.training_clips_period"]
    mcd = d.answers.get("periods.max_consecutive_days")
    training = None
    if d.answers.get("periods.training_periods"):
        training = {"title": qtext(d, "periods.training_periods"), "answer": answer(d, "periods.training_periods"),
                    "chart": periods_svg(d)}
    return render(d, "periods.html.j2", limits=answer_rows(d, limit_ids),
                  whole_weeks=mcd if isinstance(mcd, (int, float)) and mcd >= 5 else None,
                  continuous=d.answers.get("periods.continuous") is True, training=training,
                  evidence=evidence_html(d))


def access_html(d: ReportData) -> str:
    """Who can listen: roles table with totals, scope and controls."""
    roles = [r for r in d.answers.get("access.roles") or [] if isinstance(r, dict)]
    rows = [[plain(r.get("role")), plain(r.get("people")), plain(r.get("reason")), yes_no(d, r.get("can_listen")),
             yes_no(d, r.get("can_download"))] for r in roles]
    people = [r for r in roles if isinstance(r.get("people"), (int, float))]
    q = question(d, "access.roles")
    heads = ([text(c.label, d.lang) for c in q.columns] if q is not None and len(q.columns) == 5 else
             [d.L(k) for k in ("access.role", "access.people", "access.reason", "access.listen", "access.download")])
    ids = ["access.scope", "access.controlled_by", "access.logged", "access.logs_reviewed",
           "access.reason_required", "safeguards.unauthorised_listening_sanctioned"]
    return render(d, "access.html.j2", roles=rows, heads=heads,
                  total=sum(r.get("people") or 0 for r in people),
                  listen=sum(r.get("people") or 0 for r in people if r.get("can_listen")),
                  controls=answer_rows(d, ids), evidence=access_evidence_html(d))


def access_evidence_html(d: ReportData) -> str:
    """The attached access-log evidence: source, digests, breaches and the two charts (or a note that none is)."""
    from ..i18n import t

    def A(key: str, **fmt: Any) -> str:  # noqa: N802
        return t("access", key, d.lang, **fmt)

    ev = d.access_evidence
    if ev is None:
        return render(d, "access_evidence.html.j2", ev=None, A=A)
    M = macros(d)
    rows = [(A("report_source"), M.with_digest(A("report_source_value", name=ev.source["name"], rows=number(ev.rows),
                                                 when=ev.analysed_at), ev.source["sha256"])),
            (A("report_digest"), M.digest(ev.analysis_digest))]
    breaches = []
    for b in ev.breaches[:MAX_BREACH_ROWS]:
        per = b["period"]
        key = "unit_" + str(b.get("unit", "accesses"))
        unit = lambda n, key=key: A(key, n=n)  # noqa: E731 - "1 access", "2 accesses"
        breaches.append([A("kind_" + b["kind"]), _code(", ".join(str(x) for x in (b.get("user"), b.get("role")) if x)),
                         _code(b.get("agent") or "—"),
                         per["start"] if per["start"] == per["end"] else f'{per["start"]} – {per["end"]}',
                         f'{number(b["value"])} {unit(b["value"])}', f'{number(b["limit"])} {unit(b["limit"])}'])
    try:
        from ..access.charts import all_charts

        charts = [chart_html(d, c) for c in all_charts(ev.role_month, ev.agent_users, d.lang).values()]
    except Exception as exc:  # noqa: BLE001 - the report says what went wrong, in its own section
        charts = [chart_error(d, exc)]
    return render(d, "access_evidence.html.j2", ev=ev, A=A, rows=rows, breaches=breaches,
                  breach_count=len(ev.breaches), charts=charts,
                  heads=[A(c) for c in ("col_kind", "col_who", "col_agent", "col_period", "col_value", "col_limit")])


def union_html(d: ReportData) -> str:
    """Union / works-council position, the consultations held and the employees' own views."""
    ids = ["union.representatives_exist", "union.consulted", "union.position", "union.conditions",
           "union.employee_views"]
    not_consulted = bool(d.answers.get("union.representatives_exist") and not d.answers.get("union.consulted"))
    return render(d, "union.html.j2", rows=answer_rows(d, ids), not_consulted=not_consulted,
                  opposes=d.answers.get("union.position") == "opposes",
                  consultations_title=qtext(d, "union.consultations"),
                  consultations=answer(d, "union.consultations") if d.answers.get("union.consultations") else "")


def answers_html(d: ReportData) -> str:
    """Every answer, section by section, with the question text in the report language."""
    if d.qset is None:
        return render(d, "answers.html.j2", raw=plain(d.answers))
    sections = []
    for qn, section in d.qset.sections:
        rows = [{"text": text(q.text, d.lang), "id": q.id, "value": value_html(d, q, d.answers.get(q.id))}
                for q in section.questions if d.qset.is_shown(q, d.answers)]
        if rows:
            sections.append({"title": f"{text(qn.title, d.lang)} — {text(section.title, d.lang)}", "rows": rows})
    unknown = sorted(k for k in d.answers if k not in d.qset.questions)
    return render(d, "answers.html.j2", raw=None, sections=sections, unknown=", ".join(unknown))


def provenance_html(d: ReportData) -> str:
    """What the report was built from: answers version and digest, questionnaires, rule packs, template."""
    inp = d.inputs
    rows = [(d.L("prov.answers"), f'{d.aid} v{inp["answers"]["version"]}', inp["answers"]["digest"])]
    rows += [(d.L("prov.questionnaire"), f'{q["id"]} {q["version"]}', q["digest"]) for q in inp.get("questionnaires", [])]
    rows += [(d.L("prov.rule_pack"), f'{r["id"]} {r["version"]}', r["digest"]) for r in inp.get("rule_packs", [])]
    evd = inp.get("evidence")
    if evd:
        rows.append((d.L("prov.evidence"), d.L("prov.evidence_which", name=(evd.get("source") or {}).get("name"),
                                                when=evd.get("analysed_at"), n=evd.get("breaches")),
                     f'sha256:{plain(evd.get("sha256"))}'))
    rows.append((d.L("prov.template"), "templates/report.ipynb", inp["template"]["digest"]))
    rows.append((d.L("prov.library"), f'lia {inp["library"]["version"]}', ""))
    return render(d, "provenance.html.j2", rows=rows, no_rule_packs=not inp.get("rule_packs"))
