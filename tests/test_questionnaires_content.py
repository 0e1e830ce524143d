"""The real questionnaires: they load, every text exists in three languages, and the ids others rely on are there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lia.questionnaire import QUESTION_TYPES, load_questionnaire, load_questionnaires
from lia.i18n import LANGS

ROOT = Path(__file__).resolve().parents[1]
QDIR = ROOT / "templates" / "questionnaires"
FILES = sorted(QDIR.glob("*.yaml"))

# "- `id`* type [choices] - meaning" lines of docs/question-ids.md
_LINE = re.compile(r"^- `(?P<id>[a-z0-9_.]+)`(?P<req>\*)? (?P<type>[a-z_]+)(?: \[(?P<choices>[^\]]*)\])?")


def _contract() -> list[dict]:
    out = []
    for line in (ROOT / "docs" / "question-ids.md").read_text().splitlines():
        m = _LINE.match(line)
        if m and m.group("type") in QUESTION_TYPES:
            out.append(m.groupdict())
    return out


def test_the_three_questionnaires_exist() -> None:
    assert {p.stem for p in FILES} >= {"lia", "dpia_screening", "dpia_risks"}


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_each_file_loads_with_kind_id_version(path: Path) -> None:
    q = load_questionnaire(path)
    assert q.kind == "questionnaire" and q.id == path.stem
    assert re.match(r"^\d+\.\d+\.\d+$", q.version)


def _texts(obj, where="") -> list[tuple[str, dict]]:
    """Every {en, sv, nb} mapping inside a loaded questionnaire, with where it is."""
    found = []
    if isinstance(obj, dict):
        if set(obj) & set(LANGS) and all(isinstance(v, str) for v in obj.values()):
            found.append((where, obj))
        else:
            for k, v in obj.items():
                found.extend(_texts(v, f"{where}.{k}"))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            found.extend(_texts(v, f"{where}[{i}]"))
    return found


def test_every_text_has_all_three_languages_and_they_differ() -> None:
    import yaml

    for path in FILES:
        texts = _texts(yaml.safe_load(path.read_text()))
        assert len(texts) > 10
        for where, mapping in texts:
            assert set(mapping) == set(LANGS), f"{path.name}{where}: languages {sorted(mapping)}"
            assert all(mapping[lang].strip() for lang in LANGS), f"{path.name}{where}: empty text"
        # Translations, not copies: most Swedish and Norwegian texts differ from the English ones.
        long_texts = [m for _, m in texts if len(m["en"]) > 25]
        same = [m["en"] for m in long_texts if m["sv"] == m["en"] or m["nb"] == m["en"]]
        assert len(same) <= len(long_texts) // 20, f"{path.name}: untranslated texts such as {same[:3]}"


def test_every_question_has_help() -> None:
    qs = load_questionnaires(ROOT / "templates")
    for q in qs.questions.values():
        assert len(q.help["en"]) > 20, f"{q.id}: help text too thin"


def test_question_ids_match_the_contract() -> None:
    qs = load_questionnaires(ROOT / "templates")
    contract = _contract()
    assert len(contract) > 80
    for item in contract:
        q = qs.questions.get(item["id"])
        assert q is not None, f"{item['id']} is in docs/question-ids.md but in no questionnaire"
        assert q.type == item["type"], f"{item['id']}: type {q.type}, contract says {item['type']}"
        assert q.required == bool(item["req"]), f"{item['id']}: required is {q.required}"
        if item["choices"] and q.type in ("choice", "multi_choice"):
            want = [c.strip() for c in item["choices"].split(",")]
            assert q.choice_ids() == want, f"{item['id']}: choices {q.choice_ids()} != {want}"
    documented = {c["id"] for c in contract}
    undocumented = sorted(set(qs.questions) - documented)
    assert not undocumented, f"questions missing from docs/question-ids.md: {undocumented}"


def test_mission_factors_have_sections() -> None:
    qs = load_questionnaires(ROOT / "templates")
    sections = {s.id for _, s in qs.sections}
    assert {"purpose", "necessity", "sensitivity", "periods", "union", "access", "information", "retention",
            "safeguards", "ai", "rights"} <= sections
