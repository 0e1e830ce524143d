"""UI strings of the reasoning (``templates/i18n/rules.yaml``): key -> {en, sv, nb}."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ._compat import LiaError, templates_dir

__all__ = ["ui", "catalogue", "LANGS"]

LANGS = ("en", "sv", "nb")


@lru_cache(maxsize=4)
def _load(path: str, mtime: int) -> dict[str, dict[str, str]]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise LiaError(f"{path}: expected a mapping of key -> {{en, sv, nb}}")
    return data


def catalogue(templates: Path | None = None) -> dict[str, dict[str, str]]:
    """The whole catalogue (cached by modification time)."""
    p = (Path(templates) if templates is not None else templates_dir()) / "i18n" / "rules.yaml"
    try:
        return _load(str(p), p.stat().st_mtime_ns)
    except OSError:
        raise LiaError(f"{p}: UI strings of the reasoning not found") from None


def ui(key: str, lang: str = "en", **fmt: Any) -> str:
    """The string ``key`` in ``lang``, formatted with ``fmt``."""
    if lang not in LANGS:
        raise LiaError(f"unknown language {lang!r}; expected one of {', '.join(LANGS)}")
    entry = catalogue().get(key)
    if entry is None:
        raise LiaError(f"templates/i18n/rules.yaml: missing UI string {key!r}")
    return entry[lang].format(**fmt) if fmt else entry[lang]
