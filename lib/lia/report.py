"""Old name of the report API, kept for the pages, the wizard and notebooks that import it.

Rendering, staleness and report folders live in :mod:`lia.reports` (see its modules);
this module only re-exports them. New code imports from :mod:`lia.reports.*`.
"""

from __future__ import annotations

from .reports.changes import changes_between
from .reports.exporter import html_exporter, nbconvert_cli_args, normalize_notebook
from .reports.folders import _dir_key, report_dirs
from .reports.pdf import PdfPrinter
from .reports.provenance import (REPORT_TOOLS, TEMPLATE_FILES, current_inputs, evidence_input, questionnaire_inputs,
                                 rule_pack_inputs, stale_reasons, template_inputs, tool_versions)
from .reports.render import PREDICATE_TYPE, REPORT_FILES, RenderJob, RenderResult, render, render_many
from .reports.status import ReportStatus, latest_signed, report_status

__all__ = [
    "PREDICATE_TYPE", "REPORT_FILES", "REPORT_TOOLS", "TEMPLATE_FILES", "PdfPrinter", "RenderJob", "RenderResult",
    "ReportStatus", "_dir_key", "changes_between", "current_inputs", "evidence_input", "html_exporter",
    "latest_signed", "nbconvert_cli_args", "normalize_notebook", "questionnaire_inputs", "render", "render_many",
    "report_dirs", "report_status", "rule_pack_inputs", "stale_reasons", "template_inputs", "tool_versions",
]
