"""One vocabulary per language (templates/glossary.yaml): Swedish and Norwegian texts use the
glossary's terms, not their variants, and no words of the other language slip in (review found
"arbetsmiljølovens" and "kontrolltiltak" in Swedish, "monitorering" and "Vurder en vurdering" in
Norwegian)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"
GLOSSARY = yaml.safe_load((TEMPLATES / "glossary.yaml").read_text(encoding="utf-8"))
CONTENT = sorted([*TEMPLATES.glob("rules/*.yaml"), *TEMPLATES.glob("questionnaires/*.yaml"),
                  *TEMPLATES.glob("i18n/*.yaml")])


def _texts(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, str]]]:
    if isinstance(node, dict):
        if {"sv", "nb"} <= set(node) and isinstance(node.get("sv"), str) and isinstance(node.get("nb"), str):
            yield path, node
        for k, v in node.items():
            yield from _texts(v, f"{path}.{k}" if path else str(k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _texts(v, f"{path}[{i}]")


def problems_in(text: str, lang: str) -> list[str]:
    """What the glossary says is wrong in one Swedish or Norwegian text."""
    out = []
    for term in GLOSSARY["terms"]:
        for variant in term["variants"].get(lang) or []:
            if re.search(rf"\b{re.escape(variant)}\b", text, re.I):
                out.append(f"{variant!r}: use {term[lang]!r}")
    other = GLOSSARY["other_language"][lang]
    stripped = text
    for name in other["allowed"]:
        stripped = stripped.replace(name, " ")
    for word in other["words"]:
        if re.search(rf"(?<!\w){re.escape(word)}", stripped, re.I):
            out.append(f"{word!r} is not {'Swedish' if lang == 'sv' else 'Norwegian'}")
    for w in re.findall(rf"\w*[{other['letters']}]\w*", stripped):
        out.append(f"{w!r} has letters of the other language")
    return out


def test_glossary_fixes_the_terms_the_issue_names() -> None:
    terms = {t["id"]: t for t in GLOSSARY["terms"]}
    assert terms["legitimate_interest"]["sv"] == "berättigat intresse"
    assert terms["legitimate_interest"]["nb"] == "berettiget interesse"
    assert terms["balancing_test"]["sv"] == "intresseavvägning" and terms["balancing_test"]["nb"] == "interesseavveining"
    assert "konsekvensbedömning" in terms["dpia"]["sv"] and terms["dpia"]["nb"] == "vurdering av personvernkonsekvenser (DPIA)"
    assert terms["systematic_monitoring"]["nb"] == "systematisk overvåking"
    assert "kundebehandler" in terms["agent"]["nb"] and "medarbetare" in terms["agent"]["sv"]


@pytest.mark.parametrize("lang, text, expected", [
    ("sv", "enligt arbetsmiljølovens § 9-2", "letters of the other language"),
    ("sv", "innan ett kontrolltiltak införs", "'kontrolltiltak'"),
    ("nb", "systematisk monitorering av personer", "'monitorering'"),
    ("nb", "Vurder en vurdering: berettiget interesse", "'Vurder en vurdering'"),
    ("sv", "ett legitimt intresse", "use 'berättigat intresse'"),
    ("nb", "en personvernkonsekvensvurdering", "use 'vurdering av personvernkonsekvenser (DPIA)'"),
])
def test_review_findings_are_flagged(lang: str, text: str, expected: str) -> None:
    assert any(expected in p for p in problems_in(text, lang)), problems_in(text, lang)


def test_statute_names_are_not_flagged() -> None:
    assert problems_in("enligt arbeidsmiljøloven § 9-2 (Norge)", "sv") == []
    assert problems_in("brottsbalken 4 kap. 9 a § (olovlig avlyssning)", "nb") == []


@pytest.mark.parametrize("path", CONTENT, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_content_uses_one_vocabulary_per_language(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    found = []
    for where, texts in _texts(data):
        for lang in ("sv", "nb"):
            for p in problems_in(texts[lang], lang):
                found.append(f"{where} [{lang}]: {p}")
    assert not found, f"{path.name}:\n  " + "\n  ".join(found)
