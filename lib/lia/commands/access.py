"""lia access ID --log FILE [--calls FILE] [--attach] [--json] [--version N] [--lang L] [--tz ZONE] | lia access ID --detach"""

from __future__ import annotations

import argparse

from . import _evidence

HELP = "check a recording platform's access log (who listened, downloaded, shared) against the assessment"
DESCRIPTION = """\
Reads the access log (CSV or Parquet; columns in the README, "Access logs") and checks it
against the access policy the assessment declares (access.roles, purpose.purposes,
access.reason_required, access.max_recordings_per_agent / access.agent_window_days,
retention.period, training periods) and, with --calls, against the call log: access to
recordings that should not exist or should be gone. Breaches are results: exit 0 when the
log was analysed, 2 when the log, the call log or the assessment cannot be read.

--attach stores the result (never the log) as the assessment's access-log evidence in
assessments/ID/evidence/access.json: `lia evaluate` and the report then weigh it.
--detach removes it.
"""

__all__ = ["HELP", "DESCRIPTION", "add_arguments", "run", "format_report"]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", help="assessment id (its answers hold the declared access policy)")
    p.add_argument("--log", metavar="FILE", help="the access log, CSV or Parquet (required unless --detach)")
    p.add_argument("--calls", metavar="FILE", help="the call log (CSV or Parquet, as for lia periods) the recording ids refer to")
    p.add_argument("--attach", action="store_true",
                   help="store the result as the assessment's access-log evidence (assessments/ID/evidence/access.json)")
    p.add_argument("--detach", action="store_true", help="remove the assessment's attached access-log evidence")
    _evidence.add_output_arguments(p, "days and months")


def run(args: argparse.Namespace, ws) -> int:
    from ..access import evidence
    from ..access.analysis import analyse, load_calls
    from ..access.limits import AccessLimits
    from ..access.log import read_access_log
    from ..errors import LiaError, Message
    from ..store import Store

    if args.detach:
        if args.log or args.attach or args.calls:
            raise LiaError(Message("errors.cli_access_detach_alone"))
        return _evidence.detach(args, ws, "access", evidence)
    if not args.log:
        raise LiaError(Message("errors.cli_access_no_log"))
    _evidence.check_zone(args.tz)
    version = Store(ws).load(args.id, args.version)
    limits = AccessLimits.from_answers(version.answers)
    read_stat = _evidence.read_stat(args.log)
    if args.calls:  # validated first, so its arrays are freed before DuckDB fills its buffers (lower peak)
        from ..periods.calllog import read_call_log

        read_call_log(args.calls)  # raises InputError naming file, line and column; the arrays are dropped
    log = read_access_log(args.log)
    try:
        if args.calls:
            load_calls(log.con, args.calls, validate=False)
        report = analyse(log, limits, calls=bool(args.calls), tz=args.tz)
    finally:
        log.close()
    attached = None
    if args.attach:
        attached = evidence.attach(ws, args.id, report, version=version, source=args.log, calls=args.calls, tz=args.tz,
                                   read_stat=read_stat)
    return _evidence.print_result(args, version, report, attached, "access", format_report)


def format_report(report, aid: str, version: int, lang: str = "en") -> str:
    """The readable summary (overview, roles, checks) first, then the breaches, in ``lang``."""
    from ..i18n import t

    o = report.overview
    lines = [t("access", "summary_head", lang, id=aid, version=version, source=o["source"]),
             "  " + t("access", "summary_events", lang, events=o["events"], users=o["users"], roles=o["roles"],
                      first=o["first_day"], last=o["last_day"], tz=o["time_zone"])]
    if "calls_in_log" in o:
        lines.append("  " + t("access", "summary_calls", lang, calls=o["calls_in_log"], without=o["events_without_call"]))
    else:
        lines.append("  " + t("access", "summary_no_calls", lang))
    lines += ["", t("access", "summary_roles", lang)]
    for r in report.roles:
        people = r["people"] if r["declared"] else t("access", "role_undeclared", lang)
        lines.append("  " + t("access", "role_line", lang, role=r["role"], users=r["users"], accesses=r["accesses"],
                              people=people))
    lines += ["", t("access", "summary_checks", lang)]
    for k, c in report.checks.items():
        lines.append(f"  {t('access', 'kind_' + k, lang)}: {t('access', 'check_' + c['status'], lang, question=c.get('question', ''))}")
    lines.append("")
    lines += _evidence.breach_lines("access", report.breaches, lang, lambda b: ", ".join(
        x for x in (b.user, b.role, b.agent and f"agent {b.agent}") if x))
    return "\n".join(lines)
