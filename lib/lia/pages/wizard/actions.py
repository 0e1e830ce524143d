"""What the wizard page does with reports: render one in the background, sign it, check it.

Each function is a thin wrapper around the one the command line calls (``lia render``:
:func:`lia.reports.render.render_many`; ``lia sign``: :func:`lia.reports.signing.sign_report`; ``lia verify``:
:func:`lia.reports.signing.verify_report`), so the page and the CLI cannot disagree. Signing is kept
in :func:`sign` alone so a change to how reports are signed is made in one place here.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from lia.errors import LiaError

__all__ = ["RenderTask", "SignRefused", "key_folder", "list_keys", "sign", "report_for", "dpo_signed", "viewer_url"]


def key_folder() -> Path:
    """The user's own key folder: where ``lia keys new`` writes keys (``$XDG_CONFIG_HOME/lia/keys``)."""
    from lia.commands.keys import _default_out

    return _default_out()


def list_keys(folder: Path | None = None) -> list[Path]:
    """Private keys (``NAME.key``) in the user's key folder, by name; empty when there is none."""
    folder = Path(folder) if folder is not None else key_folder()
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.glob("*.key") if p.is_file()), key=lambda p: p.name.lower())


def report_for(ws: Any, aid: str, number: int) -> Path | None:
    """The newest report rendered from answers version *number* of *aid*, or None."""
    from lia.reports.folders import _dir_key, report_dirs

    dirs = [d for d in report_dirs(ws, aid) if _dir_key(d)[0] == int(number)]
    return dirs[-1] if dirs else None


def verify(ws: Any, report_dir: Path) -> Any:
    """``lia verify``: signatures, files and whether the inputs are current (a Verification)."""
    from lia.reports.signing import verify_report

    return verify_report(ws, Path(report_dir))


def dpo_signed(ws: Any, aid: str, number: int) -> bool:
    """True when the newest report of version *number* is current, intact and validly signed by a DPO."""
    d = report_for(ws, aid, number)
    if d is None:
        return False
    try:
        v = verify(ws, d)
    except LiaError:
        return False
    return not v.problems and not v.stale and any(s.valid and s.role == "dpo" for s in v.signers)


class SignRefused(LiaError):
    """The page's signing was refused; *reason* is ``changed``, ``stale``, ``passphrase`` or ``untrusted``.

    *details* are the library's own lines (the stale reasons, the changed files), for the page to show.
    """

    def __init__(self, message: str, reason: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.details = list(details or [])


def sign(ws: Any, report_dir: Path, key_path: Path, passphrase: str | None) -> dict[str, Any]:
    """Sign *report_dir* with the key at *key_path*, as ``lia sign`` does (:func:`lia.reports.signing.sign_report`).

    The passphrase is used for this call only and never stored. Refused with
    :class:`SignRefused` saying why: files that no longer match the statement, a stale
    report (its answers, questionnaires, rules, template or library changed since
    rendering), a missing or wrong passphrase, a key that is not trusted.
    """
    from lia.reports.provenance import stale_reasons
    from lia.reports.keylog import load_key_log
    from lia.reports.keys import keyid_of, load_private_key
    from lia.reports.signing import sign_report
    from lia.reports.statement import check_subjects, load_statement

    report_dir = Path(report_dir)
    _, st = load_statement(report_dir)
    changed = check_subjects(report_dir, st)
    if changed:
        lines = [f"{n}: {m}" for n, m in changed]
        raise SignRefused(f"{report_dir}: refusing to sign, the report does not match its statement ({'; '.join(lines)})",
                          "changed", lines)
    stale = stale_reasons(ws, st)
    if stale:
        raise SignRefused(f"{report_dir}: refusing to sign a stale report ({'; '.join(stale)})", "stale", stale)
    secret = passphrase.encode("utf-8") if passphrase else None
    try:
        key = load_private_key(Path(key_path), secret)
    except LiaError as err:
        raise SignRefused(str(err), "passphrase") from None
    keyid = keyid_of(key.public_key())
    log = load_key_log(ws)  # trust comes from the signed key log pinned outside the workspace
    if keyid not in log.trusted:
        why = "; ".join(log.problems) if log.problems else (
            f"key {keyid[:16]}... is not trusted by {log.path}" + ("" if log.pinned else " (its root is not pinned)"))
        raise SignRefused(f"{key_path}: {why}", "untrusted", [Path(key_path).stem])
    return sign_report(ws, report_dir, Path(key_path), secret)


def viewer_url(aid: str, number: int, report_dir: Path | None, lang: str) -> str:
    """Address of the report viewer for this report, relative to the wizard's page."""
    from urllib.parse import urlencode

    query = {"assessment": aid, "version": int(number), "lang": lang}
    if report_dir is not None:
        query["report"] = Path(report_dir).name
    return "report_viewer.ipynb?" + urlencode(query)


@dataclass
class RenderTask:
    """One report rendered in a background thread, so the page (and the kernel) stay responsive.

    ``start()`` returns at once; ``state`` is ``running``, ``done`` (``dir`` is the report)
    or ``failed`` (``error`` says why); ``on_change`` is called from the thread when it
    starts, once a second while it runs (``elapsed`` seconds) and when it ends.
    """

    ws: Any
    aid: str
    number: int
    lang: str = "en"
    pdf: bool = True
    engine: str = "lia-warm"
    on_change: Callable[["RenderTask"], None] | None = None
    state: str = "idle"
    started: float = 0.0
    elapsed: float = 0.0
    dir: Path | None = None
    error: str | None = None
    _thread: threading.Thread | None = field(default=None, repr=False)

    def start(self) -> "RenderTask":
        """Start rendering in a daemon thread."""
        self.state, self.started = "running", time.monotonic()
        self._thread = threading.Thread(target=self._run, name=f"lia-render-{self.aid}", daemon=True)
        self._thread.start()
        threading.Thread(target=self._tick, name=f"lia-render-tick-{self.aid}", daemon=True).start()
        self._changed()
        return self

    def join(self, timeout: float | None = None) -> None:
        """Wait for the rendering to end (tests)."""
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self.state == "running"

    def _tick(self) -> None:
        while self.state == "running":
            time.sleep(1.0)
            if self.state == "running":
                self._changed()

    def _changed(self) -> None:
        self.elapsed = time.monotonic() - self.started if self.started else 0.0
        if self.on_change is not None:
            try:
                self.on_change(self)
            except Exception:  # noqa: BLE001 - the page must never stop the rendering
                pass

    def _run(self) -> None:
        from lia.reports.render import RenderJob, render_many

        try:
            res = render_many(self.ws, [RenderJob(self.aid, self.number, self.lang)], workers=1,
                              engine=self.engine, pdf=self.pdf, progress=False)[0]
            if res.error or res.dir is None:
                self.error, self.state = res.error or "rendering failed", "failed"
            else:
                self.dir, self.state = Path(res.dir), "done"
        except Exception as exc:  # noqa: BLE001 - shown on the page, in the reader's language
            self.error = exc.whole if isinstance(exc, LiaError) else f"{type(exc).__name__}: {exc}"
            self.state = "failed"
        self._changed()
