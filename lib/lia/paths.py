"""Where the workbench finds its templates (questionnaires, rule packs, report template)."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import LiaError

__all__ = ["templates_dir", "repo_root", "notebooks_dir"]

_HERE = Path(__file__).resolve()


def repo_root() -> Path:
    """The source checkout this package runs from (``lib/lia`` -> top level)."""
    return _HERE.parents[2]


def templates_dir() -> Path:
    """The templates folder: ``$LIA_TEMPLATES`` if set, else the checkout's ``templates/``."""
    env = os.environ.get("LIA_TEMPLATES")
    path = Path(env) if env else repo_root() / "templates"
    if not path.is_dir():
        raise LiaError(
            f"The templates folder {path} does not exist. Set LIA_TEMPLATES to the folder that holds "
            "questionnaires/ and rules/, or run lia from its source checkout (pip install -e .)."
        )
    return path


def notebooks_dir() -> Path:
    """The folder of Voila apps: ``$LIA_NOTEBOOKS`` if set, else the checkout's ``notebooks/``."""
    env = os.environ.get("LIA_NOTEBOOKS")
    return Path(env) if env else repo_root() / "notebooks"
