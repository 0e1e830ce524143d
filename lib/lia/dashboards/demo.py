"""Synthetic assessments for tests, demos and the portfolio benchmark.

:func:`generate` fills a workspace with ``n`` assessments of contact-centre call
recording: varied owners, jurisdictions, statuses, review dates (some overdue, some
due soon) and risk registers, saved through the real :class:`lia.store.Store`. The
answers start from the example assessment shipped in ``templates/examples`` when
it is there, so the reasoning has something real to evaluate.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

__all__ = ["OWNERS", "UNITS", "generate", "base_answers", "risk_register"]

OWNERS = ("Åsa Lindqvist", "Bjørn Hagen", "Ingrid Sørensen", "Mikael Öberg", "Kari Nordmann", "Léa Dubois")
UNITS = (
    "Kundtjänst Stockholm", "Kundeservice Oslo", "Support Göteborg", "Inkasso Malmö", "Helpdesk Bergen",
    "Försäkring Uppsala", "Energi Trondheim", "Telecom Helsinki", "Bank Dublin", "Vård Linköping",
)
_LEVELS = ("negligible", "limited", "significant", "maximum")
_EVENTS = ("illegitimate_access", "unwanted_modification", "disappearance")


def base_answers() -> dict[str, Any]:
    """The newest answers of the shipped example assessment, or {} when there is none."""
    try:
        from lia.answers_file import read_answers_file
        from lia.example import example_versions

        versions = example_versions()
        if not versions:
            return {}
        answers, _meta = read_answers_file(versions[-1][0])
        return dict(answers)
    except Exception:  # no example in these templates (e.g. the small test questionnaire)
        return {}


def risk_register(rng: random.Random) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A random CNIL-style register (three feared events) and the measures that lower it."""
    rows, measures = [], []
    for i, event in enumerate(_EVENTS, start=1):
        sb, lb = rng.randint(1, 4), rng.randint(1, 4)
        sa, la = max(1, sb - rng.randint(0, 2)), max(1, lb - rng.randint(0, 2))
        ref = f"R{i}"
        rows.append({
            "ref": ref, "event": event, "title": event.replace("_", " ").capitalize(),
            "severity_before": _LEVELS[sb - 1], "likelihood_before": _LEVELS[lb - 1],
            "severity_after": _LEVELS[sa - 1], "likelihood_after": _LEVELS[la - 1],
        })
        reduces = "both" if (sa < sb and la < lb) else ("severity" if sa < sb else "likelihood")
        measures.append({"ref": ref, "measure": "Encryption and access logging", "reduces": reduces,
                         "owner": "IT security", "status": "done"})
    return rows, measures


def generate(
    home: Any,
    n: int,
    *,
    seed: int = 7,
    today: dt.date | None = None,
    prefix: str = "demo",
    author: str = "Demo generator",
) -> list[str]:
    """Create ``n`` assessments ``<prefix>-0001 ...`` in the workspace ``home``; returns their ids.

    About one in six has a review date in the past and one in eight one within 30
    days. Statuses are ``in_review``/``approved`` when the example's answers are
    complete, else ``draft``.
    """
    from lia.model import missing_required
    from lia.questionnaire import load_questionnaires
    from lia.store import Store
    from lia.workspace import Workspace

    ws = home if isinstance(home, Workspace) else Workspace(Path(home))
    store = Store(ws)
    rng = random.Random(seed)
    today = today or dt.date.today()
    qset = load_questionnaires()
    base = base_answers()
    base = {k: v for k, v in base.items() if k in qset.questions}
    complete = bool(base) and not missing_required(qset, base)
    has_register = "risks.register" in qset.questions and "risks.measures" in qset.questions
    ids = []
    for i in range(1, n + 1):
        aid = f"{prefix}-{i:04d}"
        r = rng.random()
        if r < 1 / 6:
            review = today - dt.timedelta(days=rng.randint(1, 300))
        elif r < 1 / 6 + 1 / 8:
            review = today + dt.timedelta(days=rng.randint(0, 30))
        else:
            review = today + dt.timedelta(days=rng.randint(31, 540))
        jur = ["EU", rng.choice(["SE", "NO", "SE", "NO", "EU"])]
        status = rng.choice(["in_review", "approved", "approved", "draft"]) if complete else "draft"
        unit = UNITS[(i - 1) % len(UNITS)]
        meta = {
            "id": aid,
            "title": f"Call recording – {unit} #{i}",
            "controller": f"{unit.split()[0]} AB",
            "processing_activity": "Recording of customer-service calls for training and quality",
            "jurisdictions": sorted(set(jur)),
            "owner": OWNERS[rng.randrange(len(OWNERS))],
            "review_date": review.isoformat(),
            "status": "draft",
        }
        answers = dict(base)
        if has_register:
            answers["risks.register"], answers["risks.measures"] = risk_register(rng)
        store.create(meta, author=author, message="Created by the demo generator")
        store.save(aid, answers, assessment={"status": status}, author=author, message="Synthetic answers")
        ids.append(aid)
    return ids
