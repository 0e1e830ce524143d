"""lia render ID [--version N] [--lang L] | lia render --stale"""

from __future__ import annotations

import argparse

from ._common import positive_int, print_json

HELP = "render a report (notebook, HTML, PDF, statement), or re-render every stale one"
DESCRIPTION = """\
Executes templates/report.ipynb with papermill for an assessment version and writes
reports/ID/vN/ (vN-r2, -r3 ... when vN was rendered before; old reports and their signatures
are never overwritten): report.ipynb, report.html, report.pdf, evaluation.json, and
statement.json listing the SHA-256 of every file and input. Sign it with `lia sign`.

--stale re-renders exactly the reports `lia status` lists as stale, each from the newest
answers version, and writes changes.json / changes.md: findings added, removed and changed
and verdicts changed since the last signed report of that assessment.
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    from ..i18n import LANGS

    p.add_argument("id", nargs="?", help="assessment id")
    p.add_argument("--version", type=positive_int, metavar="N", help="answers version (default: the newest)")
    p.add_argument("--lang", choices=LANGS, default=None, help="report language (default en; "
                   "with --stale, each report's own language)")
    p.add_argument("--stale", action="store_true", help="re-render every stale report")
    p.add_argument("--workers", type=positive_int, metavar="N", help="parallel kernels (default: CPU cores)")
    p.add_argument("--engine", default="lia-warm", choices=["lia-warm", "nbclient"],
                   help="papermill engine (default lia-warm: reused warm kernels)")
    p.add_argument("--no-pdf", action="store_true", help="skip the PDF")
    p.add_argument("--json", action="store_true", help="print the results as JSON")


def run(args: argparse.Namespace, ws) -> int:
    from ..errors import LiaError, Message
    from ..reports.render import RenderJob, render_many
    from ..reports.status import report_status
    from ..reports.statement import load_statement

    if args.stale and (args.id or args.version):
        raise LiaError(Message("errors.cli_render_id_or_stale"))
    if not args.stale and not args.id:
        raise LiaError(Message("errors.cli_render_nothing"))
    if args.stale:
        jobs = []
        for r in report_status(ws):
            if r.state == "stale":
                lang = args.lang or load_statement(r.dir)[1]["predicate"].get("lang", "en")
                jobs.append(RenderJob(r.aid, None, lang, r.reasons))
        if not jobs:
            print("no stale reports; nothing to render")
            return 0
    else:
        jobs = [RenderJob(args.id, args.version, args.lang or "en")]
    results = render_many(ws, jobs, workers=args.workers, engine=args.engine, pdf=not args.no_pdf,
                          progress=not args.json)
    if args.json:
        print_json([r.to_json() for r in results])
    else:
        for r in results:
            if r.error:
                print(f"FAILED {r.error}")
                continue
            print(f"rendered {r.dir} ({r.seconds:.1f} s)")
            ch = r.changes
            if ch:
                base = ch["baseline"]
                print(f"  since {base['dir']} ({'signed' if base['signed'] else 'unsigned'}): "
                      f"{len(ch['verdicts'])} verdict(s) changed, {len(ch['added'])} finding(s) added, "
                      f"{len(ch['removed'])} removed, {len(ch['changed'])} changed; see {r.dir}/changes.md")
                for v in ch["verdicts"]:
                    print(f"    {v['step']}: {v['old']} -> {v['new']}")
        ok = [r for r in results if not r.error]
        if ok:
            print("the new report(s) need new signatures: lia sign REPORT_DIR --key FILE")
    failed = [r for r in results if r.error]
    if failed and len(results) == 1:
        raise LiaError(failed[0].error or "rendering failed")
    return 1 if failed else 0
