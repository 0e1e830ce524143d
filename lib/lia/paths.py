"""Where the workbench finds its templates (questionnaires, rule packs, report template) and Voila apps.

The repository keeps ``templates/`` and ``notebooks/`` at its top level (the source). A wheel
carries copies of both inside the package, as ``lia/_data/templates`` and ``lia/_data/notebooks``
(``setup.py`` copies them at build time), so an installed ``lia`` runs from its own files. In a
source checkout (``pip install -e .``) there is no ``lia/_data`` and the checkout's folders are used.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import LiaError, Message

__all__ = ["templates_dir", "repo_root", "notebooks_dir", "packaged_data_dir"]

_HERE = Path(__file__).resolve()


def packaged_data_dir() -> Path:
    """The data folder inside the package (``lia/_data``); it exists only in a built, installed wheel."""
    return _HERE.parent / "_data"


def repo_root() -> Path:
    """The folder holding ``templates/`` and ``notebooks/``.

    An installed wheel: the package's ``lia/_data``. A source checkout: its top level
    (``lib/lia`` -> ``../..``).
    """
    packaged = packaged_data_dir()
    if (packaged / "templates").is_dir():
        return packaged
    return _HERE.parents[2]


def templates_dir() -> Path:
    """The templates folder: ``$LIA_TEMPLATES`` if set, else the package's or the checkout's ``templates/``."""
    env = os.environ.get("LIA_TEMPLATES")
    path = Path(env) if env else repo_root() / "templates"
    if not path.is_dir():
        raise LiaError(Message("errors.templates_missing_env" if env else "errors.templates_missing", path=str(path)))
    return path


def notebooks_dir() -> Path:
    """The folder of Voila apps: ``$LIA_NOTEBOOKS`` if set, else the package's or the checkout's ``notebooks/``."""
    env = os.environ.get("LIA_NOTEBOOKS")
    return Path(env) if env else repo_root() / "notebooks"
