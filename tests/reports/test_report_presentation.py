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


@pytest.mark.parametrize("lang", ["en", "sv", "nb"])
def test_the_risk_table_names_the_high_residual_risks_the_evaluation_names(tmp_path: Path, lang: str) -> None:
    """One rule for a high residual risk: the report's Art. 36 note names the risks the model (and the
    eu.dpia.prior_consultation finding) names - a risk still at maximum severity after its measures
    (however unlikely), and a risk not rated after measures whose rating before is high - not only
    risks rated significant or more on both scales after measures."""
    from lia.store import Store

    ensure_example(Workspace(tmp_path))
    store = Store(Workspace(tmp_path))
    answers = dict(store.load(EXAMPLE_ID).answers)
    answers["risks.register"] = list(answers["risks.register"]) + [
        {"ref": "R8", "event": "disappearance", "title": "Backups lost",
         "severity_before": "significant", "likelihood_before": "significant"},
        {"ref": "R9", "event": "illegitimate_access", "title": "Recordings of a protected caller leak",
         "severity_before": "maximum", "likelihood_before": "significant",
         "severity_after": "maximum", "likelihood_after": "limited"}]
    answers["risks.measures"] = list(answers.get("risks.measures") or []) + [
        {"ref": "R9", "measure": "Access only from the case system, logged", "reduces": "likelihood",
         "owner": "Jonas Ek, IT security manager", "due": "2026-12-15", "status": "done"}]
    store.save(EXAMPLE_ID, answers, author="test", message="two high risks")
    d = R.load(str(tmp_path), EXAMPLE_ID, None, lang)
    assert d.view is not None and d.view.risks.high_residual == ("R8", "R9")
    assert "eu.dpia.prior_consultation" in [f.rule for f in d.view.findings]
    out = str(R.dpia_html(d))
    assert d.L("risk.art36", refs="R8, R9") in out
    assert out.count("<tr><td><strong>") == len(answers["risks.register"])
