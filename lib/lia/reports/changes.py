"""What changed between two reports: verdicts, findings and answers, written for people.

A report's ``changes.json`` / ``changes.md`` (lia.reports.render) and the report viewer
(lia.dashboards) compare a report with the last signed one:

* :func:`changes_between` - verdicts and findings that changed, from the two ``evaluation.json``;
* :func:`answer_changes` - the answers that changed between the two answers versions, each with
  the question's text and the old and new value as people read them ("90 days -> 60 days",
  choice labels, not ids), in the reader's language (:func:`lia.model.format_value`);
* :func:`changes_md` - all of it as Markdown in the reader's language.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["VERDICT_KEYS", "answer_changes", "changes_between", "changes_md", "describe_answer_changes"]

VERDICT_KEYS = (("lia", "purpose"), ("lia", "necessity"), ("lia", "balancing"), ("lia", "overall"))


def changes_between(old: dict[str, Any] | None, new: dict[str, Any] | None, *,
                    old_source: str | Path | None = None, new_source: str | Path | None = None) -> dict[str, Any]:
    """Added / removed / changed findings (by rule id) and changed verdicts between two evaluations.

    Both are read through the presentation model (:meth:`lia.rules.presentation.EvaluationView.from_json`):
    a malformed one is refused with an :class:`~lia.errors.InputError` naming ``old_source`` /
    ``new_source`` and the place. The result is :meth:`lia.rules.presentation.ChangesView.to_json`
    (the findings added and removed as their evaluations stored them).
    """
    from ..rules.changes_view import ChangesView
    from ..rules.presentation import EvaluationView

    def view(doc: dict[str, Any] | None, source: str | Path | None) -> EvaluationView | None:
        return None if doc is None else EvaluationView.from_json(doc, source=source)

    return ChangesView.between(view(old, old_source), view(new, new_source)).to_json()


def describe_answer_changes(changes: list[Any], lang: str = "en", templates: Path | None = None
                            ) -> list[dict[str, Any]]:
    """:class:`lia.store.Change` s as people read them, in questionnaire order (metadata first).

    Each: ``question`` (id, or ``assessment.<field>``), ``kind`` (added / removed / changed), ``old``
    and ``new`` (the stored values), ``text`` (the question, or the metadata field's label),
    ``old_text`` / ``new_text`` (the values written for people, "—" when there was none) and, for
    a changed table, ``details`` (one line per changed row or cell).
    """
    from ..i18n import catalogue, text
    from ..model import change_lines, format_value
    from ..questionnaire import load_questionnaires

    from ..errors import LiaError

    qset = load_questionnaires(templates)
    try:
        labels = catalogue("reports", templates)
    except (OSError, LiaError):  # templates without the reports catalogue: metadata fields by name
        labels = {}
    order = {qid: i for i, qid in enumerate(qset.questions)}
    out = []
    for c in sorted(changes, key=lambda c: (not c.where.startswith("assessment."), order.get(c.where, len(order)),
                                            c.where)):
        q = qset.get(c.where)
        if q is not None:
            title = text(q.text, lang)
        elif c.where.startswith("assessment.") and f"meta.{c.where[11:]}" in labels:
            title = text(labels[f"meta.{c.where[11:]}"], lang)
        else:
            title = c.where
        item = {"question": c.where, "kind": c.kind, "old": c.old, "new": c.new, "text": title,
                "old_text": _meta_value(c.where, c.old, lang) if q is None else format_value(q, c.old, lang),
                "new_text": _meta_value(c.where, c.new, lang) if q is None else format_value(q, c.new, lang)}
        if q is not None and q.type == "table" and c.kind == "changed":
            item["details"] = change_lines(q, c.kind, c.old, c.new, lang)
        out.append(item)
    return out


def _meta_value(where: str, value: Any, lang: str) -> str:
    """A metadata field's value for people (dates written out, lists joined)."""
    from ..i18n import format_date
    from ..model import format_value

    if value is None or value == "" or value == []:
        return "—"
    if where == "assessment.review_date":
        return format_date(value, lang)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return format_value(None, value, lang)


def answer_changes(ws: Any, aid: str, old_version: int | None, new_version: int | None, lang: str = "en",
                   templates: Path | None = None) -> list[dict[str, Any]]:
    """The answers (and metadata) that changed from answers version ``old_version`` to ``new_version``
    of ``aid``, described by :func:`describe_answer_changes`; empty when the versions are the same."""
    from ..store import Store

    if old_version is None or new_version is None or old_version == new_version:
        return []
    return describe_answer_changes(Store(ws).diff(aid, old_version, new_version), lang, templates)


def changes_md(ch: dict[str, Any], labels: dict[str, Any], lang: str) -> str:
    """``changes.json``'s content as Markdown in ``lang`` (``labels``: the reports catalogue)."""
    from ..i18n import text
    from ..messages import translate

    def L(key: str, **fmt: Any) -> str:  # noqa: N802
        from ..i18n import lookup

        return lookup(labels, "reports", key, lang, **fmt)

    def vl(v: Any) -> str:
        if v is None:
            return "—"
        if isinstance(v, bool):
            return L("yes") if v else L("no")
        return L(f"verdict.{v}") if f"verdict.{v}" in labels else str(v)

    def msg(f: dict[str, Any]) -> str:
        m = f.get("message")
        return text(m, lang) if isinstance(m, dict) else str(m or "")

    def field(a: str) -> str:
        return L(f"changes.field.{a}") if f"changes.field.{a}" in labels else a

    lines = [f"# {L('changes.title')}", ""]
    base = ch.get("baseline")
    if base:
        lines += [L("changes.baseline", dir=base["dir"], signed=L("changes.signed") if base["signed"]
                    else L("changes.unsigned")), ""]
    if ch.get("reasons"):
        lines += [f"## {L('changes.why')}", ""] + [f"- {translate(r, lang)}" for r in ch["reasons"]] + [""]
    answers = ch.get("answers") or []
    if not (ch["verdicts"] or ch["added"] or ch["removed"] or ch["changed"]):
        lines += [L("changes.none"), ""]
    if ch["verdicts"]:
        lines += [f"## {L('changes.verdicts')}", ""]
        for v in ch["verdicts"]:
            name = L(f"step.{v['step']}") if f"step.{v['step']}" in labels else (
                L("summary.overall") if v["step"] == "overall" else "DPIA")
            lines.append(f"- {name}: {vl(v['old'])} -> {vl(v['new'])}")
        lines.append("")
    for key, title in (("added", "changes.added"), ("removed", "changes.removed")):
        if ch[key]:
            lines += [f"## {L(title)}", ""]
            lines += [f"- [{f.get('severity')}] `{f.get('rule')}`: {msg(f)}" for f in ch[key]]
            lines.append("")
    if ch["changed"]:
        lines += [f"## {L('changes.changed')}", ""]
        for c in ch["changed"]:
            parts = "; ".join(f"{field(a)}: {d['old']!s} -> {d['new']!s}" if a == "severity" else field(a)
                              for a, d in c["changes"].items())
            lines.append(f"- `{c['rule']}`: {parts}")
        lines.append("")
    if "answers" in ch:
        lines += [f"## {L('changes.answers')}", ""]
        if not answers:
            lines += [L("changes.answers_none"), ""]
        for a in answers:
            if a.get("details"):
                lines.append(f"- {a['text']} (`{a['question']}`):")
                lines += [f"    - {d}" for d in a["details"]]
            else:
                lines.append(f"- {a['text']} (`{a['question']}`): {a['old_text']} -> {a['new_text']}")
        lines.append("")
    return "\n".join(lines)
