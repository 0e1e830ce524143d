"""UI strings of the reasoning (``templates/i18n/rules.yaml``): key -> {en, sv, nb}."""

from __future__ import annotations

from typing import Any

from ..errors import LiaError, Message
from ..i18n import LANGS, catalogue, check_lang

__all__ = ["ui", "LANGS"]


def ui(key: str, lang: str = "en", **fmt: Any) -> str:
    """The string ``key`` of the ``rules`` catalogue in ``lang``, formatted with ``fmt``.

    Unlike :func:`lia.i18n.t`, a missing key is an error: the reasoning must
    never show a bare key to a DPO.
    """
    check_lang(lang)
    entry = catalogue("rules").get(key)
    if entry is None:
        raise LiaError(Message("errors.rules_ui_missing", key=repr(key)))
    return entry[lang].format(**fmt) if fmt else entry[lang]
