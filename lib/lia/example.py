"""The example assessment shipped with the workbench (seed 001's call-recording policy)."""

from __future__ import annotations

import re
from pathlib import Path

from .loaders import load_data_file
from .workspace import Workspace

__all__ = ["EXAMPLE_ID", "example_dir", "example_versions", "ensure_example"]

EXAMPLE_ID = "contact-centre-recording"


def example_dir() -> Path:
    from .paths import templates_dir

    return templates_dir() / "examples" / "contact-centre"


def example_versions() -> list[tuple[Path, str, str]]:
    """The example's answer files with the message and author from their header comments."""
    out = []
    for path in sorted(example_dir().glob("v*.yaml"), key=lambda p: int(re.sub(r"\D", "", p.stem) or 0)):
        head = path.read_text(encoding="utf-8").splitlines()[:10]
        message = next((ln.split(":", 1)[1].strip() for ln in head if ln.startswith("# message:")), f"Example {path.stem}")
        author = next((ln.split(":", 1)[1].strip() for ln in head if ln.startswith("# author:")), "Example")
        out.append((path, message, author))
    return out


def ensure_example(ws: Workspace) -> tuple[bool, str]:
    """Create the example assessment with all its versions unless it exists. Returns (created, id)."""
    from .answers_file import read_answers_file
    from .store import Store

    store = Store(ws)
    if store.exists(EXAMPLE_ID):
        return False, EXAMPLE_ID
    meta = load_data_file(example_dir() / "assessment.yaml", what="example metadata")
    versions = example_versions()
    first_author = versions[0][2] if versions else "Example"
    final_status = meta.get("status", "draft")
    store.create({**meta, "status": "draft"}, author=first_author, message="Created the example assessment")
    for i, (path, message, author) in enumerate(versions):
        answers, vmeta = read_answers_file(path)
        if i == len(versions) - 1:
            vmeta = {**(vmeta or {}), "status": final_status}
        store.save(EXAMPLE_ID, answers, assessment=vmeta, author=author, message=message)
    return True, EXAMPLE_ID
