"""The balancing test (step 3) for one group and purpose: the interest against the impact that remains.

Each factor weighs as its heaviest finding against; every safeguard beyond compliance lowers the
factors it names by one level (:func:`lia.levels.lower_impact`); a severe finding decides alone.
The procedure is described in :mod:`lia.rules.verdict`, which calls :func:`weigh`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from ..levels import IMPACT_LEVELS, lower_impact, weight_label
from .findings import Finding, Labels, _empty
from .packs import FACTORS
from .texts import ui
from .weighing import Weighing

__all__ = ["Impact", "Balance", "weigh"]


@dataclass
class Impact:
    """One factor's weight against the processing for a group."""

    factor: str
    dimension: str
    level_before: str
    level: str
    findings: list[Finding]
    lowered_by: list[Finding] = field(default_factory=list)


@dataclass
class Balance:
    """The weighing for one group and purpose: the interest against the impact that remains."""

    group: str
    purpose: str | None
    interest_level: str
    interest_points: int
    interest_demonstrated: bool
    impacts: list[Impact]
    severe: list[Finding]
    safeguards: list[Finding]
    baseline: list[Finding]
    impact_points: int
    verdict: str
    model: Weighing
    labels: Labels

    def to_json(self, lang: str) -> dict[str, Any]:
        d = self.model.data
        return {
            "group": self.group,
            "purpose": self.purpose,
            "interest": {"purpose": self.purpose, "label": self.labels.purpose(self.purpose, lang),
                         "level": self.interest_level, "level_label": weight_label(self.interest_level, lang),
                         "points": self.interest_points, "demonstrated": self.interest_demonstrated},
            "impacts": [{"factor": i.factor, "label": ui(f"factor.{i.factor}", lang), "dimension": i.dimension,
                         "dimension_label": d.dimension_labels[i.dimension].get(lang) if i.dimension in d.dimension_labels else i.dimension,
                         "level_before": i.level_before, "level": i.level,
                         "level_label": weight_label(i.level, lang),
                         "points": d.impact_points.get(i.level) if i.level != "severe" else None,
                         "lowered_by": [f.id for f in i.lowered_by],
                         "findings": [{"rule": f.id, "weight": f.rule.rule.weight, "text": f.rule.rule.message.get(lang)}
                                      for f in i.findings]} for i in self.impacts],
            "severe": [{"rule": f.id, "factor": f.rule.rule.factor, "label": ui(f"factor.{f.rule.rule.factor}", lang),
                        "text": f.rule.rule.message.get(lang)} for f in self.severe],
            "safeguards": [{"rule": f.id, "text": f.rule.rule.message.get(lang),
                            "lowers": list(d.safeguards.get(f.id, []))} for f in self.safeguards],
            "not_counted": [{"rule": f.id, "text": f.rule.rule.message.get(lang),
                             "why": d.baseline[f.id].get(lang) if f.id in d.baseline else ""} for f in self.baseline],
            "impact_points": self.impact_points,
            "interest_points": self.interest_points,
            "verdict": self.verdict,
            "text": self.text(lang),
        }

    def text(self, lang: str) -> str:
        """The weighing in words a DPO can paste into a memo."""
        d = self.model.data
        parts = [ui("weighing.interest", lang, group=self.labels.group(self.group, lang),
                    purpose=self.labels.purpose(self.purpose, lang),
                    level=weight_label(self.interest_level, lang), points=self.interest_points)]
        if not self.interest_demonstrated:
            parts.append(ui("weighing.interest_not_demonstrated", lang))
        if self.impacts:
            items = []
            for i in self.impacts:
                why = "; ".join(_first_sentence(f.rule.rule.message.get(lang)).rstrip(".") for f in i.findings) + "."
                label = ui(f"factor.{i.factor}", lang)
                dim = d.dimension_labels[i.dimension].get(lang) if i.dimension in d.dimension_labels else i.dimension
                if i.level != i.level_before:
                    items.append(ui("weighing.impact_lowered", lang, factor=label, dimension=dim,
                                    before=weight_label(i.level_before, lang), level=weight_label(i.level, lang),
                                    why=why, by=", ".join(_first_sentence(f.rule.rule.message.get(lang)).rstrip(".")
                                                          for f in i.lowered_by)))
                else:
                    items.append(ui("weighing.impact", lang, factor=label, dimension=dim,
                                    level=weight_label(i.level, lang), why=why))
            parts.append(ui("weighing.against", lang) + " " + " ".join(items))
        else:
            parts.append(ui("weighing.nothing_against", lang))
        unused = [f for f in self.safeguards if not any(f in i.lowered_by for i in self.impacts)]
        if unused:
            parts.append(ui("weighing.safeguards_unused", lang,
                            items="; ".join(_first_sentence(f.rule.rule.message.get(lang)).rstrip(".") for f in unused)))
        if self.baseline:
            parts.append(ui("weighing.not_counted", lang,
                            items="; ".join(d.baseline[f.id].get(lang) for f in self.baseline if f.id in d.baseline)))
        group = self.labels.group(self.group, lang).lower() if lang == "en" else self.labels.group(self.group, lang)
        if self.severe:
            parts.append(ui("weighing.tips.severe", lang, why=" ".join(f.rule.rule.message.get(lang) for f in self.severe)))
        elif self.verdict == "fail":
            parts.append(ui("weighing.tips.outweighed", lang, impact=self.impact_points,
                            interest=self.interest_points, group=group))
        elif self.verdict == "pass_with_measures":
            parts.append(ui("weighing.tips.measures", lang, impact=self.impact_points, interest=self.interest_points))
        else:
            parts.append(ui("weighing.tips.pass", lang))
        return " ".join(parts)


def _first_sentence(text: str) -> str:
    for sep in (". ", "; "):
        if sep in text:
            return text.split(sep, 1)[0] + "."
    return text


def weigh(group: str, purpose: str | None, findings: list[Finding], answers: Mapping[str, Any],
          model: Weighing, labels: Labels) -> Balance:
    """The balance for one group and purpose (see the module docstring)."""
    d = model.data
    mine = [f for f in findings if f.step == "balancing" and group in (f.rule.rule.groups or ())]
    against = [f for f in mine if f.rule.rule.weighs == "against"]
    pro = [f for f in mine if f.rule.rule.weighs == "for"]
    severe = [f for f in against if f.rule.rule.weight == "severe"]
    impacts: dict[str, Impact] = {}
    for f in against:
        if f.rule.rule.weight == "severe":
            continue
        factor = f.rule.rule.factor or "safeguards"
        w = f.rule.rule.weight or "medium"
        imp = impacts.get(factor)
        if imp is None:
            impacts[factor] = Impact(factor, d.dimensions.get(factor, "consequences"), w, w, [f])
        else:
            imp.findings.append(f)
            if IMPACT_LEVELS.index(w) > IMPACT_LEVELS.index(imp.level_before):
                imp.level_before = imp.level = w
    safeguards = [f for f in pro if f.id in d.safeguards]
    baseline = [f for f in pro if f.id not in d.safeguards]
    for s in safeguards:
        for lowered_factor in d.safeguards[s.id]:
            imp = impacts.get(lowered_factor)
            if imp is not None:
                lowered = lower_impact(imp.level)
                if lowered != imp.level:
                    imp.level = lowered
                    imp.lowered_by.append(s)
    ordered = sorted(impacts.values(), key=lambda i: (-IMPACT_LEVELS.index(i.level), FACTORS.index(i.factor)))
    for i in ordered:
        i.findings.sort(key=lambda f: -IMPACT_LEVELS.index(f.rule.rule.weight or "medium"))
    level = d.interests.get(purpose or "", "medium")
    demonstrated = not (_empty(answers.get("purpose.benefit")) and _empty(answers.get("purpose.consequence_if_not")))
    if not demonstrated:
        level = lower_impact(level)
    interest_points = d.interest_points[level]
    impact_points = sum(d.impact_points[i.level] for i in ordered)
    if severe:
        verdict = "fail"
    elif impact_points > interest_points:
        verdict = "fail"
    elif ordered:
        verdict = "pass_with_measures"
    else:
        verdict = "pass"
    return Balance(group, purpose, level, interest_points, demonstrated, ordered, severe, safeguards, baseline,
                   impact_points, verdict, model, labels)
