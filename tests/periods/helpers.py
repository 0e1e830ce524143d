"""Helpers for writing small call logs in tests."""

from __future__ import annotations

from pathlib import Path

HEADER = "call_id,agent,team,start,duration_s,recorded,caller_consent,deleted_at,consent_withdrawn_at"


def write_csv(path: Path, rows: list[str], header: str = HEADER) -> Path:
    """Write a CSV call log from row strings (the header is line 1)."""
    path.write_text(header + "\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def row(i: int, agent: str = "A0001", team: str = "support", start: str = "2025-03-03T09:00:00+01:00",
        recorded: str = "yes", consent: str = "yes", deleted: str = "", withdrawn: str = "", duration: str = "120") -> str:
    """One CSV row of a call."""
    return f"C{i:05d},{agent},{team},{start},{duration},{recorded},{consent},{deleted},{withdrawn}"


def run_lia(*args: str, env: dict | None = None, timeout: float = 180):
    """Run the real `lia` command line in a subprocess, as a user would."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    full = dict(os.environ)
    full["PYTHONPATH"] = str(root / "lib") + os.pathsep + full.get("PYTHONPATH", "")
    full.pop("LIA_DEBUG", None)
    full.update(env or {})
    return subprocess.run([sys.executable, "-m", "lia", *args], capture_output=True, text=True, env=full, timeout=timeout)
