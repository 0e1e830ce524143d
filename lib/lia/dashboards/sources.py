"""The one place where the dashboards call the rest of the workbench.

The portfolio and the report viewer need three things they do not compute
themselves:

* the reasoning (:func:`lia.rules.evaluate`): LIA overall verdict, DPIA
  required, the residual risks of the register;
* report verification (:func:`lia.reports.signing.verify_report`): who signed, in which
  role, when, whether every signature and file digest holds, and whether the
  report is still current (its staleness reasons come from :mod:`lia.reports.provenance`);
* the changes between two reports (:mod:`lia.reports.changes`).

:class:`Sources` wraps those calls and turns their results into the small,
JSON-friendly records below, which the portfolio caches. Tests replace
:class:`Sources` with a fake that has the same methods. Nothing here decides
validity or staleness: a report is valid exactly when ``verify_report`` finds
no problem.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable, Protocol

from ..levels import RISK_LEVELS

__all__ = [
    "EvalSummary",
    "SignerInfo",
    "ReportCheck",
    "ReportChanges",
    "SourcesLike",
    "Sources",
    "report_number",
    "stat_fingerprint",
    "tree_fingerprint",
    "REPORT_STATES",
]

#: Report states shown by the dashboards, most alarming first.
REPORT_STATES = ("failing", "stale", "unsigned", "current", "none")

_REPORT_DIR = re.compile(r"^v(\d+)(?:-r(\d+))?$")
_LEVELS = RISK_LEVELS  # the one risk-level scale (lia.levels)


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class EvalSummary:
    """What the portfolio shows of an evaluation. ``error`` is set when it could not be evaluated."""

    verdict: str | None = None  # yes | no | conditional
    dpia_required: bool | None = None
    risks: tuple[dict[str, Any], ...] = ()  # {ref, event, title, severity, likelihood, high} after measures
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        """Plain dict for the cache."""
        return {"verdict": self.verdict, "dpia_required": self.dpia_required, "risks": list(self.risks),
                "error": _as_data(self.error)}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "EvalSummary":
        """Inverse of :meth:`to_json`."""
        return cls(d.get("verdict"), d.get("dpia_required"), tuple(d.get("risks") or ()), _from_data(d.get("error")))

    @property
    def highest_risk(self) -> dict[str, Any] | None:
        """The residual risk with the highest severity x likelihood (high ones first), or None."""
        rated = [r for r in self.risks if r.get("severity") in _LEVELS and r.get("likelihood") in _LEVELS]
        if not rated:
            return None

        def score(r: dict[str, Any]) -> tuple[int, int, int]:
            s, lk = _LEVELS.index(r["severity"]) + 1, _LEVELS.index(r["likelihood"]) + 1
            return (1 if r.get("high") else 0, s * lk, s)

        return max(rated, key=score)


@dataclass(frozen=True)
class SignerInfo:
    """One signature on a report."""

    name: str | None
    role: str | None
    signed_at: str | None
    valid: bool
    keyid: str = ""
    problem: str | None = None


@dataclass(frozen=True)
class ReportCheck:
    """The verification of one report directory, as the dashboards show it."""

    report_dir: str
    version: int | None
    signers: tuple[SignerInfo, ...] = ()
    problems: tuple[tuple[str, str], ...] = ()  # (file, message) - anything here means NOT valid
    stale: tuple[str, ...] = ()
    current_checked: bool = False
    envelope_present: bool = True
    error: str | None = None  # the report could not even be read (malformed statement ...)

    @property
    def valid(self) -> bool:
        """Every file matches its statement and every signature verifies (may still be stale)."""
        return self.error is None and not self.problems and any(s.valid for s in self.signers)

    @property
    def state(self) -> str:
        """``failing`` | ``unsigned`` | ``stale`` | ``current``.

        ``failing``: a file or a signature does not verify (or the report cannot be read).
        ``unsigned``: the files match the statement but nobody (or not the required DPO) signed.
        """
        if self.error is not None:
            return "failing"
        if any(not s.valid for s in self.signers):
            return "failing"
        file_problems = [p for p in self.problems if not _is_signature_gap(p)]
        if file_problems:
            return "failing"
        if self.problems or not self.signers:
            return "unsigned"
        return "stale" if self.stale else "current"

    @property
    def failed_files(self) -> list[str]:
        """Names of the files that failed verification."""
        out: list[str] = []
        for f, _m in self.problems:
            if f not in out:
                out.append(f)
        return out

    def valid_signers(self) -> list[SignerInfo]:
        """The signatures that verify."""
        return [s for s in self.signers if s.valid]

    def to_json(self) -> dict[str, Any]:
        """Plain dict for the cache; a finding keeps its code and parameters (:meth:`lia.errors.Message.as_data`),
        so a page reading it back renders it in its reader's language."""
        d = asdict(self)
        d["signers"] = [{**asdict(s), "problem": _as_data(s.problem)} for s in self.signers]
        d["problems"] = [[f, _as_data(m)] for f, m in self.problems]
        d["stale"] = [_as_data(m) for m in self.stale]
        d["error"] = _as_data(self.error)
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "ReportCheck":
        """Inverse of :meth:`to_json`."""
        return cls(
            report_dir=d["report_dir"],
            version=d.get("version"),
            signers=tuple(SignerInfo(**{**s, "problem": _from_data(s.get("problem"))}) for s in d.get("signers") or ()),
            problems=tuple((str(f), _from_data(m)) for f, m in d.get("problems") or ()),
            stale=tuple(_from_data(m) for m in d.get("stale") or ()),
            current_checked=bool(d.get("current_checked")),
            envelope_present=bool(d.get("envelope_present", True)),
            error=_from_data(d.get("error")),
        )


def _as_data(m: Any) -> Any:
    """A finding for the JSON cache: a Message as its code and parameters, a plain text as it is."""
    from lia.errors import Message

    return m.as_data() if isinstance(m, Message) else m


def _from_data(data: Any) -> Any:
    """A finding :func:`_as_data` wrote: the Message again (rendered from its code), else the text."""
    from lia.errors import Message

    return None if data is None else Message.from_data(data) if isinstance(data, dict) else str(data)


#: The findings that say a signature is missing (not wrong): the envelope absent, empty, or without the DPO.
_GAPS = {"status.not_signed", "status.no_signatures", "status.approved_no_dpo"}


def _is_signature_gap(problem: tuple[str, str]) -> bool:
    """A missing signature (not a wrong one): the envelope is absent, empty, or lacks the DPO."""
    f, m = problem
    if f != "statement.dsse.json":
        return False
    return getattr(m, "code", None) in _GAPS


@dataclass(frozen=True)
class ReportChanges:
    """What changed from one report to the next."""

    old_version: int | None
    new_version: int | None
    # verdicts, added, removed and changed as changes.json holds them
    # (lia.rules.presentation.ChangesView.to_json); the page reads them through ChangesView.from_json
    verdicts: tuple[dict[str, Any], ...] = ()  # {step, old, new}
    added: tuple[dict[str, Any], ...] = ()  # findings as their evaluation stored them
    removed: tuple[dict[str, Any], ...] = ()
    changed: tuple[dict[str, Any], ...] = ()  # {rule, changes: {part: {old, new}}}
    answers: tuple[dict[str, Any], ...] = ()  # {question, kind, old, new, text, old_text, new_text}

    @property
    def empty(self) -> bool:
        """Nothing changed."""
        return not (self.verdicts or self.added or self.removed or self.changed or self.answers)


# --------------------------------------------------------------------------- files


def report_number(report_dir: Path) -> int | None:
    """The answers version N of a report folder ``v<N>`` or ``v<N>-r<k>`` (a re-render), else None."""
    m = _REPORT_DIR.match(Path(report_dir).name)
    return int(m.group(1)) if m else None


def stat_fingerprint(paths: Iterable[Path | str]) -> str:
    """A cheap fingerprint of files: name, size, inode, mtime and ctime (like git's index).

    Any write to a file changes its ctime, which a user cannot set back (``touch -d``
    sets mtime, and changes ctime to now), so an edited file always changes the
    fingerprint. Missing files count too.
    """
    h = hashlib.blake2b(digest_size=16)
    for p in sorted(map(str, paths)):
        try:
            st = os.stat(p)
            h.update(f"{p}\0{st.st_size}\0{st.st_ino}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\n".encode())
        except OSError:
            h.update(f"{p}\0missing\n".encode())
    return h.hexdigest()


def tree_fingerprint(root: Path, pattern: str = "*") -> str:
    """:func:`stat_fingerprint` of every file under ``root`` (recursive) matching ``pattern``."""
    root = Path(root)
    if not root.is_dir():
        return "absent:" + str(root)
    files = [p for p in root.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts]
    dirs = [p for p in root.rglob("*") if p.is_dir()]
    # Directories too: a file added or removed changes its folder's mtime/ctime.
    return stat_fingerprint([*files, *dirs, root])


# --------------------------------------------------------------------------- the adapter


class SourcesLike(Protocol):
    """What the dashboards need from the rest of the workbench (real: :class:`Sources`)."""

    def evaluate(self, assessment: dict[str, Any], answers: dict[str, Any]) -> EvalSummary: ...

    def rules_fingerprint(self) -> str: ...

    def inputs_fingerprint(self, ws: Any) -> str: ...

    def report_dirs(self, ws: Any, aid: str) -> list[Path]: ...

    def verify(self, ws: Any, report_dir: Path) -> ReportCheck: ...

    def previous_signed(self, ws: Any, report_dir: Path) -> Path | None: ...

    def changes(self, ws: Any, old_dir: Path, new_dir: Path, lang: str) -> ReportChanges: ...

    def finding_texts(self, rule: str) -> dict[str, dict[str, str]] | None: ...


@dataclass
class Sources:
    """The real adapter: :mod:`lia.rules` and :mod:`lia.reports`."""

    templates: Path | None = None
    _fp: dict[str, str] = field(default_factory=dict, repr=False)

    def _templates(self) -> Path:
        from lia.paths import templates_dir

        return Path(self.templates) if self.templates is not None else templates_dir()

    # --- reasoning -----------------------------------------------------------------------------
    def evaluate(self, assessment: dict[str, Any], answers: dict[str, Any]) -> EvalSummary:
        """LIA overall verdict, DPIA required and residual risks; never raises."""
        try:
            from lia.rules import evaluate
        except ImportError:
            return EvalSummary(error="the reasoning engine (lia.rules) is not installed")
        try:
            from lia.rules.presentation import EvaluationView

            view = EvaluationView.from_result(evaluate(assessment, answers, evidence=None, lang="en"), "en")
        except Exception as exc:  # one broken assessment must not break the portfolio
            said = getattr(exc, "said", None)  # a LiaError with a code keeps it: the page renders it in its language
            return EvalSummary(error=said if said is not None and str(said) == str(exc) else str(exc) or type(exc).__name__)
        # the residual ratings and the one rule for a high residual risk, from the presentation model
        risks = [{"ref": r.ref, "event": r.event, "title": r.title or "", "severity": r.residual_severity,
                  "likelihood": r.residual_likelihood, "high": r.residual_high} for r in view.risks.rows]
        return EvalSummary(view.verdict("overall").verdict, view.screening.required, tuple(risks))

    def rules_fingerprint(self) -> str:
        """Digest of everything an evaluation depends on besides the answers: rule packs and rule code."""
        import lia

        tpl = self._templates()
        h = hashlib.sha256(lia.__version__.encode())
        for sub in ("rules", "questionnaires"):
            folder = tpl / sub
            if folder.is_dir():
                for p in sorted(folder.rglob("*.yaml")):
                    h.update(p.name.encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest())
        try:
            import lia.rules as rules_pkg

            h.update(tree_fingerprint(Path(rules_pkg.__file__).parent, "*.py").encode())
        except ImportError:
            h.update(b"no-rules")
        return h.hexdigest()[:32]

    # --- reports -------------------------------------------------------------------------------
    def inputs_fingerprint(self, ws: Any) -> str:
        """Fingerprint of what verification and staleness read besides the report itself.

        The key log and the pinned roots, every template (questionnaires, rule packs, report template)
        and the library's code: when one of them changes, cached verifications are redone.
        """
        import lia
        from lia.reports.keys import TRUST_ROOT_ENV, trust_config_path

        lib = Path(lia.__file__).parent
        return hashlib.sha256(
            "\0".join(
                [
                    lia.__version__,
                    # whom the workspace trusts: its key log and the roots pinned in the user's configuration
                    stat_fingerprint([Path(ws.keys_dir) / "key-log.json", trust_config_path()]),
                    os.environ.get(TRUST_ROOT_ENV, ""),
                    tree_fingerprint(self._templates()),
                    tree_fingerprint(lib, "*.py"),
                ]
            ).encode()
        ).hexdigest()[:32]

    def report_dirs(self, ws: Any, aid: str) -> list[Path]:
        """Finished report folders of ``aid``, oldest first (:func:`lia.reports.folders.report_dirs`)."""
        try:
            from lia.reports.folders import report_dirs
        except ImportError:
            return []
        return list(report_dirs(ws, aid))

    def previous_signed(self, ws: Any, report_dir: Path) -> Path | None:
        """The newest report of the same assessment, older than ``report_dir``, whose files and signatures verify."""
        from lia.reports.status import latest_signed

        report_dir = Path(report_dir)
        return latest_signed(ws, report_dir.parent.name, before=report_dir)

    def verify(self, ws: Any, report_dir: Path) -> ReportCheck:
        """Verify a report with :func:`lia.reports.signing.verify_report` (signatures, digests, staleness)."""
        from lia.errors import LiaError

        report_dir = Path(report_dir)
        number = report_number(report_dir)
        try:
            from lia.reports.signing import verify_report
            from lia.reports.statement import ENVELOPE_FILE
        except ImportError:
            return ReportCheck(str(report_dir), number, error="report verification (lia.reports.signing) is not installed")
        try:
            v = verify_report(ws, report_dir, check_current=True)
        except LiaError as exc:
            said = exc.said if str(exc.said) == str(exc) else str(exc)  # a coded error keeps its code
            return ReportCheck(str(report_dir), number, problems=((_file_of(exc, report_dir), said),), error=said)
        return ReportCheck(
            report_dir=str(report_dir),
            version=v.version if v.version is not None else number,
            signers=tuple(SignerInfo(s.name, s.role, s.signed_at, bool(s.valid), s.keyid, s.problem) for s in v.signers),
            problems=tuple((str(f), msg) for f, msg in v.problems),  # Messages: rendered on a page from their code
            stale=tuple(v.stale),
            current_checked=bool(v.currency_checked),
            envelope_present=(report_dir / ENVELOPE_FILE).exists(),
        )

    def changes(self, ws: Any, old_dir: Path, new_dir: Path, lang: str = "en") -> ReportChanges:
        """Findings and verdicts that changed (:func:`lia.reports.changes.changes_between` over the two
        reports' ``evaluation.json``), and the answers that changed between their versions, with
        question texts and values for people in ``lang`` (:func:`lia.reports.changes.answer_changes`)."""
        from lia.loaders import parse_json
        from lia.reports.changes import answer_changes, changes_between

        def evaluation(d: Path) -> dict[str, Any] | None:
            p = Path(d) / "evaluation.json"
            return parse_json(p.read_text("utf-8"), p) if p.is_file() else None

        # each evaluation is read through the presentation model: a malformed one is refused with its file and place
        ch = changes_between(evaluation(old_dir), evaluation(new_dir), old_source=Path(old_dir) / "evaluation.json",
                             new_source=Path(new_dir) / "evaluation.json")
        a, b = report_number(old_dir), report_number(new_dir)
        # {question, kind, old, new, text, old_text, new_text[, details]} in the reader's language
        answers = answer_changes(ws, Path(new_dir).parent.name, a, b, lang)
        return ReportChanges(a, b, tuple(ch.get("verdicts") or ()), tuple(ch.get("added") or ()),
                             tuple(ch.get("removed") or ()), tuple(ch.get("changed") or ()), tuple(answers))

    def finding_texts(self, rule: str) -> dict[str, dict[str, str]] | None:
        """A rule's ``message``, ``remediation`` and ``citation`` (its legal sources, rendered from the
        source registry) in every language, ``{field: {lang: text}}``; None for a rule no pack has.

        A report's ``evaluation.json`` holds its findings in the report's language; the viewer shows
        them in the page's language when the report's wording is still the rule's.
        """
        from lia.i18n import LANGS

        try:
            from lia.rules.packs import load_packs

            packs = load_packs(self._templates())
        except Exception:  # noqa: BLE001  no rule packs here: the report's own wording stays
            return None
        for pack in packs:
            for compiled in pack.rules:
                if compiled.id == rule:
                    r = compiled.rule
                    return {"message": {lang: r.message.get(lang) for lang in LANGS},
                            "remediation": {lang: r.remediation.get(lang) for lang in LANGS},
                            "citation": {lang: r.citation.render(lang) for lang in LANGS}}
        return None


def _file_of(exc: Exception, report_dir: Path) -> str:
    f = getattr(exc, "file", None)
    if not f:
        return report_dir.name
    try:
        return str(Path(f).relative_to(report_dir))
    except ValueError:
        return Path(f).name
