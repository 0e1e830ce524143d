"""Questionnaires as data: the schema of ``templates/questionnaires/*.yaml`` and its loader.

A questionnaire file carries ``kind: questionnaire``, ``id`` and ``version``; it holds
sections of questions, each with a stable id, a type, its texts in English, Swedish and
Norwegian Bokmål, and help. An assessment answers every questionnaire in the folder;
question ids are unique across them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError as PydanticValidationError, field_validator, model_validator

from .canonical import digest_obj
from .errors import InputError, Message, Problem, ValidationError
from .i18n import LANGS
from .loaders import load_data_file

__all__ = [
    "QUESTION_TYPES",
    "I18n",
    "Choice",
    "Column",
    "Question",
    "Section",
    "Questionnaire",
    "QuestionnaireSet",
    "load_questionnaire",
    "load_questionnaires",
]

QUESTION_TYPES = ("text", "choice", "multi_choice", "yes_no", "number", "date", "duration", "table")
QID_RE = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$"
ID_RE = r"^[a-z][a-z0-9_]*$"
SEMVER_RE = r"^\d+\.\d+\.\d+$"

QuestionType = Literal["text", "choice", "multi_choice", "yes_no", "number", "date", "duration", "table"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_i18n(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ValueError(f"expected a mapping with the languages {', '.join(LANGS)}")
    missing = [lang for lang in LANGS if not (isinstance(value.get(lang), str) and value[lang].strip())]
    extra = [k for k in value if k not in LANGS]
    if missing:
        raise ValueError(f"missing or empty text in {', '.join(missing)} (every text needs {', '.join(LANGS)})")
    if extra:
        raise ValueError(f"unknown language key(s) {', '.join(map(str, extra))}; expected only {', '.join(LANGS)}")
    return {lang: value[lang] for lang in LANGS}


def _check_optional_i18n(value: Any) -> dict[str, str] | None:
    """An optional text (help, intro, description, unit): absent, or as :func:`_check_i18n` requires."""
    return None if value is None else _check_i18n(value)


def _given_twice(ids: list[str]) -> list[str]:
    """The ids that stand more than once in ``ids`` (choices, columns), sorted."""
    return sorted({i for i in ids if ids.count(i) > 1})


I18n = dict[str, str]


class Choice(_Strict):
    id: str = Field(pattern=ID_RE)
    label: I18n

    _v = field_validator("label", mode="before")(_check_i18n)


class ShowIf(_Strict):
    question: str = Field(pattern=QID_RE)
    in_: list[Any] = Field(alias="in", min_length=1)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class _QuestionBase(_Strict):
    type: QuestionType
    required: bool = False
    choices: list[Choice] = Field(default_factory=list)
    min: Optional[float] = None
    max: Optional[float] = None
    integer: bool = False
    unit: Optional[I18n] = None

    _unit = field_validator("unit", mode="before")(_check_optional_i18n)

    @model_validator(mode="after")
    def _type_fields(self) -> "_QuestionBase":
        if self.type in ("choice", "multi_choice"):
            if not self.choices:
                raise ValueError(f"a {self.type} question needs a non-empty list of choices")
            dup = _given_twice([c.id for c in self.choices])
            if dup:
                raise ValueError(f"choice id(s) given twice: {', '.join(dup)}")
        elif self.choices:
            raise ValueError(f"only choice and multi_choice questions have choices, not {self.type}")
        if self.type != "number" and (self.min is not None or self.max is not None or self.integer or self.unit):
            raise ValueError("min, max, integer and unit belong to number questions only")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is greater than max {self.max}")
        return self

    def choice_ids(self) -> list[str]:
        return [c.id for c in self.choices]

    def choice_label(self, cid: str, lang: str = "en") -> str:
        for c in self.choices:
            if c.id == cid:
                return c.label.get(lang) or c.label["en"]
        return cid


class Column(_QuestionBase):
    id: str = Field(pattern=ID_RE)
    label: I18n
    help: Optional[I18n] = None
    type: Literal["text", "choice", "multi_choice", "yes_no", "number", "date", "duration"]  # type: ignore[assignment]

    _v = field_validator("label", mode="before")(_check_i18n)

    _help = field_validator("help", mode="before")(_check_optional_i18n)


class Question(_QuestionBase):
    id: str = Field(pattern=QID_RE)
    text: I18n
    help: I18n
    columns: list[Column] = Field(default_factory=list)
    show_if: Optional[ShowIf] = None
    # Filled in by the loader: which questionnaire and section the question belongs to.
    questionnaire: str = ""
    section: str = ""

    _v = field_validator("text", "help", mode="before")(_check_i18n)

    @model_validator(mode="after")
    def _table(self) -> "Question":
        if self.type == "table":
            if not self.columns:
                raise ValueError("a table question needs a non-empty list of columns")
            dup = _given_twice([c.id for c in self.columns])
            if dup:
                raise ValueError(f"column id(s) given twice: {', '.join(dup)}")
        elif self.columns:
            raise ValueError(f"only table questions have columns, not {self.type}")
        return self


class Section(_Strict):
    id: str = Field(pattern=ID_RE)
    title: I18n
    intro: Optional[I18n] = None
    questions: list[Question] = Field(min_length=1)

    _v = field_validator("title", mode="before")(_check_i18n)

    _intro = field_validator("intro", mode="before")(_check_optional_i18n)


class Questionnaire(_Strict):
    kind: Literal["questionnaire"]
    id: str = Field(pattern=ID_RE)
    version: str = Field(pattern=SEMVER_RE)
    title: I18n
    description: Optional[I18n] = None
    sections: list[Section] = Field(min_length=1)
    # Filled in by the loader.
    digest: str = ""
    path: str = ""

    _v = field_validator("title", mode="before")(_check_i18n)

    _desc = field_validator("description", mode="before")(_check_optional_i18n)

    def ref(self) -> dict[str, str]:
        """``{id, version, digest}`` as recorded in every saved version."""
        return {"id": self.id, "version": self.version, "digest": self.digest}


def _loc(data: Any, loc: tuple) -> str:
    """Turn a pydantic location into a readable path naming section and question ids."""
    parts: list[str] = []
    node = data
    for item in loc:
        if isinstance(item, int) and isinstance(node, list):
            label = f"[{item}]"
            if 0 <= item < len(node) and isinstance(node[item], dict) and isinstance(node[item].get("id"), str):
                label = f"[{node[item]['id']}]"
            parts.append(label)
            node = node[item] if 0 <= item < len(node) else None
        else:
            parts.append(("." if parts else "") + str(item))
            node = node.get(item) if isinstance(node, dict) else None
    return "".join(parts) or "(top level)"


def _pydantic_problems(err: PydanticValidationError, data: Any) -> list[Problem]:
    out = []
    for e in err.errors():
        loc = tuple(x for x in e["loc"] if not (isinstance(x, str) and x.startswith("function-")))
        msg = e["msg"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        if e["type"] == "extra_forbidden":
            msg = "unknown key (check its spelling against the questionnaire schema in docs/architecture.md)"
        if e["type"] == "missing":
            msg = "this key is required"
        out.append(Problem(_loc(data, loc), msg, "schema"))
    return out


@lru_cache(maxsize=64)
def _load_cached(path: str, mtime_ns: int, size: int) -> Questionnaire:
    data = load_data_file(path, what=Message("errors.what_questionnaire"))
    if not isinstance(data, dict):
        raise InputError(Message("errors.questionnaire_not_mapping"), file=path)
    # Strip loader-only fields a user should not set.
    for key in ("digest", "path"):
        if key in data:
            raise InputError(Message("errors.questionnaire_computed_key", key=repr(key)), file=path)
    try:
        q = Questionnaire.model_validate(data)
    except PydanticValidationError as err:
        raise ValidationError(_pydantic_problems(err, data), source=path) from None
    digest = digest_obj(data)
    sections = []
    for s in q.sections:
        qs = [x.model_copy(update={"questionnaire": q.id, "section": s.id}) for x in s.questions]
        sections.append(s.model_copy(update={"questions": qs}))
    return q.model_copy(update={"digest": digest, "path": str(path), "sections": sections})


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Load and validate one questionnaire file; every schema problem is reported at once."""
    p = Path(path)
    try:
        st = p.stat()
    except OSError:
        raise InputError(Message("errors.questionnaire_missing"), file=p) from None
    return _load_cached(str(p), st.st_mtime_ns, st.st_size)


@dataclass
class QuestionnaireSet:
    """All questionnaires of a templates folder, with their questions indexed by id."""

    questionnaires: list[Questionnaire]
    questions: dict[str, Question] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        for qn in self.questionnaires:
            for s in qn.sections:
                for q in s.questions:
                    if q.id in self.questions:
                        other = self.questions[q.id]
                        problems.append(Problem(q.id, Message("errors.questionnaire_id_twice",
                                                              first=f"{other.questionnaire}/{other.section}",
                                                              second=f"{qn.id}/{s.id}")))
                    self.questions[q.id] = q
        for q in self.questions.values():
            if q.show_if is None:
                continue
            target = self.questions.get(q.show_if.question)
            if target is None:
                problems.append(Problem(q.id, Message("errors.show_if_unknown", question=repr(q.show_if.question))))
                continue
            allowed: list[Any]
            if target.type in ("choice", "multi_choice"):
                allowed = target.choice_ids()
            elif target.type == "yes_no":
                allowed = [True, False]
            else:
                problems.append(Problem(q.id, Message("errors.show_if_type", type=target.type)))
                continue
            bad = [v for v in q.show_if.in_ if v not in allowed]
            if bad:
                problems.append(Problem(q.id, Message("errors.show_if_values", bad=str(bad), question=target.id,
                                                      allowed=str(allowed))))
        if problems:
            raise ValidationError(problems, heading=Message("errors.questionnaires_clash"))

    @property
    def sections(self) -> list[tuple[Questionnaire, Section]]:
        return [(qn, s) for qn in self.questionnaires for s in qn.sections]

    def refs(self) -> list[dict[str, str]]:
        return [qn.ref() for qn in self.questionnaires]

    def get(self, qid: str) -> Question | None:
        return self.questions.get(qid)

    def is_shown(self, q: Question, answers: dict[str, Any]) -> bool:
        """Whether ``q`` applies given ``answers`` (its show_if condition holds)."""
        if q.show_if is None:
            return True
        value = answers.get(q.show_if.question)
        if isinstance(value, list):
            return any(v in q.show_if.in_ for v in value)
        return value in q.show_if.in_


_ORDER = {"lia": 0, "dpia_screening": 1, "dpia_risks": 2}


def load_questionnaires(folder: str | Path | None = None) -> QuestionnaireSet:
    """Load every ``*.yaml`` questionnaire under ``folder/questionnaires`` (default: the templates)."""
    from .paths import templates_dir

    base = Path(folder) if folder is not None else templates_dir()
    qdir = base / "questionnaires" if (base / "questionnaires").is_dir() else base
    files = sorted(qdir.glob("*.yaml"))
    if not files:
        raise InputError(Message("errors.questionnaire_none"), file=qdir)
    problems: list[str] = []  # each error whole: rendered from its codes in the page's language
    loaded = []
    for f in files:
        try:
            loaded.append(load_questionnaire(f))
        except (InputError, ValidationError) as err:
            problems.append(err.whole)
    if problems:
        from .errors import Joined, LiaError

        raise LiaError(Message("errors.questionnaires_bad", problems=Joined(problems, "\n")))
    loaded.sort(key=lambda q: (_ORDER.get(q.id, 99), q.id))
    return QuestionnaireSet(loaded)

