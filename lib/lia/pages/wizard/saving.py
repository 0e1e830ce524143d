"""Saving: the save bar, its feedback next to the button, problems, and the conflict panel (a merge, not a choice of winner)."""

from __future__ import annotations

from typing import Any

import ipywidgets as W

from lia.i18n import format_date, format_time
from lia.messages import translate_error
from lia.pages.wizard.page import PageBase, descendants as _descendants, esc as _esc
from lia.pages.wizard.schema import label
from lia.pages.wizard.state import WORKING, Problem
from lia.pages.wizard.widgets import format_value, html_widget


class SaveMixin(PageBase):
    """Save and save-merged, what the page says about them, and the conflict panel."""

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
        items = "".join(f"<li>{_esc(self._validation_text(p))}</li>" for p in err.problems[:30])
        self.problems_html.value = f'<div class="lia-msg error"><b>{_esc(t("invalid_answers"))}</b><ul>{items}</ul></div>'
        self._say_save(t("not_saved_see_below"), "error")

    def _validation_text(self, p: Any) -> str:
        """One problem the store found (:class:`lia.errors.Problem`, written in English) in the page's language.

        A missing answer is said as the page says it (section › question: "required, not
        answered"); anything else names the question or field and goes through
        :func:`lia.messages.translate`.
        """
        from lia.messages import translate

        qid = str(p.where).split("[")[0]
        if getattr(p, "kind", "") == "missing" and qid in self.state.form.questions:
            return self._problem_text(Problem(qid, "problem_required"))
        return f"{self._where_name(qid)}: {translate(str(p.message), self.state.lang)}"

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
        from lia.pages.wizard.widgets import _number_text

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
        if where.startswith("assessment."):  # a detail: dates, statuses and jurisdictions as the page names them
            name, t = where.split(".", 1)[1], self.t
            if name == "review_date":
                return format_date(value, t.lang)
            if name == "status" and f"status_{value}" in t.catalogue:
                return t(f"status_{value}")
            if isinstance(value, list):
                return ", ".join(t(f"jur_{v}") if f"jur_{v}" in t.catalogue else str(v) for v in value)
            return str(value)
        return format_value(self.state.form.questions.get(where), value, self.t)

    def _set_clashes(self, clashes: list[Any], c: Any = None) -> None:
        """One row per question both sides changed: mine and theirs side by side, and a choice.

        Every answer typed during a conflict refreshes the panel; rows that would read the same
        are kept (their choice buttons follow :attr:`clash_choices`), so a choice clicked
        meanwhile reaches a live widget instead of a closed one, where it would be lost.
        """
        t = self.t
        shown = (tuple((x.where, repr(x.mine), repr(x.theirs)) for x in clashes),
                 None if c is None else (int(c.head.number), str(c.head.author)), t.lang)
        if shown == self._shown_clashes:
            for where, toggle in self._clash_toggles.items():
                if toggle.value != self.clash_choices.get(where):
                    toggle.value = self.clash_choices.get(where)
            return
        self._shown_clashes = shown
        self._clash_toggles = {}
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
            self._clash_toggles[where] = choice
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
