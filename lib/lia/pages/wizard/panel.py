"""The side panel: the live reasoning (LIA steps, groups, DPIA), the findings and the charts."""

from __future__ import annotations

from typing import Any, Callable, Mapping

import ipywidgets as W

from lia.i18n import format_time
from lia.pages.wizard import reasoning as _reasoning
from lia.pages.wizard.page import PageBase, descendants as _descendants, esc as _esc
from lia.pages.wizard.schema import label
from lia.pages.wizard.styles import _RESULT_CLASS, _VERDICT_CLASS
from lia.pages.wizard.widgets import button_widget, html_widget, shared_layout


class PanelMixin(PageBase):
    """Shows what the rules say about the answers on screen; charts follow after the kernel answered."""

    def _refresh_reasoning(self) -> None:
        st, t = self.state, self.t
        if st.assessment_id is None:
            self.reasoning = _reasoning.Reasoning(available=False)
            self.verdicts.value = f'<h3>{_esc(t("reasoning"))}</h3><div class="lia-muted">{_esc(t("no_assessment"))}</div>'
            self.findings_title.layout.display = "none"
            self._set_findings([])
            self.charts_title.value = ""
            self._set_charts([])
            return
        self.reasoning = r = self.reasoner(dict(st.assessment), st.answers_to_save(), st.lang)
        ok = r.available and not r.error
        self.findings_title.layout.display = "" if ok else "none"
        parts = [f"<h3>{_esc(t('reasoning'))}</h3>"]
        if not r.available:
            parts.append(f'<div class="lia-muted">{_esc(t("reasoning_unavailable"))}</div>')
        elif r.error:
            parts.append(f'<div class="lia-msg error">{_esc(t("reasoning_failed", error=self._translated(r.error)))}</div>')
        else:
            parts.append(self._verdicts_html(r.data))
            parts.append(self._evidence_html(r))
        self.verdicts.value = "".join(parts)
        self._set_findings(r.findings if ok else [])
        if not ok:
            self.charts_title.value = ""
            self._set_charts([])
            return
        delay, self._next_chart_delay = (self._next_chart_delay or 0.25), None
        self._schedule(self._refresh_charts, delay)

    def _schedule(self, fn: Callable[[], None], delay: float) -> None:
        """Run *fn* after the current kernel request (debounced) when an event loop runs, else now.

        Charts cost far more than the rules; deferring them lets the questions
        and verdicts reach the page first.
        """
        from lia.kernel import kernel_loop

        loop = kernel_loop()
        if loop is None or not self.defer_charts:
            fn()
            return
        if self._pending is not None:
            self._pending.cancel()
        self._pending = loop.call_later(delay, fn)

    def _refresh_charts(self) -> None:
        self._pending = None
        r, lang = self.reasoning, self.state.lang
        if not (r.available and not r.error):
            return
        charts: list[tuple[str, str]] = []
        chart_error = None
        try:
            charts = self.charter(r, lang)
        except Exception as exc:  # a chart must never break the page
            chart_error = str(exc) or type(exc).__name__
        self.charts_title.value = f"<h3>{_esc(self.t('charts'))}</h3>" if charts or chart_error else ""
        self._set_charts(charts, chart_error)

    def _evidence_html(self, r: _reasoning.Reasoning) -> str:
        """One line saying which call-log evidence the reasoning weighs (or that a damaged file was skipped)."""
        t = self.t
        ev = getattr(r, "evidence", None)
        err = getattr(r, "evidence_error", None)
        if err:
            return f'<div class="lia-msg error lia-evidence">{_esc(t("evidence_failed", error=self._translated(err)))}</div>'
        if not ev:
            return f'<div class="lia-muted lia-evidence">{_esc(t("evidence_none"))}</div>'
        src = (ev.get("source") or {}).get("name") or ev.get("file")
        return (f'<div class="lia-muted lia-evidence">'
                f'{_esc(t("evidence_used", source=src, n=ev.get("breaches", 0), when=format_time(ev.get("analysed_at", ""), t.lang)))}</div>')

    def _verdict_badge(self, verdict: Any, text: str | None = None) -> str:
        v = str(verdict or "unknown")
        key = "verdict_" + v
        if not text:
            text = self.t(key) if key in self.t.catalogue else v.replace("_", " ")
        return f'<span class="lia-badge {_VERDICT_CLASS.get(v, "none")} verdict-{_esc(v)}">{_esc(text)}</span>'

    def _verdicts_html(self, data: Mapping[str, Any]) -> str:
        t = self.t
        lia = data.get("lia") or {}
        rows = []
        for step in ("purpose", "necessity", "balancing", "overall"):
            info = lia.get(step) or {}
            reasons = info.get("reasons") or []
            if step == "balancing":  # the weighing in words is in the group block below
                reasons = [x for x in reasons if not isinstance(x, Mapping) or x.get("rule")] or reasons[:1]
            reasons_html = "".join(f"<li>{_esc(_reason_text(x))}</li>" for x in reasons[:3])
            style = ' style="font-weight:700"' if step == "overall" else ""
            rows.append(
                f'<tr class="lia-step-{step}"><td{style}>{_esc(t("step_" + step))}</td>'
                f"<td>{self._verdict_badge(info.get('verdict'), info.get('label'))}"
                f'{f"<ul class=lia-reasons>{reasons_html}</ul>" if reasons_html else ""}</td></tr>'
            )
        dpia = data.get("dpia") or {}
        met = list(dpia.get("criteria_met") or [])
        required = bool(dpia.get("required"))
        status = str(dpia.get("status") or ("required" if required else "not_required"))
        cls, mark = {"required": ("warn", "yes"), "not_required": ("good", "no")}.get(status, ("none", "unscreened"))
        dpia_badge = f'<span class="lia-badge {cls} lia-dpia-{mark}">{_esc(t("dpia_" + status))}</span>'
        rows.append(f'<tr class="lia-groups"><td colspan="2">{self._groups_html(data)}</td></tr>')
        names = self._criteria_names(met, dpia)
        crit = "".join(f"<li>{_esc(n)}</li>" for n in names)
        return (
            f'<div class="lia-muted" style="margin-bottom:4px">{_esc(t("lia_test"))}</div>'
            f'<table class="lia-verdicts">{"".join(rows)}</table>'
            f'<h3>{_esc(t("dpia"))}</h3><div>{dpia_badge} '
            f'<span class="lia-muted">{_esc(t("criteria_met", n=len(met)))}</span></div>'
            f'{f"<ul class=lia-reasons>{crit}</ul>" if crit else ""}'
        )

    def _groups_html(self, data: Mapping[str, Any]) -> str:
        """Each group of data subjects on its legal basis, each purpose's result, and the weighing in words."""
        t = self.t
        out = [f'<div class="lia-muted" style="margin:4px 0 2px 0">{_esc(t("per_group"))}</div>']
        for g in data.get("groups") or []:
            if not isinstance(g, Mapping):
                continue
            res = str(g.get("result"))
            out.append(f'<div class="lia-group lia-group-{_esc(g.get("group"))}"><b>{_esc(g.get("label"))}</b> '
                       f'<span class="lia-muted">{_esc(g.get("basis_label"))}</span> '
                       f'<span class="lia-badge {_RESULT_CLASS.get(res, "none")} result-{_esc(res)}">'
                       f'{_esc(g.get("result_label"))}</span><ul class="lia-reasons">')
            for p in g.get("purposes") or []:
                pres = str(p.get("result"))
                detail = ""
                w = p.get("weighing")
                c = p.get("consent")
                if w:
                    detail = (f'<details class="lia-weighing"><summary>{_esc(t("weighing"))}</summary>'
                              f'<div>{_esc(w.get("text"))}</div></details>')
                elif c:
                    conds = "".join(f'<li>{"✓" if x.get("met") else "✗"} {_esc(x.get("label"))}</li>'
                                    for x in c.get("conditions") or [])
                    detail = (f'<details class="lia-consent"><summary>{_esc(c.get("label"))}</summary>'
                              f'<ul>{conds}</ul></details>')
                out.append(f'<li>{_esc(p.get("label"))}: <span class="lia-badge {_RESULT_CLASS.get(pres, "none")} '
                           f'result-{_esc(pres)}">{_esc(p.get("result_label"))}</span>{detail}</li>')
            out.append("</ul></div>")
        return "".join(out)

    def _criteria_names(self, met: list[Any], dpia: Mapping[str, Any]) -> list[str]:
        """Readable names of the DPIA criteria met: their titles from the reasoning, else the screening question."""
        titles = {str(c.get("id")): c.get("title") for c in dpia.get("criteria") or [] if isinstance(c, Mapping)}
        out = []
        for c in met:
            if titles.get(str(c)):
                out.append(str(titles[str(c)]))
                continue
            q = self.state.form.questions.get(f"dpia.{c}")
            out.append(label(q.text, self.state.lang) if q is not None else str(c).replace("_", " "))
        return out

    def _finding_box(self, f: Mapping[str, Any]) -> W.VBox:
        t = self.t
        sev = str(f.get("severity") or "info")
        sev_key = "severity_" + sev
        sev_text = t(sev_key) if sev_key in t.catalogue else sev
        sev_cls = "bad" if sev in ("blocker", "error", "hard_stop") else "warn" if sev == "warning" else "none"
        weighs = f.get("weighs")
        weighs_html = ""
        if weighs in ("for", "against"):
            weighs_html = f' <span class="lia-weighs {weighs}">{_esc(t("weighs_" + weighs))}</span>'
        remedy = f.get("remediation")
        body = (
            f'<div class="lia-finding-msg"><span class="lia-badge {sev_cls}">{_esc(sev_text)}</span>{weighs_html} '
            f"{_esc(f.get('message', ''))}</div>"
            f'<div class="lia-cite">{_esc(f.get("citation", ""))}</div>'
            + (f'<div class="lia-remedy"><b>{_esc(t("remediation"))}:</b> {_esc(remedy)}</div>' if remedy else "")
        )
        children: list[W.Widget] = [html_widget(body)]
        qid = f.get("question")
        if qid and qid in self.state.form.questions:
            q = self.state.form.questions[qid]
            text = f"{t('go_to_question')}: {label(q.text, self.state.lang)}"
            link = button_widget(description=text if len(text) <= 70 else text[:69] + "…",
                                 layout=shared_layout(width="auto", max_width="100%"), tooltip=label(q.text, self.state.lang))
            link.add_class("lia-link")
            link.add_class("lia-goto")
            link.on_click(lambda _b, qid=qid: self.goto_question(qid))
            children.append(link)
        box = W.VBox(children, layout=shared_layout())
        box.add_class("lia-finding")
        box.add_class("sev-" + sev)
        if weighs in ("for", "against"):
            box.add_class("weighs-" + weighs)
        box.add_class("lia-rule-" + str(f.get("rule", "")).replace(".", "-"))
        if qid:
            box.add_class("lia-fq-" + str(qid).replace(".", "-"))
        return box

    def _set_findings(self, findings: list[dict[str, Any]]) -> None:
        t = self.t
        ok = self.state.assessment_id is not None and self.reasoning.available and not self.reasoning.error
        shown = (repr(findings), t.lang, ok)
        if shown == self._shown_findings:
            # most answers leave the findings as they were: keep their "go to question" links open,
            # a click on one the browser shows must not go to a closed widget (it would be lost)
            return
        self._shown_findings = shown
        for old in self.findings_box.children:
            for w in _descendants(old):
                w.close()
        if not findings:
            if ok:
                self.findings_box.children = (html_widget(f'<div class="lia-muted">{_esc(t("no_findings"))}</div>'),)
            else:
                self.findings_box.children = ()
            return
        main = [f for f in findings if str(f.get("severity")) != "info"]
        notes = [f for f in findings if str(f.get("severity")) == "info"]
        items: list[W.Widget] = [self._finding_box(f) for f in main]
        if not main:
            items.append(html_widget(f'<div class="lia-muted">{_esc(t("no_problems"))}</div>'))
        if notes:
            notes_box = W.VBox([self._finding_box(f) for f in notes],
                               layout=W.Layout(display="" if self._show_notes else "none"))
            toggle = button_widget(description=t("hide_notes" if self._show_notes else "show_notes", n=len(notes)))
            toggle.add_class("lia-link")
            toggle.add_class("lia-notes-toggle")

            def flip(_b: Any, box: W.VBox = notes_box, button: W.Button = toggle, n: int = len(notes)) -> None:
                self._show_notes = not self._show_notes
                box.layout.display = "" if self._show_notes else "none"
                button.description = self.t("hide_notes" if self._show_notes else "show_notes", n=n)

            toggle.on_click(flip)
            items += [toggle, notes_box]
        self.findings_box.children = items

    def _set_charts(self, charts: list[tuple[str, str]], error: str | None = None) -> None:
        t = self.t
        shown = (tuple(charts), error, t.lang)
        if shown == self._shown_charts:
            return  # most edits leave the charts as they were: sending 40 kB of the same SVG again delays a save
        self._shown_charts = shown
        for old in self.charts_box.children:
            old.close()
        items = []
        for key, svg in charts:
            w = html_widget(f'<div class="lia-chart lia-chart-{_esc(key)}">{svg}</div>')
            items.append(w)
        if error:
            items.append(html_widget(f'<div class="lia-msg error">{_esc(t("chart_failed", error=self._translated(error)))}</div>'))
        self.charts_box.children = items


def _reason_text(x: Any) -> str:
    if isinstance(x, str):
        return x
    if isinstance(x, Mapping):
        return str(x.get("message") or x.get("text") or x.get("label") or x.get("id") or "")
    return str(x)
