"""The assessment: its metadata and the validation of its answers against the questionnaires.

Validation collects every problem at once (unknown question id, wrong type, value outside the
allowed choices or range, missing required answer) and names the question and what was
expected, so an assessor can fix a whole answers file in one go.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from typing import Any, Callable, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError as PydanticValidationError, field_validator

from . import duration as _duration
from .errors import InputError, Message, Problem, ValidationError
from .questionnaire import Column, Question, QuestionnaireSet

__all__ = [
    "ASSESSMENT_ID_RE",
    "STATUSES",
    "JURISDICTIONS",
    "AssessmentMeta",
    "check_assessment_id",
    "validate_answers",
    "missing_required",
    "parse_duration_days",
    "format_value",
    "REVIEW_REQUIRED",
    "STATUS_MOVES",
    "review_missing",
    "status_move_problems",
]

ASSESSMENT_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
STATUSES = ("draft", "in_review", "approved", "superseded")
JURISDICTIONS = ("EU", "SE", "NO")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def check_assessment_id(aid: Any) -> str:
    """Return ``aid`` if it is a safe assessment id, else raise an InputError saying what is allowed."""
    if not isinstance(aid, str) or not ASSESSMENT_ID_RE.match(aid):
        shown = repr(aid) if isinstance(aid, str) else f"a {type(aid).__name__}"
        extra = ""
        if isinstance(aid, str) and ("/" in aid or "\\" in aid or ".." in aid):
            extra = " Path separators and '..' are never allowed: an id names a folder inside assessments/."
        raise InputError(Message("errors.assessment_id_path" if extra else "errors.assessment_id", id=shown))
    return aid


class AssessmentMeta(BaseModel):
    """Who assesses what: the metadata saved with every version."""

    model_config = ConfigDict(extra="forbid")

    id: str
    title: str = Field(min_length=1, max_length=300)
    controller: str = ""
    processing_activity: str = ""
    jurisdictions: list[Literal["EU", "SE", "NO"]] = Field(default_factory=lambda: ["EU"])
    owner: str = ""
    review_date: Optional[str] = None
    status: Literal["draft", "in_review", "approved", "superseded"] = "draft"

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        try:
            return check_assessment_id(v)
        except InputError as err:
            raise ValueError(err.detail) from None

    @field_validator("jurisdictions")
    @classmethod
    def _jur(cls, v: list[str]) -> list[str]:
        # EU law always applies; keep a stable order without duplicates.
        return [j for j in JURISDICTIONS if j == "EU" or j in v]

    @field_validator("review_date")
    @classmethod
    def _date(cls, v: Optional[str]) -> Optional[str]:
        if v in (None, ""):
            return None
        if not _valid_date(v):
            raise ValueError(f"expected a date as YYYY-MM-DD, got {v!r}")
        return v

    @classmethod
    def parse(cls, data: Any, source: str = "assessment metadata") -> "AssessmentMeta":
        """Validate metadata, reporting every problem together."""
        if not isinstance(data, dict):
            raise InputError(Message("errors.meta_not_mapping"), file=source)
        try:
            return cls.model_validate(data)
        except PydanticValidationError as err:
            problems = []
            for e in err.errors():
                where = ".".join(str(x) for x in e["loc"]) or "metadata"
                msg = e["msg"].removeprefix("Value error, ")
                if e["type"] == "extra_forbidden":
                    msg = Message("errors.meta_unknown_field", known=", ".join(cls.model_fields))
                elif e["type"] == "literal_error" and "status" in where:
                    msg = Message("errors.expected_one_of", known=", ".join(STATUSES))
                elif e["type"] == "literal_error":
                    msg = Message("errors.expected_one_of", known=", ".join(JURISDICTIONS))
                problems.append(Problem(f"assessment.{where}", msg))
            raise ValidationError(problems, source=source) from None

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump()


def _valid_date(v: Any) -> bool:
    if not isinstance(v, str) or not _DATE_RE.match(v):
        return False
    try:
        dt.date.fromisoformat(v)
    except ValueError:
        return False
    return True


def parse_duration_days(v: str) -> float:
    """Length in days of an ISO 8601 date duration (:attr:`lia.duration.Duration.nominal_days`)."""
    return _duration.Duration.parse(v).nominal_days


# --- value checks, one per question type: return None when fine, else what was expected -------

def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _check_text(q: Any, v: Any) -> Optional[str]:
    if not isinstance(v, str):
        return Message("errors.answer_text_type", kind=_kind(v))
    if len(v) > 100_000:
        return Message("errors.answer_text_long")
    return None


def _check_choice(q: Any, v: Any) -> Optional[str]:
    if not isinstance(v, str) or v not in q.choice_ids():
        return Message("errors.answer_choice", choices=", ".join(q.choice_ids()), value=repr(v))
    return None


def _check_multi(q: Any, v: Any) -> Optional[str]:
    if not isinstance(v, list):
        return Message("errors.answer_multi_type", choices=", ".join(q.choice_ids()), kind=_kind(v))
    bad = [x for x in v if not isinstance(x, str) or x not in q.choice_ids()]
    if bad:
        return Message("errors.answer_multi_bad", bad=", ".join(map(repr, bad)), choices=", ".join(q.choice_ids()))
    if len(set(v)) != len(v):
        return Message("errors.answer_multi_twice")
    return None


def _check_yes_no(q: Any, v: Any) -> Optional[str]:
    if not isinstance(v, bool):
        return Message("errors.answer_yes_no", value=repr(v))
    return None


def _check_number(q: Any, v: Any) -> Optional[str]:
    if not _is_number(v):
        return Message("errors.answer_number_type", kind=_kind(v))
    if abs(v) > 2**53 - 1:
        return Message("errors.answer_number_huge", limit=2**53 - 1, value=str(v))
    if q.integer and not float(v).is_integer():
        return Message("errors.answer_number_whole", value=str(v))
    if q.min is not None and v < q.min:
        return Message("errors.answer_number_min", min=_num(q.min), value=str(v))
    if q.max is not None and v > q.max:
        return Message("errors.answer_number_max", max=_num(q.max), value=str(v))
    return None


def _check_date(q: Any, v: Any) -> Optional[str]:
    if not _valid_date(v):
        return Message("errors.answer_date", value=repr(v))
    return None


def _check_duration(q: Any, v: Any) -> Optional[str]:
    if not isinstance(v, str) or _duration.parse_or_none(v) is None:
        return Message("errors.answer_duration", value=repr(v))
    return None


VALUE_CHECKS: dict[str, Callable[[Any, Any], Optional[str]]] = {
    "text": _check_text,
    "choice": _check_choice,
    "multi_choice": _check_multi,
    "yes_no": _check_yes_no,
    "number": _check_number,
    "date": _check_date,
    "duration": _check_duration,
}


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


_KINDS = {bool: "errors.kind_bool", int: "errors.kind_number", float: "errors.kind_number", str: "errors.kind_text",
          list: "errors.kind_list", dict: "errors.kind_mapping"}


def _kind(v: Any) -> str:
    """What a value is, for a message: "a number 5", "a list", "nothing (null)" (a Message)."""
    if v is None:
        return Message("errors.kind_null")
    kind = Message(_KINDS[type(v)]) if type(v) in _KINDS else type(v).__name__
    if isinstance(v, (bool, int, float, str)) and len(repr(v)) < 40:
        return Message("errors.kind_value", kind=kind, value=repr(v))
    return kind


def _either(ids: list[str]) -> str:
    """``a or b or c`` (a Message: "or" in the reader's language)."""
    out: str = ids[-1]
    for x in reversed(ids[:-1]):
        out = Message("errors.either", a=x, b=out)
    return out


def _is_empty(v: Any) -> bool:
    return v is None or v == "" or v == [] or v == {}


def _check_table(q: Question, rows: Any) -> list[Problem]:
    if not isinstance(rows, list):
        return [Problem(q.id, Message("errors.answer_table_type", columns=", ".join(c.id for c in q.columns)), "type")]
    problems: list[Problem] = []
    cols: dict[str, Column] = {c.id: c for c in q.columns}
    for i, row in enumerate(rows, start=1):
        where = f"{q.id}[{i}]"
        if not isinstance(row, dict):
            problems.append(Problem(where, Message("errors.answer_row_type", columns=", ".join(cols), kind=_kind(row)), "type"))
            continue
        for key, value in row.items():
            col = cols.get(key)
            if col is None:
                problems.append(Problem(f"{where}.{key}", Message("errors.answer_unknown_column", columns=", ".join(cols)),
                                        "unknown"))
                continue
            if _is_empty(value):
                continue
            msg = VALUE_CHECKS[col.type](col, value)
            if msg:
                problems.append(Problem(f"{where}.{key}", msg, "type"))
        for col in q.columns:
            if col.required and _is_empty(row.get(col.id)):
                problems.append(Problem(f"{where}.{col.id}", Message("errors.answer_column_empty"), "missing"))
    return problems


def validate_answers(qset: QuestionnaireSet, answers: Any, *, complete: bool = False) -> list[Problem]:
    """Every problem with ``answers`` at once.

    With ``complete=True`` a required question (that applies, see ``show_if``) left
    unanswered is a problem too; drafts are saved without that check.
    """
    if not isinstance(answers, dict):
        return [Problem("answers", Message("errors.answers_type", kind=_kind(answers)), "type")]
    problems: list[Problem] = []
    unknown = 0
    for qid, value in answers.items():
        q = qset.get(qid) if isinstance(qid, str) else None
        if q is None:
            unknown += 1  # hints only for the ids a message shows (lia.errors.MAX_LISTED); a million cost minutes
            close = (difflib.get_close_matches(str(qid)[:200], list(qset.questions), n=3, cutoff=0.6)
                     if unknown <= 50 else [])
            problems.append(Problem(str(qid), Message("errors.answer_unknown_id_close", close=_either(close)) if close
                                    else Message("errors.answer_unknown_id"), "unknown"))
            continue
        if _is_empty(value) and q.type != "table":
            continue  # an empty answer is the same as no answer
        if q.type == "table":
            if value is None:
                continue
            problems.extend(_check_table(q, value))
            continue
        msg = VALUE_CHECKS[q.type](q, value)
        if msg:
            problems.append(Problem(qid, msg, "choice" if q.type in ("choice", "multi_choice") else "type"))
    if complete:
        problems.extend(missing_required(qset, answers))
    return problems


def missing_required(qset: QuestionnaireSet, answers: dict[str, Any]) -> list[Problem]:
    """Required questions that apply and have no answer."""
    out = []
    for q in qset.questions.values():
        if q.required and qset.is_shown(q, answers) and _is_empty(answers.get(q.id)):
            out.append(Problem(q.id, Message("errors.answer_missing", question=dict(q.text)), "missing"))
    return out


#: Answers needed before an assessment goes to review, besides the questionnaire's required ones:
#: the assessor's conclusion and the DPO's opinion (GDPR Art. 35(2): the DPO's advice is sought).
REVIEW_REQUIRED = ("conclusion.assessor_verdict", "conclusion.dpo_opinion")

#: The status moves a person may make: draft -> in review -> approved -> superseded,
#: and back from review to draft (the reviewer sends it back).
STATUS_MOVES: dict[str, tuple[str, ...]] = {
    "draft": ("in_review",),
    "in_review": ("draft", "approved"),
    "approved": ("superseded",),
    "superseded": (),
}


def review_missing(qset: QuestionnaireSet, answers: dict[str, Any]) -> list[Problem]:
    """What an assessment lacks before review: every required answer, the conclusion and the DPO opinion."""
    out = missing_required(qset, answers)
    listed = {p.where for p in out}
    for qid in REVIEW_REQUIRED:
        q = qset.get(qid)
        if q is not None and qid not in listed and qset.is_shown(q, answers) and _is_empty(answers.get(qid)):
            out.append(Problem(qid, Message("errors.answer_review_missing", question=dict(q.text)), "missing"))
    return out


def status_move_problems(current: str, target: str, qset: QuestionnaireSet, answers: dict[str, Any],
                         dpo_signed: bool = False) -> list[Problem]:
    """Why *current* cannot move to *target* (empty: it can).

    In review and approved need every required answer, the conclusion and the DPO opinion;
    approved also needs a valid DPO signature on a current report of the version in review
    (*dpo_signed*, found by the caller, who knows where reports are).
    """
    if target not in STATUSES:
        return [Problem("assessment.status", Message("errors.status_unknown", status=repr(target), known=", ".join(STATUSES)),
                        "move")]
    allowed = STATUS_MOVES.get(current, ())
    if target not in allowed:
        said = (Message("errors.status_move", current=current, target=target, allowed=", ".join(allowed)) if allowed
                else Message("errors.status_final", current=current, target=target))
        return [Problem("assessment.status", said, "move")]
    problems: list[Problem] = []
    if target in ("in_review", "approved"):
        problems.extend(review_missing(qset, answers))
    if target == "approved" and not dpo_signed:
        problems.append(Problem("assessment.status", Message("errors.status_needs_dpo"), "signature"))
    return problems


def format_value(q: Question | None, value: Any, lang: str = "en") -> str:
    """A readable rendering of an answer for terminals, reports and pages, in ``lang``: choice
    labels (never ids), yes/no, durations in words ("90 days"), dates ("30 Nov 2026"), tables."""
    from .i18n import format_date, format_duration, text

    if value is None or value == "":
        return "—"
    if q is None:
        return str(value)
    if q.type == "choice":
        return q.choice_label(value, lang)
    if q.type == "multi_choice" and isinstance(value, list):
        return ", ".join(q.choice_label(v, lang) for v in value) or "—"
    if q.type == "yes_no":
        return {True: {"en": "yes", "sv": "ja", "nb": "ja"}, False: {"en": "no", "sv": "nej", "nb": "nei"}}[bool(value)][lang]
    if q.type == "duration":
        return format_duration(value, lang)
    if q.type == "date":
        return format_date(value, lang)
    if q.type == "number":
        unit = f" {text(q.unit, lang)}" if q.unit else ""
        return f"{_num(value)}{unit}" if _is_number(value) else str(value)
    if q.type == "table" and isinstance(value, list):
        cols = {c.id: c for c in q.columns}
        rows = []
        for row in value:
            if isinstance(row, dict):
                rows.append("; ".join(f"{text(cols[k].label, lang) if k in cols else k}: {format_value(cols.get(k), v, lang)}" for k, v in row.items()))  # type: ignore[arg-type]
        return " | ".join(rows) or "—"
    return str(value)


def change_lines(q: Question | None, kind: str, old: Any, new: Any, lang: str = "en") -> list[str]:
    """Readable lines for one question-level change; tables are compared row by row, cell by cell."""
    from .i18n import text

    if q is not None and q.type == "table" and kind == "changed" and isinstance(old, list) and isinstance(new, list):
        cols = {c.id: c for c in q.columns}
        label = {"en": "row", "sv": "rad", "nb": "rad"}[lang]
        lines = []
        for i in range(max(len(old), len(new))):
            a = old[i] if i < len(old) else None
            b = new[i] if i < len(new) else None
            if a == b:
                continue
            if a is None:
                lines.append(f"+ {label} {i + 1}: {format_value(q, [b], lang)}")
            elif b is None:
                lines.append(f"- {label} {i + 1}: {format_value(q, [a], lang)}")
            elif isinstance(a, dict) and isinstance(b, dict):
                for key in list(a) + [k for k in b if k not in a]:
                    if a.get(key) != b.get(key):
                        col = cols.get(key)
                        name = text(col.label, lang) if col else key
                        lines.append(
                            f"~ {label} {i + 1}, {name}: {format_value(col, a.get(key), lang)}  ->  {format_value(col, b.get(key), lang)}"  # type: ignore[arg-type]
                        )
        return lines
    if kind == "added":
        return [format_value(q, new, lang)]
    if kind == "removed":
        return [format_value(q, old, lang)]
    return [f"{format_value(q, old, lang)}  ->  {format_value(q, new, lang)}"]
