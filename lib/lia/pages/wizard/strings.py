"""The wizard's UI strings (``templates/i18n/wizard.yaml``) in en, sv and nb."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from lia.i18n import LANGS  # the one list of languages

__all__ = ["LANGS", "Strings", "load_strings", "template_file"]


#: Names shown on the language switch; each in its own language on purpose.
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "sv": "Svenska", "nb": "Norsk bokmål"}


def template_file(relative: str) -> Path:
    """A file under the templates folder (``LIA_TEMPLATES``), falling back to the checkout's ``templates/``.

    ``LIA_TEMPLATES`` may point at a folder that only holds questionnaires
    (tests do that); the wizard's own strings and Voila template then still
    come from the checkout.
    """
    from lia.errors import LiaError
    from lia.paths import repo_root, templates_dir

    try:
        candidate = templates_dir() / relative
        if candidate.exists():
            return candidate
    except LiaError:
        pass
    return repo_root() / "templates" / relative


def _default_file() -> Path:
    return template_file("i18n/wizard.yaml")


@lru_cache(maxsize=4)
def load_strings(path: Path | None = None) -> dict[str, dict[str, str]]:
    """Read and check the catalogue: every key must have a non-empty en, sv and nb text."""
    import yaml

    from lia.errors import InputError, Joined, Message

    path = Path(path) if path is not None else _default_file()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(Message("errors.wizard_strings_unreadable", reason=str(exc)), file=str(path)) from exc
    messages = (data or {}).get("messages")
    if not isinstance(messages, dict):
        raise InputError(Message("errors.wizard_strings_not_mapping", shape="'messages: {key: {en, sv, nb}}'"), file=str(path))
    problems = [
        Message("errors.wizard_string_texts", key=str(key), langs=", ".join(LANGS))
        for key, texts in messages.items()
        if not isinstance(texts, dict) or any(not str(texts.get(lang) or "").strip() for lang in LANGS)
    ]
    if problems:
        raise InputError(Message("errors.wizard_strings_incomplete", n=len(problems), problems=Joined(problems, "; ")),
                         file=str(path))
    return {str(k): {lang: str(v[lang]) for lang in LANGS} for k, v in messages.items()}


class Strings:
    """Look up UI strings in one language: ``Strings("sv")("save")``."""

    def __init__(self, lang: str = "en", catalogue: dict[str, dict[str, str]] | None = None) -> None:
        if lang not in LANGS:
            from lia.errors import LiaError, Message

            raise LiaError(Message("errors.wizard_unknown_language", lang=repr(lang), known=", ".join(LANGS)))
        self.lang = lang
        self.catalogue = catalogue if catalogue is not None else load_strings()

    def __call__(self, key: str, **values: Any) -> str:
        """The text for *key*, with ``{placeholders}`` filled from *values* (:func:`lia.i18n.lookup`)."""
        from lia.i18n import lookup

        return lookup(self.catalogue, "wizard", key, self.lang, **values)
