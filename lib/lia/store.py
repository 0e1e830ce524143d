"""The versioned store: immutable, hash-chained versions of an assessment's answers.

``assessments/<id>/versions/0001.json, 0002.json, ...`` - one plain-text JSON file per saved
version, with sorted keys so it reads well in a git diff. Each records its parent's digest,
the author, time, message, the questionnaires it answers and the SHA-256 digest of its own
RFC 8785 canonical JSON (without the ``digest`` key).

Saving never overwrites. The new file is written to a temporary name, flushed and fsynced,
then hard-linked to its final number: ``os.link`` fails if another save took that number
first, which makes the stale-parent check atomic even between processes. A save refused for
a stale parent keeps the attempted answers in ``assessments/<id>/conflicts/``.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional

from .canonical import digest_obj, pretty_json
from .errors import (ConflictError, IntegrityError, InputError, Joined, LiaError, Message, NotFoundError, Problem,
                     ValidationError, os_reason)
from .fsio import atomic_write
from .workspace import Workspace

__all__ = ["FORMAT", "Version", "Change", "Saved", "Store", "default_author", "atomic_write"]

FORMAT = "lia-version/1"
#: How often a save whose number another save took a moment earlier is merged and tried again.
_SAVE_ATTEMPTS = 5
#: Appended to the message of a merged version (the wizard passes its own, in the page's language).
_MERGE_NOTE = "(merged with version {head} by {author}; edited from version {base})"
_VERSION_FILE = re.compile(r"^(\d{4,})\.json$")
_KEYS = {"assessment", "answers", "author", "digest", "format", "message", "number", "parent", "questionnaires", "time"}


def default_author() -> str:
    """The author of a save when none is given: ``$LIA_AUTHOR``, else the login name."""
    env = os.environ.get("LIA_AUTHOR", "").strip()
    if env:
        return env
    try:
        return getpass.getuser()
    except Exception:  # pragma: no cover - no login name in some containers
        return "unknown"


@dataclass(frozen=True)
class Version:
    """One saved version of an assessment."""

    number: int
    digest: str
    parent: Optional[str]
    author: str
    time: str
    message: str
    assessment: dict[str, Any]
    answers: dict[str, Any]
    questionnaires: list[dict[str, str]]
    path: Path = field(compare=False)

    @property
    def id(self) -> str:
        return self.assessment["id"]

    def record(self) -> dict[str, Any]:
        """The stored JSON object."""
        return {
            "assessment": self.assessment,
            "answers": self.answers,
            "author": self.author,
            "digest": self.digest,
            "format": FORMAT,
            "message": self.message,
            "number": self.number,
            "parent": self.parent,
            "questionnaires": self.questionnaires,
            "time": self.time,
        }


@dataclass(frozen=True)
class Change:
    """One question-level difference between two versions."""

    where: str  # question id, or "assessment.<field>"
    kind: str  # added | removed | changed
    old: Any = None
    new: Any = None


@dataclass(frozen=True)
class Saved:
    """A saved version and, when it merged what someone else saved meanwhile, that merge."""

    version: Version
    merge: Any = None  # lia.merge.MergeResult
    merged_with: Optional[Version] = None  # the head whose answers were merged in


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _stat_key(path: Path) -> tuple[int, int, int, int]:
    st = os.stat(path)
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


class Store:
    """The versioned answers of every assessment in a workspace."""

    def __init__(self, ws: Workspace | str | Path | None = None) -> None:
        self.ws = ws if isinstance(ws, Workspace) else Workspace(ws)
        # version files whose digest this Store has checked, with their stat when checked: a
        # long-lived Store (the wizard's) re-reads the history after every save, and re-hashing
        # every version each time grew with the history. Any write to a file changes its
        # ctime, which no user can set, so a changed file is always checked again.
        self._verified: dict[str, tuple[int, int, int, int]] = {}

    # --- paths --------------------------------------------------------------------------------
    def folder(self, aid: str) -> Path:
        from .model import check_assessment_id

        return self.ws.assessments_dir / check_assessment_id(aid)

    def _versions_dir(self, aid: str) -> Path:
        return self.folder(aid) / "versions"

    def ids(self) -> list[str]:
        """Ids of every assessment in the workspace, sorted."""
        from .model import ASSESSMENT_ID_RE

        base = self.ws.assessments_dir
        if not base.is_dir():
            return []
        return sorted(p.name for p in base.iterdir() if p.is_dir() and ASSESSMENT_ID_RE.match(p.name) and (p / "versions").is_dir())

    def exists(self, aid: str) -> bool:
        return self._versions_dir(aid).is_dir()

    def numbers(self, aid: str) -> list[int]:
        """Version numbers on disk, ascending."""
        vdir = self._versions_dir(aid)
        if not vdir.is_dir():
            raise NotFoundError(Message("errors.store_no_assessment",
                                        id=aid, dir=self.ws.assessments_dir,
                                        known=", ".join(self.ids()) or Message("errors.frag_none")))
        nums = []
        for p in vdir.iterdir():
            m = _VERSION_FILE.match(p.name)
            if m:
                nums.append(int(m.group(1)))
        return sorted(nums)

    def version_path(self, aid: str, number: int) -> Path:
        return self._versions_dir(aid) / f"{number:04d}.json"

    # --- reading ------------------------------------------------------------------------------
    def head_number(self, aid: str) -> int:
        nums = self.numbers(aid)
        if not nums:
            raise NotFoundError(Message("errors.store_no_version_yet", id=aid, dir=self._versions_dir(aid)))
        return nums[-1]

    def load(self, aid: str, number: int | None = None, *, verify: bool = True) -> Version:
        """Load version ``number`` (the head when None), checking its digest."""
        if number is None:
            number = self.head_number(aid)
        else:
            nums = self.numbers(aid)
            if number not in nums:
                have = Message("errors.frag_versions", n=nums[-1]) if nums else Message("errors.store_none_yet")
                raise NotFoundError(Message("errors.store_no_version", id=aid, n=number, have=have))
        return self._read(self.version_path(aid, number), number, verify=verify)

    def _read(self, path: Path, number: int, *, verify: bool = True) -> Version:
        from .loaders import parse_json

        try:
            before = _stat_key(path)
            raw = path.read_bytes()
            unchanged = before == _stat_key(path)  # not written to while it was read
        except OSError as err:
            raise IntegrityError(Message("errors.store_unreadable", path=path, reason=os_reason(err))) from None
        try:
            data = parse_json(raw.decode("utf-8"), path)
        except UnicodeDecodeError as err:
            raise IntegrityError(Message("errors.store_bad_json", path=path, n=number,
                                         error=Message("errors.store_not_utf8", offset=err.start))) from None
        except InputError as err:  # its file, place and problem, rendered in the reader's language
            raise IntegrityError(Message("errors.store_bad_json", path=path, n=number, error=err.whole)) from None
        problems = _record_problems(data, number)
        if problems:
            raise IntegrityError(Message("errors.store_malformed", path=path, n=number, problems=Joined(problems, "; ")))
        if verify and self._verified.get(str(path)) != before:
            body = {k: v for k, v in data.items() if k != "digest"}
            actual = digest_obj(body)
            if actual != data["digest"]:
                self._verified.pop(str(path), None)
                raise IntegrityError(Message("errors.store_altered", path=path, n=number, actual=actual,
                                             recorded=data["digest"]))
            if unchanged:
                self._verified[str(path)] = before
        return Version(
            number=data["number"],
            digest=data["digest"],
            parent=data["parent"],
            author=data["author"],
            time=data["time"],
            message=data["message"],
            assessment=data["assessment"],
            answers=data["answers"],
            questionnaires=data["questionnaires"],
            path=path,
        )

    def history(self, aid: str) -> list[Version]:
        """Every version, oldest first."""
        return [self.load(aid, n) for n in self.numbers(aid)]

    # --- writing ------------------------------------------------------------------------------
    def create(self, meta: dict[str, Any], *, author: str | None = None, message: str | None = None, answers: dict | None = None) -> Version:
        """Create an assessment with its first version (metadata, and answers if given)."""
        from .model import AssessmentMeta

        m = AssessmentMeta.parse(meta)
        if self.exists(m.id):
            raise LiaError(Message("errors.store_exists", id=m.id, dir=self.ws.assessments_dir))
        try:
            return self._commit(m.id, m.to_dict(), answers or {}, author, message or "Created the assessment", None)
        except FileExistsError:
            raise ConflictError(Message("errors.store_created_meanwhile", id=repr(m.id)), head=1) from None

    def save(
        self,
        aid: str,
        answers: dict[str, Any],
        *,
        assessment: dict[str, Any] | None = None,
        author: str | None = None,
        message: str,
        parent: int | None = None,
        force: bool = False,
    ) -> Version:
        """Save a new version with ``answers`` (and updated metadata if given).

        ``parent`` is the version the answers were edited from (None: the head as read now;
        0: none, for an assessment someone else created meanwhile). When it is no longer the
        head the save is refused: the ConflictError carries the three-way merge with the head
        (``err.merge``) and names the file that keeps the attempted answers. :meth:`save_merging`
        saves that merge instead. ``force=True`` saves the answers on top of the head as they
        are, replacing what was saved since: only for an explicit user choice.
        """
        return self._save(aid, answers, assessment, author, message, parent, merge=False, force=force).version

    def save_merging(
        self,
        aid: str,
        answers: dict[str, Any],
        *,
        parent: int | None,
        assessment: dict[str, Any] | None = None,
        author: str | None = None,
        message: str,
        choices: dict[str, str] | None = None,
        take: str | None = None,
        merge_note: str | None = None,
        kept: Path | None = None,
        expect_head: int | None = None,
    ) -> "Saved":
        """Save ``answers`` edited from version ``parent``, merged three ways with what was saved since.

        Answers (and metadata fields) only one side changed are kept from that side; a question
        both changed differently is taken from ``choices`` (question id or ``assessment.<field>``
        -> ``mine`` | ``theirs``), else from ``take``. If one is left without a choice nothing is saved: a
        ConflictError lists them, carries the merge and keeps the attempt (in ``kept`` when the
        attempt is kept there already). The merged version's parent is the head it merged and
        its message ends with ``merge_note`` (placeholders ``{head}``, ``{author}``, ``{base}``).
        With ``expect_head`` (the head whose merge the user confirmed) a newer head is refused
        like a clash, so nobody saves a merge they were not shown.
        """
        if take is not None and take not in ("mine", "theirs"):
            raise InputError(Message("errors.store_bad_take", take=repr(take)))
        return self._save(aid, answers, assessment, author, message, parent, merge=True, choices=choices, take=take,
                          merge_note=merge_note, kept=kept, expect_head=expect_head)

    def _save(
        self,
        aid: str,
        answers: dict[str, Any],
        assessment: dict[str, Any] | None,
        author: str | None,
        message: str,
        parent: int | None,
        *,
        merge: bool,
        force: bool = False,
        choices: dict[str, str] | None = None,
        take: str | None = None,
        merge_note: str | None = None,
        kept: Path | None = None,
        expect_head: int | None = None,
    ) -> "Saved":
        from .merge import merge_versions

        if not isinstance(message, str) or not message.strip():
            raise InputError(Message("errors.store_needs_message"))
        if assessment and "id" in assessment and assessment["id"] != aid:
            raise InputError(Message("errors.store_other_id", given=repr(assessment["id"]), id=repr(aid)))
        if force and parent:
            self.load(aid, parent)  # a version that does not exist is named as such (a merge loads it anyway)
        for attempt in range(_SAVE_ATTEMPTS):
            head = self.load(aid)
            if parent is None:
                parent = head.number  # from now on: saved against the version read here
            result = None
            text = message
            if force or parent == head.number:
                meta = {**head.assessment, **(assessment or {})}
                to_save = answers
            else:
                base = self.load(aid, parent) if parent else None
                base_answers = dict(base.answers) if base else {}
                base_meta = dict(base.assessment) if base else {}
                result = merge_versions(
                    base_answers, base_meta, answers, {**base_meta, **(assessment or {})}, head.answers, head.assessment,
                    order=self._question_order(),
                )
                if take is not None:
                    choices = {**{c.where: take for c in result.clashes}, **(choices or {})}
                open_ = result.open_clashes(choices)
                unseen = expect_head is not None and expect_head != head.number
                if not merge or open_ or unseen:
                    kept = kept or self._keep_conflict(aid, answers, {**base_meta, **(assessment or {})}, author, message,
                                                       parent, head=head.number, clashes=result.clashes)
                    raise ConflictError(
                        _conflict_message(aid, parent, head, result, open_, kept, merge), kept=kept, head=head.number,
                        merge=result, base=parent,
                    )
                to_save, meta = result.resolve(choices)
                note = (merge_note or _MERGE_NOTE).format(head=head.number, author=head.author, base=parent)
                text = f"{message.strip()} {note}"
            try:
                v = self._commit(aid, meta, to_save, author, text, head)
            except FileExistsError:
                if attempt + 1 < _SAVE_ATTEMPTS:
                    continue  # someone saved the same number a moment earlier: merge with theirs too
                kept = kept or self._keep_conflict(aid, answers, meta, author, message, parent)
                raise ConflictError(
                    f"not saved: someone else saved version {head.number + 1} of {aid!r} at the same moment. Your answers "
                    f"are kept in {kept}. Look at `lia show {aid}` and save again.",
                    kept=kept,
                    head=head.number + 1,
                    base=parent,
                ) from None
            return Saved(v, result, head if result is not None else None)
        raise AssertionError("unreachable")  # pragma: no cover

    def _question_order(self) -> list[str]:
        try:
            from .questionnaire import load_questionnaires

            return list(load_questionnaires().questions)
        except LiaError:  # the order is a nicety; validation on commit says what is wrong
            return []

    def _commit(
        self,
        aid: str,
        meta: dict[str, Any],
        answers: dict[str, Any],
        author: str | None,
        message: str,
        head: Version | None,
    ) -> Version:
        """Validate and write the next version after ``head``; FileExistsError if its number was taken."""
        from .model import AssessmentMeta, validate_answers, missing_required
        from .questionnaire import load_questionnaires

        meta = AssessmentMeta.parse(meta).to_dict()
        qset = load_questionnaires()
        problems = validate_answers(qset, answers)
        if meta["status"] in ("in_review", "approved"):
            missing = missing_required(qset, answers)
            if missing:
                problems.append(
                    Problem("assessment.status", Message("errors.store_status_incomplete", status=meta["status"], n=len(missing)))
                )
                problems.extend(missing)
        if problems:
            raise ValidationError(problems, heading=f"not saved: the answers for {aid!r} have {len(problems)} problem(s)")
        author = (author or default_author()).strip() or "unknown"
        number = 1 if head is None else head.number + 1
        body = {
            "assessment": meta,
            "answers": answers,
            "author": author,
            "format": FORMAT,
            "message": message.strip(),
            "number": number,
            "parent": None if head is None else head.digest,
            "questionnaires": qset.refs(),
            "time": _now(),
        }
        record = dict(body, digest=digest_obj(body))
        path = self.version_path(aid, number)
        atomic_write(path, pretty_json(record), exclusive=True)
        return self._read(path, number)

    def _keep_conflict(self, aid: str, answers: Any, meta: dict, author: str | None, message: str, parent: int,
                       head: int | None = None, clashes: list | None = None) -> Path:
        """Keep a refused save's answers in ``conflicts/``; ``lia save --merge-from-conflict`` reads it back."""
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        who = re.sub(r"[^A-Za-z0-9_-]+", "-", author or default_author())[:40] or "unknown"
        path = self.folder(aid) / "conflicts" / f"{stamp}-{who}-{secrets.token_hex(3)}.json"
        data = {"answers": answers, "assessment": meta, "author": author, "message": message, "parent": parent, "kept_at": _now()}
        if head is not None:
            data["head"] = head
        if clashes is not None:
            data["clashes"] = [c.record() for c in clashes]
        atomic_write(path, pretty_json(data))
        return path

    def read_conflict(self, path: str | Path) -> dict[str, Any]:
        """A kept conflict file: its ``answers``, ``assessment``, ``author``, ``message`` and ``parent``."""
        from .loaders import load_data_file

        data = load_data_file(path, what=Message("errors.what_conflict_file"))
        expected = Message("errors.store_conflict_expected")
        if not isinstance(data, dict):
            raise InputError(Message("errors.store_conflict_not_mapping", expected=expected), file=path,
                             where=Message("errors.where_line", line=1))
        missing = [k for k in ("answers", "assessment", "message", "parent") if k not in data]
        if missing:
            raise InputError(Message("errors.store_conflict_missing", missing=", ".join(missing), expected=expected),
                             file=path)
        if not isinstance(data["answers"], dict) or not isinstance(data["assessment"], dict):
            raise InputError(Message("errors.store_conflict_not_mappings", expected=expected), file=path)
        if not isinstance(data["parent"], int) or isinstance(data["parent"], bool) or data["parent"] < 0:
            raise InputError(Message("errors.store_conflict_parent", value=repr(data["parent"])), file=path)
        return data

    # --- comparing and checking -----------------------------------------------------------------
    def diff(self, aid: str, a: int, b: int) -> list[Change]:
        """Question-level changes from version ``a`` to version ``b``."""
        va, vb = self.load(aid, a), self.load(aid, b)
        return diff_versions(va, vb)

    def check(self, ids: Iterable[str] | None = None) -> list[Problem]:
        """Recompute every digest and the chain; return what no longer matches (empty = intact)."""
        problems: list[Problem] = []
        for aid in (list(ids) if ids is not None else self.ids()):
            vdir = self._versions_dir(aid)
            nums = self.numbers(aid)
            expected_parent: Optional[str] = None
            for i, n in enumerate(nums, start=1):
                path = self.version_path(aid, n)
                if n != i:
                    problems.append(Problem(str(vdir / f"{i:04d}.json"), Message("errors.store_check_gap", id=aid, i=i, n=n), "chain"))
                    expected_parent = None
                try:
                    v = self._read(path, n)
                except IntegrityError as err:
                    said = err.said  # "{path}: version n ..." said of the assessment instead of its file
                    problems.append(Problem(str(path), Message(said.code, **{**said.params, "path": aid})
                                            if isinstance(said, Message) and "path" in said.params
                                            else f"{aid}: {err.message.split(': ', 1)[-1]}", "digest"))
                    expected_parent = "?"
                    continue
                if v.number != n:
                    problems.append(Problem(str(path), Message("errors.store_check_number", id=aid, number=v.number, n=n), "chain"))
                if expected_parent not in ("?",) and (n == i) and v.parent != expected_parent:
                    problems.append(
                        Problem(str(path), Message("errors.store_check_parent", id=aid, n=n, parent=v.parent, m=n - 1,
                                                   expected=expected_parent), "chain")
                    )
                if v.assessment.get("id") != aid:
                    problems.append(Problem(str(path), Message("errors.store_check_owner", id=aid, n=n, other=repr(v.assessment.get("id"))),
                                            "chain"))
                expected_parent = v.digest
        return problems

    def stray_files(self, aid: str) -> list[Path]:
        """Leftover temporary files from saves that were interrupted (harmless; removed by `lia check --clean`)."""
        vdir = self._versions_dir(aid)
        return sorted(p for p in vdir.iterdir() if p.name.startswith(".tmp-")) if vdir.is_dir() else []


def diff_versions(va: Version, vb: Version) -> list[Change]:
    changes: list[Change] = []
    for key in sorted(set(va.assessment) | set(vb.assessment)):
        old, new = va.assessment.get(key), vb.assessment.get(key)
        if old != new:
            changes.append(Change(f"assessment.{key}", "changed" if key in va.assessment and key in vb.assessment else ("added" if key in vb.assessment else "removed"), old, new))
    keys = list(va.answers) + [k for k in vb.answers if k not in va.answers]
    for key in keys:
        in_a, in_b = key in va.answers, key in vb.answers
        old, new = va.answers.get(key), vb.answers.get(key)
        if in_a and not in_b:
            changes.append(Change(key, "removed", old, None))
        elif in_b and not in_a:
            changes.append(Change(key, "added", None, new))
        elif json.dumps(old, sort_keys=True) != json.dumps(new, sort_keys=True):
            changes.append(Change(key, "changed", old, new))
    return changes


def _shown(value: Any) -> str:
    from .merge import MISSING

    return "(no answer)" if value is MISSING else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _conflict_message(aid: str, parent: int, head: Version, result: Any, open_: list, kept: Path, merging: bool) -> str:
    """Why a save was refused, what would merge, and how to finish it (``lia save --merge-from-conflict``)."""
    if parent:
        lead = (f"not saved: you edited version {parent} of {aid!r}, but version {head.number} was saved since "
                f"(by {head.author} at {head.time}: {head.message!r}).")
    else:
        lead = f"not saved: the assessment {aid!r} was created by someone else meanwhile (version {head.number} by {head.author})."
    parts = [lead]
    if open_:
        listed = "; ".join(f"{c.where}: yours {_shown(c.mine)}, theirs {_shown(c.theirs)}" for c in open_[:10])
        more = f"; and {len(open_) - 10} more" if len(open_) > 10 else ""
        parts.append(f"Both of you changed {len(open_)} question(s) differently: {listed}{more}.")
    clean = [f"yours: {', '.join(result.mine_only)}" if result.mine_only else "",
             f"theirs: {', '.join(result.theirs_only)}" if result.theirs_only else ""]
    clean = [c for c in clean if c]
    if clean:
        parts.append(f"These changes merge without a question ({'; '.join(clean)}).")
    parts.append(f"Your answers are kept in {kept}. See what changed with `lia diff {aid} {parent or 1} {head.number}`")
    if open_:
        parts[-1] += (f", then save the merge choosing per question: `lia save {aid} --merge-from-conflict {kept} "
                      "--take mine|theirs` (all of them) or `--choose QUESTION=mine|theirs` (one; repeat it).")
    else:
        parts[-1] += f", then save the merge with `lia save {aid} --merge-from-conflict {kept}`."
    return " ".join(parts)


def _record_problems(data: Any, number: int) -> list[Message]:
    if not isinstance(data, dict):
        return [Message("errors.store_rec_not_object")]
    out = []
    missing = sorted(_KEYS - set(data))
    if missing:
        out.append(Message("errors.store_rec_missing", keys=", ".join(missing)))
    extra = sorted(set(data) - _KEYS)
    if extra:
        out.append(Message("errors.store_rec_unexpected", keys=", ".join(extra)))
    if out:
        return out
    if data["format"] != FORMAT:
        out.append(Message("errors.store_rec_format", format=repr(data["format"]), expected=repr(FORMAT)))
    if not isinstance(data["number"], int) or isinstance(data["number"], bool):
        out.append(Message("errors.store_rec_number"))
    if not isinstance(data["digest"], str) or not re.match(r"^sha256:[0-9a-f]{64}$", data["digest"]):
        out.append(Message("errors.store_rec_digest"))
    if data["parent"] is not None and not isinstance(data["parent"], str):
        out.append(Message("errors.store_rec_parent"))
    if not isinstance(data["answers"], dict):
        out.append(Message("errors.store_rec_answers"))
    if not isinstance(data["assessment"], dict) or "id" not in data["assessment"]:
        out.append(Message("errors.store_rec_assessment"))
    if not isinstance(data["questionnaires"], list):
        out.append(Message("errors.store_rec_questionnaires"))
    for key in ("author", "time", "message"):
        if not isinstance(data[key], str):
            out.append(Message("errors.store_rec_not_text", key=key))
    return out
    if data["format"] != FORMAT:
        out.append(f"format is {data['format']!r}, expected {FORMAT!r}")
    if not isinstance(data["number"], int) or isinstance(data["number"], bool):
        out.append("number is not a whole number")
    if not isinstance(data["digest"], str) or not re.match(r"^sha256:[0-9a-f]{64}$", data["digest"]):
        out.append("digest is not sha256:<64 hex digits>")
    if data["parent"] is not None and not isinstance(data["parent"], str):
        out.append("parent is neither null nor a digest")
    if not isinstance(data["answers"], dict):
        out.append("answers is not an object")
    if not isinstance(data["assessment"], dict) or "id" not in data["assessment"]:
        out.append("assessment is not an object with an id")
    if not isinstance(data["questionnaires"], list):
        out.append("questionnaires is not a list")
    for key in ("author", "time", "message"):
        if not isinstance(data[key], str):
            out.append(f"{key} is not text")
    return out
