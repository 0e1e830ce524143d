"""The wizard page: header, progress, one page per section, live reasoning, save bar, history.

:class:`WizardApp` is the view and controller over a
:class:`~lia.wizard.state.WizardState`. It owns the widgets; every decision
about answers, versions and conflicts is made by the state, every verdict by
the reasoning engine (through :mod:`lia.wizard.reasoning`).
"""

from __future__ import annotations

import dataclasses
import html
import os
from pathlib import Path
from typing import Any, Callable, Mapping
from urllib.parse import parse_qs

import ipywidgets as W

from lia.wizard import reasoning as _reasoning
from lia.wizard.schema import Form, label
from lia.wizard.state import JURISDICTIONS, WORKING, Problem, WizardState
from lia.i18n import format_time, mark_page_language
from lia.messages import translate_error
from lia.wizard.strings import LANGS, LANGUAGE_NAMES, Strings
from lia.wizard.widgets import QuestionBlock, button_widget, format_value, html_widget, shared_layout

__all__ = ["WizardApp", "build_app", "author_from_env", "AUTHOR_HEADER_ENV"]

#: Environment variable naming the HTTP header (set by a reverse proxy) that carries the user name.
AUTHOR_HEADER_ENV = "LIA_AUTHOR_HEADER"

_VERDICT_CLASS = {
    "pass": "good", "yes": "good",
    "fail": "bad", "no": "bad",
    "needs_refinement": "warn", "needs_scope_reduction": "warn", "pass_with_measures": "warn",
    "conditional": "warn",
    "unlawful": "bad", "not_assessed": "none", "not_reached": "none", "not_applicable": "none", "incomplete": "none",
    "other_basis": "none", "consent_valid": "good", "consent_invalid": "bad", "consent_not_assessed": "none",
}
#: a group's or purpose's result (lia.rules.verdict RESULT_RANK) -> badge class
_RESULT_CLASS = {"yes": "good", "conditional": "warn", "no": "bad", "unlawful": "bad",
                 "not_assessed": "none", "other_basis": "none"}

_CSS = """
<style>
.lia-app { font-family: var(--jp-ui-font-family, system-ui, sans-serif); color: #1f2933; max-width: 1400px; margin: 0 auto; }
.lia-app .widget-html-content, .lia-app .widget-label { line-height: 1.4; }
.lia-header { background: #17324d; color: #fff; padding: 14px 20px; border-radius: 8px 8px 0 0; align-items: center; }
.lia-header h1 { font-size: 21px; margin: 0; color: #fff; font-weight: 600; }
.lia-header .lia-sub { font-size: 13px; color: #c7d6e6; }
.lia-header .widget-label, .lia-header label { color: #e6eef6 !important; }
.lia-toolbar { background: #eef3f8; padding: 10px 20px; border-bottom: 1px solid #d5dee8; align-items: center; flex-wrap: wrap; gap: 8px; }
.lia-newform { background: #f7fafc; border: 1px solid #d5dee8; border-radius: 6px; padding: 10px 16px; margin: 10px 20px 0 20px; }
.lia-status { font-size: 13px; padding: 3px 10px; border-radius: 12px; white-space: nowrap; }
.lia-status.dirty { background: #fff1d6; color: #8a5300; border: 1px solid #f0c36d; }
.lia-status.clean { background: #e3f4e8; color: #1b6b34; border: 1px solid #9fd3ae; }
.lia-status.none { background: #edf0f3; color: #52606d; border: 1px solid #cbd2d9; }
.lia-notice { margin: 8px 20px 0 20px; }
.lia-msg { padding: 8px 12px; border-radius: 6px; font-size: 14px; }
.lia-msg.info { background: #e8f1fb; color: #17324d; border: 1px solid #b6d0ec; }
.lia-msg.ok { background: #e3f4e8; color: #1b6b34; border: 1px solid #9fd3ae; }
.lia-msg.error { background: #fde8e8; color: #8e1c1c; border: 1px solid #f3b4b4; }
.lia-conflict { margin: 8px 20px 8px 20px; padding: 10px 12px; background: #fff6f0; border: 1px solid #f3b4b4; border-radius: 6px; }
.lia-merge-summary ul { margin: 4px 0; padding-left: 20px; font-size: 13px; }
.lia-clash { border-top: 1px solid #f3d4c4; padding: 8px 0; }
.lia-clash-q { font-weight: 600; font-size: 14px; }
.lia-clash-sides { gap: 12px; align-items: stretch; flex-wrap: wrap; }
.lia-clash-side { flex: 1 1 300px; background: #fff; border: 1px solid #e4e7eb; border-radius: 4px; padding: 6px 8px; font-size: 13px; }
.lia-clash-side .lia-clash-who { color: #52606d; font-size: 12px; }
.lia-save-feedback { display: inline-block; }
.lia-app .lia-author.lia-missing input { border: 2px solid #b42318 !important; background: #fff7f7; }
.lia-progress { padding: 12px 20px 4px 20px; flex-wrap: wrap; gap: 6px; }
.lia-step button, button.lia-step { border-radius: 14px !important; font-size: 12px !important; }
button.lia-step.done { background: #e3f4e8 !important; color: #1b6b34 !important; border: 1px solid #9fd3ae !important; }
button.lia-step.todo { background: #fff !important; color: #52606d !important; border: 1px solid #cbd2d9 !important; }
button.lia-step.current { background: #17324d !important; color: #fff !important; border: 1px solid #17324d !important; }
.lia-progress-text { padding: 0 20px; font-size: 13px; color: #52606d; }
.lia-bar { height: 6px; background: #e4e7eb; border-radius: 3px; margin: 4px 20px 8px 20px; overflow: hidden; }
.lia-bar > div { height: 6px; background: #2f8f4e; }
.lia-body { padding: 8px 20px 16px 20px; align-items: flex-start; gap: 20px; }
.lia-main { flex: 1 1 auto; min-width: 0; }
.lia-side { flex: 0 0 380px; width: 380px; background: #f7fafc; border: 1px solid #d5dee8; border-radius: 8px; padding: 12px 14px; }
.lia-section-title h2 { font-size: 20px; margin: 6px 0 2px 0; color: #17324d; }
.lia-section-intro { color: #52606d; font-size: 14px; margin-bottom: 6px; }
.lia-question { border-top: 1px solid #e4e7eb; padding: 12px 0 10px 0; }
.lia-question.lia-focus { background: #fff8e1; box-shadow: -4px 0 0 #f0b429; padding-left: 10px; }
.lia-qtext { font-weight: 600; font-size: 15px; color: #1f2933; }
.lia-req { color: #c62828; font-weight: 700; }
.lia-help { font-size: 13px; color: #616e7c; margin: 1px 0 6px 0; }
.lia-unit { color: #52606d; padding-left: 6px; line-height: 28px; }
.lia-muted { color: #7b8794; font-size: 13px; }
.lia-problem-text { color: #b42318; font-size: 13px; margin-top: 2px; }
.lia-th { font-size: 12px; font-weight: 600; color: #52606d; text-transform: uppercase; letter-spacing: .02em; }
.lia-table-row { border-bottom: 1px dashed #e4e7eb; padding: 3px 0; }
.lia-nav { border-top: 1px solid #e4e7eb; padding-top: 12px; margin-top: 6px; align-items: center; gap: 10px; }
.lia-side h3 { font-size: 15px; margin: 10px 0 6px 0; color: #17324d; }
.lia-side .widget-html-content { min-width: 0; overflow-wrap: break-word; }
.lia-verdicts td:first-child { white-space: nowrap; padding-right: 6px; }
.lia-side .lia-badge { white-space: normal; }
.lia-side h3:first-child { margin-top: 0; }
.lia-verdicts { width: 100%; border-collapse: collapse; font-size: 13px; }
.lia-verdicts td { padding: 4px 2px; vertical-align: top; border-bottom: 1px solid #e4e7eb; }
.lia-badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; white-space: nowrap; }
.lia-badge.good { background: #e3f4e8; color: #1b6b34; }
.lia-badge.bad { background: #fde8e8; color: #b42318; }
.lia-badge.warn { background: #fff1d6; color: #8a5300; }
.lia-badge.none { background: #edf0f3; color: #52606d; }
.lia-reasons { margin: 2px 0 0 0; padding-left: 16px; color: #52606d; font-size: 12px; }
.lia-finding { background: #fff; border: 1px solid #e4e7eb; border-left: 4px solid #cbd2d9; border-radius: 4px; padding: 6px 8px; margin-bottom: 6px; }
.lia-finding.sev-hard_stop, .lia-finding.sev-error { border-left-color: #b42318; }
.lia-finding.sev-warning { border-left-color: #f0b429; }
.lia-finding.sev-info { border-left-color: #3b82c4; }
.lia-finding.sev-blocker { border-left-color: #b42318; background: #fff7f7; }
.lia-finding.sev-info.weighs-for { border-left-color: #2f8f4e; }
.lia-weighs { font-size: 11px; padding: 0 6px; border-radius: 8px; border: 1px solid #cbd2d9; color: #52606d; }
.lia-weighs.for { border-color: #9fd3ae; color: #1b6b34; }
.lia-weighs.against { border-color: #f3b4b4; color: #b42318; }
.lia-finding-msg { font-size: 13px; }
.lia-cite { font-size: 12px; color: #616e7c; font-style: italic; }
.lia-remedy { font-size: 12px; color: #1f2933; margin-top: 2px; }
button.lia-link { background: none !important; border: none !important; color: #1f5f99 !important; text-decoration: underline; box-shadow: none !important; padding: 0 !important; height: 22px !important; font-size: 12px !important; }
.lia-chart svg { max-width: 100%; height: auto; }
.lia-app textarea, .lia-app input, .lia-app select { font-family: inherit !important; font-size: 14px !important; }
.lia-app .widget-toggle-button.mod-active, .lia-app .widget-toggle-button.mod-active:hover { background: #17324d !important; color: #fff !important; box-shadow: none !important; }
.lia-app .widget-toggle-button { border-radius: 4px; }
.lia-header .widget-toggle-button { background: #2a4a6b; color: #e6eef6; }
.lia-header .widget-toggle-button.mod-active { background: #fff !important; color: #17324d !important; font-weight: 600; }
.lia-savebar { background: #eef3f8; border-top: 1px solid #d5dee8; padding: 10px 20px; align-items: center; gap: 10px; }
.lia-problems { padding: 0 20px; }
.lia-problems ul { margin: 4px 0; padding-left: 20px; font-size: 13px; color: #8a5300; }
.lia-history { padding: 10px 20px 20px 20px; border-top: 1px solid #d5dee8; }
.lia-history h3 { font-size: 16px; color: #17324d; margin: 4px 0 6px 0; }
.lia-htable, .lia-dtable { border-collapse: collapse; font-size: 13px; width: 100%; }
.lia-htable th, .lia-dtable th { text-align: left; color: #52606d; font-weight: 600; border-bottom: 2px solid #d5dee8; padding: 4px 8px; }
.lia-htable td, .lia-dtable td { border-bottom: 1px solid #e4e7eb; padding: 4px 8px; vertical-align: top; }
.lia-dtable td.before { background: #fdf0f0; }
.lia-dtable td.after { background: #eef8f0; }
.lia-compare { align-items: center; gap: 8px; margin-top: 10px; }
.lia-meta { margin: 10px 20px 0 20px; padding: 10px 16px; background: #f7fafc; border: 1px solid #d5dee8; border-radius: 6px; }
.lia-meta-grid { flex-wrap: wrap; gap: 6px 18px; align-items: flex-end; }
.lia-meta-field { min-width: 0; }
.lia-meta-field .lia-meta-label { font-size: 12px; font-weight: 600; color: #52606d; }
.lia-meta-head { align-items: center; gap: 10px; flex-wrap: wrap; margin-bottom: 6px; }
.lia-meta-head h3 { font-size: 15px; margin: 0; color: #17324d; }
.lia-status-badge { font-size: 13px; font-weight: 600; padding: 2px 10px; border-radius: 12px; border: 1px solid #cbd2d9; background: #edf0f3; color: #52606d; }
.lia-status-badge.st-in_review { background: #fff1d6; color: #8a5300; border-color: #f0c36d; }
.lia-status-badge.st-approved { background: #e3f4e8; color: #1b6b34; border-color: #9fd3ae; }
.lia-status-badge.st-superseded { background: #edf0f3; color: #7b8794; text-decoration: line-through; }
.lia-status-help { font-size: 12px; color: #52606d; }
.lia-status-feedback ul { margin: 4px 0; padding-left: 20px; font-size: 13px; }
.lia-reportbar { background: #f7fafc; border-top: 1px solid #d5dee8; padding: 10px 20px; }
.lia-reportbar h3 { font-size: 15px; margin: 0 0 6px 0; color: #17324d; }
.lia-reportbar .lia-row { align-items: center; gap: 10px; flex-wrap: wrap; margin: 4px 0; }
.lia-render-progress { font-size: 13px; }
.lia-spin { display: inline-block; width: 120px; height: 6px; background: #e4e7eb; border-radius: 3px; overflow: hidden; vertical-align: middle; margin-right: 8px; }
.lia-spin > div { width: 40%; height: 6px; background: #3b82c4; animation: lia-slide 1.2s linear infinite; }
@keyframes lia-slide { from { margin-left: -40%; } to { margin-left: 100%; } }
a.lia-viewer-link { font-weight: 600; color: #1f5f99; white-space: nowrap; }
a.lia-viewer-new { display: inline-block; margin-left: 8px; padding: 2px 10px; border-radius: 4px; background: #1f5f99; color: #fff !important; text-decoration: none; }
</style>
"""


def author_from_env(env: Mapping[str, str] | None = None) -> str:
    """The author to prefill: the reverse proxy's user header if Voila passed one, else ``LIA_AUTHOR``.

    Voila copies the headers named in ``VoilaConfiguration.http_header_envs``
    into the kernel environment as ``HTTP_<NAME>`` (upper case, ``-`` -> ``_``);
    ``lia serve --author-header NAME`` configures that and sets
    ``LIA_AUTHOR_HEADER=NAME`` so the page knows which variable to read.
    """
    env = os.environ if env is None else env
    header = env.get(AUTHOR_HEADER_ENV, "").strip()
    if header:
        value = env.get("HTTP_" + header.upper().replace("-", "_"), "").strip()
        if value:
            return value
    return env.get("LIA_AUTHOR", "").strip()


def _header_author(env: Mapping[str, str]) -> str:
    """The user name the reverse proxy's header carries, or ''."""
    header = env.get(AUTHOR_HEADER_ENV, "").strip()
    return env.get("HTTP_" + header.upper().replace("-", "_"), "").strip() if header else ""


def _esc(text: Any) -> str:
    return html.escape(str(text))


class WizardApp:
    """The whole wizard page for one workspace. Display it with ``display(app)`` or ``app.root``."""

    def __init__(
        self,
        state: WizardState,
        author: str = "",
        reasoner: _reasoning.Reasoner | None = None,
        charter: Callable[[_reasoning.Reasoning, str], list[tuple[str, str]]] | None = None,
    ) -> None:
        self.state = state
        self.t = Strings(state.lang)
        self.reasoner = reasoner or _reasoning.workspace_reasoner(state.store)
        self.charter = charter if charter is not None else _reasoning.chart_svgs
        self.reasoning = _reasoning.Reasoning(available=False)
        self.blocks: dict[str, QuestionBlock] = {}
        self._section_views: dict[int, W.VBox] = {}
        self._confirm_discard = False
        self._show_notes = False
        self._pending: Any = None
        #: Render charts after the current kernel request (True in Voila); tests set False to get them at once.
        self.defer_charts = True
        #: Delay of the next chart refresh (serve_request sets a longer one while the page loads).
        self._next_chart_delay: float | None = None
        self._shown_charts: tuple[Any, ...] | None = None  # what charts_box shows: (charts, error, lang)
        self._shown_findings: tuple[Any, ...] | None = None  # what findings_box shows: (findings, lang, ok)
        self._build()
        self._relabel()
        self.refresh_all()

    # ============================================================ building

    def _button(self, cls: str, handler: Callable[[Any], None], style: str = "") -> W.Button:
        b = button_widget(button_style=style)
        b.add_class(cls)
        b.on_click(handler)
        return b

    def _build(self) -> None:
        st = self.state
        # header
        self.title_html = html_widget()
        self.lang_toggle = W.ToggleButtons(
            options=[(LANGUAGE_NAMES[lang], lang) for lang in LANGS], value=st.lang,
            style={"button_width": "110px"},
        )
        self.lang_toggle.add_class("lia-lang")
        self.lang_toggle.observe(self._on_lang, "value")
        self.author = W.Text(layout=W.Layout(width="220px"))
        self.author.add_class("lia-author")
        self.author_label = html_widget()
        header = W.HBox(
            [self.title_html, W.HBox(layout=W.Layout(flex="1 1 auto")), self.lang_toggle,
             W.HBox([self.author_label, self.author], layout=W.Layout(align_items="center", margin="0 0 0 16px"))]
        )
        header.add_class("lia-header")

        # toolbar: choose, open, new, status
        self.assessment_label = html_widget()
        self.chooser = W.Dropdown(layout=W.Layout(width="260px"))
        self.chooser.add_class("lia-chooser")
        self.chooser.observe(self._on_choose, "value")
        self.version_label = html_widget()
        self.version_chooser = W.Dropdown(layout=W.Layout(width="170px"))
        self.version_chooser.add_class("lia-version-chooser")
        self.open_button = self._button("lia-open", self._on_open)
        self.new_button = self._button("lia-new", self._on_new_toggle)
        self.status = html_widget()
        toolbar = W.HBox(
            [self.assessment_label, self.chooser, self.version_label, self.version_chooser, self.open_button,
             self.new_button, W.HBox(layout=W.Layout(flex="1 1 auto")), self.status]
        )
        toolbar.add_class("lia-toolbar")

        # new-assessment form
        self.new_id = W.Text(layout=W.Layout(width="240px"))
        self.new_id.add_class("lia-new-id")
        self.new_title = W.Text(layout=W.Layout(width="360px"))
        self.new_title.add_class("lia-new-title")
        self.new_jur = {j: W.Checkbox(value=(j == "EU"), indent=False, layout=W.Layout(width="auto", margin="0 12px 0 0")) for j in JURISDICTIONS}
        for j, cb in self.new_jur.items():
            cb.add_class("lia-jur-" + j)
        self.new_jur["EU"].disabled = True  # EU law always applies
        self.new_labels = [html_widget() for _ in range(3)]
        self.create_button = self._button("lia-create", self._on_create, "primary")
        self.cancel_button = self._button("lia-cancel", self._on_new_toggle)
        self.new_form = W.VBox(
            [
                W.HBox([self.new_labels[0], self.new_id, self.new_labels[1], self.new_title],
                       layout=W.Layout(align_items="center")),
                W.HBox([self.new_labels[2]] + list(self.new_jur.values()) + [W.HBox(layout=W.Layout(flex="1 1 auto")),
                       self.cancel_button, self.create_button], layout=W.Layout(align_items="center")),
            ],
            layout=W.Layout(display="none"),
        )
        self.new_form.add_class("lia-newform")

        self.notice = html_widget()
        self.notice.add_class("lia-notice")

        # conflict panel, shown under the save bar where the user clicked: a merge, not a choice of winner
        self.conflict_text = html_widget()
        self.merge_summary = html_widget()
        self.merge_summary.add_class("lia-merge-summary")
        self.clash_box = W.VBox()
        self.clash_box.add_class("lia-clashes")
        #: per clashing question (or ``assessment.<field>``): the user's choice, "mine" or "theirs"
        self.clash_choices: dict[str, str] = {}
        self.conflict_diff_button = self._button("lia-conflict-diff", self._on_conflict_diff)
        self.conflict_merge_button = self._button("lia-conflict-merge", self._on_conflict_merge, "warning")
        self.conflict_take_button = self._button("lia-conflict-take", self._on_conflict_take)
        self.conflict_feedback = html_widget()
        self.conflict_feedback.add_class("lia-conflict-feedback")
        self.conflict_diff = html_widget()
        self.conflict_box = W.VBox(
            [self.conflict_text, self.merge_summary, self.clash_box,
             W.HBox([self.conflict_diff_button, self.conflict_merge_button, self.conflict_take_button, self.conflict_feedback],
                    layout=W.Layout(margin="6px 0 0 0", align_items="center")),
             self.conflict_diff],
            layout=W.Layout(display="none"),
        )
        self.conflict_box.add_class("lia-conflict")

        # progress
        self.steps = W.HBox()
        self.steps.add_class("lia-progress")
        self.progress_text = W.HTML()

        # section page
        self.section_title = html_widget()
        self.section_title.add_class("lia-section-title")
        self.section_intro = html_widget()
        self.questions_box = W.VBox()
        self.back_button = self._button("lia-back", lambda _b: self.goto_section(self.state.section_index - 1))
        self.next_button = self._button("lia-next", lambda _b: self.next_section(), "primary")
        self.section_counter = html_widget()
        nav = W.HBox([self.back_button, self.section_counter, W.HBox(layout=W.Layout(flex="1 1 auto")), self.next_button])
        nav.add_class("lia-nav")
        self.empty_page = W.HTML()
        self.section_page = W.VBox([self.section_title, self.section_intro, self.questions_box, nav])
        self.main = W.VBox([self.empty_page, self.section_page])
        self.main.add_class("lia-main")

        # side panel
        self.verdicts = html_widget()
        self.findings_title = W.HTML()
        self.findings_box = W.VBox()
        self.charts_title = html_widget()
        self.charts_box = W.VBox()
        self.side = W.VBox([self.verdicts, self.findings_title, self.findings_box, self.charts_title, self.charts_box])
        self.side.add_class("lia-side")
        body = W.HBox([self.main, self.side])
        body.add_class("lia-body")

        # save bar
        self.message_label = html_widget()
        self.message = W.Text(layout=W.Layout(width="420px"))
        self.message.add_class("lia-message")
        self.save_button = self._button("lia-save", self._on_save, "success")
        self.save_status = html_widget()
        self.save_status.add_class("lia-save-status")
        self.savebar = savebar = W.HBox([self.message_label, self.message, self.save_button, self.save_status])
        savebar.add_class("lia-savebar")
        self.problems_html = html_widget()
        self.problems_html.add_class("lia-problems")

        # history and diff
        self.history_title = html_widget()
        self.history_table = html_widget()
        self.diff_a = W.Dropdown(layout=W.Layout(width="220px"))
        self.diff_a.add_class("lia-diff-a")
        self.diff_b = W.Dropdown(layout=W.Layout(width="220px"))
        self.diff_b.add_class("lia-diff-b")
        self.diff_labels = [html_widget(), html_widget(), html_widget()]
        self.diff_button = self._button("lia-diff", self._on_diff)
        self.diff_html = html_widget()
        self.history_box = W.VBox(
            [self.history_title, self.history_table,
             W.HBox([self.diff_labels[0], self.diff_labels[1], self.diff_a, self.diff_labels[2], self.diff_b, self.diff_button]),
             self.diff_html]
        )
        self.history_box.children[2].add_class("lia-compare")
        self.history_box.add_class("lia-history")

        self._build_meta()
        self._build_reportbar()
        self.root = W.VBox(
            [html_widget(_CSS), header, toolbar, self.new_form, self.notice, self.meta_box, self.steps,
             self.progress_text, body, savebar, self.conflict_box, self.problems_html, self.reportbar,
             self.history_box]
        )
        self.root.add_class("lia-app")
        mark_page_language(self.root, self.state.lang)
        self.author.observe(self._on_author, "value")

    def _relabel(self) -> None:
        """Set every fixed text from the UI strings of the current language."""
        t = self.t
        self.title_html.value = (
            f'<div><h1>{_esc(t("app_title"))}</h1><div class="lia-sub">{_esc(t("app_subtitle"))}</div></div>'
        )
        self.author_label.value = f'<span style="color:#e6eef6;margin-right:6px">{_esc(t("author"))}</span>'
        self.author.placeholder = t("author_placeholder")
        self.assessment_label.value = f"<b>{_esc(t('assessment'))}</b>"
        self.version_label.value = f"<b>{_esc(t('version'))}</b>"
        self.open_button.description = t("open")
        self.new_button.description = t("new_assessment")
        self.new_labels[0].value = _esc(t("new_id"))
        self.new_labels[1].value = _esc(t("new_title"))
        self.new_labels[2].value = _esc(t("jurisdictions"))
        self.new_id.placeholder = t("new_id_placeholder")
        for j, cb in self.new_jur.items():
            cb.description = t("jur_" + j)
        self.create_button.description = t("create")
        self.cancel_button.description = t("cancel")
        self.back_button.description = t("back")
        self.next_button.description = t("next")
        self.empty_page.value = f'<div class="lia-msg info" style="margin-top:12px">{_esc(t("no_assessment"))}</div>'
        self.message_label.value = f"<b>{_esc(t('save_message'))}</b>"
        self.message.placeholder = t("save_message_placeholder")
        self.save_button.description = t("save")
        self.history_title.value = f"<h3>{_esc(t('history'))}</h3>"
        self.diff_labels[0].value = f"<b>{_esc(t('compare'))}</b>"
        self.diff_labels[1].value = _esc(t("diff_from"))
        self.diff_labels[2].value = _esc(t("diff_to"))
        self.diff_button.description = t("show_diff")
        self.findings_title.value = f"<h3>{_esc(t('findings'))}</h3>"
        self._relabel_meta()
        self._relabel_reportbar()

    # ============================================================ details, status, report

    def _build_meta(self) -> None:
        """The assessment's details (owner, controller, ...) and its status, with the moves it may make."""
        self.meta_title = html_widget()
        self.status_badge = html_widget()
        self.status_help = html_widget()
        self.status_buttons = W.HBox(layout=W.Layout(align_items="center"))
        self.status_buttons.add_class("lia-status-moves")
        self._move_buttons: dict[str, W.Button] = {}  # target status -> its button (see _refresh_status_moves)
        self.status_feedback = html_widget()
        self.status_feedback.add_class("lia-status-feedback")
        head = W.HBox([self.meta_title, self.status_badge, self.status_buttons, self.status_help])
        head.add_class("lia-meta-head")
        self.meta_inputs: dict[str, W.Widget] = {}
        self.meta_labels: dict[str, W.HTML] = {}
        fields = []
        for name, width in (("title", "320px"), ("owner", "200px"), ("controller", "240px"),
                            ("processing_activity", "300px")):
            w = W.Text(layout=W.Layout(width=width), continuous_update=False)
            w.observe(lambda ch, name=name: self._on_meta(name, ch["new"]), "value")
            self.meta_inputs[name] = w
        self.meta_date = W.DatePicker(layout=W.Layout(width="170px"))
        self.meta_date.observe(lambda ch: self._on_meta("review_date", ch["new"]), "value")
        self.meta_inputs["review_date"] = self.meta_date
        self.meta_jur = {j: W.Checkbox(value=(j == "EU"), indent=False, layout=W.Layout(width="auto", margin="0 10px 0 0"))
                         for j in JURISDICTIONS}
        self.meta_jur["EU"].disabled = True  # EU law always applies
        for j, cb in self.meta_jur.items():
            cb.add_class("lia-meta-jur-" + j)
            cb.observe(lambda _ch: self._on_meta("jurisdictions", [k for k, c in self.meta_jur.items() if c.value]), "value")
        for name in ("title", "owner", "controller", "processing_activity", "review_date", "jurisdictions"):
            self.meta_labels[name] = lab = html_widget()
            control = W.HBox(list(self.meta_jur.values())) if name == "jurisdictions" else self.meta_inputs[name]
            box = W.VBox([lab, control])
            box.add_class("lia-meta-field")
            box.add_class("lia-meta-" + name.replace("_", "-"))
            fields.append(box)
        grid = W.HBox(fields)
        grid.add_class("lia-meta-grid")
        self.meta_box = W.VBox([head, grid, self.status_feedback], layout=W.Layout(display="none"))
        self.meta_box.add_class("lia-meta")
        self._muted_meta = False

    def _relabel_meta(self) -> None:
        t = self.t
        self.meta_title.value = f"<h3>{_esc(t('details'))}</h3>"
        for name, lab in self.meta_labels.items():
            lab.value = f'<span class="lia-meta-label">{_esc(t("meta_" + name))}</span>'
        for j, cb in self.meta_jur.items():
            cb.description = t("jur_" + j)
        self.meta_inputs["owner"].placeholder = t("owner_placeholder")
        self.meta_inputs["controller"].placeholder = t("controller_placeholder")
        self.status_feedback.value = ""

    def _refresh_meta(self) -> None:
        st = self.state
        has = st.assessment_id is not None
        self.meta_box.layout.display = "" if has else "none"
        if not has:
            return
        a = st.assessment
        self._muted_meta = True
        try:
            for name in ("title", "owner", "controller", "processing_activity"):
                self.meta_inputs[name].value = str(a.get(name) or "")
            from lia.wizard.schema import to_date

            self.meta_date.value = to_date(a.get("review_date"))
            jur = set(a.get("jurisdictions") or ["EU"])
            for j, cb in self.meta_jur.items():
                cb.value = j == "EU" or j in jur
        finally:
            self._muted_meta = False
        self._refresh_status_moves()

    def _refresh_status_moves(self) -> None:
        st, t = self.state, self.t
        status = st.status
        self.status_badge.value = (f'<span class="lia-status-badge st-{_esc(status)}">'
                                   f'{_esc(t("meta_status"))}: {_esc(t("status_" + status))}</span>')
        # One button per target, made once and never closed: every save refreshes this row, and a
        # click on a button the browser still shows must reach the kernel. A closed widget's click
        # is dropped there without a word (a move clicked just after "Version 1 saved" was lost).
        buttons = []
        for target in st.status_moves():
            b = self._move_buttons.get(target)
            if b is None:
                b = button_widget(layout=shared_layout(width="auto"),
                                  button_style="primary" if target in ("in_review", "approved") else "")
                b.add_class("lia-move")
                b.add_class("lia-move-" + target)
                b.on_click(lambda _b, target=target: self.move_status(target))
                self._move_buttons[target] = b
            b.description = t("move_" + target)
            buttons.append(b)
        if tuple(buttons) != tuple(self.status_buttons.children):
            self.status_buttons.children = buttons
        self.status_help.value = f'<span class="lia-status-help">{_esc(t("status_help_" + status))}</span>'

    def _on_meta(self, name: str, value: Any) -> None:
        from lia.errors import LiaError
        from lia.wizard.schema import from_date

        if self._muted_meta or self.state.assessment_id is None:
            return
        if name == "review_date":
            value = from_date(value) if value is not None else None
        try:
            self.state.set_meta(name, value)
        except LiaError as err:
            self.status_feedback.value = f'<div class="lia-msg error">{_esc(translate_error(err, self.state.lang))}</div>'
            return
        self.status_feedback.value = ""
        self._refresh_status()
        if name == "jurisdictions":  # other rules apply
            self._refresh_reasoning()

    def move_status(self, target: str) -> Any:
        """Move the open assessment to *target* and save that as a version by the author; None if refused."""
        from lia.errors import ConflictError, LiaError, ValidationError

        st, t = self.state, self.t
        self.status_feedback.value = ""
        author = self.author.value.strip()
        if not author:
            self.author.add_class("lia-missing")
            return self._status_say(t("save_needs_author"), "error")
        invalid = [p for p in st.problems() if p.key != "problem_required"]
        if invalid:
            self._show_problems(invalid, "invalid_answers")
            return self._status_say(t("not_saved_see_below"), "error")
        signed = False
        if target == "approved" and st.base is not None:
            from lia.wizard.actions import dpo_signed

            signed = dpo_signed(st.store.ws, st.assessment_id, int(st.base.number)) and not st.dirty
        problems = st.status_problems(target, dpo_signed=signed)
        if problems:
            items = "".join(f"<li>{_esc(self._status_problem_text(p))}</li>" for p in problems[:8])
            more = f"<li>… (+{len(problems) - 8})</li>" if len(problems) > 8 else ""
            self.status_feedback.value = (f'<div class="lia-msg error"><b>{_esc(t("status_refused", status=t("status_" + target)))}'
                                          f"</b><ul>{items}{more}</ul></div>")
            for p in problems:
                block = self.blocks.get(p.question)
                if block is not None:
                    block.show_problem(self._problem_text(p, with_question=False))
            return None
        message = self.message.value.strip() or t("status_message", before=t("status_" + st.status),
                                                  after=t("status_" + target))
        try:
            version = st.move_status(target, author, message, dpo_signed=signed)
        except ConflictError:
            self.clash_choices = {}
            self._refresh_conflict()
            self._refresh_status()
            c = st.conflict
            assert c is not None  # a refused save always leaves its conflict on the state
            return self._status_say(t("conflict_short", author=c.head.author, head=int(c.head.number)), "error")
        except ValidationError as err:
            self._show_validation_error(err)
            return self._status_say(t("not_saved_see_below"), "error")
        except LiaError as err:
            return self._status_say(t("save_failed", error=translate_error(err, st.lang)), "error")
        self._after_save(version, t("status_moved", status=t("status_" + target), n=int(version.number)))
        self._status_say(t("status_moved", status=t("status_" + target), n=int(version.number)), "ok")
        return version

    def _status_problem_text(self, p: Problem) -> str:
        if p.question == "assessment.status":
            values = dict(p.values)
            if "current" in values:
                values = {"current": self.t("status_" + values["current"]), "target": self.t("status_" + values["target"])}
            return self.t(p.key, **values)
        return self._problem_text(p)

    def _status_say(self, text: str, kind: str) -> None:
        self.status_feedback.value = f'<div class="lia-msg {kind}">{_esc(text)}</div>'
        self._say(text, kind)

    # ------------------------------------------------------------ render and sign

    def _build_reportbar(self) -> None:
        """Render the open version as a report (in the background) and sign it with a key of the user's own."""
        self.report_title = html_widget()
        self.render_button = self._button("lia-render", self._on_render, "primary")
        self.render_pdf = W.Checkbox(value=True, indent=False, layout=W.Layout(width="auto"))
        self.render_pdf.add_class("lia-render-pdf")
        self.render_progress = html_widget()
        self.render_progress.add_class("lia-render-progress")
        self.report_info = html_widget()
        self.report_info.add_class("lia-report-info")
        self.key_label = html_widget()
        self.key_chooser = W.Dropdown(layout=W.Layout(width="260px"))
        self.key_chooser.add_class("lia-key")
        self.passphrase_label = html_widget()
        self.passphrase = W.Password(layout=W.Layout(width="200px"))
        self.passphrase.add_class("lia-passphrase")
        self.sign_button = self._button("lia-sign", self._on_sign, "success")
        self.sign_feedback = html_widget()
        self.sign_feedback.add_class("lia-sign-feedback")
        row1 = W.HBox([self.render_button, self.render_pdf, self.render_progress])
        row1.add_class("lia-row")
        row2 = W.HBox([self.key_label, self.key_chooser, self.passphrase_label, self.passphrase, self.sign_button])
        row2.add_class("lia-row")
        self.reportbar = W.VBox([self.report_title, row1, self.report_info, row2, self.sign_feedback],
                                layout=W.Layout(display="none"))
        self.reportbar.add_class("lia-reportbar")
        self.render_task: Any = None
        self.report_dir: Path | None = None

    def _relabel_reportbar(self) -> None:
        t = self.t
        self.report_title.value = f"<h3>{_esc(t('report_title'))}</h3>"
        self.render_button.description = t("render")
        self.render_pdf.description = t("render_pdf")
        self.key_label.value = f"<b>{_esc(t('sign_key'))}</b>"
        self.passphrase_label.value = _esc(t("passphrase"))
        self.sign_button.description = t("sign")
        self.sign_feedback.value = ""  # said in the language before; the report line below says it anew
        if self.render_task is not None:
            self._render_changed(self.render_task)

    def _refresh_reportbar(self) -> None:
        st, t = self.state, self.t
        saved = st.assessment_id is not None and st.base is not None
        self.reportbar.layout.display = "" if saved else "none"
        if not saved:
            return
        from lia.wizard.actions import key_folder, list_keys, report_for

        keys = list_keys()
        options = [(p.stem, str(p)) for p in keys] or [(t("no_keys"), "")]
        if [o[1] for o in self.key_chooser.options] != [o[1] for o in options]:
            self.key_chooser.options = options
        if self.key_chooser.value not in [o[1] for o in options]:
            self.key_chooser.value = options[0][1]
        self.key_chooser.disabled = not keys
        self.sign_button.disabled = not keys or (self.render_task is not None and self.render_task.running)
        self.render_button.disabled = self.render_task is not None and self.render_task.running
        if not keys:
            self.sign_feedback.value = f'<div class="lia-muted">{_esc(t("no_keys_help", folder=str(key_folder())))}</div>'
        self.report_dir = report_for(st.store.ws, st.assessment_id, int(st.base.number))
        self._show_report_info()

    def _show_report_info(self) -> None:
        st, t = self.state, self.t
        if st.base is None:
            return
        n = int(st.base.number)
        if self.report_dir is None:
            self.report_info.value = f'<div class="lia-muted">{_esc(t("report_none", n=n))}</div>'
            return
        from lia.errors import LiaError
        from lia.wizard.actions import verify, viewer_url

        try:
            v = verify(st.store.ws, self.report_dir)
            signers = [f"{s.name} ({s.role})" for s in v.signers if s.valid]
            from lia.signing import ENVELOPE_FILE

            unsigned = not (self.report_dir / ENVELOPE_FILE).exists()
            problems = [p for p in v.problems if not (unsigned and p[0] == ENVELOPE_FILE)]
            if problems:
                state = t("report_failing")
            elif v.stale:
                state = t("report_stale")
            else:
                state = t("report_current")
            who = t("report_signed_by", names=", ".join(signers)) if signers else t("report_unsigned")
        except LiaError as err:
            state, who = t("report_failing"), translate_error(err, st.lang)
        url = viewer_url(st.assessment_id, n, self.report_dir, st.lang)
        self.report_info.value = (
            f'<div class="lia-report-state">{_esc(t("report_of", name=self.report_dir.name, n=n))}: '
            f"<b>{_esc(state)}</b>; {_esc(who)}. "
            f'<a class="lia-viewer-link" href="{_esc(url)}" target="_blank" rel="noopener">{_esc(t("open_viewer"))}</a></div>'
        )

    def _on_render(self, _b: Any) -> None:
        self.render_report()

    def render_report(self, wait: bool = False) -> Any:
        """Render the open, saved version in the background; progress and the viewer link appear on the page."""
        st, t = self.state, self.t
        if st.assessment_id is None or st.base is None:
            self.render_progress.value = f'<span class="lia-msg error">{_esc(t("render_needs_save"))}</span>'
            return None
        if st.dirty:
            self.render_progress.value = f'<span class="lia-msg error">{_esc(t("render_unsaved"))}</span>'
            return None
        if self.render_task is not None and self.render_task.running:
            return self.render_task
        from lia.wizard.actions import RenderTask

        self.sign_feedback.value = ""
        self.render_task = task = RenderTask(st.store.ws, st.assessment_id, int(st.base.number), lang=st.lang,
                                             pdf=bool(self.render_pdf.value), on_change=self._render_changed)
        self.render_button.disabled = True
        self.sign_button.disabled = True
        task.start()
        if wait:
            task.join()
        return task

    def _render_changed(self, task: Any) -> None:
        t = self.t
        if task is not self.render_task:
            return
        if task.state == "running":
            what = t("rendering_pdf" if task.pdf else "rendering", s=int(task.elapsed))
            self.render_progress.value = f'<span class="lia-rendering"><span class="lia-spin"><div></div></span>{_esc(what)}</span>'
            return
        self.render_button.disabled = False
        if task.state == "failed":
            self.render_progress.value = (f'<span class="lia-msg error lia-render-failed">'
                                          f'{_esc(t("render_failed", error=self._translated(task.error or "")))}</span>')
            self._refresh_reportbar()
            return
        from lia.wizard.actions import viewer_url

        url = viewer_url(task.aid, task.number, task.dir, self.state.lang)
        self.render_progress.value = (
            f'<span class="lia-msg ok lia-rendered">{_esc(t("rendered", name=task.dir.name, s=round(task.elapsed)))} '
            f'<a class="lia-viewer-link lia-viewer-new" href="{_esc(url)}" target="_blank" rel="noopener">'
            f'{_esc(t("open_viewer"))} ↗</a></span>'
        )
        self._refresh_reportbar()

    def _translated(self, text: str) -> str:
        from lia.messages import translate

        try:
            return translate(text, self.state.lang)
        except Exception:  # noqa: BLE001 - an untranslated message is still better than none
            return text

    def _on_sign(self, _b: Any) -> None:
        self.sign_report()

    def sign_report(self) -> Any:
        """Sign the newest report of the open version with the chosen key; the passphrase is cleared at once."""
        from lia.errors import LiaError

        st, t = self.state, self.t
        passphrase, self.passphrase.value = self.passphrase.value, ""
        self.sign_feedback.value = ""
        if st.assessment_id is None or st.base is None or self.report_dir is None:
            return self._sign_say(t("sign_needs_report"), "error")
        from lia.wizard.actions import key_folder, sign

        if not self.key_chooser.value:
            return self._sign_say(t("no_keys_help", folder=str(key_folder())), "error")

        from lia.wizard.actions import SignRefused

        try:
            info = sign(st.store.ws, self.report_dir, Path(self.key_chooser.value), passphrase or None)
        except SignRefused as err:
            details = "; ".join(self._translated(d) for d in err.details)
            return self._sign_say(t("sign_refused_" + err.reason, details=details), "error")
        except LiaError as err:
            return self._sign_say(t("sign_refused", error=translate_error(err, st.lang)), "error")
        finally:
            passphrase = ""
        self._show_report_info()
        self.status_feedback.value = ""  # a refusal "needs a DPO signature" shown earlier no longer holds
        self._sign_say(t("signed", name=info["name"], role=info["role"], report=self.report_dir.name), "ok")
        return info

    def _sign_say(self, text: str, kind: str) -> None:
        self.sign_feedback.value = f'<div class="lia-msg {kind}">{_esc(text)}</div>'

    # ============================================================ refresh

    def refresh_all(self) -> None:
        """Re-render everything from the state (after open, new, language switch)."""
        self._refresh_chooser()
        self._refresh_versions()
        self._refresh_page()
        self._refresh_reasoning()
        self._refresh_history()
        self._refresh_conflict()
        self._refresh_status()
        self._refresh_meta()
        self._refresh_reportbar()

    def _refresh_chooser(self) -> None:
        ids = self.state.ids()
        current = self.state.assessment_id
        options = [(self.t("choose"), "")] + [(i, i) for i in ids]
        if current and current not in ids:
            options.append((current, current))
        self._muted_chooser = True
        try:
            self.chooser.options = options
            self.chooser.value = current or ""
        finally:
            self._muted_chooser = False

    def _refresh_versions(self) -> None:
        aid = self.chooser.value
        options: list[tuple[str, Any]] = [(self.t("latest"), 0)]
        if aid and self.state.store.exists(aid):
            numbers = self.state.store.numbers(aid)
            options += [(f"{self.t('version')} {n}", n) for n in reversed(numbers)]
        self.version_chooser.options = options
        self.version_chooser.value = 0

    def _refresh_status(self) -> None:
        st, t = self.state, self.t
        if st.assessment_id is None:
            cls, text = "none", t("no_assessment").split(".")[0]
        elif st.base is None:
            cls, text = "dirty", t("status_new")
        elif st.dirty:
            cls, text = "dirty", t("status_unsaved")
        else:
            history_head = self._head_number()
            if history_head is not None and history_head != st.base_number:
                cls, text = "clean", t("status_old_version", n=st.base_number, head=history_head)
            else:
                cls, text = "clean", t("status_saved", n=st.base_number)
        self.status.value = f'<span class="lia-status {cls}">{"● " if cls == "dirty" else ""}{_esc(text)}</span>'
        has = st.assessment_id is not None
        self.save_button.disabled = not has
        self.savebar.layout.display = "" if has else "none"
        self.history_box.layout.display = "" if has else "none"

    def _refresh_progress(self) -> None:
        st, t = self.state, self.t
        progress = st.progress()
        if len(self.steps.children) != len(progress):
            for old in self.steps.children:
                old.close()
            buttons = []
            for p in progress:
                b = button_widget(layout=shared_layout(width="auto", height="28px"))
                b.add_class("lia-step")
                b.add_class("lia-step-" + st.form.sections[p.index].id)
                b.on_click(lambda _b, i=p.index: self.goto_section(i))
                buttons.append(b)
            self.steps.children = buttons
        for p, b in zip(progress, self.steps.children):
            section = st.form.sections[p.index]
            mark = "✓ " if p.complete else ""
            count = f" {p.answered}/{p.required}" if p.required else ""
            b.description = f"{mark}{p.index + 1} {label(section.title, st.lang)}{count}"
            state = "current" if p.index == st.section_index else ("done" if p.complete else "todo")
            for cls in ("current", "done", "todo"):
                if cls != state and cls in b._dom_classes:
                    b.remove_class(cls)
            if state not in b._dom_classes:
                b.add_class(state)
        answered = sum(p.answered for p in progress if not p.all_count)
        required = sum(p.required for p in progress if not p.all_count)
        pct = 100 if required == 0 else round(100 * answered / required)
        self.progress_text.value = (
            f'<div class="lia-progress-text">{_esc(t("progress", answered=answered, required=required))}</div>'
            f'<div class="lia-bar"><div style="width:{pct}%"></div></div>'
        )

    def _section_view(self, index: int) -> W.VBox:
        if index not in self._section_views:
            section = self.state.form.sections[index]
            blocks = []
            for q in section.questions:
                shown = q if q.required or not self.state.required(q) else dataclasses.replace(q, required=True)
                block = QuestionBlock(shown, self.t, self._on_answer, value=self.state.answers.get(q.id))
                self.blocks[q.id] = block
                blocks.append(block.box)
            self._section_views[index] = W.VBox(blocks)
        return self._section_views[index]

    def _drop_views(self) -> None:
        # close the old question widgets one by one (never Widget.close_all: that closes the page)
        for block in self.blocks.values():
            for w in _descendants(block.box):
                w.close()
        for view in self._section_views.values():
            view.close()
        self.blocks = {}
        self._section_views = {}

    def _refresh_page(self) -> None:
        st, t = self.state, self.t
        has = st.assessment_id is not None and bool(st.form.sections)
        self.empty_page.layout.display = "none" if has else ""
        self.section_page.layout.display = "" if has else "none"
        self.steps.layout.display = "" if has else "none"
        self.progress_text.layout.display = "" if has else "none"
        if not has:
            return
        st.section_index = max(0, min(st.section_index, len(st.form.sections) - 1))
        section = st.form.sections[st.section_index]
        self.section_title.value = f"<h2>{_esc(label(section.title, st.lang))}</h2>"
        intro = label(section.intro, st.lang)
        legend = f'<span class="lia-muted">{_esc(t("required_legend"))}</span>'
        self.section_intro.value = f'<div class="lia-section-intro">{_esc(intro)} {legend}</div>'
        self.questions_box.children = (self._section_view(st.section_index),)
        self._refresh_visibility()
        n = len(st.form.sections)
        self.section_counter.value = f'<span class="lia-muted">{_esc(t("section_of", n=st.section_index + 1, total=n))}</span>'
        self.back_button.disabled = st.section_index == 0
        self.next_button.disabled = st.section_index >= n - 1
        self._refresh_progress()

    def _refresh_visibility(self) -> None:
        section = self.state.form.sections[self.state.section_index]
        for q in section.questions:
            block = self.blocks.get(q.id)
            if block is not None:
                block.set_visible(self.state.visible(q))

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
            parts.append(f'<div class="lia-msg error">{_esc(t("reasoning_failed", error=r.error))}</div>')
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
        from ..kernel import kernel_loop

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
            return f'<div class="lia-msg error lia-evidence">{_esc(t("evidence_failed", error=err))}</div>'
        if not ev:
            return f'<div class="lia-muted lia-evidence">{_esc(t("evidence_none"))}</div>'
        src = (ev.get("source") or {}).get("name") or ev.get("file")
        return (f'<div class="lia-muted lia-evidence">'
                f'{_esc(t("evidence_used", source=src, n=ev.get("breaches", 0), when=ev.get("analysed_at", "")))}</div>')

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
            items.append(html_widget(f'<div class="lia-msg error">{_esc(t("chart_failed", error=error))}</div>'))
        self.charts_box.children = items

    def _refresh_history(self) -> None:
        st, t = self.state, self.t
        versions = st.history()
        if not versions:
            self.history_table.value = f'<div class="lia-muted">{_esc(t("no_history"))}</div>'
        else:
            rows = "".join(
                f'<tr class="lia-hrow"><td>{int(v.number)}</td><td>{_esc(format_time(v.time, t.lang))}</td>'
                f"<td>{_esc(v.author)}</td><td>{_esc(v.message)}</td></tr>"
                for v in reversed(versions)
            )
            self.history_table.value = (
                f'<table class="lia-htable"><tr><th>{_esc(t("col_version"))}</th><th>{_esc(t("col_time"))}</th>'
                f'<th>{_esc(t("col_author"))}</th><th>{_esc(t("col_message"))}</th></tr>{rows}</table>'
            )
        options = [(f"{t('version')} {int(v.number)}", int(v.number)) for v in reversed(versions)]
        options.append((t("working_copy"), WORKING))
        old_a, old_b = self.diff_a.value, self.diff_b.value
        self.diff_a.options = options
        self.diff_b.options = options
        values = [o[1] for o in options]
        self.diff_a.value = old_a if old_a in values and old_a != WORKING else (values[1] if len(values) > 2 else values[0])
        self.diff_b.value = old_b if old_b in values else (values[0] if len(values) > 1 else WORKING)
        self.diff_button.disabled = len(values) < 2

    def _refresh_conflict(self) -> None:
        st, t = self.state, self.t
        c = st.conflict
        if c is None:
            self.conflict_box.layout.display = "none"
            self.conflict_diff.value = ""
            self.conflict_feedback.value = ""
            self._set_clashes([])
            self.clash_choices = {}
            return
        head = int(c.head.number)
        if c.base_number is None:
            text = t("conflict_new", id=st.assessment_id, head=head)
        else:
            text = t("conflict", author=c.head.author, head=head, time=format_time(c.head.time, t.lang), base=c.base_number)
        self.conflict_text.value = f"<b>{_esc(text)}</b>"
        m = c.merge
        items = []
        if m is not None:
            if m.theirs_only:
                items.append(t("merge_theirs", author=c.head.author, head=head, questions=self._names(m.theirs_only)))
            if m.mine_only:
                items.append(t("merge_mine", questions=self._names(m.mine_only)))
            if m.both_same:
                items.append(t("merge_same", questions=self._names(m.both_same)))
            lead = t("merge_clean", head=head) if m.clean else t("merge_clashes", n=len(m.clashes), author=c.head.author)
        else:
            lead = ""
        listed = "".join(f"<li>{_esc(i)}</li>" for i in items)
        self.merge_summary.value = f"<div>{_esc(lead)}</div>" + (f"<ul>{listed}</ul>" if listed else "")
        self._set_clashes(list(m.clashes) if m is not None else [], c)
        self.conflict_diff_button.description = t("show_conflict_diff", head=head)
        self.conflict_merge_button.description = t("save_merged", head=head)
        self.conflict_take_button.description = t("discard_mine", head=head)
        self.conflict_box.layout.display = ""

    def _names(self, keys: list[str]) -> str:
        return "; ".join(self._where_name(k) for k in keys)

    def _where_name(self, where: str) -> str:
        """A question's text, or a metadata field's name, for a merge key."""
        if where.startswith("assessment."):
            key = "meta_" + where.split(".", 1)[1]
            return self.t(key) if key in self.t.catalogue else where
        return self._question_name(where)

    def _where_value(self, where: str, value: Any) -> str:
        from lia.merge import MISSING

        if value is MISSING or value is None:
            return self.t("no_answer")
        if where.startswith("assessment."):
            return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        return format_value(self.state.form.questions.get(where), value, self.t)

    def _set_clashes(self, clashes: list[Any], c: Any = None) -> None:
        """One row per question both sides changed: mine and theirs side by side, and a choice."""
        t = self.t
        for old in self.clash_box.children:
            for w in _descendants(old):
                w.close()
        rows: list[W.Widget] = []
        for clash in clashes:
            where = clash.where
            choice = W.ToggleButtons(
                options=[(t("take_mine"), "mine"), (t("take_theirs", author=c.head.author), "theirs")],
                value=self.clash_choices.get(where), style={"button_width": "auto"},
            )
            choice.add_class("lia-clash-choice")
            choice.observe(lambda change, where=where: self._on_clash_choice(where, change["new"]), "value")
            mine = html_widget(
                f'<div class="lia-clash-who">{_esc(t("clash_mine"))}</div><div>{_esc(self._where_value(where, clash.mine))}</div>'
            )
            mine.add_class("lia-clash-side")
            mine.add_class("lia-clash-mine")
            theirs = html_widget(
                f'<div class="lia-clash-who">{_esc(t("clash_theirs", author=c.head.author, head=int(c.head.number)))}</div>'
                f"<div>{_esc(self._where_value(where, clash.theirs))}</div>"
            )
            theirs.add_class("lia-clash-side")
            theirs.add_class("lia-clash-theirs")
            sides = W.HBox([mine, theirs])
            sides.add_class("lia-clash-sides")
            row = W.VBox([html_widget(f'<div class="lia-clash-q">{_esc(self._where_name(where))}</div>'), sides, choice])
            row.add_class("lia-clash")
            row.add_class("lia-clash-" + where.replace(".", "-"))
            rows.append(row)
        self.clash_box.children = rows

    def _on_clash_choice(self, where: str, side: Any) -> None:
        if side in ("mine", "theirs"):
            self.clash_choices[where] = side
        self.conflict_feedback.value = ""

    def _say(self, text: str, kind: str = "info") -> None:
        self.notice.value = f'<div class="lia-msg {kind}">{_esc(text)}</div>' if text else ""

    # ============================================================ actions

    def goto_section(self, index: int) -> None:
        """Show section *index* (clamped to the existing ones)."""
        n = len(self.state.form.sections)
        self.state.section_index = max(0, min(index, n - 1))
        for block in self.blocks.values():
            block.highlight(False)
        self._refresh_page()

    def next_section(self) -> None:
        """"Next": show the next section from its top.

        The section's step in the progress row, just above its title, gets the keyboard
        focus, so the browser scrolls up to it instead of leaving the reader at the bottom.
        """
        self.goto_section(self.state.section_index + 1)
        steps = self.steps.children
        if 0 <= self.state.section_index < len(steps):
            steps[self.state.section_index].focus()

    def goto_question(self, question_id: str) -> None:
        """Show the section of *question_id*, highlight the question and focus its input."""
        index = self.state.form.section_of(question_id)
        if index is None:
            return
        self.goto_section(index)
        block = self.blocks.get(question_id)
        if block is not None:
            block.highlight(True)
            block.control.focus()

    def set_language(self, lang: str) -> None:
        """Relabel the whole page in *lang*; answers stay as they are."""
        self.lang_toggle.value = lang

    def _on_lang(self, change: dict[str, Any]) -> None:
        lang = change["new"]
        if lang not in LANGS:
            return
        self.state.lang = lang
        self.t = Strings(lang)
        mark_page_language(self.root, lang)
        self._drop_views()
        self._relabel()
        self.refresh_all()
        self._say("")

    def _on_answer(self, question_id: str, value: Any) -> None:
        st = self.state
        block = self.blocks.get(question_id)
        st.set_answer(question_id, value)
        if block is not None and block.control.error:
            block.show_problem(self.t("problem_" + block.control.error))
        elif block is not None:
            from lia.wizard.state import _value_problems

            probs = _value_problems(block.field, value) if value is not None else []
            block.show_problem("; ".join(self._problem_text(p, with_question=False) for p in probs) or None)
        self._refresh_visibility()
        self._refresh_progress()
        self._refresh_status()
        self._refresh_reasoning()
        if st.conflict is not None:  # the merge shown follows the answers on screen
            st.refresh_merge()
            self._refresh_conflict()

    def _on_choose(self, change: dict[str, Any]) -> None:
        if getattr(self, "_muted_chooser", False):
            return
        self._refresh_versions()

    def open(self, assessment_id: str, number: int | None = None) -> None:
        """Open *number* (latest if None) of an assessment, replacing the answers on screen."""
        from lia.errors import LiaError

        try:
            version = self.state.load(assessment_id, number)
        except LiaError as err:
            self._say(self.t("load_failed", error=translate_error(err, self.state.lang)), "error")
            return
        self._confirm_discard = False
        self.state.section_index = 0
        self._drop_views()
        self.refresh_all()
        self.problems_html.value = ""
        self.save_status.value = ""
        self._say(self.t("opened", id=assessment_id, n=int(version.number)), "ok")

    def _discard_ok(self) -> bool:
        """A second click is needed to throw away unsaved changes."""
        if self.state.dirty and not self._confirm_discard:
            self._confirm_discard = True
            self._say(self.t("discard_unsaved"), "error")
            return False
        return True

    def _on_open(self, _b: Any) -> None:
        aid = self.chooser.value
        if not aid:
            return
        if not self._discard_ok():
            return
        self.open(aid, self.version_chooser.value or None)

    def _on_new_toggle(self, _b: Any) -> None:
        showing = self.new_form.layout.display != "none"
        self.new_form.layout.display = "none" if showing else ""

    def _on_create(self, _b: Any) -> None:
        from lia.errors import LiaError
        from lia.wizard.state import ID_PATTERN

        t = self.t
        aid, title = self.new_id.value.strip(), self.new_title.value.strip()
        jur = [j for j, cb in self.new_jur.items() if cb.value]
        if not ID_PATTERN.match(aid):
            return self._say(t("id_expected"), "error")
        if self.state.store.exists(aid):
            return self._say(t("assessment_exists", id=aid), "error")
        if not title:
            return self._say(t("title_required"), "error")
        if not jur:
            return self._say(t("jurisdictions_required"), "error")
        if not self._discard_ok():
            return
        try:
            self.state.new(aid, title, jur)
        except LiaError as err:
            return self._say(translate_error(err, self.state.lang), "error")
        self._confirm_discard = False
        self.new_form.layout.display = "none"
        self.new_id.value = ""
        self.new_title.value = ""
        self._drop_views()
        self.refresh_all()
        self.problems_html.value = ""
        self.save_status.value = ""
        self._say(t("created", id=aid), "ok")

    def save(self) -> Any:
        """Save the answers on screen as a new version; returns it, or None if refused.

        What happened is said next to the Save button (and at the top); panels of an
        earlier attempt are cleared first, so nothing stale stays on screen.
        """
        from lia.errors import ConflictError, LiaError, ValidationError

        st, t = self.state, self.t
        self._say_save("")
        self.problems_html.value = ""
        if st.assessment_id is None:
            self._say_save(t("save_needs_assessment"), "error")
            return None
        author = self.author.value.strip()
        if not author:
            self.author.add_class("lia-missing")
            self._say_save(t("save_needs_author"), "error")
            return None
        if st.base is not None and not st.dirty and st.base_number == self._head_number():
            self._say_save(t("nothing_to_save", n=st.base_number), "info")
            return None
        invalid = [p for p in st.problems() if p.key != "problem_required"]
        invalid += [Problem(qid, "problem_" + b.control.error) for qid, b in self.blocks.items() if b.control.error]
        if invalid:
            self._show_problems(invalid, "invalid_answers")
            self._say_save(t("not_saved_see_below"), "error")
            return None
        message = self.message.value.strip() or t("default_message")
        try:
            version = st.save(author, message)
        except ConflictError:
            self.clash_choices = {}
            self._refresh_conflict()
            self._refresh_status()
            c = st.conflict
            assert c is not None  # a refused save always leaves its conflict on the state
            self._say_save(t("conflict_short", author=c.head.author, head=int(c.head.number)), "error")
            return None
        except ValidationError as err:
            self._show_validation_error(err)
            return None
        except LiaError as err:
            self._say_save(t("save_failed", error=translate_error(err, st.lang)), "error")
            return None
        self._after_save(version, t("saved", n=int(version.number)))
        return version

    def save_merged(self) -> Any:
        """After a conflict: save the answers merged with the newer version, with the choices made per question."""
        from lia.errors import ConflictError, LiaError, ValidationError

        st, t = self.state, self.t
        c = st.conflict
        if c is None:
            return None
        self.conflict_feedback.value = ""
        author = self.author.value.strip()
        if not author:
            self.author.add_class("lia-missing")
            self._conflict_say(t("save_needs_author"), "error")
            return None
        open_ = [x for x in (c.merge.clashes if c.merge is not None else []) if self.clash_choices.get(x.where) not in ("mine", "theirs")]
        if open_:
            self._conflict_say(t("choose_each", questions=self._names([x.where for x in open_])), "error")
            return None
        message = self.message.value.strip() or t("default_message")
        note = t("merge_note" if c.base_number else "merge_note_new")
        try:
            version = st.save_merged(author, message, dict(self.clash_choices), merge_note=note, expect_head=int(c.head.number))
        except ConflictError:
            self._refresh_conflict()
            self._refresh_status()
            assert st.conflict is not None
            head = st.conflict.head
            if int(head.number) == int(c.head.number):  # my edits since touched questions they changed too
                self._conflict_say(t("merge_choose_new", author=head.author), "error")
            else:
                self._conflict_say(t("merge_again", author=head.author, head=int(head.number)), "error")
            return None
        except ValidationError as err:
            self._show_validation_error(err)
            self._conflict_say(t("not_saved_see_below"), "error")
            return None
        except LiaError as err:
            self._conflict_say(t("save_failed", error=translate_error(err, st.lang)), "error")
            return None
        # the screen now shows the merged answers: rebuild the questions from them
        section = st.section_index
        self._drop_views()
        st.section_index = section
        self.refresh_all()
        self._after_save(version, t("saved_merged", n=int(version.number), head=int(version.number) - 1))
        return version

    def _after_save(self, version: Any, text: str) -> None:
        st = self.state
        self.message.value = ""
        self._confirm_discard = False
        self.clash_choices = {}
        self._say_save(text, "ok")
        missing = [p for p in st.problems() if p.key == "problem_required"]
        self._show_problems(missing, "validation_problems") if missing else setattr(self.problems_html, "value", "")
        self._refresh_conflict()
        self._refresh_chooser()
        self._refresh_versions()
        self._refresh_history()
        self._refresh_status()
        self._refresh_meta()
        self._refresh_reportbar()

    def _show_validation_error(self, err: Any) -> None:
        t = self.t
        items = "".join(
            f"<li>{_esc(self._question_name(str(p.where).split('[')[0]))}: {_esc(p.message)}</li>" for p in err.problems[:30]
        )
        self.problems_html.value = f'<div class="lia-msg error"><b>{_esc(t("invalid_answers"))}</b><ul>{items}</ul></div>'
        self._say_save(t("not_saved_see_below"), "error")

    def _say_save(self, text: str, kind: str = "info") -> None:
        """Say what a click on Save did, next to the button (where the user is) and in the notice at the top."""
        self.save_status.value = f'<span class="lia-msg {kind} lia-save-feedback">{_esc(text)}</span>' if text else ""
        self._say(text, kind)

    def _conflict_say(self, text: str, kind: str = "info") -> None:
        self.conflict_feedback.value = f'<span class="lia-msg {kind} lia-save-feedback">{_esc(text)}</span>' if text else ""

    def _on_author(self, _change: Any) -> None:
        if self.author.value.strip():
            self.author.remove_class("lia-missing")
        self._refresh_status()

    def _head_number(self) -> int | None:
        st = self.state
        if st.assessment_id is None or not st.store.exists(st.assessment_id):
            return None
        return int(st.store.head_number(st.assessment_id))

    def _problem_text(self, p: Any, with_question: bool = True) -> str:
        t = self.t
        values = dict(p.values)
        q = self.state.form.questions.get(p.question)
        if p.key == "problem_row" and q is not None:
            col = next((c for c in q.columns if c.id == values.get("column")), None)
            if col is not None:
                values["column"] = label(col.text, self.state.lang)
        from lia.wizard.widgets import _number_text

        values = {k: _number_text(v) if isinstance(v, float) else v for k, v in values.items()}
        text = t(p.key, **values)
        if with_question and q is not None:
            section = self.state.form.sections[self.state.form.section_of(p.question) or 0]
            return f"{label(section.title, self.state.lang)} › {label(q.text, self.state.lang)}: {text}"
        return text

    def _show_problems(self, problems: list[Any], key: str) -> None:
        t = self.t
        items = "".join(f"<li>{_esc(self._problem_text(p))}</li>" for p in problems[:30])
        more = f"<li>… (+{len(problems) - 30})</li>" if len(problems) > 30 else ""
        self.problems_html.value = f'<div class="lia-msg {"error" if key == "invalid_answers" else "info"}"><b>{_esc(t(key))}</b><ul>{items}{more}</ul></div>'
        for p in problems:
            block = self.blocks.get(p.question)
            if block is not None:
                block.show_problem(self._problem_text(p, with_question=False))

    def _on_save(self, _b: Any) -> None:
        self.save()

    def _on_diff(self, _b: Any) -> None:
        self.show_diff(self.diff_a.value, self.diff_b.value)

    def show_diff(self, a: int | str, b: int | str, target: W.HTML | None = None) -> None:
        """Show the answers that differ from *a* to *b* (version numbers or WORKING)."""
        st, t = self.state, self.t
        target = target or self.diff_html
        rows = st.diff(a, b)

        def name(v: int | str) -> str:
            return t("working_copy") if v == WORKING else str(v)

        head = f'<div style="margin:8px 0 4px 0"><b>{_esc(t("diff_title", a=name(a), b=name(b), n=len(rows)))}</b></div>'
        if not rows:
            target.value = head + f'<div class="lia-muted">{_esc(t("diff_none"))}</div>'
            return
        body = "".join(
            f'<tr class="lia-drow"><td>{_esc(self._question_name(r.question))}</td>'
            f'<td class="before">{_esc(format_value(st.form.questions.get(r.question), r.before, t))}</td>'
            f'<td class="after">{_esc(format_value(st.form.questions.get(r.question), r.after, t))}</td></tr>'
            for r in rows
        )
        target.value = head + (
            f'<table class="lia-dtable"><tr><th>{_esc(t("diff_question"))}</th><th>{_esc(t("diff_before"))}</th>'
            f'<th>{_esc(t("diff_after"))}</th></tr>{body}</table>'
        )

    def _question_name(self, qid: str) -> str:
        q = self.state.form.questions.get(qid)
        return label(q.text, self.state.lang) if q is not None else qid

    def _on_conflict_diff(self, _b: Any) -> None:
        c = self.state.conflict
        if c is not None:
            self.show_diff(int(c.head.number), WORKING, target=self.conflict_diff)

    def _on_conflict_merge(self, _b: Any) -> None:
        self.save_merged()

    def _on_conflict_take(self, _b: Any) -> None:
        c = self.state.conflict
        if c is None or self.state.assessment_id is None:
            return
        self._confirm_discard = True
        self.open(self.state.assessment_id, int(c.head.number))

    # ============================================================ request

    def apply_request(self, env: Mapping[str, str] | None = None) -> None:
        """Use what the HTTP request says: author from the proxy header, ``?assessment=``, ``?version=`` and ``?lang=``."""
        env = os.environ if env is None else env
        # a preheated kernel built the page before the request: the workspace may have changed since
        self._refresh_chooser()
        self._refresh_versions()
        author = author_from_env(env)
        # The proxy's header names this visitor and wins over the server-wide LIA_AUTHOR the
        # preheated page was built with; LIA_AUTHOR only fills an empty field.
        if author and (not self.author.value or _header_author(env)):
            self.author.value = author
        query = parse_qs(env.get("QUERY_STRING", "") or "")
        lang = (query.get("lang") or [""])[0]
        if lang in LANGS and lang != self.state.lang:
            self.set_language(lang)
        aid = (query.get("assessment") or [""])[0]
        ids = self.state.ids()
        if aid and aid in ids:
            raw = (query.get("version") or [""])[0]
            # only ASCII digits: '²'.isdigit() is true but int('²') fails; a huge number is no version either
            self.open(aid, int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None)
        elif not aid and len(ids) == 1 and self.state.assessment_id is None:
            # a workspace with a single assessment (the example after `make run`): nothing to choose
            self.open(ids[0], None)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.root)


def _descendants(widget: W.Widget) -> list[W.Widget]:
    """*widget* and every widget inside it, innermost first."""
    out: list[W.Widget] = []
    for child in getattr(widget, "children", ()) or ():
        out.extend(_descendants(child))
    out.append(widget)
    return out


def _reason_text(x: Any) -> str:
    if isinstance(x, str):
        return x
    if isinstance(x, Mapping):
        return str(x.get("message") or x.get("text") or x.get("label") or x.get("id") or "")
    return str(x)


def build_app(
    home: str | Path | None = None,
    templates: str | Path | None = None,
    lang: str | None = None,
    author: str | None = None,
    reasoner: _reasoning.Reasoner | None = None,
) -> WizardApp:
    """The wizard for the workspace at *home* (``LIA_HOME``, else the current directory).

    *templates* is the folder holding ``questionnaires/`` (``LIA_TEMPLATES``,
    else the repository's ``templates/``); *lang* defaults to ``LIA_LANG`` or English;
    *author* defaults to :func:`author_from_env`.
    """
    from lia.store import Store
    from lia.workspace import Workspace
    from lia.wizard.schema import load_form

    if home is None:
        home = os.environ.get("LIA_HOME") or Path.cwd()
    ws = Workspace(Path(home))
    if templates is None and os.environ.get("LIA_TEMPLATES"):
        templates = os.environ["LIA_TEMPLATES"]
    form: Form = load_form(Path(templates) if templates is not None else None)
    lang = lang or os.environ.get("LIA_LANG", "en")
    if lang not in LANGS:
        lang = "en"
    state = WizardState(Store(ws), form, lang=lang)
    app = WizardApp(state, reasoner=reasoner)
    app.author.value = author if author is not None else author_from_env()
    return app
