"""The assessment's details (owner, controller, review date, ...) and its status with the moves it may make."""

from __future__ import annotations

from typing import Any

import ipywidgets as W

from lia.messages import translate_error
from lia.pages.wizard.page import PageBase, esc as _esc
from lia.pages.wizard.state import JURISDICTIONS, Problem
from lia.pages.wizard.widgets import (button_widget, checkbox_style, description_style, hbox, html_widget, shared_layout,
                                      text_style, vbox)


class MetaMixin(PageBase):
    """The details box: metadata fields, the status badge and the status moves (each saved as a version)."""

    def _build_meta(self) -> None:
        """The assessment's details (owner, controller, ...) and its status, with the moves it may make."""
        self.meta_title = html_widget()
        self.status_badge = html_widget()
        self.status_help = html_widget()
        self.status_buttons = hbox(align_items="center")
        self.status_buttons.add_class("lia-status-moves")
        self._move_buttons: dict[str, W.Button] = {}  # target status -> its button (see _refresh_status_moves)
        self.status_feedback = html_widget()
        self.status_feedback.add_class("lia-status-feedback")
        head = hbox([self.meta_title, self.status_badge, self.status_buttons, self.status_help])
        head.add_class("lia-meta-head")
        self.meta_inputs: dict[str, W.Widget] = {}
        self.meta_labels: dict[str, W.HTML] = {}
        fields = []
        for name, width in (("title", "320px"), ("owner", "200px"), ("controller", "240px"),
                            ("processing_activity", "300px")):
            w = W.Text(layout=shared_layout(width=width), style=text_style(), continuous_update=False)
            w.observe(lambda ch, name=name: self._on_meta(name, ch["new"]), "value")
            self.meta_inputs[name] = w
        self.meta_date = W.DatePicker(layout=shared_layout(width="170px"), style=description_style())
        self.meta_date.observe(lambda ch: self._on_meta("review_date", ch["new"]), "value")
        self.meta_inputs["review_date"] = self.meta_date
        self.meta_jur = {j: W.Checkbox(value=(j == "EU"), indent=False, layout=shared_layout(width="auto", margin="0 10px 0 0"),
                                       style=checkbox_style())
                         for j in JURISDICTIONS}
        self.meta_jur["EU"].disabled = True  # EU law always applies
        for j, cb in self.meta_jur.items():
            cb.add_class("lia-meta-jur-" + j)
            cb.observe(lambda _ch: self._on_meta("jurisdictions", [k for k, c in self.meta_jur.items() if c.value]), "value")
        for name in ("title", "owner", "controller", "processing_activity", "review_date", "jurisdictions"):
            self.meta_labels[name] = lab = html_widget()
            control = hbox(self.meta_jur.values()) if name == "jurisdictions" else self.meta_inputs[name]
            box = vbox([lab, control])
            box.add_class("lia-meta-field")
            box.add_class("lia-meta-" + name.replace("_", "-"))
            fields.append(box)
        grid = hbox(fields)
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
            from lia.pages.wizard.schema import to_date

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
        from lia.pages.wizard.schema import from_date

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
        if target == "approved" and st.base is not None and st.assessment_id is not None:
            from lia.pages.wizard.actions import dpo_signed

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
