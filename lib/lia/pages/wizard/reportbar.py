"""Render the open version as a report in the background, and sign it with a key of the user's own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as W

from lia.messages import translate_error
from lia.pages.wizard.page import PageBase, esc as _esc
from lia.pages.wizard.widgets import checkbox_style, description_style, hbox, html_widget, shared_layout, text_style


class ReportMixin(PageBase):
    """The report bar: render (with progress and a viewer link), the report's state, signing."""

    def _build_reportbar(self) -> None:
        """Render the open version as a report (in the background) and sign it with a key of the user's own."""
        self.report_title = html_widget()
        self.render_button = self._button("lia-render", self._on_render, "primary")
        self.render_pdf = W.Checkbox(value=True, indent=False, layout=shared_layout(width="auto"),
                                     style=checkbox_style())
        self.render_pdf.add_class("lia-render-pdf")
        self.render_progress = html_widget()
        self.render_progress.add_class("lia-render-progress")
        self.report_info = html_widget()
        self.report_info.add_class("lia-report-info")
        self.key_label = html_widget()
        self.key_chooser = W.Dropdown(layout=shared_layout(width="260px"), style=description_style())
        self.key_chooser.add_class("lia-key")
        self.passphrase_label = html_widget()
        self.passphrase = W.Password(layout=shared_layout(width="200px"), style=text_style())
        self.passphrase.add_class("lia-passphrase")
        self.sign_button = self._button("lia-sign", self._on_sign, "success")
        self.sign_feedback = html_widget()
        self.sign_feedback.add_class("lia-sign-feedback")
        row1 = hbox([self.render_button, self.render_pdf, self.render_progress])
        row1.add_class("lia-row")
        row2 = hbox([self.key_label, self.key_chooser, self.passphrase_label, self.passphrase, self.sign_button])
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
        self.reportbar.layout.display = "" if st.assessment_id is not None and st.base is not None else "none"
        if st.assessment_id is None or st.base is None:
            return
        from lia.pages.wizard.actions import key_folder, list_keys, report_for

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
        if st.base is None or st.assessment_id is None:
            return
        n = int(st.base.number)
        if self.report_dir is None:
            self.report_info.value = f'<div class="lia-muted">{_esc(t("report_none", n=n))}</div>'
            return
        from lia.errors import LiaError
        from lia.pages.wizard.actions import verify, viewer_url

        try:
            v = verify(st.store.ws, self.report_dir)
            signers = [f"{s.name} ({s.role})" for s in v.signers if s.valid]
            from lia.reports.statement import ENVELOPE_FILE

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
        from lia.pages.wizard.actions import RenderTask

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
        from lia.pages.wizard.actions import viewer_url

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
        from lia.pages.wizard.actions import key_folder, sign

        if not self.key_chooser.value:
            return self._sign_say(t("no_keys_help", folder=str(key_folder())), "error")

        from lia.pages.wizard.actions import SignRefused

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
