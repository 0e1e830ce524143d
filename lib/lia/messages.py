"""Verification and staleness messages in the reader's language.

lia.signing, lia.report and lia.dashboards.viewer write their findings in English (the CLI, JSON and
statements keep them so, stable for other tools). The pages show them in the
reader's language: :func:`translate` finds the English template of
``templates/i18n/status.yaml`` a message was made from, takes the values of its
placeholders, and writes the same message in Swedish or Norwegian Bokmål. A
message it does not know is shown as it is (never dropped).
"""

from __future__ import annotations

import re
import string
from functools import lru_cache

from .i18n import LANGS, catalogue

__all__ = ["translate", "translate_problem"]

#: Placeholders whose value is itself a message (translated in turn).
_NESTED = {"problem"}


def _catalogue() -> dict[str, dict[str, str]]:
    """templates/i18n/status.yaml of $LIA_TEMPLATES, else the checkout's own (UI texts ship with lia)."""
    from .errors import LiaError
    from .paths import repo_root

    try:
        return catalogue("status")
    except (OSError, LiaError):
        return catalogue("status", repo_root() / "templates")


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[re.Pattern[str], dict[str, str]]]:
    out = []
    for entry in _catalogue().values():
        en = entry["en"]
        parts, seen = [], set()
        for literal, field, _spec, _conv in string.Formatter().parse(en):
            parts.append(re.escape(literal))
            if field:
                parts.append(f"(?P={field})" if field in seen else f"(?P<{field}>.+?)")
                seen.add(field)
        out.append((re.compile("^" + "".join(parts) + "$", re.S), entry))
    # the most literal text first, so "rule pack X Y changed without..." is not read as a version bump
    out.sort(key=lambda pe: -len(re.sub(r"\(\?P(<\w+>\.\+\?|=\w+)\)", "", pe[0].pattern)))
    return out


def translate(message: str, lang: str) -> str:
    """*message* (as lia wrote it in English) in *lang*; unknown messages unchanged."""
    if lang not in LANGS or lang == "en" or not message:
        return message
    for pattern, entry in _patterns():
        m = pattern.match(message)
        if m:
            values = {k: (translate(v, lang) if k in _NESTED else v) for k, v in m.groupdict().items()}
            return entry.get(lang, entry["en"]).format(**values)
    return message


def translate_problem(file: str, message: str, lang: str) -> str:
    """One verification problem, ``file: message``, in *lang*."""
    return f"{file}: {translate(message, lang)}"
