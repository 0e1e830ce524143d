"""The wizard's view of the questionnaires: sections, questions, values.

The questionnaire loader (:mod:`lia.questionnaire`) owns validation of the
YAML files. The wizard only needs a small, stable, read-only view of them, so
this module converts whatever the loader returns (pydantic models or plain
mappings) into frozen dataclasses. That keeps the widget code independent of
the loader's internals and lets tests build forms from small fixtures.

It also holds the pure value helpers the widgets and the state share: ISO 8601
durations, dates, "is this answered", and ``show_if``.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from lia.duration import parse_or_none

__all__ = [
    "Choice",
    "Field",
    "Section",
    "Form",
    "load_form",
    "is_answered",
    "is_visible",
    "parse_duration",
    "format_duration",
    "DURATION_UNITS",
    "to_date",
    "from_date",
    "QUESTION_TYPES",
]

#: Every question type of the questionnaire contract (docs/architecture.md).
QUESTION_TYPES = ("text", "choice", "multi_choice", "yes_no", "number", "date", "duration", "table")

#: ISO 8601 date-duration designators in the order they are offered.
DURATION_UNITS = ("D", "W", "M", "Y")


def _plain(obj: Any) -> Any:
    """Turn pydantic models (and lists of them) into plain Python data."""
    if hasattr(obj, "model_dump"):
        return obj.model_dump(by_alias=True)
    if isinstance(obj, (list, tuple)):
        return [_plain(x) for x in obj]
    return obj


def _texts(value: Any) -> dict[str, str]:
    value = _plain(value)
    if not value:
        return {}
    if isinstance(value, str):
        return {"en": value, "sv": value, "nb": value}
    return {str(k): str(v) for k, v in dict(value).items()}


@dataclass(frozen=True)
class Choice:
    """One option of a choice or multi_choice question."""

    id: str
    label: dict[str, str]


@dataclass(frozen=True)
class Field:
    """A question, or a column of a table question (which has no columns itself)."""

    id: str
    type: str
    required: bool = False
    text: dict[str, str] = field(default_factory=dict)
    help: dict[str, str] = field(default_factory=dict)
    choices: tuple[Choice, ...] = ()
    min: float | None = None
    max: float | None = None
    integer: bool = False
    unit: dict[str, str] = field(default_factory=dict)
    columns: tuple["Field", ...] = ()
    show_if: dict[str, Any] | None = None
    section: str = ""

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], section: str = "") -> "Field":
        """Build a field from a questionnaire mapping (question or column)."""
        data = _plain(data)
        show_if = _plain(data.get("show_if"))
        if show_if is not None:
            show_if = dict(show_if)
            if "in" not in show_if and "in_" in show_if:
                show_if["in"] = show_if.pop("in_")
        return cls(
            id=str(data["id"]),
            type=str(data.get("type", "text")),
            required=bool(data.get("required") or False),
            text=_texts(data.get("text") or data.get("label")),
            help=_texts(data.get("help")),
            choices=tuple(
                Choice(id=str(_plain(c)["id"]), label=_texts(_plain(c).get("label")))
                for c in (data.get("choices") or ())
            ),
            min=data.get("min"),
            max=data.get("max"),
            integer=bool(data.get("integer") or False),
            unit=_texts(data.get("unit")),
            columns=tuple(Field.from_mapping(c) for c in (data.get("columns") or ())),
            show_if=show_if,
            section=section,
        )

    def choice_label(self, choice_id: Any, lang: str) -> str:
        """The label of a choice id in *lang*, or the id itself if unknown."""
        for c in self.choices:
            if c.id == choice_id:
                return label(c.label, lang)
        return str(choice_id)


@dataclass(frozen=True)
class Section:
    """One page of the wizard."""

    id: str
    title: dict[str, str]
    intro: dict[str, str]
    questions: tuple[Field, ...]
    questionnaire: str = ""


@dataclass
class Form:
    """All sections of all questionnaires, in file order, with a question index."""

    sections: list[Section]
    questionnaires: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.questions: dict[str, Field] = {
            q.id: q for s in self.sections for q in s.questions
        }

    @classmethod
    def from_questionnaires(cls, questionnaires: Iterable[Any]) -> "Form":
        """Build a form from loaded questionnaires (models or mappings)."""
        sections: list[Section] = []
        meta: list[dict[str, Any]] = []
        for qn in questionnaires:
            data = _plain(qn)
            meta.append({"id": data.get("id"), "version": data.get("version"), "title": _texts(data.get("title"))})
            for s in data.get("sections") or ():
                s = _plain(s)
                sid = str(s["id"])
                sections.append(
                    Section(
                        id=sid,
                        title=_texts(s.get("title")),
                        intro=_texts(s.get("intro")),
                        questions=tuple(Field.from_mapping(q, sid) for q in s.get("questions") or ()),
                        questionnaire=str(data.get("id", "")),
                    )
                )
        return cls(sections=sections, questionnaires=meta)

    def section_of(self, question_id: str) -> int | None:
        """Index of the section that holds *question_id*, or None."""
        for i, s in enumerate(self.sections):
            if any(q.id == question_id for q in s.questions):
                return i
        return None


def load_form(templates: Path | None = None) -> Form:
    """Load every questionnaire under ``<templates>/questionnaires`` as a :class:`Form`.

    *templates* defaults to the repository's ``templates/`` folder.
    """
    from lia.questionnaire import load_questionnaires

    if templates is None:
        from lia.paths import templates_dir

        templates = templates_dir()
    qs = load_questionnaires(Path(templates))
    return Form.from_questionnaires(qs.questionnaires)


def label(mapping: Mapping[str, str] | None, lang: str) -> str:
    """Text of a multilingual mapping in *lang* (English, then any, as fallback)."""
    if not mapping:
        return ""
    return mapping.get(lang) or mapping.get("en") or next(iter(mapping.values()), "")


def is_answered(value: Any) -> bool:
    """True if *value* counts as an answer (False and 0 do; None, "", [] do not)."""
    if value is None:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    if isinstance(value, (list, tuple, dict)):
        return len(value) > 0
    return True


def is_visible(question: Field, answers: Mapping[str, Any]) -> bool:
    """Apply ``show_if``: shown when the other answer is (or, for lists, contains) one of ``in``."""
    cond = question.show_if
    if not cond:
        return True
    other = answers.get(cond.get("question"))
    allowed = list(cond.get("in") or [])
    values = list(other) if isinstance(other, (list, tuple)) else [other]
    return any(_same(v, a) for v in values for a in allowed)


def _same(a: Any, b: Any) -> bool:
    """Equality that does not confuse False with 0 or True with 1."""
    return type(a) is type(b) and a == b


def parse_duration(value: Any) -> tuple[int, str] | None:
    """An answer as the duration control's amount and unit: ``"P90D"`` -> ``(90, "D")``,
    ``"P1Y6M"`` -> ``(18, "M")``, ``"P1W3D"`` -> ``(10, "D")`` (:meth:`lia.duration.Duration.in_one_unit`).
    None for empty or malformed values, and for one no single unit holds exactly (``P1M15D``)."""
    d = parse_or_none(value)
    return None if d is None else d.in_one_unit()


def format_duration(amount: int | None, unit: str) -> str | None:
    """``(90, "D")`` -> ``"P90D"``; None when no amount is given."""
    if amount is None:
        return None
    if unit not in DURATION_UNITS:
        raise ValueError(f"unknown duration unit {unit!r}; expected one of {', '.join(DURATION_UNITS)}")
    return f"P{int(amount)}{unit}"


def to_date(value: Any) -> _dt.date | None:
    """``"2026-05-01"`` -> ``date(2026, 5, 1)``; None when empty or malformed."""
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def from_date(value: Any) -> str | None:
    """A date (or None) as ``YYYY-MM-DD``."""
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        value = value.date()
    return value.isoformat()
