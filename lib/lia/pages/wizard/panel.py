"""The side panel: the live reasoning (LIA steps, groups, DPIA), the findings and the charts."""

from __future__ import annotations

from typing import Any, Callable

import ipywidgets as W

from lia.i18n import format_time
from lia.pages.wizard import reasoning as _reasoning
from lia.pages.wizard.page import PageBase, descendants as _descendants, esc as _esc
from lia.pages.wizard.schema import label
from lia.pages.wizard.styles import _RESULT_CLASS, _VERDICT_CLASS
from lia.pages.wizard.widgets import button_widget, html_widget, shared_layout
from lia.rules.presentation import EvaluationView, FindingView, ReasonView


class PanelMixin(PageBase):
    """Shows what the rules say about the answers on screen; charts follow after the kernel answered."""

    def _refresh_reasoning(self) -> None:
        st, t = self.state, self.t
        if st.assessment_id is None:
            self.reasoning = _reasoning.Reasoning(available=False)
            self.verdicts.value = f'<h3>{_esc(t("reasoning"))}</h3><div class="lia-muted">{_esc(t("no_assessment"))}</div>'
            self.findings_title.layout.display = "none"
            self._set_findings((), False)
            self.charts_title.value = ""
            self._set_charts([])
            self._show_charts_anchor()
            return
        self.reasoning = r = self.reasoner(dict(st.assessment), st.answers_to_save(), st.lang)
        view, error = None, r.error
        if r.available and not error:
            from lia.errors import LiaError
            from lia.messages import translate_error

            try:  # the one reading of the evaluation (lia.rules.presentation)
                view = EvaluationView.from_json(r.data, st.lang)
            except LiaError as exc:
                error = translate_error(exc, st.lang)
        ok = view is not None
        self.findings_title.layout.display = "" if ok else "none"
        parts = [f"<h3>{_esc(t('reasoning'))}</h3>"]
        if not r.available:
            parts.append(f'<div class="lia-muted">{_esc(t("reasoning_unavailable"))}</div>')
        elif view is None:
            parts.append(f'<div class="lia-msg error">{_esc(t("reasoning_failed", error=self._translated(error)))}</div>')
        else:
            parts.append(self._verdicts_html(view))
            parts.append(self._evidence_html(r))
        self.verdicts.value = "".join(parts)
        self._set_findings(view.findings if view is not None else (), ok)
        self._show_charts_anchor()
        if not ok:
            self.charts_title.value = ""
            self._set_charts([])
            return
        delay, self._next_chart_delay = (self._next_chart_delay or 0.25), None
        if self._charts_held:  # nobody has come near the charts yet: they are drawn when someone does
            return
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

    def _hold_charts(self) -> None:
        """Draw no chart until the reader comes near the charts (or :meth:`_release_charts` is called).

        A served page's visitors do not see the charts on arrival (they are at the bottom of the side
        panel), and drawing them costs more kernel and browser time than the rest of the first view.
        """
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        self._charts_held = True
        self._show_charts_anchor()

    def _release_charts(self) -> None:
        """Draw the held charts now (after the current kernel request); later refreshes draw them as usual."""
        if self._charts_wait is not None:
            self._charts_wait.cancel()
            self._charts_wait = None
        if not self._charts_held:
            return
        self._charts_held = False
        self._show_charts_anchor()
        self._schedule(self._refresh_charts, 0.05)

    def _on_charts_trigger(self, _b: Any = None) -> None:
        """The page script clicks the hidden trigger once the charts' anchor comes into (or near) view."""
        self._charts_asked = True
        self._release_charts()

    def _show_charts_anchor(self) -> None:
        """The line saying the charts follow: shown while they are held and there is something to draw."""
        r = self.reasoning
        wanted = self._charts_held and bool(r.available and not r.error)
        display = "" if wanted else "none"
        if self.charts_anchor.layout.display != display:
            self.charts_anchor.layout.display = display

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

    def _verdicts_html(self, view: EvaluationView) -> str:
        t = self.t
        rows = []
        for info in view.verdicts:
            step = info.step
            reasons = list(info.reasons)
            if step == "balancing":  # the weighing in words is in the group block below
                reasons = [x for x in reasons if x.rule] or reasons[:1]
            reasons_html = "".join(f"<li>{_esc(_reason_text(x))}</li>" for x in reasons[:3])
            style = ' style="font-weight:700"' if step == "overall" else ""
            rows.append(
                f'<tr class="lia-step-{step}"><td{style}>{_esc(t("step_" + step))}</td>'
                f"<td>{self._verdict_badge(info.verdict, info.label)}"
                f'{f"<ul class=lia-reasons>{reasons_html}</ul>" if reasons_html else ""}</td></tr>'
            )
        screening = view.screening
        met = list(screening.met)
        status = screening.status
        cls, mark = {"required": ("warn", "yes"), "not_required": ("good", "no")}.get(status, ("none", "unscreened"))
        dpia_badge = f'<span class="lia-badge {cls} lia-dpia-{mark}">{_esc(t("dpia_" + status))}</span>'
        rows.append(f'<tr class="lia-groups"><td colspan="2">{self._groups_html(view)}</td></tr>')
        names = self._criteria_names(met, screening.met_titles())
        crit = "".join(f"<li>{_esc(n)}</li>" for n in names)
        return (
            f'<div class="lia-muted" style="margin-bottom:4px">{_esc(t("lia_test"))}</div>'
            f'<table class="lia-verdicts">{"".join(rows)}</table>'
            f'<h3>{_esc(t("dpia"))}</h3><div>{dpia_badge} '
            f'<span class="lia-muted">{_esc(t("criteria_met", n=len(met)))}</span></div>'
            f'{f"<ul class=lia-reasons>{crit}</ul>" if crit else ""}'
        )

    def _groups_html(self, view: EvaluationView) -> str:
        """Each group of data subjects on its legal basis, each purpose's result, and the weighing in words."""
        t = self.t
        out = [f'<div class="lia-muted" style="margin:4px 0 2px 0">{_esc(t("per_group"))}</div>']
        for g in view.groups:
            res = g.result
            out.append(f'<div class="lia-group lia-group-{_esc(g.group)}"><b>{_esc(g.label)}</b> '
                       f'<span class="lia-muted">{_esc(g.basis_label)}</span> '
                       f'<span class="lia-badge {_RESULT_CLASS.get(res, "none")} result-{_esc(res)}">'
                       f'{_esc(g.result_label)}</span><ul class="lia-reasons">')
            for p in g.purposes:
                pres = p.result
                detail = ""
                c = p.consent
                if p.weighing is not None:
                    detail = (f'<details class="lia-weighing"><summary>{_esc(t("weighing"))}</summary>'
                              f'<div>{_esc(p.weighing)}</div></details>')
                elif c is not None:
                    conds = "".join(f'<li>{"✓" if x.met else "✗"} {_esc(x.label)}</li>' for x in c.conditions)
                    detail = (f'<details class="lia-consent"><summary>{_esc(c.label)}</summary>'
                              f'<ul>{conds}</ul></details>')
                out.append(f'<li>{_esc(p.label)}: <span class="lia-badge {_RESULT_CLASS.get(pres, "none")} '
                           f'result-{_esc(pres)}">{_esc(p.result_label)}</span>{detail}</li>')
            out.append("</ul></div>")
        return "".join(out)

    def _criteria_names(self, met: list[str], titles: dict[str, str]) -> list[str]:
        """Readable names of the DPIA criteria met: their titles from the reasoning, else the screening question."""
        out = []
        for c in met:
            if titles.get(str(c)):
                out.append(str(titles[str(c)]))
                continue
            q = self.state.form.questions.get(f"dpia.{c}")
            out.append(label(q.text, self.state.lang) if q is not None else str(c).replace("_", " "))
        return out

    def _finding_box(self, f: FindingView) -> W.VBox:
        t = self.t
        sev = f.severity
        sev_key = "severity_" + sev
        sev_text = t(sev_key) if sev_key in t.catalogue else sev
        sev_cls = "bad" if sev in ("blocker", "error", "hard_stop") else "warn" if sev == "warning" else "none"
        weighs = f.weighs
        weighs_html = ""
        if weighs in ("for", "against"):
            weighs_html = f' <span class="lia-weighs {weighs}">{_esc(t("weighs_" + weighs))}</span>'
        remedy = f.remediation
        body = (
            f'<div class="lia-finding-msg"><span class="lia-badge {sev_cls}">{_esc(sev_text)}</span>{weighs_html} '
            f"{_esc(f.message)}</div>"
            f'<div class="lia-cite">{_esc(f.citation)}</div>'
            + (f'<div class="lia-remedy"><b>{_esc(t("remediation"))}:</b> {_esc(remedy)}</div>' if remedy else "")
        )
        children: list[W.Widget] = [html_widget(body)]
        qid = f.question
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
        box.add_class("lia-rule-" + f.rule.replace(".", "-"))
        if qid:
            box.add_class("lia-fq-" + str(qid).replace(".", "-"))
        return box

    def _set_findings(self, findings: tuple[FindingView, ...], ok: bool) -> None:
        """Show ``findings``; ``ok`` says the reasoning ran (an empty list then says "no findings")."""
        t = self.t
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
        main = [f for f in findings if f.severity != "info"]
        notes = [f for f in findings if f.severity == "info"]
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


def _reason_text(x: ReasonView) -> str:
    return x.text
