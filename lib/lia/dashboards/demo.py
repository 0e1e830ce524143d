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

from ..levels import RISK_LEVELS

__all__ = ["OWNERS", "UNITS", "SIGNERS", "generate", "base_answers", "risk_register", "showcase", "copy_report"]

OWNERS = ("Åsa Lindqvist", "Bjørn Hagen", "Ingrid Sørensen", "Mikael Öberg", "Kari Nordmann", "Léa Dubois")
UNITS = (
    "Kundtjänst Stockholm", "Kundeservice Oslo", "Support Göteborg", "Inkasso Malmö", "Helpdesk Bergen",
    "Försäkring Uppsala", "Energi Trondheim", "Telecom Helsinki", "Bank Dublin", "Vård Linköping",
)
#: The key pairs :func:`showcase` creates (names as the trusted-keys file allows them: ASCII).
SIGNERS = (("Karin Lindqvist", "assessor"), ("Ola Nordmann", "dpo"))
#: The passphrase of the demo's keys (they live in the demo workspace, so they must be encrypted).
DEMO_PASSPHRASE = b"showcase-demo"
_LEVELS = RISK_LEVELS  # the one risk-level scale (lia.levels)
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


def showcase(home: Any, today: dt.date | None = None, *, engine: str = "lia-warm", pdf: bool = True,
             lang: str = "en") -> dict[str, str]:
    """A workspace with one assessment in each state the dashboards show, with real reports.

    Reports are rendered by :func:`lia.reports.render.render_many` and signed with
    :func:`lia.reports.signing.sign_report` by an assessor and a DPO (keys in ``keys/private``, encrypted with :data:`DEMO_PASSPHRASE`).
    Returns ``{role: assessment id}``:

    * ``current``  - signed report of the newest answers;
    * ``stale``    - signed, then a newer version of the answers was saved;
    * ``unsigned`` - rendered, never signed;
    * ``overdue``  - signed and current, but the review date has passed;
    * ``tampered`` - signed, then report.html was edited;
    * ``history``  - two signed reports (versions 2 and 3) whose findings differ;
    * ``noreport`` - never rendered.
    """
    from lia.reports.render import RenderJob, render_many
    from lia.reports.keylog import new_key
    from lia.reports.keys import load_private_key
    from lia.reports.signing import sign_report
    from lia.store import Store
    from lia.workspace import Workspace

    ws = home if isinstance(home, Workspace) else Workspace(Path(home))
    today = today or dt.date.today()
    store = Store(ws)
    rng = random.Random(11)
    base = base_answers()
    later = (today + dt.timedelta(days=200)).isoformat()
    plan = {
        "current": ("cc-stockholm", "Kundtjänst Stockholm", ["EU", "SE"], OWNERS[0], later),
        "stale": ("cc-oslo", "Kundeservice Oslo", ["EU", "NO"], OWNERS[1], later),
        "unsigned": ("cc-goteborg", "Support Göteborg", ["EU", "SE"], OWNERS[0], later),
        "overdue": ("cc-bergen", "Helpdesk Bergen", ["EU", "NO"], OWNERS[2], (today - dt.timedelta(days=45)).isoformat()),
        "tampered": ("cc-malmo", "Inkasso Malmö", ["EU", "SE"], OWNERS[3], later),
        "history": ("cc-trondheim", "Energi Trondheim", ["EU", "NO"], OWNERS[4], (today + dt.timedelta(days=20)).isoformat()),
        "noreport": ("cc-dublin", "Bank Dublin", ["EU"], OWNERS[5], later),
    }
    for role, (aid, unit, jur, owner, review) in plan.items():
        meta = {"id": aid, "title": f"Call recording – {unit}", "controller": f"{unit} AB",
                "processing_activity": "Recording of customer-service calls for training and quality",
                "jurisdictions": jur, "owner": owner, "review_date": review, "status": "draft"}
        answers = dict(base)
        if "risks.register" in answers or base:
            answers["risks.register"], answers["risks.measures"] = risk_register(rng)
        store.create(meta, author="Showcase", message="Created")
        store.save(aid, answers, assessment={"status": "in_review" if base else "draft"}, author="Showcase",
                   message="Answers from the contact-centre manager")
    ids = {role: v[0] for role, v in plan.items()}

    def render(aids: list[str]) -> dict[str, Path]:
        results = render_many(ws, [RenderJob(a, None, lang) for a in aids], engine=engine, pdf=pdf, progress=False)
        bad = [r.error for r in results if r.error or r.dir is None]
        if bad:
            from lia.errors import Joined, LiaError, Message

            raise LiaError(Message("errors.demo_render_failed", problems=Joined(bad, "; ")))  # each keeps its codes
        return {r.aid: Path(r.dir) for r in results}

    dirs = render([ids[r] for r in ("current", "stale", "unsigned", "overdue", "tampered", "history")])
    # The demo's private keys stay in the workspace, so they are passphrase-protected (DEMO_PASSPHRASE);
    # the first is the key log's root and admits the second.
    keys: list[dict[str, Any]] = []
    for name, role in SIGNERS:
        root = load_private_key(Path(keys[0]["private_key"]), DEMO_PASSPHRASE) if keys else None
        keys.append(new_key(ws, name, role, ws.home / "keys" / "private", DEMO_PASSPHRASE, signed_by=root))
    for role in ("current", "stale", "overdue", "tampered", "history"):
        for k in keys:
            sign_report(ws, dirs[ids[role]], Path(k["private_key"]), DEMO_PASSPHRASE)
    # stale: the answers changed after the report was signed
    head = store.load(ids["stale"])
    store.save(ids["stale"], {**head.answers, "retention.period": "P1Y"}, author="Showcase",
               message="Keep recordings for a year")
    # tampered: someone edited the signed HTML (same size, so only the digest can tell)
    html = dirs[ids["tampered"]] / "report.html"
    data = html.read_bytes()
    html.write_bytes(data.replace(b"</body>", b"<p>ok</p></body>", 1) if b"</body>" in data else data + b" ")
    # history: a second signed report after answers that change the findings
    head = store.load(ids["history"])
    changed = {**head.answers, "periods.continuous": True, "ai.uses": ["transcription", "agent_emotion_recognition"]}
    store.save(ids["history"], changed, author="Showcase", message="Record all the time; add emotion analytics")
    new = render([ids["history"]])[ids["history"]]
    for k in keys:
        sign_report(ws, new, Path(k["private_key"]), DEMO_PASSPHRASE)
    return ids


def copy_report(src_dir: Path, dest_dir: Path) -> None:
    """Copy a rendered (and signed) report folder - for benchmarks that need many reports cheaply.

    The copy keeps the statement of the original, so it verifies as a report of the original
    assessment; use it only where the number of reports matters, not what they say.
    """
    import shutil

    dest_dir.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(src_dir, dest_dir)


def main(argv: list[str] | None = None) -> int:
    """``python -m lia.dashboards.demo showcase DIR`` or ``... generate DIR N``: fill a workspace."""
    import argparse
    import json

    p = argparse.ArgumentParser(prog="python -m lia.dashboards.demo", description=main.__doc__)
    sub = p.add_subparsers(dest="what", required=True)
    s = sub.add_parser("showcase", help="one assessment in each state, with real rendered and signed reports")
    s.add_argument("home")
    s.add_argument("--no-pdf", action="store_true")
    g = sub.add_parser("generate", help="N synthetic assessments (no reports)")
    g.add_argument("home")
    g.add_argument("n", type=int)
    g.add_argument("--prefix", default="demo")
    args = p.parse_args(argv)
    if args.what == "showcase":
        print(json.dumps(showcase(args.home, pdf=not args.no_pdf)))
    else:
        print(json.dumps(generate(args.home, args.n, prefix=args.prefix)))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
