"""The history of the open assessment and the differences between two versions (or the answers on screen)."""

from __future__ import annotations

from typing import Any

import ipywidgets as W

from lia.i18n import format_time
from lia.pages.wizard.page import PageBase, esc as _esc
from lia.pages.wizard.schema import label
from lia.pages.wizard.state import WORKING
from lia.pages.wizard.widgets import format_value


class HistoryMixin(PageBase):
    """The version table and the diff of two versions."""

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
        options: list[tuple[str, int | str]] = [(f"{t('version')} {int(v.number)}", int(v.number)) for v in reversed(versions)]
        options.append((t("working_copy"), WORKING))
        old_a, old_b = self.diff_a.value, self.diff_b.value
        self.diff_a.options = options
        self.diff_b.options = options
        values = [o[1] for o in options]
        self.diff_a.value = old_a if old_a in values and old_a != WORKING else (values[1] if len(values) > 2 else values[0])
        self.diff_b.value = old_b if old_b in values else (values[0] if len(values) > 1 else WORKING)
        self.diff_button.disabled = len(values) < 2

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
