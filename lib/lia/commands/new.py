"""lia new ID --title TEXT [--jurisdiction SE|NO|EU ...]"""

from __future__ import annotations

import argparse

HELP = "create an assessment (its first version holds the metadata)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", help="assessment id: lower-case letters, digits and '-' (e.g. contact-centre-2026)")
    p.add_argument("--title", required=True, help="what is assessed, in a sentence")
    p.add_argument(
        "--jurisdiction", action="append", choices=["EU", "SE", "NO"], default=[],
        help="whose law applies besides the EU's (repeat: --jurisdiction SE --jurisdiction NO)",
    )
    p.add_argument("--controller", default="", help="the controller (personuppgiftsansvarig / behandlingsansvarlig)")
    p.add_argument("--activity", default="", help="the processing activity, as named in the record of processing")
    p.add_argument("--owner", default="", help="who owns the assessment")
    p.add_argument("--review-date", default=None, help="next review, YYYY-MM-DD")
    p.add_argument("--author", help="who creates it (default: $LIA_AUTHOR or your login name)")


def run(args: argparse.Namespace, ws) -> int:
    from ..store import Store

    meta = {
        "id": args.id, "title": args.title, "jurisdictions": ["EU", *args.jurisdiction],
        "controller": args.controller, "processing_activity": args.activity, "owner": args.owner,
        "review_date": args.review_date, "status": "draft",
    }
    v = Store(ws).create(meta, author=args.author)
    print(f"Created {v.id} (version {v.number}) in {v.path.parent.parent}")
    print(f"Next: answer the questions in the wizard (`lia serve`) or with `lia save {v.id} --answers FILE --message TEXT`.")
    return 0
