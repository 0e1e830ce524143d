"""lia periods ID --log FILE [--attach] [--json] [--version N] [--lang L] [--tz ZONE] [--now TIME] | lia periods ID --detach"""

from __future__ import annotations

import argparse

from . import _evidence

HELP = "check a recording system's call log against the assessment's recording-period limits"
DESCRIPTION = """\
Reads the call log (CSV or Parquet; columns in docs/periods.md), measures per agent and
team how long and how often calls were recorded, retention and consent, and lists every
breach of the limits the assessment declares (periods.*, retention.period). Breaches are
results: the command exits 0 when the log was analysed, 2 when the log or the assessment
cannot be read.

--attach also stores the result (not the log) as the assessment's call-log evidence in
assessments/ID/evidence/periods.json: `lia evaluate`, the wizard and the report then weigh
the breaches. --detach removes it.
"""

__all__ = ["HELP", "DESCRIPTION", "add_arguments", "run"]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", help="assessment id (its answers hold the limits)")
    p.add_argument("--log", metavar="FILE", help="the call log, CSV or Parquet (required unless --detach)")
    p.add_argument("--attach", action="store_true",
                   help="store the result as the assessment's call-log evidence (assessments/ID/evidence/periods.json) "
                        "for lia evaluate, the wizard and the report; replaces earlier evidence")
    p.add_argument("--detach", action="store_true", help="remove the assessment's attached call-log evidence")
    _evidence.add_output_arguments(p, "days")
    p.add_argument("--now", metavar="TIME", help="measure retention at this ISO 8601 time with offset "
                   "(default: the latest timestamp in the log)")


def run(args: argparse.Namespace, ws) -> int:
    from datetime import datetime

    from ..errors import InputError, LiaError, Message, excerpt
    from ..periods import evidence
    from ..periods.analysis import analyse
    from ..periods.calllog import read_call_log
    from ..periods.limits import Limits
    from ..store import Store

    if args.detach:
        if args.log or args.attach:
            raise LiaError(Message("errors.cli_periods_detach_alone"))
        return _evidence.detach(args, ws, "periods", evidence)
    if not args.log:
        raise LiaError(Message("errors.cli_periods_no_log"))
    _evidence.check_zone(args.tz)
    now = None
    if args.now:
        try:
            now = datetime.fromisoformat(args.now.replace("Z", "+00:00"))
        except ValueError:
            now = None
        if now is None or now.tzinfo is None:
            raise InputError(Message("errors.cli_bad_now", now=excerpt(args.now)),
                             where="--now")
    version = Store(ws).load(args.id, args.version)
    limits = Limits.from_answers(version.answers)
    read_stat = _evidence.read_stat(args.log)
    log = read_call_log(args.log)
    report = analyse(log, limits, now=now, tz=args.tz)
    attached = None
    if args.attach:
        attached = evidence.attach(ws, args.id, report, version=version, source=args.log, tz=args.tz,
                                   read_stat=read_stat)
    return _evidence.print_result(args, version, report, attached, "periods", format_report)


def format_report(report, aid: str, version: int, lang: str = "en") -> str:
    """The readable summary: overview, per-team table, checks and breaches, in ``lang``."""
    from ..i18n import t

    o = report.overview
    lines = [
        t("periods", "summary_head", lang, id=aid, version=version, source=o["source"]),
        "  " + t("periods", "summary_calls", lang, calls=o["calls"], recorded=o["recorded_calls"],
                 share=o["share_recorded_percent"], agents=o["agents"], teams=o["teams"], first=o["first_day"],
                 last=o["last_day"], tz=o["time_zone"]),
        "",
        t("periods", "summary_teams", lang),
    ]
    cols = ["team", "agents", "calls", "recorded_calls", "share_recorded_percent", "longest_run_working_days",
            "whole_weeks", "recorded_days_outside_training_periods", "recordings_kept_past_retention",
            "withdrawals_not_deleted_in_time"]
    table = report.teams[cols].rename(columns={c: t("periods", "tcol_" + c, lang) for c in cols})
    lines += ["  " + ln for ln in table.to_string(index=False).splitlines()]
    lines += ["", t("periods", "summary_checks", lang)]
    lines += [f"  {t('periods', 'kind_' + k, lang)}: {check_text(k, v, lang)}" for k, v in report.checks.items()]
    lines.append("")
    lines += _evidence.breach_lines("periods", report.breaches, lang,
                                    lambda b: b.agent + (f" ({b.team})" if b.team else "") if b.agent else b.team)
    return "\n".join(lines)


def check_text(kind: str, check: dict, lang: str = "en") -> str:
    """What a check did, in words: the limit checked, or which answer is missing."""
    from ..i18n import t

    if check["status"] == "checked":
        limit = check.get("limit")
        if isinstance(limit, float) and limit.is_integer():
            limit = int(limit)
        return t("periods", "check_" + kind, lang, limit=limit)
    return t("periods", "check_" + check["status"], lang, question=check.get("question", ""))
