"""The executed notebook made reproducible, and its conversion to self-contained HTML (nbconvert).

The exporter settings exist once (:func:`exporter_config`); :func:`nbconvert_cli_args`
gives the same settings to ``jupyter nbconvert --to html`` (the render benchmark's baseline).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

__all__ = ["check_offline_html", "exporter_config", "html_exporter", "nbconvert_cli_args", "normalize_notebook"]


def normalize_notebook(nb: Any) -> Any:
    """Drop volatile metadata (timings, temp paths) so equal inputs give equal bytes."""
    pm = nb.metadata.get("papermill", {})
    for k in ("start_time", "end_time", "duration"):
        pm.pop(k, None)
    pm["input_path"] = "templates/report.ipynb"
    pm["output_path"] = "report.ipynb"
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"  # papermill gives it a random id
        cell.metadata.pop("execution", None)
        cpm = cell.metadata.get("papermill")
        if cpm is not None:
            for k in ("start_time", "end_time", "duration"):
                cpm.pop(k, None)
    return nb


def exporter_config(templates: Path, lang: str) -> Any:
    """nbconvert settings of the report: the lia_report template, no code, no script or CDN URL."""
    from traitlets.config import Config

    c = Config()
    c.HTMLExporter.extra_template_basedirs = [str(Path(templates) / "nbconvert")]
    c.HTMLExporter.template_name = "lia_report"
    c.HTMLExporter.exclude_input = True
    c.HTMLExporter.exclude_input_prompt = True
    c.HTMLExporter.exclude_output_prompt = True
    c.HTMLExporter.exclude_anchor_links = True
    c.HTMLExporter.require_js_url = ""
    c.HTMLExporter.mathjax_url = ""
    c.HTMLExporter.mermaid_js_url = ""
    c.HTMLExporter.jupyter_widgets_base_url = ""
    c.HTMLExporter.widget_renderer_url = ""
    c.HTMLExporter.language_code = lang
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_input_tags = ["remove_input"]
    c.TagRemovePreprocessor.remove_all_outputs_tags = ["remove_output"]
    c.TagRemovePreprocessor.remove_cell_tags = ["remove_cell", "parameters", "injected-parameters"]
    return c


def nbconvert_cli_args(templates: Path, lang: str) -> list[str]:
    """The same exporter settings as command-line flags for ``jupyter nbconvert --to html``."""
    args = []
    for cls, traits in exporter_config(templates, lang).items():
        for k, v in traits.items():
            if isinstance(v, list):
                args.append(f"--{cls}.{k}={json.dumps(v)}")
            else:
                args.append(f"--{cls}.{k}={v}")
    return args


_EXPORTERS: dict[tuple[str, str], Any] = {}


def html_exporter(templates: Path, lang: str) -> Any:
    """An HTMLExporter for the report template, created once per (templates, lang) and reused."""
    key = (str(templates), lang)
    if key not in _EXPORTERS:
        from nbconvert import HTMLExporter

        _EXPORTERS[key] = HTMLExporter(config=exporter_config(templates, lang))
    return _EXPORTERS[key]


def check_offline_html(html: str) -> list[str]:
    """External references left in the page (must be none)."""
    bad = re.findall(r"""<(?:script|link|img|iframe|source|embed|object)\b[^>]*?\b(?:src|href|data)\s*=\s*["']?"""
                     r"""((?:https?:)?//[^"' >]+)""", html, flags=re.I)
    bad += re.findall(r"""@import\s+(?:url\()?["']?((?:https?:)?//[^"')]+)""", html, flags=re.I)
    return bad

