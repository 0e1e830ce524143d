"""The report draws what it shows of the evaluation from the presentation model (no kernel needed)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from lia.example import EXAMPLE_ID, ensure_example
from lia.reports import html as R
from lia.rules.presentation import EvaluationView
from lia.workspace import Workspace


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> R.ReportData:
    home = tmp_path_factory.mktemp("home")
    ensure_example(Workspace(home))
    return R.load(str(home), EXAMPLE_ID, None, "sv")


def test_the_report_holds_the_view_of_its_evaluation(report: R.ReportData) -> None:
    assert report.view == EvaluationView.from_json(report.evaluation_json, "sv")
    out = str(R.findings_html(report))
    for f in report.view.findings:
        assert f.message in out or f.message.replace("'", "&#39;") in out
    assert out.count('class="finding ') == len(report.view.findings)


def test_sections_show_the_view_not_the_json(report: R.ReportData, tmp_path: Path) -> None:
    """Give the report a view with no findings and the DPIA not screened: every section says so."""
    view = report.view
    d = dataclasses.replace(report, view=dataclasses.replace(
        view, findings=(), screening=dataclasses.replace(view.screening, status="not_screened", required=False,
                                                         met=(), reasons=())))
    assert 'class="finding ' not in str(R.findings_html(d))
    assert d.L("findings.none") in str(R.findings_html(d))
    summary = str(R.summary_html(d))
    assert d.L("summary.dpia_not_screened", n=0) in summary
    assert d.L("summary.dpia_required", n=len(view.screening.met)) not in summary
    assert "lia-dpia" not in summary and str(R.dpia_html(d)).count("badge bad") == 0
