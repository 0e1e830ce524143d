"""lia evaluate ID [--version N] [--json] [--lang en|sv|nb] [--evidence FILE] [--as-of DATE]"""

from __future__ import annotations

import argparse
import textwrap
from typing import Any

from ._common import add_version_arg, print_json

HELP = "evaluate an assessment: LIA verdicts, DPIA screening, risk register, findings with legal sources"
DESCRIPTION = """\
Evaluate a saved version of an assessment against the rule packs that apply
(EU always; SE and NO from the assessment's jurisdictions): the three-step
legitimate-interest verdict, DPIA screening (WP248), the risk register and
every finding with its legal source and what to do.

Exit code 0 whatever the verdict; 2 when the assessment cannot be evaluated
(unknown id or version, broken rule pack, unreadable evidence file).
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    from ..i18n import LANGS

    p.add_argument("id", help="assessment id")
    add_version_arg(p)
    p.add_argument("--json", action="store_true", help="print the evaluation as JSON")
    p.add_argument("--lang", choices=LANGS, default="en", help="language of verdicts and findings")
    p.add_argument("--evidence", metavar="FILE",
                   help="breaches found in call logs (JSON/YAML: a list, or the output of `lia periods --json`); "
                        "default: the evidence attached with `lia periods ID --log FILE --attach`, if any")
    p.add_argument("--as-of", metavar="DATE", dest="as_of",
                   help="apply the law as it stood on DATE (YYYY-MM-DD), e.g. to re-run an assessment as of its "
                        "signing date; default: today")


def _load_evidence(path: str) -> list[dict[str, Any]]:
    from ..errors import InputError, Message
    from ..loaders import load_data_file
    from ..rules.predicates import EVIDENCE_KINDS

    data = load_data_file(path, what=Message("errors.what_breaches_file"))
    items = data.get("breaches") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise InputError(Message("errors.breaches_not_list"), file=path)
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("kind"), str):
            raise InputError(Message("errors.breach_no_kind"), file=path, where=Message("errors.where_breach", n=i + 1))
        if item["kind"] not in EVIDENCE_KINDS:
            raise InputError(Message("errors.breach_kind", kind=repr(item["kind"]), known=", ".join(EVIDENCE_KINDS[:8])),
                             file=path, where=Message("errors.where_breach", n=i + 1))
    return items


def evidence_for(ws: Any, aid: str, file: str | None = None) -> tuple[list[dict[str, Any]] | None, dict[str, Any] | None]:
    """The breaches to weigh and a description of where they came from (``evidence_source`` in --json).

    An explicit ``file`` wins; otherwise the evidence attached to the assessment
    (``lia periods --attach``), if any. The description is None when no evidence is used.
    """
    import hashlib
    from pathlib import Path

    if file:
        items = _load_evidence(file)
        data = Path(file).read_bytes()
        when = None
        try:
            import json

            doc = json.loads(data)
            when = doc.get("analysed_at") if isinstance(doc, dict) else None
        except ValueError:
            pass
        return items, {"attached": False, "file": Path(file).name, "sha256": hashlib.sha256(data).hexdigest(),
                       "source": None, "analysed_at": when if isinstance(when, str) else None, "breaches": len(items)}
    from ..periods.evidence import load_evidence

    ev = load_evidence(ws, aid)
    if ev is None:
        return None, None
    return ev.breaches, {"attached": True, **ev.descriptor()}


def _show(value: Any, lang: str) -> str:
    from ..rules.texts import ui

    if value is None or value == "" or value == [] or value == ():
        return ui("cli.unanswered", lang)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        if value and isinstance(value[0], dict):
            return f"[{len(value)} row(s)]"
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value)


def _detail(d: Any) -> str:
    return "{" + ", ".join(f"{k}: {_plain(v)}" for k, v in d.items()) + "}"


def _plain(v: Any) -> str:
    return "[" + ", ".join(map(str, v)) + "]" if isinstance(v, (list, tuple)) else str(v)


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(text, width=100, initial_indent=indent, subsequent_indent=indent + "  ")


def render_groups(view: Any, lang: str) -> list[str]:
    """Each group's and purpose's result (an :class:`~lia.rules.presentation.EvaluationView`'s groups):
    the steps and the weighing in words, or the consent's conditions."""
    from ..rules.texts import ui

    out = [ui("cli.groups", lang)]
    for g in view.groups:
        out.append(f"  {g.label} - {ui('cli.basis', lang)}: {g.basis_label}: {g.result_label}")
        seen: dict[Any, str] = {}
        for t in g.purposes:
            line = f"    {t.label}"
            if t.basis != g.basis:
                line += f" ({t.basis_label})"
            if t.steps:
                steps = ", ".join(f"{ui('step.' + s.step, lang)} {s.label}" for s in t.steps)
                out.append(f"{line}: {t.result_label} ({steps})")
                if t.weighing is not None:
                    if t.weighing_key in seen:
                        out.append(_wrap(f"{ui('cli.weighing', lang)}: "
                                         f"{ui('cli.same_weighing', lang, purpose=seen[t.weighing_key])}", "      "))
                    else:
                        seen[t.weighing_key] = t.label
                        out.append(_wrap(f"{ui('cli.weighing', lang)}: {t.weighing}", "      "))
                else:
                    balancing = t.step("balancing")
                    for r in (balancing.reasons if balancing is not None else ())[:1]:
                        out.append(_wrap(r.text, "      "))
            elif t.consent is not None:
                c = t.consent
                out.append(f"{line}: {t.result_label} ({c.label})")
                conds = "; ".join(f"{x.label}: {ui('cli.met' if x.met else 'cli.not_met', lang)}" for x in c.conditions)
                out.append(_wrap(f"{ui('cli.consent', lang)}: {conds}", "      "))
                for x in c.conditions:
                    if not x.met:
                        for f in x.findings:
                            out.append(_wrap(f"[{f.rule}] {f.text}", "        "))
                        if x.text:
                            out.append(_wrap(x.text, "        "))
                for f in c.severe + c.measures:
                    out.append(_wrap(f"[{f.rule}] {f.text}", "        "))
            else:
                out.append(f"{line}: {t.result_label}")
    return out


def render_text(ev: Any, version: Any, lang: str, evidence_source: dict[str, Any] | None = None) -> str:
    """The human-readable evaluation (also used by tests); ``evidence_source`` as from :func:`evidence_for`.

    ``ev`` is what :func:`lia.rules.evaluate` returned; everything shown of it is read from its
    :class:`~lia.rules.presentation.EvaluationView`.
    """
    from ..rules.presentation import EvaluationView
    from ..rules.texts import ui

    out: list[str] = []
    view = EvaluationView.from_result(ev, lang)
    a = version.assessment
    out.append(ui("cli.title", lang, id=a["id"], number=version.number))
    out.append(f"{a.get('title', '')}  ({', '.join(a.get('jurisdictions') or ['EU'])})")
    out.append(f"{ui('cli.packs', lang)}: " + ", ".join(f"{pid} {pv}" for pid, pv in view.packs))
    out.append(ui("law.as_of", lang, date=view.law_as_of))
    if view.not_yet:
        out.append(_wrap(ui("law.not_yet", lang, rules=", ".join(view.not_yet)), ""))
    src = evidence_source
    if src is None:
        out.append(ui("cli.evidence.none", lang))
    else:
        out.append(ui("cli.evidence", lang, source=(src.get("source") or {}).get("name") or src["file"],
                      sha=((src.get("source") or {}).get("sha256") or src["sha256"])[:12],
                      when=src.get("analysed_at") or "?", n=src["breaches"]))
    out.append("")
    out.append(ui("cli.lia", lang))
    bal = view.verdict("balancing")
    deciding = view.group(bal.group)
    li = next((t for t in deciding.purposes if t.purpose == bal.purpose and t.test == "legitimate_interest"),
              None) if deciding is not None else None
    if deciding is not None and li is not None:
        out.append(_wrap(ui("cli.steps_of", lang, group=deciding.label, purpose=li.label), "  "))
    for v in view.verdicts:
        out.append(f"  {ui('step.' + v.step, lang) + ':':<28}{v.label}")
        for i, r in enumerate(v.reasons):
            if v.step == "balancing" and r.rule is None and i == 0 and v.verdict in ("pass", "pass_with_measures", "fail"):
                continue  # the weighing in words is printed per group and purpose below
            if r.rule is None:
                out.append(_wrap(r.text, "      "))
            elif v.step == "overall" and v.verdict == "unlawful":
                out.append(_wrap(f"[{r.rule}] {r.text}", "      "))
                out.append(_wrap(f"{ui('cli.cures', lang)}: {r.remediation}", "          "))
            elif v.step == "overall" or r.weighs == "for":
                continue
            else:
                out.append(_wrap(f"[{r.rule}] {r.text}", "      "))
    out.append("")
    out += render_groups(view, lang)
    out.append("")
    d = view.screening
    out.append(f"{ui('cli.dpia', lang)}: {d.status_label(lang)} ({len(d.met)} {ui('cli.criteria_met', lang)})")
    for why in d.reasons:
        out.append(_wrap("- " + why, "  "))
    out.append("")
    risks = view.risks
    if not risks.rows:
        line = ui("cli.risks.none", lang)
    elif risks.prior_consultation:
        line = ui("cli.risks.art36", lang, refs=", ".join(risks.high_residual))
    else:
        line = ui("cli.risks.ok", lang, n=len(risks.rows))
    out.append(f"{ui('cli.risks', lang)}: {line}")
    out.append("")
    out.append(ui("cli.factors", lang))
    for fac in view.factors:
        out.append(f"  {fac.label + ':':<44}{ui('position.' + fac.position, lang)}")
    out.append("")
    out.append(f"{ui('cli.findings', lang)} ({sum(view.counts.values())})")
    if not view.findings:
        out.append("  " + ui("cli.findings.none", lang))
    for sev, items in view.by_severity().items():
        if not items:
            continue
        out.append(f"  {ui('severity.' + sev, lang)} ({len(items)})")
        for f in items:
            out.append(_wrap(f"[{f.rule}] {f.message}", "    "))
            label = f" ({ui('basis.' + f.basis, lang)})" if f.basis and f.basis != "law" else ""
            out.append(_wrap(f"{ui('cli.citation', lang)}: {f.citation}{label}", "        "))
            out.append(_wrap(f"{ui('cli.remediation', lang)}: {f.remediation}", "        "))
            answers = "; ".join(f"{k} = {_show(v, lang)}" for k, v in f.answers)
            details = [d for d in f.details if d]
            if details:
                answers = "; ".join(filter(None, [answers, ", ".join(_detail(d) for d in details)]))
            if answers:
                out.append(_wrap(f"{ui('cli.answers', lang)}: {answers}", "        "))
    return "\n".join(out)


def run(args: argparse.Namespace, ws) -> int:
    from ..rules import evaluate
    from ..store import Store

    version = Store(ws).load(args.id, args.version)
    evidence, source = evidence_for(ws, args.id, args.evidence)
    access = None
    if not args.evidence:  # an explicit --evidence FILE wins over all attached evidence
        from ..access.evidence import load_evidence as load_access_evidence

        access = load_access_evidence(ws, args.id)
        if access is not None:
            evidence = list(evidence or []) + access.breaches
    ev = evaluate(version.assessment, version.answers, evidence=evidence, lang=args.lang,
                  as_of=getattr(args, "as_of", None))
    if args.json:
        doc = ev.to_json(args.lang)
        doc["version"] = {"number": version.number, "digest": version.digest}
        doc["evidence_source"] = source
        doc["access_evidence_source"] = {"attached": True, **access.descriptor()} if access is not None else None
        print_json(doc)
        return 0
    print(render_text(ev, version, args.lang, source))
    if access is not None:  # after the evaluation's own lines, so its fourth line stays the call-log evidence
        from ..i18n import t

        print(t("access", "evaluate_line", args.lang, source=access.source["name"], sha=access.source["sha256"][:12],
                when=access.analysed_at, n=len(access.breaches)))
    return 0
