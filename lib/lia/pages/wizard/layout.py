"""The page's frame: header, toolbar, new-assessment form, section pages, progress and moving between them."""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

import ipywidgets as W

from lia.i18n import mark_page_language
from lia.messages import translate_error
from lia.pages.furniture import PageHeader, field
from lia.pages.wizard.schema import label
from lia.pages.wizard.state import JURISDICTIONS
from lia.pages.wizard.page import PageBase, descendants as _descendants, esc as _esc
from lia.pages.wizard.strings import LANGS, Strings
from lia.pages.wizard.styles import _CSS
from lia.pages.wizard.widgets import (QuestionBlock, button_widget, checkbox_style, description_style, hbox, html_widget, shared_layout,
                                      text_style, vbox)


class LayoutMixin(PageBase):
    """Builds the page and keeps its frame in step with the state: what is open, which section, the progress."""

    def _button(self, cls: str, handler: Callable[[Any], None], style: str = "") -> W.Button:
        b = button_widget(button_style=style)
        b.add_class(cls)
        b.on_click(handler)
        return b

    def _build(self) -> None:
        st = self.state
        # header: the one every page shows (lia.pages.furniture), the author field under the language switch
        self.author = W.Text(layout=shared_layout(width="220px"), style=text_style())
        self.author.add_class("lia-author")
        self.author_label = html_widget()
        author_box = hbox([self.author_label, self.author], align_items="center")
        author_box.add_class("lia-author-box")
        self.header = PageHeader(
            "wizard", st.lang, title=lambda lang: Strings(lang)("app_title"),
            subtitle=lambda lang: Strings(lang)("app_subtitle"), on_language=self._on_lang, extra=[author_box],
        )
        #: the language switch (the header's): setting its value relabels the whole page
        self.lang_toggle = self.header.switch
        header = self.header.widget

        # toolbar: choose, open, new, status
        self.assessment_label = html_widget()
        self.chooser = W.Dropdown(layout=shared_layout(width="260px"), style=description_style())
        self.chooser.add_class("lia-chooser")
        self.chooser.observe(self._on_choose, "value")
        self.version_label = html_widget()
        self.version_chooser = W.Dropdown(layout=shared_layout(width="170px"), style=description_style())
        self.version_chooser.add_class("lia-version-chooser")
        self.open_button = self._button("lia-open", self._on_open)
        self.new_button = self._button("lia-new", self._on_new_toggle)
        self.status = html_widget()
        toolbar = hbox(
            [field(self.assessment_label, self.chooser), field(self.version_label, self.version_chooser),
             self.open_button, self.new_button, hbox(flex="1 1 auto"), self.status]
        )
        toolbar.add_class("lia-toolbar")

        # new-assessment form
        self.new_id = W.Text(layout=shared_layout(width="240px"), style=text_style())
        self.new_id.add_class("lia-new-id")
        self.new_title = W.Text(layout=shared_layout(width="360px"), style=text_style())
        self.new_title.add_class("lia-new-title")
        self.new_jur = {j: W.Checkbox(value=(j == "EU"), indent=False, layout=shared_layout(width="auto", margin="0 12px 0 0"),
                                      style=checkbox_style()) for j in JURISDICTIONS}
        for j, cb in self.new_jur.items():
            cb.add_class("lia-jur-" + j)
        self.new_jur["EU"].disabled = True  # EU law always applies
        self.new_labels = [html_widget() for _ in range(3)]
        self.create_button = self._button("lia-create", self._on_create, "primary")
        self.cancel_button = self._button("lia-cancel", self._on_new_toggle)
        self.new_form = W.VBox(
            [
                hbox([self.new_labels[0], self.new_id, self.new_labels[1], self.new_title], align_items="center"),
                hbox([self.new_labels[2]] + list(self.new_jur.values()) + [hbox(flex="1 1 auto"),
                     self.cancel_button, self.create_button], align_items="center"),
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
        self.clash_box = vbox()
        self.clash_box.add_class("lia-clashes")
        #: per clashing question (or ``assessment.<field>``): the user's choice, "mine" or "theirs"
        self.clash_choices: dict[str, str] = {}
        self._shown_clashes: tuple[Any, ...] | None = None  # what clash_box shows (see _set_clashes)
        self._clash_toggles: dict[str, W.ToggleButtons] = {}
        self.conflict_diff_button = self._button("lia-conflict-diff", self._on_conflict_diff)
        self.conflict_merge_button = self._button("lia-conflict-merge", self._on_conflict_merge, "warning")
        self.conflict_take_button = self._button("lia-conflict-take", self._on_conflict_take)
        self.conflict_feedback = html_widget()
        self.conflict_feedback.add_class("lia-conflict-feedback")
        self.conflict_diff = html_widget()
        self.conflict_box = W.VBox(
            [self.conflict_text, self.merge_summary, self.clash_box,
             hbox([self.conflict_diff_button, self.conflict_merge_button, self.conflict_take_button, self.conflict_feedback],
                  margin="6px 0 0 0", align_items="center"),
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
        self.questions_box = vbox()
        self.back_button = self._button("lia-back", lambda _b: self.goto_section(self.state.section_index - 1))
        self.next_button = self._button("lia-next", lambda _b: self.next_section(), "primary")
        self.section_counter = html_widget()
        nav = hbox([self.back_button, self.section_counter, hbox(flex="1 1 auto"), self.next_button])
        nav.add_class("lia-section-nav")
        self.empty_page = W.HTML()
        self.section_page = W.VBox([self.section_title, self.section_intro, self.questions_box, nav])
        self.main = vbox([self.empty_page, self.section_page])
        self.main.add_class("lia-main")

        # side panel
        self.verdicts = html_widget()
        self.findings_title = W.HTML()
        self.findings_box = vbox()
        self.charts_title = html_widget()
        self.charts_box = vbox()
        # In a served page the first charts wait until the reader comes near them (the page script
        # watches the anchor and clicks the hidden trigger; lia.pages.wizard.charts_after_page).
        self.charts_anchor = W.HTML(layout=W.Layout(display="none"))
        self.charts_anchor.add_class("lia-charts-anchor")
        self.charts_trigger = button_widget(layout=shared_layout(display="none"))
        self.charts_trigger.add_class("lia-charts-trigger")
        self.charts_trigger.on_click(self._on_charts_trigger)
        self.side = vbox([self.verdicts, self.findings_title, self.findings_box, self.charts_anchor, self.charts_trigger,
                          self.charts_title, self.charts_box])
        self.side.add_class("lia-side")
        body = hbox([self.main, self.side])
        body.add_class("lia-body")

        # save bar
        self.message_label = html_widget()
        self.message = W.Text(layout=shared_layout(width="420px"), style=text_style())
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
        self.diff_a = W.Dropdown(layout=shared_layout(width="220px"), style=description_style())
        self.diff_a.add_class("lia-diff-a")
        self.diff_b = W.Dropdown(layout=shared_layout(width="220px"), style=description_style())
        self.diff_b.add_class("lia-diff-b")
        self.diff_labels = [html_widget(), html_widget(), html_widget()]
        self.diff_button = self._button("lia-diff", self._on_diff)
        self.diff_html = html_widget()
        self.history_box = W.VBox(
            [self.history_title, self.history_table,
             hbox([self.diff_labels[0], self.diff_labels[1], self.diff_a, self.diff_labels[2], self.diff_b, self.diff_button]),
             self.diff_html]
        )
        self.history_box.children[2].add_class("lia-compare")
        self.history_box.add_class("lia-history")

        self._build_meta()
        self._build_reportbar()
        self.root = vbox(
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
        self.header.set_language(self.state.lang)
        self.author_label.value = f'<span class="lia-author-label">{_esc(t("author"))}</span>'
        self.author.placeholder = t("author_placeholder")
        self.assessment_label.value = f'<span class="lia-field-label">{_esc(t("assessment"))}</span>'
        self.version_label.value = f'<span class="lia-field-label">{_esc(t("version"))}</span>'
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
        self.charts_anchor.value = f'<div class="lia-muted">{_esc(t("charts_anchor"))}</div>'
        self._relabel_meta()
        self._relabel_reportbar()

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
        # the links to the other pages open this assessment there once it is saved (they know no draft)
        self.header.set_assessment(st.assessment_id if st.base is not None else None)

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
            self._section_views[index] = vbox(blocks)
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

    def _say(self, text: str, kind: str = "info") -> None:
        self.notice.value = f'<div class="lia-msg {kind}">{_esc(text)}</div>' if text else ""

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
        self.lang_toggle.value = lang  # the header calls _on_lang back

    def _on_lang(self, lang: str) -> None:
        """The reader switched the language in the header: relabel the whole page."""
        if lang not in LANGS or lang == self.state.lang:
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
            from lia.pages.wizard.state import _value_problems

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
        from lia.pages.wizard.state import ID_PATTERN

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
