"""The report's LIA section shows each group on its basis and the weighing in words (no kernel needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lia.reports import html as R
from lia.example import ensure_example
from lia.store import Store
from lia.workspace import Workspace


@pytest.fixture()
def home(tmp_path: Path) -> Path:
    ensure_example(Workspace(tmp_path))
    return tmp_path


@pytest.mark.parametrize("lang, words", [
    ("en", ["Each group of data subjects on its own legal basis", "Agents (employees) - Training of staff",
            "the interest weighs medium (3 points)", "Consent (Art. 6(1)(a))", "consent valid"]),
    ("sv", ["Varje grupp av registrerade på sin egen rättsliga grund", "intresset väger medel (3 poäng)",
            "samtycket giltigt"]),
    ("nb", ["Hver gruppe registrerte på sitt eget behandlingsgrunnlag", "interessen veier middels (3 poeng)",
            "samtykket gyldig"]),
])
def test_lia_section_shows_groups_and_weighing(home: Path, lang: str, words: list[str]) -> None:
    from lia.example import EXAMPLE_ID

    d = R.load(str(home), EXAMPLE_ID, None, lang)
    out = R.lia_steps_html(d)
    for w in words:
        assert w in out, w


def test_unlawful_first_draft_names_the_cure_and_a_blank_one_is_not_screened(home: Path) -> None:
    from lia.example import EXAMPLE_ID

    d = R.load(str(home), EXAMPLE_ID, 2, "en")
    out = R.lia_steps_html(d)
    assert 'verdict-box bad' in out and "unlawful as described" in out
    assert "What would cure the infringement" in out and "Switch off agent tone" in out
    d1 = R.load(str(home), EXAMPLE_ID, 1, "en")
    summary = R.summary_html(d1)
    assert "The DPIA screening has not been done" in summary and "No DPIA required" not in summary
    assert "not assessed" in summary
