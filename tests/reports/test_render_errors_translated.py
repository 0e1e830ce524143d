"""Render errors as the wizard's report bar shows them to a Swedish or Norwegian DPO (issue 13).

lia.reports.render, pdf and provenance wrote plain English ("the report template file ... is
missing", "cannot start Chromium ..."), shown in English on a Swedish page. Each now raises a code
with en/sv/nb texts; the English stays what the command line printed.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from lia.errors import LiaError
from lia.messages import translate_error
from lia.reports import pdf
from lia.reports.provenance import TEMPLATE_FILES, template_inputs

ROOT = Path(__file__).resolve().parents[2]

#: English words of the render templates (not "at", which is also Norwegian)
ENGLISH = re.compile(r"\b(the|report|template|file|is|missing|expected|folder|to|hold|cannot|start|print|"
                     r"install|evidence|changed|while|rendered|render|it|again)\b")


def _template_missing(tmp_path: Path) -> tuple[LiaError, Path]:
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    (templates / "nbconvert/lia_report/static/report.css").unlink()
    with pytest.raises(LiaError) as ei:
        template_inputs(templates)
    return ei.value, templates / "nbconvert/lia_report/static/report.css"


def test_a_missing_template_file_keeps_its_english(tmp_path: Path) -> None:
    err, missing = _template_missing(tmp_path)
    assert err.code == "errors.render_template_missing"
    assert str(err) == (f"the report template file {missing} is missing; expected the templates folder to hold "
                        f"{', '.join(TEMPLATE_FILES)}")


@pytest.mark.parametrize("lang", ["sv", "nb"])
def test_a_missing_template_file_reads_in_the_page_language(tmp_path: Path, lang: str) -> None:
    err, missing = _template_missing(tmp_path)
    shown = translate_error(err, lang)
    assert str(missing) in shown and "report.ipynb" in shown
    rest = shown.replace(str(missing), "").replace(", ".join(TEMPLATE_FILES), "")
    assert not ENGLISH.search(rest), shown


@pytest.mark.parametrize("lang", ["en", "sv", "nb"])
def test_a_printer_that_cannot_start_reads_in_the_page_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                lang: str) -> None:
    monkeypatch.setattr(pdf, "CHROMIUM", str(tmp_path / "no-chromium"))
    with pytest.raises(LiaError) as ei:
        with pdf.PdfPrinter():
            pass
    err = ei.value
    assert err.code == "errors.render_no_chromium"
    shown = translate_error(err, lang)
    if lang == "en":
        assert shown.startswith(f"cannot start Chromium at {tmp_path / 'no-chromium'} to print the PDF (")
        assert shown.endswith("); install Debian's chromium")
    else:
        reason = err.params["reason"]
        rest = shown.replace(reason, "").replace(str(tmp_path / "no-chromium"), "")
        assert not ENGLISH.search(rest.replace("Chromium", "").replace("chromium", "")), shown


@pytest.mark.parametrize("lang", ["sv", "nb"])
def test_a_failed_render_reaches_the_report_bar_in_the_page_language(tmp_path: Path, lang: str) -> None:
    # the wizard's report bar shows RenderResult.error through lia.messages.translate: it must keep its codes
    from types import SimpleNamespace

    from lia.errors import Message
    from lia.messages import translate
    from lia.reports.render import RenderJob, _failure

    err = LiaError(Message("errors.render_calls_changed", id="cc-2026"))
    res = _failure(None, RenderJob("cc-2026", 2, lang), SimpleNamespace(number=2), tmp_path, err)
    assert str(res.error) == ("rendering cc-2026 version 2 failed: the call-log evidence of cc-2026 changed while the "
                              "report was rendered; render it again")
    shown = translate(res.error, lang)
    assert "cc-2026" in shown
    assert not ENGLISH.search(shown.replace("cc-2026", "")), shown
