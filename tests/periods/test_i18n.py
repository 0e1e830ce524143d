"""Every string of the periods area exists in en, sv and nb, and every kind, unit and check has its strings."""

from __future__ import annotations

from pathlib import Path

import yaml

from lia.periods.breaches import KINDS

CATALOGUE = Path(__file__).resolve().parents[2] / "templates" / "i18n" / "periods.yaml"


def test_three_languages_everywhere():
    data = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    for key, entry in data.items():
        assert set(entry) == {"en", "sv", "nb"}, key
        assert all(isinstance(v, str) and v.strip() for v in entry.values()), key
        placeholders = {lang: sorted(__import__("re").findall(r"\{(\w+)\}", v)) for lang, v in entry.items()}
        assert placeholders["en"] == placeholders["sv"] == placeholders["nb"], key


def test_every_kind_unit_and_check_has_strings():
    data = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    for kind, unit in KINDS.items():
        assert f"kind_{kind}" in data and f"unit_{unit}" in data and f"check_{kind}" in data
