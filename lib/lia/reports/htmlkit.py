"""What every report section needs: the loaded report data, the Jinja2 templates and answer rendering.

The report's HTML comes from Jinja2 templates in ``templates/html/report/`` with
autoescaping on: every value is text and is escaped by the template, unless the
library marked it as HTML (``Markup``: an answer rendered by ``value.html.j2``, an
SVG chart, another template's output). Nothing here escapes by hand.

Output is deterministic: the same answers, templates and library give the same
bytes (no random ids, no timestamps, charts as static SVG).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..i18n import text
from ..levels import RISK_LEVELS

__all__ = ["LEVELS", "SEVERITIES", "ReportData", "load", "macros", "render", "render_in", "value_html", "verdict_class"]

SEVERITIES = ("blocker", "warning", "info")
LEVELS = RISK_LEVELS  # the one risk-level scale (lia.levels)
_GOOD = {"pass", "yes", "current", "done", "met_not"}
_BAD = {"fail", "no", "blocker", "unlawful"}
#: Template folder under the templates folder.
HTML_TEMPLATES = "html/report"
_BETWEEN_TAGS = re.compile(r">[ \t]*\n\s*<")


@dataclass
class ReportData:
    """Everything the report sections need, loaded once per report."""

    home: Path
    aid: str
    lang: str
    templates: Path
    version: Any  # lia.store.Version
    head: int
    qset: Any  # lia.questionnaire.QuestionnaireSet or None
    labels: dict[str, dict[str, str]]
    evaluation: Any = None  # lia.rules Evaluation
    evaluation_json: dict[str, Any] | None = None
    #: what the report shows of the evaluation (lia.rules.presentation.EvaluationView), None without one
    view: Any = None
    evaluation_error: str | None = None
    inputs: dict[str, Any] = field(default_factory=dict)
    evidence: Any = None  # lia.periods.evidence.Evidence attached to the assessment, or None
    access_evidence: Any = None  # lia.access.evidence.AccessEvidence attached to the assessment, or None

    def L(self, key: str, **fmt: Any) -> str:  # noqa: N802 - short on purpose, used everywhere
        """A UI label from templates/i18n/reports.yaml in the report language (:func:`lia.i18n.lookup`)."""
        from ..i18n import lookup

        return lookup(self.labels, "reports", key, self.lang, **fmt)

    @property
    def answers(self) -> dict[str, Any]:
        return self.version.answers

    @property
    def meta(self) -> dict[str, Any]:
        return self.version.assessment

    @property
    def ev(self) -> dict[str, Any]:
        """The evaluation's JSON, or an empty mapping."""
        return self.evaluation_json or {}


def load(home: str, assessment_id: str, version: int | None, lang: str = "en", templates: str = "") -> ReportData:
    """Load the answers version, questionnaires, labels, the attached evidence and the evaluation.

    Every part reads the templates folder it is given (``templates``, else the installed one).
    """
    from ..access.evidence import load_evidence as load_access_evidence
    from ..i18n import catalogue, check_lang
    from ..paths import templates_dir
    from ..periods.evidence import load_evidence
    from ..questionnaire import load_questionnaires
    from ..store import Store
    from ..workspace import Workspace
    from .provenance import current_inputs

    check_lang(lang)
    tdir = Path(templates) if templates else templates_dir()
    ws = Workspace(home)
    store = Store(ws)
    v = store.load(assessment_id, version or None)
    data = ReportData(home=ws.home, aid=assessment_id, lang=lang, templates=tdir, version=v,
                      head=store.head_number(assessment_id), qset=load_questionnaires(tdir),
                      labels=catalogue("reports", tdir))
    data.evidence = load_evidence(ws, assessment_id)  # a damaged file stops the report (InputError: file, place)
    breaches = data.evidence.breaches if data.evidence is not None else None
    data.access_evidence = load_access_evidence(ws, assessment_id)  # damaged: InputError (file, place)
    if data.access_evidence is not None:
        breaches = list(breaches or []) + data.access_evidence.breaches
    try:
        from ..rules import evaluate, law_date_of

        data.evaluation = evaluate(v.assessment, v.answers, evidence=breaches, lang=lang, templates=tdir,
                                   as_of=law_date_of(v))
        data.evaluation_json = data.evaluation.to_json(lang)
        from ..rules.presentation import EvaluationView

        data.view = EvaluationView.from_result(data.evaluation_json, lang)
    except Exception as exc:  # noqa: BLE001 - the report says what went wrong, in its own section
        data.evaluation_error = f"{type(exc).__name__}: {exc}"
    data.inputs = current_inputs(ws, assessment_id, v, tdir)
    return data


# --------------------------------------------------------------------------- templates

_ENVS: dict[str, Any] = {}


def _env(templates: Path, folder: str = HTML_TEMPLATES) -> Any:
    """The Jinja2 environment of ``templates/<folder>`` (autoescaping, undefined names are errors), made once."""
    key = str(Path(templates) / folder)
    if key not in _ENVS:
        import jinja2

        _ENVS[key] = jinja2.Environment(loader=jinja2.FileSystemLoader(key), autoescape=True,
                                        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return _ENVS[key]


def render(d: ReportData, name: str, **context: Any) -> Any:
    """Render ``templates/html/report/<name>`` with ``d`` and ``context``; returns Markup.

    Line breaks the template puts between two tags are dropped, so templates can be laid
    out for reading while the page stays compact (text is never touched).
    """
    return render_in(HTML_TEMPLATES, name, d.templates, d=d, L=d.L, **context)


def render_in(folder: str, name: str, templates: Path | None = None, /, **context: Any) -> Any:
    """Render ``templates/<folder>/<name>`` the way the report is rendered (another page's HTML, e.g. the
    viewer's ``html/viewer``); ``templates`` defaults to the workbench's own folder. Returns Markup."""
    from markupsafe import Markup

    from ..paths import repo_root

    out = _env(Path(templates) if templates else repo_root() / "templates", folder).get_template(name).render(**context)
    return Markup(_BETWEEN_TAGS.sub("><", out))


def macros(d: ReportData) -> Any:
    """The macros of ``macros.html.j2`` (``h``, ``badge``, ``note``, ``table``, ``kv``...), callable from Python."""
    return _env(d.templates).get_template("macros.html.j2").module


# --------------------------------------------------------------------------- values

def verdict_class(verdict: str | None) -> str:
    """CSS class for a verdict: good, bad, mixed or none."""
    if not verdict:
        return "none"
    if verdict in _GOOD:
        return "good"
    if verdict in _BAD:
        return "bad"
    return "mixed"


def plain(value: Any) -> str:
    """A value as text ('' for None)."""
    return "" if value is None else str(value)


def question(d: ReportData, qid: str) -> Any:
    """The question ``qid`` of the questionnaires, or None."""
    return d.qset.get(qid) if d.qset is not None else None


def qtext(d: ReportData, qid: str) -> str:
    """A question's text in the report language (its id when unknown)."""
    q = question(d, qid)
    return text(q.text, d.lang) if q is not None else qid


def choice_label(d: ReportData, qid: str, value: Any, column: str | None = None) -> str:
    """The label of choice ``value`` of question ``qid`` (or of its table column); the value when unknown."""
    q = question(d, qid)
    if q is not None and column:
        q = next((c for c in q.columns if c.id == column), None)
    if q is not None and getattr(q, "choices", None):
        for c in q.choices:
            if c.id == value:
                return text(c.label, d.lang)
    return plain(value)


def yes_no(d: ReportData, value: Any) -> str:
    """Yes, no or not answered, in the report language."""
    if value is True:
        return d.L("yes")
    if value is False:
        return d.L("no")
    return d.L("not_answered")


def duration_text(d: ReportData, value: Any) -> str:
    """``P90D`` -> "90 days" (in the report language, :func:`lia.i18n.format_duration`); anything else as given."""
    from ..i18n import format_duration

    return plain(format_duration(value, d.lang, d.templates))


def number(x: Any) -> str:
    """An integer with thin-space thousands (``12 345``); anything else as given."""
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    return f"{x:,}".replace(",", "\u202f") if isinstance(x, int) and not isinstance(x, bool) else plain(x)


def value_html(d: ReportData, q: Any, value: Any) -> Any:
    """An answer rendered for a reader: labels for choices, yes/no, units, durations, tables (Markup)."""
    kind = getattr(q, "type", None)
    if value is None or value == "" or value == []:
        return render(d, "value.html.j2", kind="empty", text=d.L("not_answered"))
    if kind == "yes_no":
        return render(d, "value.html.j2", kind="text", text=yes_no(d, value))
    if kind == "choice":
        label = next((text(c.label, d.lang) for c in q.choices if c.id == value), plain(value))
        return render(d, "value.html.j2", kind="text", text=label)
    if kind == "multi_choice" and isinstance(value, list):
        labels = {c.id: text(c.label, d.lang) for c in q.choices}
        return render(d, "value.html.j2", kind="list", items=[labels.get(v, v) for v in value])
    if kind == "number":
        unit = f" {text(q.unit, d.lang)}" if getattr(q, "unit", None) else ""
        num = int(value) if isinstance(value, float) and value.is_integer() else value
        return render(d, "value.html.j2", kind="text", text=f"{num}{unit}")
    if kind == "duration":
        return render(d, "value.html.j2", kind="text", text=duration_text(d, value))
    if kind == "table" and isinstance(value, list):
        cols = list(q.columns)
        rows = [[value_html(d, c, r.get(c.id)) if isinstance(r, dict) else plain(r) for c in cols] for r in value]
        return render(d, "value.html.j2", kind="table", headers=[text(c.label, d.lang) for c in cols], rows=rows)
    if kind == "text":
        return render(d, "value.html.j2", kind="lines", items=str(value).splitlines())
    return render(d, "value.html.j2", kind="text", text=plain(value))


def answer(d: ReportData, qid: str) -> Any:
    """The answer to ``qid``, rendered (:func:`value_html`)."""
    return value_html(d, question(d, qid), d.answers.get(qid))


def answer_rows(d: ReportData, qids: list[str], only_answered: bool = False) -> list[tuple[str, Any]]:
    """(question text, rendered answer) for a key-value table."""
    return [(qtext(d, q), answer(d, q)) for q in qids
            if not only_answered or d.answers.get(q) not in (None, "", [])]


def reason_items(d: ReportData, reasons: list[Any]) -> list[dict[str, Any]]:
    """Reasons as {message, extra} for ``m.reasons``: a verdict's reasons from the presentation model
    (:class:`lia.rules.presentation.ReasonView`: its text, and its rule as code) or plain texts (the
    DPIA screening's)."""
    from markupsafe import Markup

    from ..rules.presentation import ReasonView

    return [{"message": r.text, "extra": [Markup("<code>{}</code>").format(r.rule)] if r.rule else []}
            if isinstance(r, ReasonView) else {"message": plain(r), "extra": []} for r in reasons]


def reasons_html(d: ReportData, reasons: list[Any]) -> Any:
    """A list of reasons, or "no reasons given" (Markup)."""
    return macros(d).reasons(reason_items(d, reasons), d.L("no_reasons"))


def missing_rules_note(d: ReportData) -> Any:
    """Why there is no evaluation (Markup)."""
    if d.evaluation_error:
        return macros(d).note("bad", d.L("rules.error", error=d.evaluation_error))
    return macros(d).note("mixed", d.L("rules.missing"))


def chart_html(d: ReportData, chart: Any) -> Any:
    """An altair chart as an inline SVG figure (:func:`lia.charts_svg.chart_svg`: offline, localized)."""
    from markupsafe import Markup

    from ..charts_svg import chart_svg

    return macros(d).chart(Markup(chart_svg(chart, d.lang)))


def chart_error(d: ReportData, exc: BaseException) -> Any:
    """A note saying a chart could not be drawn, and why (Markup)."""
    return macros(d).note("bad", d.L("chart.error", error=f"{type(exc).__name__}: {exc}"))
