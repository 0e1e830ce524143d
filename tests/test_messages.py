"""Verification and staleness messages reach Swedish and Norwegian readers in their language."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from lia.i18n import catalogue
from lia.messages import translate, translate_problem

ROOT = Path(__file__).resolve().parents[1]
# adjacent string literals split over lines are one message
SOURCES = re.sub(r"\"\s*\n\s*f?\"", "", "".join((ROOT / "lib" / "lia" / f).read_text()
                                                   for f in ("signing.py", "report.py", "dashboards/viewer.py")))


def _sample(template: str) -> dict[str, str]:
    return {f: f"<{f}-1.2>" for _, f, _, _ in string.Formatter().parse(template) if f}


@pytest.mark.parametrize("key", sorted(catalogue("status")))
def test_each_message_round_trips_into_swedish_and_norwegian(key: str) -> None:
    entry = catalogue("status")[key]
    values = _sample(entry["en"])
    english = entry["en"].format(**values)
    for lang in ("sv", "nb"):
        assert translate(english, lang) == entry[lang].format(**values)
    assert translate(english, "en") == english


@pytest.mark.parametrize("key", sorted(catalogue("status")))
def test_catalogue_matches_what_the_library_writes(key: str) -> None:
    """A message reworded in lia.signing / lia.report without the catalogue would stay English on the pages."""
    en = catalogue("status")[key]["en"]
    for literal, *_ in string.Formatter().parse(en):
        for piece in re.split(r"\s*[{}]\s*", literal):
            if len(piece.strip()) >= 6:
                assert piece.strip() in SOURCES, f"{key}: {piece.strip()!r} is no longer written by the library"


def test_nested_and_unknown_messages() -> None:
    msg = "signature by Karin Lindqvist (dpo): key is not in the trusted keys"
    assert translate(msg, "sv") == "signatur av Karin Lindqvist (dpo): nyckeln finns inte bland de betrodda nycklarna"
    assert translate("rule pack se 1.1.0 changed without a version bump (rules/se.yaml)", "nb").startswith(
        "regelpakken se 1.1.0 er endret uten nytt versjonsnummer")
    assert translate("rule pack se 1.0.0 -> 1.1.0", "sv") == "regelpaketet se 1.0.0 -> 1.1.0"
    # a placeholder used twice must hold the same text both times
    assert translate("cc has no rendered report yet; render one with `lia render cc`", "nb") == \
        "cc har ingen gjengitt rapport ennå; gjengi en med `lia render cc`"
    assert translate("cc has no rendered report yet; render one with `lia render dd`", "nb").startswith("cc has no")
    assert translate("something new the catalogue does not know", "sv") == "something new the catalogue does not know"
    assert translate_problem("report.html", "SHA-256 differs from statement.json: the file was changed", "nb") == \
        "report.html: SHA-256 avviker fra statement.json: filen er endret"
