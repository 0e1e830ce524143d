"""UI message catalogues (templates/i18n/*.yaml): every string in English, Swedish and Norwegian Bokmål."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
import yaml

from lia.i18n import LANGS

ROOT = Path(__file__).resolve().parents[1]
CATALOGUES = sorted((ROOT / "templates" / "i18n").glob("*.yaml"))


def test_there_are_catalogues() -> None:
    assert CATALOGUES, "no templates/i18n/*.yaml: the UI would have no texts"


def _fields(s: str) -> set[str]:
    # "{n|row|rows}" (lia.messages: a word after a count) names the count n; its words are the language's own
    return {f.split("|")[0] for _, f, _, _ in string.Formatter().parse(s) if f}


@pytest.mark.parametrize("path", CATALOGUES, ids=[p.stem for p in CATALOGUES])
def test_every_message_in_three_languages_with_the_same_placeholders(path: Path) -> None:
    data = yaml.safe_load(path.read_text())
    assert isinstance(data, dict) and data
    if data.get("kind") == "messages":  # the versioned form carries its messages under one key
        assert data.get("id") == path.stem and data.get("version"), f"{path.name}: id/version missing"
        data = data["messages"]
    for key, entry in data.items():
        assert isinstance(entry, dict), f"{path.name}: {key} is not a mapping of languages"
        assert set(entry) == set(LANGS), f"{path.name}: {key} has languages {sorted(entry)}"
        for lang in LANGS:
            assert isinstance(entry[lang], str) and entry[lang].strip(), f"{path.name}: {key}.{lang} empty"
        fields = {lang: _fields(entry[lang]) for lang in LANGS}
        assert fields["sv"] == fields["en"] == fields["nb"], f"{path.name}: {key} placeholders differ: {fields}"
