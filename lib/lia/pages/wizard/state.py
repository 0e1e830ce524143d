"""What the wizard page holds, as plain Python (no widgets).

:class:`WizardState` is the model behind the page: which assessment and base
version is open, the answers typed so far, the language, the current section
and, after a refused save, the conflict. Everything the page shows is derived
from it, so it can be tested without a browser or even ipywidgets.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from lia.pages.wizard.schema import Field, Form, is_answered, is_visible

__all__ = ["WizardState", "Conflict", "DiffRow", "Problem", "SectionProgress", "WORKING", "ID_PATTERN", "META_FIELDS"]

#: Assessment ids the wizard accepts when creating one (also a safe folder name).
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")

#: Stands for "the answers on screen" in :meth:`WizardState.diff`.
WORKING = "working"

JURISDICTIONS = ("EU", "SE", "NO")

#: Metadata the page edits (besides the id, which names the folder, and the status, which moves by rules).
META_FIELDS = ("title", "owner", "controller", "processing_activity", "jurisdictions", "review_date")


@dataclass
class Conflict:
    """A refused save: someone saved *head* after we opened our base version.

    *merge* is the three-way merge of the answers on screen with *head*
    (:class:`lia.merge.MergeResult`): what merges by itself, and the clashes
    (questions both changed) the user chooses between.
    """

    head: Any  # lia.store.Version
    base_number: int | None
    message: str
    merge: Any = None
    kept: Any = None  # where the store keeps the refused answers


@dataclass(frozen=True)
class DiffRow:
    """One question whose answer differs between two versions."""

    question: str
    before: Any
    after: Any


@dataclass(frozen=True)
class Problem:
    """Something about the answers the user should fix; *key* names a UI string."""

    question: str
    key: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SectionProgress:
    """Questions answered in one section, of those that count.

    What counts: the required questions (and the conclusion and DPO opinion, required
    before review); in a section without any, every shown question that is not free text
    (a screening answered "no" is an answer, an empty one is not) - *all_count* is then True.
    """

    index: int
    section: str
    answered: int
    required: int
    all_count: bool = False

    @property
    def complete(self) -> bool:
        """Done: the questions that count are answered (a section with nothing to answer is not "done")."""
        return self.required > 0 and self.answered >= self.required


class WizardState:
    """Model of the wizard page.

    *store* is a :class:`lia.store.Store`, *form* the questionnaires as a
    :class:`lia.pages.wizard.schema.Form`.
    """

    def __init__(self, store: Any, form: Form, lang: str = "en") -> None:
        self.store = store
        self.form = form
        self.lang = lang
        self.assessment_id: str | None = None
        self.assessment: dict[str, Any] = {}
        self.base: Any = None  # the Version the answers started from
        self.answers: dict[str, Any] = {}
        self.section_index = 0
        self.conflict: Conflict | None = None
        self.last_saved: Any = None

    # ------------------------------------------------------------------ open

    @property
    def base_number(self) -> int | None:
        """Number of the version the answers are based on (None if never saved)."""
        return None if self.base is None else int(self.base.number)

    def ids(self) -> list[str]:
        """Ids of the assessments in the workspace, sorted."""
        return sorted(self.store.ids())

    def new(self, assessment_id: str, title: str, jurisdictions: Iterable[str], **meta: Any) -> None:
        """Start a new, unsaved assessment. Raises LiaError naming what was expected."""
        from lia.errors import LiaError, Message

        assessment_id = (assessment_id or "").strip()
        title = (title or "").strip()
        jurisdictions = [j for j in JURISDICTIONS if j == "EU" or j in set(jurisdictions)]  # EU law always applies
        if not ID_PATTERN.match(assessment_id):
            raise LiaError(Message("errors.evidence_bad_id", id=repr(assessment_id)))
        if self.store.exists(assessment_id):
            raise LiaError(Message("errors.wizard_exists", id=repr(assessment_id)))
        if not title:
            raise LiaError(Message("errors.wizard_title_required"))
        if not jurisdictions:
            raise LiaError(Message("errors.wizard_jurisdiction_required", known=", ".join(JURISDICTIONS)))
        self.assessment_id = assessment_id
        self.assessment = {
            "id": assessment_id,
            "title": title,
            "controller": meta.get("controller", ""),
            "processing_activity": meta.get("processing_activity", title),
            "jurisdictions": jurisdictions,
            "owner": meta.get("owner", ""),
            "review_date": meta.get("review_date"),
            "status": meta.get("status", "draft"),
        }
        self.base = None
        self.answers = {}
        self.section_index = 0
        self.conflict = None

    def load(self, assessment_id: str, number: int | None = None) -> Any:
        """Open *number* (head if None) of an assessment; typed answers are replaced."""
        version = self.store.load(assessment_id, number)
        self.assessment_id = assessment_id
        self.assessment = copy.deepcopy(dict(version.assessment))
        self.base = version
        self.answers = copy.deepcopy(dict(version.answers))
        self.conflict = None
        return version

    # --------------------------------------------------------------- answers

    def set_answer(self, question_id: str, value: Any) -> None:
        """Record an answer; an empty value (None, "", []) removes it."""
        if is_answered(value):
            self.answers[question_id] = copy.deepcopy(value)
        else:
            self.answers.pop(question_id, None)

    def visible(self, question: Field) -> bool:
        """Whether *question* is shown, given the answers so far (``show_if``)."""
        return is_visible(question, self.answers)

    def answers_to_save(self) -> dict[str, Any]:
        """The answers of the questions that are shown (hidden ones are not saved)."""
        qs = self.form.questions
        return {
            k: copy.deepcopy(v)
            for k, v in sorted(self.answers.items())
            if k not in qs or self.visible(qs[k])
        }

    @property
    def dirty(self) -> bool:
        """True when what would be saved differs from the base version (or nothing is saved yet)."""
        if self.assessment_id is None:
            return False
        if self.base is None:
            return True
        return self.answers_to_save() != dict(self.base.answers) or self.assessment != dict(self.base.assessment)

    # -------------------------------------------------------------- progress

    def progress(self) -> list[SectionProgress]:
        """Per section: required (and shown) questions answered / required."""
        out = []
        for i, s in enumerate(self.form.sections):
            shown = [q for q in s.questions if self.visible(q)]
            req = [q for q in shown if self.required(q)]
            all_count = not req
            if all_count:
                req = [q for q in shown if q.type != "text"] or shown
            done = sum(1 for q in req if is_answered(self.answers.get(q.id)))
            out.append(SectionProgress(i, s.id, done, len(req), all_count))
        return out

    def required(self, question: Field) -> bool:
        """Required by the questionnaire, or before review (the conclusion and the DPO opinion)."""
        from lia.model import REVIEW_REQUIRED

        return bool(question.required) or question.id in REVIEW_REQUIRED

    def problems(self) -> list[Problem]:
        """Everything that keeps the answers from being complete and valid, in form order."""
        out: list[Problem] = []
        for s in self.form.sections:
            for q in s.questions:
                if not self.visible(q):
                    continue
                value = self.answers.get(q.id)
                if not is_answered(value):
                    if self.required(q):
                        out.append(Problem(q.id, "problem_required"))
                    continue
                out.extend(_value_problems(q, value))
        return out

    # -------------------------------------------------------------- metadata

    def set_meta(self, name: str, value: Any) -> None:
        """Change one metadata field of the open assessment (saved with the next version).

        Raises LiaError naming the field and what was expected; the field then keeps its value.
        """
        from lia.errors import LiaError, Message
        from lia.model import _valid_date

        if self.assessment_id is None:
            raise LiaError(Message("errors.wizard_none_open"))
        if name not in META_FIELDS:
            raise LiaError(Message("errors.wizard_unknown_field", name=repr(name), known=", ".join(META_FIELDS)))
        if name == "jurisdictions":
            value = [j for j in JURISDICTIONS if j == "EU" or j in set(value or [])]
        elif name == "review_date":
            value = (str(value).strip() if value else "") or None
            if value is not None and not _valid_date(value):
                raise LiaError(Message("errors.wizard_review_date", value=repr(value)))
        else:
            value = str(value or "").strip()
            if name == "title" and not value:
                raise LiaError(Message("errors.wizard_title_required"))
            if len(value) > 300:
                raise LiaError(Message("errors.wizard_too_long", name=name, n=len(value)))
        self.assessment[name] = value

    # ---------------------------------------------------------------- status

    @property
    def status(self) -> str:
        """Status of the open assessment (draft when none is given)."""
        return str(self.assessment.get("status") or "draft")

    def status_moves(self) -> tuple[str, ...]:
        """The statuses the open assessment may move to next (lia.model.STATUS_MOVES)."""
        from lia.model import STATUS_MOVES

        return STATUS_MOVES.get(self.status, ()) if self.assessment_id is not None else ()

    def status_problems(self, target: str, dpo_signed: bool = False) -> list[Problem]:
        """Why the open assessment cannot move to *target* now, as UI problems (empty: it can).

        The rules are the model's (:func:`lia.model.status_move_problems`), applied to the
        answers on screen.
        """
        from lia.model import status_move_problems
        from lia.questionnaire import load_questionnaires

        out: list[Problem] = []
        for p in status_move_problems(self.status, target, load_questionnaires(), self.answers_to_save(), dpo_signed):
            if p.kind == "missing":
                out.append(Problem(p.where, "problem_required"))
            elif p.kind == "signature":
                out.append(Problem("assessment.status", "status_needs_signature"))
            else:
                out.append(Problem("assessment.status", "status_move_not_allowed",
                                   {"current": self.status, "target": target}))
        return out

    def move_status(self, target: str, author: str, message: str, dpo_signed: bool = False) -> Any:
        """Move to *target* and save that as a new version by *author* (with the answers on screen).

        Refused with a ValidationError listing :meth:`status_problems`; on any failure the
        status stays as it was.
        """
        from lia.errors import Problem as ErrorProblem, ValidationError

        problems = self.status_problems(target, dpo_signed)
        if problems:
            raise ValidationError([ErrorProblem(p.question, p.key, "status") for p in problems],
                                  heading=f"cannot move {self.assessment_id!r} from {self.status} to {target}")
        before = self.status
        self.assessment["status"] = target
        try:
            return self.save(author, message)
        except Exception:
            self.assessment["status"] = before
            raise

    # ------------------------------------------------------------------ save

    def save(self, author: str, message: str) -> Any:
        """Save the shown answers as a new version whose parent is the base version.

        On a stale base the store raises ConflictError: the answers stay in
        this state, :attr:`conflict` names the newer head, and the error is
        re-raised for the page to report.
        """
        from lia.errors import ConflictError, LiaError, Message

        if self.assessment_id is None:
            raise LiaError(Message("errors.wizard_none_open"))
        if not (author or "").strip():
            raise LiaError(Message("errors.wizard_author_required"))
        aid = self.assessment_id
        answers = self.answers_to_save()
        try:
            if self.base is None and not self.store.exists(aid):
                try:
                    version = self.store.create(
                        copy.deepcopy(self.assessment), author=author.strip(), message=(message or "").strip(), answers=answers
                    )
                except LiaError:
                    if not self.store.exists(aid):
                        raise
                    version = None  # lost a race with another creator: merged below like any conflict
            else:
                version = None
            if version is None:
                version = self.store.save(
                    aid,
                    answers,
                    assessment=copy.deepcopy(self.assessment),
                    author=author.strip(),
                    message=(message or "").strip(),
                    parent=self.base_number or 0,  # 0: created by someone else meanwhile, nothing in common
                )
        except ConflictError as err:
            self._set_conflict(err)
            raise
        self._saved(version)
        return version

    def save_merged(self, author: str, message: str, choices: dict[str, str] | None = None,
                    merge_note: str | None = None, expect_head: int | None = None) -> Any:
        """After a conflict: save the answers on screen merged with what was saved since the base.

        Answers only one side changed are kept from that side; *choices* (question id or
        ``assessment.<field>`` -> ``mine`` | ``theirs``) settle the questions both changed.
        The new version follows the newest head and its message ends with *merge_note*.
        If someone saved after *expect_head* (the head whose merge the user was shown), or
        a clash has no choice, ConflictError: the
        :attr:`conflict` is renewed and the answers stay on screen. On success the screen
        shows the merged answers.
        """
        from lia.errors import ConflictError, LiaError, Message

        if self.assessment_id is None:
            raise LiaError(Message("errors.wizard_none_open"))
        if not (author or "").strip():
            raise LiaError(Message("errors.wizard_author_required"))
        try:
            saved = self.store.save_merging(
                self.assessment_id,
                self.answers_to_save(),
                parent=self.base_number or 0,
                assessment=copy.deepcopy(self.assessment),
                author=author.strip(),
                message=(message or "").strip(),
                choices=dict(choices or {}),
                merge_note=merge_note,
                expect_head=expect_head,
            )
        except ConflictError as err:
            self._set_conflict(err)
            raise
        self._saved(saved.version)
        self.answers = copy.deepcopy(dict(saved.version.answers))
        return saved.version

    def refresh_merge(self) -> None:
        """After an edit during a conflict: merge the answers now on screen with the same head again.

        The page shows what saving the merge would keep and take; a later head is not
        pulled in here (saving then refuses and shows it).
        """
        c = self.conflict
        if c is None or c.merge is None or self.assessment_id is None:
            return
        from lia.merge import merge_versions

        base = self.base if self.base is not None else None
        base_answers = dict(base.answers) if base is not None else {}
        base_meta = dict(base.assessment) if base is not None else {}
        c.merge = merge_versions(
            base_answers, base_meta, self.answers_to_save(), {**base_meta, **self.assessment},
            dict(c.head.answers), dict(c.head.assessment), order=list(self.form.questions),
        )

    def _set_conflict(self, err: Any) -> None:
        head = self.store.load(self.assessment_id)
        self.conflict = Conflict(head=head, base_number=self.base_number, message=str(err),
                                 merge=getattr(err, "merge", None), kept=getattr(err, "kept", None))

    def _saved(self, version: Any) -> None:
        self.base = version
        self.assessment = copy.deepcopy(dict(version.assessment))
        self.conflict = None
        self.last_saved = version

    def resolve_take_theirs(self) -> None:
        """After a conflict: drop the typed answers and open the newer head."""
        if self.conflict is None or self.assessment_id is None:
            return
        self.load(self.assessment_id, int(self.conflict.head.number))

    # --------------------------------------------------------------- history

    def history(self) -> list[Any]:
        """Saved versions of the open assessment, oldest first (empty when unsaved)."""
        if self.assessment_id is None or not self.store.exists(self.assessment_id):
            return []
        return list(self.store.history(self.assessment_id))

    def answers_of(self, which: int | str | None) -> dict[str, Any]:
        """Answers of version *which*, or of the screen for :data:`WORKING`."""
        if which == WORKING or which is None:
            return self.answers_to_save()
        return dict(self.store.load(self.assessment_id, int(which)).answers)

    def diff(self, a: int | str, b: int | str) -> list[DiffRow]:
        """Questions whose answers differ from *a* to *b* (numbers or :data:`WORKING`), in form order."""
        before, after = self.answers_of(a), self.answers_of(b)
        order = {qid: i for i, qid in enumerate(self.form.questions)}
        keys = sorted(set(before) | set(after), key=lambda k: (order.get(k, len(order)), k))
        return [DiffRow(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


def _value_problems(q: Field, value: Any) -> list[Problem]:
    out: list[Problem] = []
    if q.type == "number" and isinstance(value, (int, float)) and not isinstance(value, bool):
        lo, hi = q.min, q.max
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            if lo is not None and hi is not None:
                out.append(Problem(q.id, "problem_range", {"min": lo, "max": hi}))
            elif lo is not None:
                out.append(Problem(q.id, "problem_min", {"min": lo}))
            else:
                out.append(Problem(q.id, "problem_max", {"max": hi}))
    if q.type == "table" and isinstance(value, list):
        for n, row in enumerate(value, start=1):
            for col in q.columns:
                if col.required and not is_answered((row or {}).get(col.id)):
                    out.append(Problem(q.id, "problem_row", {"row": n, "column": col.id}))
    return out


