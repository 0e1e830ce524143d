"""Static check of rule packs against the questionnaires.

Catches typos between the two kinds of content: every ``question:`` a rule
points to and every question id used in a condition must exist, with a type
the predicate can read, and every choice id or table column named must exist
in that question. Returns a list of problems (empty when all is well).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from .dpia import load_criteria
from .packs import Pack, load_packs
from .predicates import Node, PredicateSpec

__all__ = ["check_references"]


def _check_use(where: str, spec: PredicateSpec, args: tuple[Any, ...], qset: Any) -> list[str]:
    kinds = list(spec.kinds)
    while len(kinds) < len(args):
        kinds.append(kinds[-1])
    pairs = list(zip(kinds, args))
    out: list[str] = []
    qids = [a for k, a in pairs if k == "question"]
    if not qids:
        return out
    q = qset.get(qids[0])
    if q is None:
        return [f"{where}: {spec.name}: unknown question id {qids[0]!r}"]
    if spec.qtypes is not None and q.type not in spec.qtypes:
        return [f"{where}: {spec.name}: question {q.id} is {q.type}; {spec.name} reads {', '.join(sorted(spec.qtypes))}"]
    values = [v for k, a in pairs if k in ("value", "values") for v in (a if isinstance(a, tuple) else (a,))]
    columns = [a for k, a in pairs if k == "column"]
    if q.type == "table":
        col_by_id = {c.id: c for c in q.columns}
        for col in columns:
            if col not in col_by_id:
                out.append(f"{where}: {spec.name}: table {q.id} has no column {col!r} "
                           f"(columns: {', '.join(col_by_id)})")
        if out:
            return out
        first = col_by_id[columns[0]] if columns else None
        if spec.name == "table_any" and first is not None and first.type in ("choice", "multi_choice"):
            bad = [v for v in values if v not in first.choice_ids()]
            if bad:
                out.append(f"{where}: {spec.name}: {bad} not among the choices of {q.id}.{first.id} "
                           f"({', '.join(first.choice_ids())})")
        if spec.name in ("table_sum_gt", "table_sum_gt_unless") and first is not None and first.type != "number":
            out.append(f"{where}: {spec.name}: column {q.id}.{first.id} is {first.type}, expected number")
        if spec.name == "table_sum_gt_unless" and len(columns) > 1 and col_by_id[columns[1]].type != "yes_no":
            out.append(f"{where}: {spec.name}: column {q.id}.{columns[1]} is {col_by_id[columns[1]].type}, expected yes_no")
        if spec.name == "table_end_before_start":
            for col in columns:
                if col_by_id[col].type != "date":
                    out.append(f"{where}: {spec.name}: column {q.id}.{col} is {col_by_id[col].type}, expected date")
        return out
    if q.type in ("choice", "multi_choice"):
        bad = [v for v in values if v not in q.choice_ids()]
        if bad:
            out.append(f"{where}: {spec.name}: {bad} not among the choices of {q.id} ({', '.join(q.choice_ids())})")
    elif q.type == "yes_no":
        bad = [v for v in values if not isinstance(v, bool)]
        if bad:
            out.append(f"{where}: {spec.name}: {q.id} is yes_no, expected true/false, got {bad}")
    elif q.type == "number":
        bad = [v for v in values if isinstance(v, bool) or not isinstance(v, (int, float))]
        if bad:
            out.append(f"{where}: {spec.name}: {q.id} is a number, got {bad}")
    return out


def _check_node(where: str, node: Node, qset: Any) -> list[str]:
    return [p for spec, args in node.uses() for p in _check_use(where, spec, args, qset)]


def check_references(qset: Any, packs: Iterable[Pack] | None = None, templates: Path | None = None) -> list[str]:
    """Every problem between the rule packs (and DPIA criteria) and the questionnaires ``qset``."""
    problems: list[str] = []
    for pack in packs if packs is not None else load_packs(templates):
        for r in pack.rules:
            where = f"{pack.path.name}: rule {r.id}"
            if r.rule.question is not None and qset.get(r.rule.question) is None:
                problems.append(f"{where}: question: unknown question id {r.rule.question!r}")
            problems.extend(_check_node(where, r.node, qset))
    crit = load_criteria(templates)
    for c in crit.data.criteria:
        where = f"{crit.path.name}: criterion {c.id}"
        q = qset.get(c.question)
        if q is None or q.type != "yes_no":
            problems.append(f"{where}: question {c.question!r} must be a yes_no question of the questionnaires")
        for node in crit.nodes[c.id]:
            problems.extend(_check_node(where, node, qset))
    return problems
