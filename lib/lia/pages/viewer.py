"""The report viewer page: opens a rendered report, verifies it every time (signatures, file
digests, current or stale and why), then shows the report and what changed since the previous
signed report.

The logic is in :mod:`lia.dashboards.viewer` (opening and verifying) and
:mod:`lia.dashboards.sources`; this module lays out widgets and turns results into HTML in the
page's language (``templates/i18n/dashboards.yaml``; the reports' own labels from ``reports.yaml``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping

import ipywidgets as W

from lia.dashboards import viewer as vw
from lia.dashboards.sources import Sources, SourcesLike
from lia.i18n import LANGS, format_time, mark_page_language, text
from lia.messages import translate, translate_error

from .furniture import PageHeader, Strings, env_lang
from .furniture import esc as _esc
from .style import style_widget

__all__ = ["ViewerPage"]


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
        self.s = Strings(env_lang(lang))
        self.view: vw.ReportView | None = None
        self._quiet = False
        self._build()

    def _build(self) -> None:
        self.style = style_widget()
        self.header = PageHeader("report_viewer", self.s.lang, title="viewer_title", subtitle="viewer_intro",
                                 on_language=self.set_language)
        self.lang = self.header.switch
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
        self._labels = [W.HTML(), W.HTML()]
        fields = []
        for label, w in zip(self._labels, (self.assessment, self.report)):
            box = W.VBox([label, w])
            box.add_class("lia-field")
            fields.append(box)
        chooser = W.HBox([*fields, self.open_btn])
        chooser.add_class("lia-toolbar")
        self.body = W.VBox([self.msg, self.signature, self.content, self.changes])
        self.body.add_class("lia-body")
        self.root = W.VBox([self.style, self.header.widget, chooser, self.body])
        self.root.add_class("lia-app")
        self.root.add_class("lia-viewer")
        mark_page_language(self.root, self.s.lang)
        self._relabel()

    def _relabel(self) -> None:
        s = self.s
        for w, key in zip(self._labels, ("choose_assessment", "choose_version")):
            w.value = f'<span class="lia-field-label">{_esc(s(key))}</span>'
        self.open_btn.description = s("open_report")

    def set_language(self, lang: str) -> None:
        """Switch every text on the page to ``lang`` (the open report's own language does not change)."""
        if lang not in LANGS:
            return
        self.s = Strings(lang)
        self.header.set_language(lang)
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
        self.header.set_assessment(change["new"])
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
        self.header.set_assessment(aid)  # the links to the other pages open this assessment there
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
        """One finding: its severity, rule, message and legal sources in the page's language.

        A report keeps its findings in its own language; when its wording is still the rule's
        (:meth:`Sources.finding_texts`), the page's language is shown, else the report's own words.
        """
        lang = self.s.lang
        texts = self._rule_texts(str(f.get("rule") or ""))
        msg, cite = f.get("message"), f.get("citation")
        if isinstance(msg, Mapping):
            msg = text(msg, lang)
        elif texts and msg in texts["message"].values():
            msg = texts["message"][lang]
        if isinstance(cite, Mapping):
            cite = text(cite, lang)
        elif texts and (not cite or cite in texts["citation"].values()):
            cite = texts["citation"][lang]
        sev = str(f.get("severity") or "")
        label = self._report_label(f"severity.{sev}") or sev  # "varning", not "warning"
        cite_html = f' <span class="lia-cite">{_esc(cite)}</span>' if cite else ""
        return (f'<span class="lia-sev lia-sev-{_esc(sev)}">{_esc(label)}</span> '
                f'<code>{_esc(f.get("rule"))}</code> {_esc(msg or "")}{cite_html}')

    def _rule_texts(self, rule: str) -> dict[str, dict[str, str]] | None:
        if not rule:
            return None
        cache: dict[str, Any] = self.__dict__.setdefault("_rule_text_cache", {})
        if rule not in cache:
            get = getattr(self.sources, "finding_texts", None)
            try:
                cache[rule] = get(rule) if get is not None else None
            except Exception:  # noqa: BLE001  the report's own words stay
                cache[rule] = None
        return cache[rule]

    def _render(self, view: vw.ReportView) -> None:
        self.signature.value = self.signature_html(view)
        self.content.value = self.content_html(view)
        self.changes.value = self.changes_html(view)

    def show_error(self, exc: BaseException) -> None:
        """Show an unexpected failure above the report."""
        self.msg.value = f'<div class="lia-dash lia-msg error lia-viewer-error">{_esc(translate_error(exc, self.s.lang))}</div>'

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
