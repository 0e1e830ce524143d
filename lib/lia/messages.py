"""Library messages and errors in the reader's language.

One mechanism: a message is a stable **code** and its **parameters**
(:class:`lia.errors.Message`; a :class:`~lia.errors.LiaError` carries them as ``code`` and
``params``). The code ``<area>.<key>`` names an entry of ``templates/i18n/<area>.yaml`` with
its English, Swedish and Norwegian Bokmål texts; :func:`render_code` writes it in a language.
The command line, JSON and statements show the English rendering (``str(message)``), the pages
the reader's language (:func:`translate`, :func:`translate_error`).

Template syntax, beyond ``{name}`` placeholders:

* ``{n|row|rows}`` - a word that follows a count: the form is chosen by the CLDR plural rule
  of the language (Babel's ``Locale.plural_form``) for the value of ``n``;
* a parameter that is itself a Message (or :class:`lia.errors.Joined` pieces) is rendered in the
  same language; a float is written
  with the language's decimal separator (Babel ``format_decimal``), a date as
  :func:`lia.i18n.format_date` writes it.

There is no fallback that matches English: a message with a code is rendered from it, a plain
``str`` (a message nobody gave a code, an OS or library text) is shown as it is (never dropped),
and no regex is ever built from a catalogue entry (tests/test_error_codes.py checks both).
Pieces of a message (a list of places with their values, a file name and a row) are
:class:`lia.errors.Joined`: its Message pieces are rendered in the same language.
"""

from __future__ import annotations

import re
from typing import Any

from .i18n import LANGS, catalogue, missing_text, plural_form

__all__ = ["render_code", "codes", "code_problems", "translate", "translate_problem", "translate_error", "CATALOGUES"]

#: The catalogues under templates/i18n/ whose messages are rendered here.
CATALOGUES = ("status", "errors")


def code_problems(entries: dict[str, dict[str, str]]) -> list[str]:
    """What is wrong with message codes ``{code: {en, sv, nb}}``: a language missing or empty, or a
    text naming other parameters (placeholders or plural counts) than the English one."""
    problems = []
    for code, entry in entries.items():
        if not isinstance(entry, dict) or set(entry) != set(LANGS):
            problems.append(f"{code}: expected texts for exactly {', '.join(LANGS)}")
            continue
        names = {tok[1] for tok in tokens(str(entry["en"])) if tok[0] != "text"}
        for lang in LANGS:
            if not str(entry[lang]).strip():
                problems.append(f"{code}: the {lang} text is empty")
            elif {tok[1] for tok in tokens(str(entry[lang])) if tok[0] != "text"} != names:
                problems.append(f"{code}: the {lang} text names other parameters than the English one")
    return problems


#: The English of the errors that say the catalogues themselves are missing (an installed lia
#: without its data): they cannot come from a catalogue. tests/test_error_codes.py checks they
#: are the catalogue's English word for word.
BOOTSTRAP: dict[str, str] = {
    "errors.templates_missing": 'The templates folder {path} (that lia looks for next to its code) does not exist. Set LIA_TEMPLATES to the folder that holds questionnaires/ and rules/, or reinstall lia (a wheel carries its templates in lia/_data/; a source checkout needs pip install -e .).',
    "errors.templates_missing_env": 'The templates folder {path} (set by LIA_TEMPLATES) does not exist. Set LIA_TEMPLATES to the folder that holds questionnaires/ and rules/, or reinstall lia (a wheel carries its templates in lia/_data/; a source checkout needs pip install -e .).',
}


def codes() -> dict[str, dict[str, str]]:
    """Every message code (``<area>.<key>``) with its texts."""
    return {f"{area}.{key}": entry for area in CATALOGUES for key, entry in _shipped(area).items()}


def _shipped(area: str) -> dict[str, dict[str, str]]:
    """The message catalogue ``area`` that ships with lia (codes are the library's, not a template's)."""
    from .paths import repo_root

    return catalogue(area, repo_root() / "templates")


def render_code(code: str, params: dict[str, Any], lang: str = "en") -> str:
    """The message ``code`` (``<area>.<key>``) in ``lang``, its placeholders filled from ``params``.

    An unknown code, or a placeholder without a parameter, is a missing text
    (:func:`lia.i18n.missing_text`: it raises in tests, shows a visible marker otherwise).
    """
    area, _, key = code.partition(".")
    try:
        entry = _shipped(area).get(key) if area in CATALOGUES and key else None
    except (OSError, RecursionError, ValueError) as err:  # the catalogue itself unreadable
        if code in BOOTSTRAP:  # the errors that say why: in English, from the library itself
            return render_template(BOOTSTRAP[code], params, lang)
        return f"{code} {params} ({type(err).__name__})"
    if entry is None:
        return missing_text(code)
    return render_template(entry.get(lang) or entry["en"], params, lang, code)


def render_template(template: str, params: dict[str, Any], lang: str = "en", code: str = "") -> str:
    """``template`` (a catalogue text) with its placeholders filled from ``params`` in ``lang``."""
    out: list[str] = []
    for tok in tokens(template):
        if tok[0] == "text":
            out.append(tok[1])
        elif tok[1] not in params:
            out.append(missing_text(f"{code}{{{tok[1]}}}"))
        elif tok[0] == "field":
            out.append(_value(tok[1], params[tok[1]], lang))
        else:
            out.append(tok[2] if plural_form(params[tok[1]], lang) == "one" else tok[3])
    return "".join(out)


def _value(name: str, value: Any, lang: str) -> str:
    """A parameter as a message shows it in ``lang``."""
    import datetime as _dt

    from .errors import Joined, Message

    if isinstance(value, (Message, Joined)):
        return value.text(lang)
    if isinstance(value, dict):  # a data text {en, sv, nb} (a question's text)
        from .i18n import text as data_text

        return data_text(value, lang)
    if isinstance(value, float):
        from babel.numbers import format_decimal

        from .i18n import babel_locale

        return format_decimal(value, locale=babel_locale(lang))
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        from .i18n import format_date

        return format_date(value, lang)
    return str(value)  # a value (an id, a digest, a file name, an OS text): as it is


_TOKEN = re.compile(r"\{(\w+)(?:\|([^|{}]*)\|([^|{}]*))?\}")


def tokens(template: str) -> list[tuple[str, ...]]:
    """``template`` as ``("text", s)``, ``("field", name)`` and ``("plural", name, one, other)`` tokens."""
    out: list[tuple[str, ...]] = []
    pos = 0
    for m in _TOKEN.finditer(template):
        if m.start() > pos:
            out.append(("text", template[pos:m.start()]))
        out.append(("plural", m.group(1), m.group(2), m.group(3)) if m.group(2) is not None else ("field", m.group(1)))
        pos = m.end()
    if pos < len(template):
        out.append(("text", template[pos:]))
    return out


def translate(message: str, lang: str) -> str:
    """*message* in *lang*: a Message (or Joined pieces) from its code; a plain str as it is."""
    from .errors import Joined, Message

    if isinstance(message, (Message, Joined)):
        return message.text(lang if lang in LANGS else "en")
    return message


def translate_problem(file: str, message: str, lang: str) -> str:
    """One verification problem, ``file: message``, in *lang*."""
    return f"{file}: {translate(message, lang)}"


def translate_error(err: BaseException, lang: str) -> str:
    """What a page shows for *err*: a LiaError rendered from its code in *lang*, with its file and place.

    Several problems (a :class:`~lia.errors.ValidationError`) are rendered one by one. Anything
    else is a bug, not bad input: its class name and text, as they are.
    """
    from .errors import MAX_LISTED, InputError, LiaError, Message, ValidationError, excerpt

    if not isinstance(err, LiaError):
        return f"{type(err).__name__}: {err}"
    if lang not in LANGS or lang == "en":
        return str(err)
    if isinstance(err, ValidationError):
        lines = [translate(err.heading, lang) + ":"]
        lines += [f"  - {excerpt(translate(p.where, lang), 48)}: {translate(p.message, lang)}"
                  for p in err.problems[:MAX_LISTED]]
        if len(err.problems) > MAX_LISTED:
            lines.append("  - " + Message("errors.and_more", n=len(err.problems) - MAX_LISTED).text(lang))
        return "\n".join(lines)
    if isinstance(err, InputError) and (err.file or err.where):
        where = translate(err.where, lang) if err.where else None
        prefix = (translate(err.file, lang) + (f", {where}" if where else "")) if err.file else str(where)
        return f"{prefix}: {translate(err.detail, lang)}"
    return translate(err.said, lang)


def _register() -> None:
    """Make :class:`lia.errors.Message` render through :func:`render_code` (see ``errors._renderer``)."""
    from . import errors

    errors._renderer = render_code


_register()
