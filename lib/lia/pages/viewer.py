"""The report viewer page: opens a rendered report, verifies it every time (signatures, file
digests, current or stale and why), then shows the report and what changed since the previous
signed report.

The logic is in :mod:`lia.dashboards.viewer` (opening and verifying) and
:mod:`lia.dashboards.sources`; this module lays out widgets and chooses the texts, in the page's
language (``templates/i18n/dashboards.yaml``; the reports' own labels from ``reports.yaml``), and the
CSS classes that the templates ``templates/html/viewer/*.html.j2`` turn into HTML (autoescaped,
:func:`lia.reports.htmlkit.render_in`): nothing here writes or escapes HTML by hand.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

import ipywidgets as W

from lia.dashboards import viewer as vw
from lia.dashboards.sources import Sources, SourcesLike
from lia.i18n import LANGS, format_time, mark_page_language, text
from lia.messages import translate, translate_error

from .furniture import PageHeader, Strings, env_lang
from .style import style_widget

if TYPE_CHECKING:
    from lia.rules.changes_view import FindingChange

__all__ = ["ViewerPage"]


def _text(v: Any) -> str:
    """``v`` as text for a template ('' for None, which Jinja would print as "None")."""
    return "" if v is None else str(v)


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
            w.value = self._html("label.html.j2", text=s(key))
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
            self.msg.value = self._html("message.html.j2", text=translate_error(exc, s.lang))
            return
        self.msg.value = ""
        self.report.value = view.name if view.name in [o[1] for o in self.report.options] else self.report.value
        self.view = view
        self._render(view)

    # --- HTML (templates/html/viewer/*.html.j2, autoescaped: this class only chooses texts and classes) ---
    #: The signature panel's first line, by state: its sign and its text.
    ICONS = {"current": "✔", "stale": "⚠", "unsigned": "○", "failing": "✖"}
    HEADS = {"current": "sig_valid_current", "stale": "sig_valid_stale", "unsigned": "sig_unsigned",
             "failing": "sig_failing"}

    def _html(self, template: str, /, **context: Any) -> str:
        """``templates/html/viewer/<template>`` with this page's strings (``s``), as the HTML a widget shows."""
        return str(vw._html(template, s=self.s, **context))

    def _role(self, role: str | None) -> str:
        key = f"role_{role}"
        return self.s(key) if key in self.s.catalogue else (role or "?")

    def signature_html(self, view: vw.ReportView) -> str:
        """The signature panel: the verdict in one line, then signers, then failed files or stale reasons."""
        s = self.s
        c = view.check
        state = c.state
        signers = [{"name": g.name or s("unknown_signer") + " " + (g.keyid or "")[:16],
                    "role": self._role(g.role) if g.role else "—",
                    "when": format_time(g.signed_at, s.lang) if g.signed_at else "—",
                    "valid": g.valid, "cls": self._signer_class(g.valid, state),
                    "status": self._signer_text(g.valid, state),
                    "problem": translate(g.problem, s.lang) if g.problem else None} for g in c.signers]
        return self._html(
            "signature.html.j2", state=state, icon=self.ICONS[state], head=s(self.HEADS[state]),
            title=s("report_of", id=view.aid, version=view.version if view.version is not None else "?"),
            name=view.name, failed_files=(c.failed_files or [view.name]) if state == "failing" else [],
            signers=signers,
            problems=[(f, translate(m, s.lang)) for f, m in c.problems] if state in ("failing", "unsigned") else [],
            stale=[translate(r, s.lang) for r in c.stale])

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
        failing = view.check.state == "failing"
        pdf = (vw.pdf_data_link(view.pdf, s("download_pdf"), f"{view.aid}-{view.name}.pdf")
               if view.pdf is not None and not failing else "")
        frame = (vw.sandboxed_iframe(view.html, s("report_of", id=view.aid, version=view.version))
                 if view.html is not None else None)
        return self._html("content.html.j2", unverified=failing, pdf_link=pdf, frame=frame)

    def changes_html(self, view: vw.ReportView) -> str:
        """The changes since the previous signed report.

        Verdicts and findings are read once through the presentation model
        (:meth:`lia.rules.presentation.ChangesView.from_json`, the findings in the page's language);
        a comparison that is malformed is said, with its file and place, instead of the changes.
        """
        from lia.errors import LiaError
        from lia.rules.changes_view import ChangesView

        ch = view.changes
        failed = view.changes_error
        context: dict[str, Any] = {"error": translate_error(failed, self.s.lang) if isinstance(failed, BaseException)
                                   else failed, "compared": ch is not None and view.previous is not None}
        if context["compared"] and not view.changes_error:
            assert ch is not None and view.previous is not None
            try:
                changes = ChangesView.from_json(
                    {"verdicts": list(ch.verdicts), "added": list(ch.added), "removed": list(ch.removed),
                     "changed": list(ch.changed)}, self.s.lang, texts=self._rule_texts,
                    old_source=Path(view.previous) / "evaluation.json", new_source=Path(view.dir) / "evaluation.json")
            except LiaError as exc:
                return self._html("changes.html.j2", error=translate_error(exc, self.s.lang), compared=True)
            severity = self._severity_labels()
            context.update(
                old=view.previous.name, new=view.name, empty=ch.empty, severity=severity,
                verdicts=[{"step": self._step(v.step), "old": self._value(v.old), "new": self._value(v.new)}
                          for v in changes.verdicts],
                added=list(changes.added), removed=list(changes.removed),
                changed=[self._changed(c, severity) for c in changes.changed],
                answers=[self._answer(a) for a in ch.answers[:60]])
        return self._html("changes.html.j2", **context)

    def _changed(self, c: FindingChange, severity: Mapping[str, str]) -> dict[str, Any]:
        """A finding that changed, for the template: its rule and the parts that changed; a changed
        severity shows its old and new value as the report names them ("notering → varning")."""
        def value(part: str, v: Any) -> dict[str, str | None]:
            return {"text": severity[v], "cls": None} if part == "severity" and v in severity else self._value(v)

        return {"rule": c.rule,
                "parts": [{"field": self._field(p.part), "both": p.part == "severity", "old": value(p.part, p.old),
                           "new": value(p.part, p.new)} for p in c.parts]}

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

    def _answer(self, a: Mapping[str, Any]) -> dict[str, Any]:
        """One changed answer for ``macros.answer``: the question in the page's language, old -> new as
        people write them (lia.reports.changes.answer_changes); a changed table lists its changed rows and cells."""
        if "text" not in a:  # an older source without texts
            return {"text": None, "question": _text(a.get("question")), "old": self._value(a.get("old")),
                    "new": self._value(a.get("new"))}
        return {"text": _text(a["text"]), "question": _text(a.get("question")),
                "details": [_text(d) for d in a.get("details") or ()],
                "old_text": _text(a.get("old_text")), "new_text": _text(a.get("new_text"))}

    def _value(self, v: Any) -> dict[str, str | None]:
        """A verdict or finding value for ``macros.value``: its text, and a CSS class when it is a verdict."""
        if v is None:
            return {"text": "—", "cls": None}
        if isinstance(v, bool):
            return {"text": self.s("yes") if v else self.s("no"), "cls": None}
        if isinstance(v, str) and f"verdict_{v}" in self.s.catalogue:
            return {"text": self.s("verdict_" + v), "cls": v}
        if isinstance(v, str):
            label = self._report_label(f"verdict.{v}")
            if label:
                return {"text": label, "cls": "no" if v == "fail" else ("yes" if v == "pass" else "conditional")}
        if isinstance(v, (list, dict)):
            import json

            v = json.dumps(v, ensure_ascii=False)
        v = str(v)
        return {"text": v if len(v) <= 120 else v[:117] + "...", "cls": None}

    def _severity_labels(self) -> dict[str, str]:
        """Each severity as the report names one finding ("varning", not "warning")."""
        from lia.rules.presentation import SEVERITIES

        return {sev: self._report_label(f"severity.{sev}") or sev for sev in SEVERITIES}

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
        self.msg.value = self._html("message.html.j2", text=translate_error(exc, self.s.lang))

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
