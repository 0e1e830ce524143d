"""Library messages in the reader's language.

lia.signing, lia.report, lia.store, lia.periods and lia.dashboards.viewer write their findings
and errors in English (the CLI, JSON and statements keep them so, stable for other tools).
The pages show them in the reader's language: :func:`translate` finds the English template a
message was made from (``templates/i18n/status.yaml`` for verification and staleness,
``errors.yaml`` for files and stored versions), takes the values of its placeholders, and
writes the same message in Swedish or Norwegian Bokmål. :func:`translate_error` does the same
for a :class:`~lia.errors.LiaError`, with the file and the place in it. A message it does not
know is shown as it is (never dropped).

Template syntax, beyond ``{name}`` placeholders:

* ``{n|row|rows}`` - a word that follows a count. The English text says which form the library
  wrote; the translation takes the form in the same position (singular or plural).
* keys starting ``frag_`` are fragments: only used for placeholders that hold a piece of a
  message (``where``, ``expected``, ``reason``, ...), never matched against a whole message.
* a message of several lines (``head:\\n  - item``) is translated line by line.
"""

from __future__ import annotations

import re
from functools import lru_cache
from .i18n import LANGS, catalogue

__all__ = ["translate", "translate_problem", "translate_error", "CATALOGUES"]

#: The catalogues under templates/i18n/ whose messages are translated here.
CATALOGUES = ("status", "errors")

#: Placeholders whose value is itself a whole message (translated with the whole catalogue).
_NESTED = {"problem"}
#: Placeholders whose value is a piece of a message (translated with the fragments).
_FRAGMENT = {"where", "expected", "reason", "known", "found", "have", "hi", "what"}
#: Placeholders that list rows or lines of a file with their values (``line 3: 'x'; line 9: 'y'``).
_SHOWN = {"shown"}

_TOKEN = re.compile(r"\{(\w+)(?:\|([^|{}]*)\|([^|{}]*))?\}")


def _catalogue() -> dict[str, dict[str, str]]:
    """The message catalogues of $LIA_TEMPLATES, else the checkout's own (UI texts ship with lia)."""
    from .errors import LiaError
    from .paths import repo_root

    out: dict[str, dict[str, str]] = {}
    for area in CATALOGUES:
        try:
            out.update(catalogue(area))
        except (OSError, LiaError):
            out.update(catalogue(area, repo_root() / "templates"))
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
    for key, entry in _catalogue().items():
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
    """*message* (as lia wrote it in English) in *lang*; unknown messages unchanged."""
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


def translate_error(err: BaseException, lang: str) -> str:
    """What a page shows for *err*: a LiaError's message in *lang*, with its file and place.

    Anything else is a bug, not bad input: its class name and text, as they are.
    """
    from .errors import InputError, LiaError

    if not isinstance(err, LiaError):
        return f"{type(err).__name__}: {err}"
    if lang not in LANGS or lang == "en":
        return str(err)
    if isinstance(err, InputError) and (err.file or err.where):
        where = _fragment(err.where, lang) if err.where else None
        prefix = (err.file + (f", {where}" if where else "")) if err.file else str(where)
        return f"{prefix}: {translate(err.detail, lang)}"
    return translate(str(err), lang)

