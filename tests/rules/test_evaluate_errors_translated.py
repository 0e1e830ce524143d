"""`lia evaluate`'s breaches file and inputs: errors in the reader's language (issue 13 item 3).

Before, a bad --evidence file ("unknown breach kind 'x'; expected one of: ...") or a bad as-of
date was plain English on a Swedish or Norwegian page. They are codes now; the English is the same.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from lia.commands.evaluate import _load_evidence
from lia.errors import InputError
from lia.messages import translate_error
from lia.rules import evaluate, parse_as_of

ENGLISH = re.compile(r"\b(expected|of|breaches?|or|with|string|unknown|kind|one|date|such|as|"
                     r"got|evidence|item|file|no|exist)\b")


def _words(shown: str, path: Path | None = None) -> list[str]:
    rest = shown.replace(str(path), "") if path else shown
    rest = re.sub(r"'[^']*'|\{[^{}]*\}|: [a-z_]+(, [a-z_]+)+$|YYYY-MM-DD|ÅÅÅÅ-MM-DD", "", rest)
    return ENGLISH.findall(rest)


@pytest.mark.parametrize("lang", ["sv", "nb"])
def test_a_bad_breaches_file_reads_in_the_readers_language(tmp_path: Path, lang: str) -> None:
    path = tmp_path / "breaches.json"
    cases = {
        "not a list": ({"breaches": 3}, "expected a list of breaches, or a mapping with a 'breaches' list"),
        "no kind": ([{"value": 3}], "breach 1: expected a mapping with a 'kind' string"),
        "unknown kind": ([{"kind": "consecutive_days"}, {"kind": "telepathy"}],
                         "breach 2: unknown breach kind 'telepathy'; expected one of: "),
    }
    for what, (doc, english) in cases.items():
        path.write_text(json.dumps(doc), encoding="utf-8")
        with pytest.raises(InputError) as ei:
            _load_evidence(str(path))
        assert english in str(ei.value), (what, str(ei.value))
        shown = translate_error(ei.value, lang)
        assert shown != str(ei.value) and not _words(shown, path), (what, lang, shown, _words(shown, path))
    with pytest.raises(InputError) as ei:
        _load_evidence(str(tmp_path / "nowhere.json"))
    assert str(ei.value).endswith("no such file (expected a evidence file)")
    assert "bevisfil" in translate_error(ei.value, lang)


@pytest.mark.parametrize("lang", ["sv", "nb"])
def test_bad_evaluation_inputs_read_in_the_readers_language(lang: str) -> None:
    calls = [(lambda: parse_as_of("spring"), "as of 'spring': expected a date YYYY-MM-DD, such as 2025-02-02"),
             (lambda: evaluate({"jurisdictions": ["EU"]}, ["x"]), "answers: expected a mapping of question id -> value, got list"),
             (lambda: evaluate({"jurisdictions": ["EU"]}, {}, evidence=[{"value": 1}]),
              "evidence item 1: expected a mapping with a 'kind' string, got {'value': 1}")]
    for call, english in calls:
        with pytest.raises(InputError) as ei:
            call()
        assert str(ei.value) == english
        shown = translate_error(ei.value, lang)
        assert shown != english and not _words(shown), (lang, shown, _words(shown))
