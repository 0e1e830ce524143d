"""Fixtures for the dashboards: a workspace with assessments in every state the portfolio shows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from .fakes import FakeSources, make_report

TODAY = dt.date(2026, 6, 1)


@pytest.fixture
def fake() -> FakeSources:
    return FakeSources()


def new_assessment(home: Path, aid: str, *, owner: str = "Åsa Lindqvist", review: str | None = "2027-01-01",
                   status: str = "draft", jurisdictions: tuple[str, ...] = ("EU", "SE"), title: str | None = None):
    from lia.store import Store

    store = Store(home)
    store.create({"id": aid, "title": title or f"Call recording {aid}", "owner": owner, "review_date": review,
                  "jurisdictions": list(jurisdictions), "status": status}, author="test", message="created")
    return store.save(aid, {"basics.purpose": "Training new agents"}, author="test", message="answers")


@pytest.fixture
def portfolio_ws(ws: Path, mini: Path) -> Path:
    """current, stale, unsigned, tampered, overdue, due-soon and no-report assessments (mini questionnaire)."""
    from lia.store import Store

    v = new_assessment(ws, "current-one", owner="Bjørn Hagen", jurisdictions=("EU", "NO"))
    make_report(ws, "current-one", v.number, v.digest)
    v = new_assessment(ws, "stale-one")
    make_report(ws, "stale-one", v.number, v.digest)
    Store(ws).save("stale-one", {"basics.purpose": "Training and quality"}, author="test", message="changed after the report")
    v = new_assessment(ws, "unsigned-one")
    make_report(ws, "unsigned-one", v.number, v.digest, signed=False)
    v = new_assessment(ws, "tampered-one", owner="Bjørn Hagen")
    d = make_report(ws, "tampered-one", v.number, v.digest)
    (d / "report.html").write_text("<html><body><h1>Verdict: yes (edited)</h1></body></html>", "utf-8")
    new_assessment(ws, "overdue-one", review="2026-03-01", status="draft")
    new_assessment(ws, "soon-one", review="2026-06-20")
    return ws
