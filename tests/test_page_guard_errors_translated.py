"""Errors of the questionnaires, the wizard's UI strings and the portfolio's sort, read in sv and nb (issue 13).

A folder of questionnaires with bad files, a wizard strings file with a missing translation, a
sort key the portfolio does not know: each error was plain English joined from other errors, and
a Swedish or Norwegian page showed it in English. Now each is a code whose pieces are rendered in
the page's language; the English stays what it was.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lia.dashboards.portfolio import SORT_KEYS, sort_rows
from lia.errors import InputError, LiaError
from lia.messages import translate_error
from lia.pages.wizard.strings import load_strings
from lia.questionnaire import load_questionnaire, load_questionnaires

ENGLISH = re.compile(r"\b(expected|with|and|top|level|problems?|found|needs|non-empty|texts|"
                     r"string|incomplete|cannot|sort|by|one|of)\b")


def _questionnaires(tmp_path: Path) -> Path:
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    (folder / "a.yaml").write_text("- a\n- b\n", encoding="utf-8")
    (folder / "b.yaml").write_text("[1, 2]\n", encoding="utf-8")
    return folder


def test_bad_questionnaires_keep_their_english(tmp_path: Path) -> None:
    folder = _questionnaires(tmp_path)
    singles = []
    for name in ("a.yaml", "b.yaml"):
        with pytest.raises(InputError) as one:
            load_questionnaire(folder / name)
        singles.append(str(one.value))
    with pytest.raises(LiaError) as ei:
        load_questionnaires(folder)
    assert ei.value.code == "errors.questionnaires_bad"
    assert str(ei.value) == "\n".join(singles)


@pytest.mark.parametrize("lang", ["sv", "nb"])
def test_bad_questionnaires_read_in_the_page_language(tmp_path: Path, lang: str) -> None:
    folder = _questionnaires(tmp_path)
    with pytest.raises(LiaError) as ei:
        load_questionnaires(folder)
    shown = translate_error(ei.value, lang)
    lines = shown.split("\n")
    assert [line.split(":")[0] for line in lines] == [str(folder / "a.yaml"), str(folder / "b.yaml")]
    rest = shown.replace(str(folder), "").replace("kind, id, version, title", "")
    assert not ENGLISH.search(rest), shown


@pytest.mark.parametrize("lang", ["sv", "nb"])
def test_an_incomplete_strings_file_reads_in_the_page_language(tmp_path: Path, lang: str) -> None:
    path = tmp_path / "wizard.yaml"
    path.write_text("messages:\n  save: {en: Save, sv: Spara, nb: ''}\n  open: {en: Open}\n", encoding="utf-8")
    with pytest.raises(InputError) as ei:
        load_strings(path)
    assert str(ei.value) == (f"{path}: 2 UI string(s) incomplete: save: needs non-empty texts for en, sv, nb; "
                             "open: needs non-empty texts for en, sv, nb")
    shown = translate_error(ei.value, lang)
    rest = shown.replace(str(path), "").replace("en, sv, nb", "")
    assert "save" in rest and "open" in rest
    assert not ENGLISH.search(rest.replace("save:", "").replace("open:", "")), shown


@pytest.mark.parametrize("lang", ["sv", "nb"])
def test_an_unknown_sort_key_reads_in_the_page_language(lang: str) -> None:
    with pytest.raises(LiaError) as ei:
        sort_rows([], "colour")
    assert str(ei.value) == f"cannot sort by 'colour'; expected one of {', '.join(SORT_KEYS)}"
    shown = translate_error(ei.value, lang)
    assert not ENGLISH.search(shown.replace(", ".join(SORT_KEYS), "")), shown


@pytest.mark.parametrize("lang", ["sv", "nb"])
def test_a_questionnaire_with_several_problems_keeps_its_heading_translated(tmp_path: Path, lang: str) -> None:
    folder = _questionnaires(tmp_path)
    (folder / "b.yaml").write_text("kind: questionnaire\nid: x\nversion: 1\ntitle: T\nsections: 5\n", encoding="utf-8")
    with pytest.raises(LiaError) as ei:
        load_questionnaires(folder)
    assert str(ei.value).split("\n")[1] == f"{folder / 'b.yaml'}: 3 problems found:"
    heading = translate_error(ei.value, lang).split("\n")[1]
    assert heading == f"{folder / 'b.yaml'}: 3 " + {"sv": "problem hittades:", "nb": "problemer funnet:"}[lang]
