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
* a parameter that is itself a Message is rendered in the same language; a float is written
  with the language's decimal separator (Babel ``format_decimal``), a date as
  :func:`lia.i18n.format_date` writes it.

**Legacy fallback (to be deleted).** Messages that library modules not yet converted still write
as English f-strings are translated by matching the English template (a regex built from the
catalogue entry). Only the entries listed in :data:`LEGACY` are ever compiled to a regex; the
fallback goes when that list is empty. Converting a writer: replace its f-string with
``Message("<area>.<key>", **values)`` and remove its keys from :data:`LEGACY`. A message nobody
can translate is shown as it is (never dropped).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from .i18n import LANGS, catalogue, missing_text, plural_form

__all__ = ["render_code", "codes", "code_problems", "is_legacy", "translate", "translate_problem", "translate_error", "CATALOGUES", "LEGACY"]

#: The catalogues under templates/i18n/ whose messages are rendered here.
CATALOGUES = ("status", "errors")

#: The catalogue entries still matched against English text, by key prefix, with the library
#: files that still write them as English f-strings (the legacy fallback; see the module text).
#: A key not matching these is a code only: it is rendered from its code and never made a regex.
LEGACY: dict[str, dict[str, str]] = {
    "errors": {
        "frag_": "pieces of the call-log messages and of places in a file (line, row, column; what was expected, why)",
        "calllog_": "lia/periods/calllog.py",
    },
}


def is_legacy(area: str, key: str) -> bool:
    """Whether ``area``'s entry ``key`` is still matched against English text (see :data:`LEGACY`)."""
    return any(key.startswith(prefix) for prefix in LEGACY.get(area, {}))


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
    """Every message code (``<area>.<key>``, not legacy) with its texts."""
    return {f"{area}.{key}": entry for area in CATALOGUES for key, entry in _shipped(area).items()
            if not is_legacy(area, key)}


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

    from .errors import Message

    if isinstance(value, Message):
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
    shown = str(value)
    if isinstance(value, str) and name in _PIECE and lang in LANGS and lang != "en":
        # legacy: an English piece from a caller not yet passing a Message (lia.commands.periods passes the
        # call log's "what" as English); every other str parameter is a value (ids, digests, OS texts)
        return _fragment(shown, lang)
    return shown

#: Placeholders whose value is itself a whole message (translated with the whole catalogue).
_NESTED = {"problem"}
#: Placeholders whose value is a piece of a message (translated with the fragments).
_FRAGMENT = {"where", "expected", "reason", "known", "found", "have", "hi", "what"}
#: The one placeholder of a coded message whose str value may still be an English piece (see :func:`_value`).
_PIECE = {"what"}
#: Placeholders that list rows or lines of a file with their values (``line 3: 'x'; line 9: 'y'``).
_SHOWN = {"shown"}

_TOKEN = re.compile(r"\{(\w+)(?:\|([^|{}]*)\|([^|{}]*))?\}")


def _legacy_entries() -> dict[str, dict[str, str]]:
    """The :data:`LEGACY` entries of the shipped catalogues (the only ones ever made a regex)."""
    out: dict[str, dict[str, str]] = {}
    for area in CATALOGUES:
        out.update({key: entry for key, entry in _shipped(area).items() if is_legacy(area, key)})
    return out


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


def render(template: str, values: dict[str, str], plurals: list[bool] | None = None) -> str:
    """Fill ``template``: placeholders from ``values``; the i-th ``{n|one|other}`` is singular if ``plurals[i]``."""
    out, i = [], 0
    for tok in tokens(template):
        if tok[0] == "text":
            out.append(tok[1])
        elif tok[0] == "field":
            out.append(values[tok[1]])
        else:
            out.append(tok[2] if plurals and i < len(plurals) and plurals[i] else tok[3])
            i += 1
    return "".join(out)


def _compile(en: str) -> re.Pattern[str]:
    parts, seen, i = [], set(), 0
    for tok in tokens(en):
        if tok[0] == "text":
            parts.append(re.escape(tok[1]))
        elif tok[0] == "field":
            name = tok[1]
            parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
            seen.add(name)
        else:
            # longer form first; which one matched decides the form of the translation
            one, other = tok[2], tok[3]
            parts.append(f"(?P<_pl{i}>{re.escape(other)}|{re.escape(one)})" if len(other) >= len(one)
                         else f"(?P<_pl{i}>{re.escape(one)}|{re.escape(other)})")
            i += 1
    return re.compile("^" + "".join(parts) + "$", re.S)


def _literal_length(en: str) -> int:
    return sum(len(t[1]) for t in tokens(en) if t[0] == "text")


#: A compiled English template, its catalogue entry, and the singular word of each ``{n|one|other}``.
_Pattern = tuple[re.Pattern[str], dict[str, str], list[str]]


@lru_cache(maxsize=1)
def _patterns() -> tuple[list[_Pattern], list[_Pattern]]:
    """(whole messages, fragments), each with the most literal text first.

    So "rule pack X Y changed without..." is not read as a version bump, and
    "line 1 (header)" not as "line {n}".
    """
    whole: list[_Pattern] = []
    frags: list[_Pattern] = []
    for key, entry in _legacy_entries().items():
        ones = [tok[2] for tok in tokens(entry["en"]) if tok[0] == "plural"]
        (frags if key.startswith("frag_") else whole).append((_compile(entry["en"]), entry, ones))
    for lst in (whole, frags):
        lst.sort(key=lambda pe: -_literal_length(pe[1]["en"]))
    return whole, frags


def _fill(entry: dict[str, str], ones: list[str], m: re.Match[str], lang: str) -> str:
    values: dict[str, str] = {}
    for k, v in m.groupdict().items():
        if k.startswith("_pl"):
            continue
        if k in _NESTED:
            v = translate(v, lang)
        elif k in _FRAGMENT:
            v = _fragment(v, lang)
        elif k in _SHOWN:
            v = _shown(v, lang)
        values[k] = v
    plurals = [m.group(f"_pl{i}") == one for i, one in enumerate(ones)]
    try:
        return render(entry.get(lang, entry["en"]), values, plurals)
    except KeyError:  # a translation naming a placeholder the English lacks: a catalogue bug, keep English
        return m.group(0)


def _match(message: str, patterns: list[_Pattern], lang: str) -> str | None:
    for pattern, entry, ones in patterns:
        m = pattern.match(message)
        if m:
            return _fill(entry, ones, m, lang)
    return None


def _fragment(value: str, lang: str) -> str:
    """A piece of a message (a place in a file, what was expected, ...) in *lang*; unknown pieces unchanged."""
    if lang not in LANGS or lang == "en" or not value:
        return value
    out = _match(value, _patterns()[1], lang)
    return value if out is None else out


_LABEL = re.compile(r"(?:^|(?<=; )|(?<=, )|(?<= on ))(line|row) (\d+)(?=: |, |; |$)")
_FIELDS = re.compile(r"(?<=: )\d+ fields?(?=; |$)")
_ON = re.compile(r"(?<=['\"]) on (?=\w+ \d)")


def _shown(value: str, lang: str) -> str:
    """``line 3: 'x'; line 9: 'y'`` (or ``'id' on line 3, line 7``) with the labels in *lang*; values unchanged."""
    value = _FIELDS.sub(lambda m: _fragment(m.group(0), lang), value)
    value = _LABEL.sub(lambda m: _fragment(m.group(0), lang), value)
    return _ON.sub(lambda m: f" {_fragment('on', lang)} ", value)


def translate(message: str, lang: str) -> str:
    """*message* in *lang*: a Message from its code; an English str through the legacy fallback
    (unknown messages unchanged)."""
    from .errors import Message

    if isinstance(message, Message):
        return message.text(lang if lang in LANGS else "en")
    if lang not in LANGS or lang == "en" or not message:
        return message
    out = _match(message, _patterns()[0], lang)
    if out is not None:
        return out
    if "\n" in message:  # "head:\n  - item\n  - item": line by line, keeping the layout
        lines = []
        for line in message.split("\n"):
            body = line.lstrip(" -")
            lines.append(line[:len(line) - len(body)] + translate(body, lang))
        return "\n".join(lines)
    return message


def translate_problem(file: str, message: str, lang: str) -> str:
    """One verification problem, ``file: message``, in *lang*."""
    return f"{file}: {translate(message, lang)}"


def _where(where: str, lang: str) -> str:
    """A place in a file (a Message, or a legacy English piece) in *lang*."""
    from .errors import Message

    return where.text(lang) if isinstance(where, Message) else _fragment(where, lang)


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
        lines += [f"  - {excerpt(_where(p.where, lang), 48)}: {translate(p.message, lang)}"
                  for p in err.problems[:MAX_LISTED]]
        if len(err.problems) > MAX_LISTED:
            lines.append("  - " + Message("errors.and_more", n=len(err.problems) - MAX_LISTED).text(lang))
        return "\n".join(lines)
    if isinstance(err, InputError) and (err.file or err.where):
        where = _where(err.where, lang) if err.where else None
        prefix = (err.file + (f", {where}" if where else "")) if err.file else str(where)
        return f"{prefix}: {translate(err.detail, lang)}"
    return translate(err.said, lang)


def _register() -> None:
    """Make :class:`lia.errors.Message` render through :func:`render_code` (see ``errors._renderer``)."""
    from . import errors

    errors._renderer = render_code


_register()
