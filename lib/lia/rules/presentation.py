"""One presentation model of an evaluation: what every presenter shows, read and checked once.

The command line (``lia evaluate``), the wizard's side panel, the report viewer and the
report all show the same things about an evaluation - the LIA verdicts, the findings with
their legal sources, the DPIA screening, the risk register and the finding counts. They draw
them from an :class:`EvaluationView`, built in one place:

* :meth:`EvaluationView.from_result` from what :func:`lia.rules.evaluate` returned;
* :meth:`EvaluationView.from_json` from stored JSON (a report folder's evaluation, the
  statement): the document is checked once, and a malformed one is
  refused with an :class:`~lia.errors.InputError` whose code (``errors.evaluation_field``,
  ``errors.evaluation_choice``) names the place and what was expected - the presenters never
  read the JSON defensively again.

What changed between two evaluations (``changes.json``, the viewer's changes) is modelled
over these views in :mod:`lia.rules.changes_view`.

Every dataclass here is frozen; sequences are tuples. Texts the rules wrote (verdict labels,
reasons, finding messages) arrive rendered in the evaluation's language; a label the model
adds (a severity, a risk level, the DPIA status) is looked up in the reader's language through
the rules catalogue (:func:`lia.rules.texts.ui`, :func:`lia.levels.risk_label`).

Usage::

    from lia.rules import evaluate
    from lia.rules.presentation import EvaluationView

    view = EvaluationView.from_result(evaluate(meta, answers, lang="sv"), "sv")
    view.verdict("overall").label        # "villkorat - endast med de åtgärder som anges"
    view.by_severity()["blocker"]        # the blockers, in the evaluation's order
    view.screening.status                # "required" | "not_required" | "not_screened"
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from .stored import Reader as _Reader

__all__ = [
    "EvaluationView", "StepView", "ReasonView", "FindingView", "SourceView", "ScreeningView", "CriterionView",
    "RisksView", "RiskRow", "GroupView", "PurposeView", "ConsentView", "ConditionView", "FactorView",
    "SEVERITIES", "STEPS", "LIA_STEPS", "GROUPS", "FINDING_PARTS",
]

#: Severities of findings, worst first (the order every presenter groups them in).
SEVERITIES: tuple[str, ...] = ("blocker", "warning", "info")
#: The three cumulative LIA steps.
LIA_STEPS: tuple[str, ...] = ("purpose", "necessity", "balancing")
#: The steps with a verdict, in the order they are shown: the three LIA steps, then the overall verdict.
STEPS: tuple[str, ...] = LIA_STEPS + ("overall",)
#: The groups of data subjects whose result a comparison names, in the order it names them.
GROUPS: tuple[str, ...] = ("callers", "agents", "third_parties")
#: The parts of a finding a comparison looks at, in the order it names them.
FINDING_PARTS: tuple[str, ...] = ("severity", "message", "citation", "remediation", "question")

#: ``rule -> {field: {lang: text}}`` (``message``, ``citation``, ``remediation``), or None for a rule
#: no pack has: how a stored finding is shown in another language while its wording is still the rule's.
RuleTexts = Callable[[str], "Mapping[str, Mapping[str, str]] | None"]


def _freeze(v: Any) -> Any:
    """A JSON answer as the model keeps it: a list becomes a tuple (its items stay as given)."""
    return tuple(v) if isinstance(v, list) else v


# --------------------------------------------------------------------------- the parts

@dataclass(frozen=True)
class ReasonView:
    """Why a verdict is what it is: a finding (``rule`` set) or a stated fact (``rule`` None)."""

    text: str
    rule: str | None = None
    severity: str | None = None
    weighs: str | None = None
    remediation: str | None = None
    citation: str | None = None

    @classmethod
    def _read(cls, r: _Reader, x: Any, where: str, lang: str) -> "ReasonView":
        if isinstance(x, str):  # a bare text, as older stand-ins wrote them
            return cls(text=x)
        m = r.mapping(x, where)
        return cls(text=r.text(m.get("text", m.get("message")), f"{where}.text", lang) or "",
                   rule=r.text(m.get("rule"), f"{where}.rule", lang),
                   severity=r.text(m.get("severity"), f"{where}.severity", lang),
                   weighs=r.text(m.get("weighs"), f"{where}.weighs", lang),
                   remediation=r.text(m.get("remediation"), f"{where}.remediation", lang),
                   citation=r.text(m.get("citation"), f"{where}.citation", lang))


@dataclass(frozen=True)
class StepView:
    """A step's verdict (``purpose``, ``necessity``, ``balancing`` or ``overall``), its label and reasons.

    ``label`` is the evaluation's own wording (None in a document that has none: the presenter
    then says it in its own words). ``group`` and ``purpose`` name whose test the step shows;
    ``cures`` (overall only) what cures an infringement.
    """

    step: str
    verdict: str
    label: str | None
    reasons: tuple[ReasonView, ...] = ()
    group: str | None = None
    purpose: str | None = None
    cures: tuple[str, ...] = ()

    @classmethod
    def _read(cls, r: _Reader, step: str, x: Any, where: str, lang: str) -> "StepView":
        m = r.mapping(x, where)
        verdict = r.text(m.get("verdict"), f"{where}.verdict", lang, optional=False)
        return cls(step=step, verdict=str(verdict), label=r.text(m.get("label"), f"{where}.label", lang),
                   reasons=tuple(ReasonView._read(r, x, f"{where}.reasons[{i}]", lang)
                                 for i, x in enumerate(r.items(m.get("reasons"), f"{where}.reasons"))),
                   group=r.text(m.get("group"), f"{where}.group", lang),
                   purpose=r.text(m.get("purpose_id", m.get("purpose")), f"{where}.purpose", lang),
                   cures=tuple(r.text(c, f"{where}.cures[{i}]", lang) or ""
                               for i, c in enumerate(r.items(m.get("cures"), f"{where}.cures"))))


@dataclass(frozen=True)
class SourceView:
    """A legal source a finding rests on: the instrument, the provision, its title and where to read it."""

    id: str | None
    instrument: str | None
    provision: str | None
    label: str | None
    title: str | None
    url: str | None

    @property
    def name(self) -> str:
        """"<instrument> <provision>", as a link text."""
        return " ".join(x for x in (self.instrument, self.provision) if x)

    @classmethod
    def _read(cls, r: _Reader, x: Any, where: str, lang: str) -> "SourceView":
        m = r.mapping(x, where)
        return cls(**{k: r.text(m.get(k), f"{where}.{k}", lang)
                      for k in ("id", "instrument", "provision", "label", "title", "url")})


@dataclass(frozen=True)
class FindingView:
    """A rule that fired: its severity, message, citation, legal sources, remedy and the answers it concerns."""

    rule: str
    severity: str
    message: str
    citation: str
    remediation: str
    step: str | None = None
    factor: str | None = None
    weighs: str | None = None
    basis: str | None = None
    question: str | None = None
    pack: str | None = None
    #: (question id, answer) pairs the rule read, in the rule's order
    answers: tuple[tuple[str, Any], ...] = ()
    #: what the rule found beyond the answers (e.g. a breach), each a mapping
    details: tuple[Mapping[str, Any], ...] = ()
    sources: tuple[SourceView, ...] = ()
    #: the finding as its document stored it (None when built otherwise): what ``changes.json``
    #: writes back word for word; not part of the finding's identity
    stored: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)

    def severity_label(self, lang: str) -> str:
        """"Warnings", "Varningar"... (``severity.<s>`` of the rules catalogue)."""
        from .texts import ui

        return ui("severity." + self.severity, lang)

    @classmethod
    def from_json(cls, f: Any, lang: str = "en", *, texts: RuleTexts | None = None, source: str | Path | None = None,
                  where: str = "finding") -> "FindingView":
        """One finding of stored JSON, checked. With ``texts`` (a rule's texts in every language), a
        message or citation still worded as the rule's is shown in ``lang``; the report's own words stay."""
        return cls._read(_Reader(source), f, where, lang, texts)

    @classmethod
    def _read(cls, r: _Reader, x: Any, where: str, lang: str, texts: RuleTexts | None = None) -> "FindingView":
        m = r.mapping(x, where)
        rule = r.text(m.get("rule"), f"{where}.rule", lang, optional=False) or ""
        severity = r.choice(m.get("severity"), f"{where}.severity", SEVERITIES)
        words = {k: r.text(m.get(k), f"{where}.{k}", lang) for k in ("message", "citation", "remediation")}
        own = texts(rule) if texts is not None else None
        if own:
            for k in ("message", "citation"):
                raw, theirs = m.get(k), own.get(k) or {}
                if not isinstance(raw, Mapping) and lang in theirs and (raw in theirs.values()
                                                                        or (k == "citation" and not raw)):
                    words[k] = theirs[lang]
        answers = r.mapping(m.get("answers"), f"{where}.answers", optional=True)
        return cls(rule=rule, severity=severity, message=words["message"] or "", citation=words["citation"] or "",
                   remediation=words["remediation"] or "",
                   step=r.text(m.get("step"), f"{where}.step", lang),
                   factor=r.text(m.get("factor"), f"{where}.factor", lang),
                   weighs=r.text(m.get("weighs"), f"{where}.weighs", lang),
                   basis=r.text(m.get("basis"), f"{where}.basis", lang),
                   question=r.text(m.get("question"), f"{where}.question", lang),
                   pack=r.text(m.get("pack"), f"{where}.pack", lang),
                   answers=tuple((str(k), _freeze(v)) for k, v in answers.items()),
                   details=tuple(r.mapping(d, f"{where}.details[{i}]", optional=True)
                                 for i, d in enumerate(r.items(m.get("details"), f"{where}.details"))),
                   sources=tuple(SourceView._read(r, s, f"{where}.sources[{i}]", lang)
                                 for i, s in enumerate(r.items(m.get("sources"), f"{where}.sources"))),
                   stored=m)


@dataclass(frozen=True)
class CriterionView:
    """One WP248 criterion: its title (templates/rules/dpia_criteria.yaml), met or not, the assessor's view."""

    id: str
    title: str
    met: bool
    assessor: bool | None = None


@dataclass(frozen=True)
class ScreeningView:
    """The DPIA screening: required, not required or not screened, the criteria met and why."""

    status: str
    required: bool
    #: ids of the criteria met, in the screening's order
    met: tuple[str, ...]
    #: every criterion with its title (empty in a document that lists only the ids met)
    criteria: tuple[CriterionView, ...] = ()
    reasons: tuple[str, ...] = ()
    citation: str | None = None
    threshold: int | None = None

    def status_label(self, lang: str) -> str:
        """"DPIA required", "not screened"... (``cli.dpia.<status>`` of the rules catalogue)."""
        from .texts import ui

        return ui("cli.dpia." + self.status, lang)

    def met_titles(self) -> dict[str, str]:
        """The titles of the criteria met that the document names, by id."""
        return {c.id: c.title for c in self.criteria if c.id in self.met and c.title}

    @classmethod
    def _read(cls, r: _Reader, x: Any, where: str, lang: str) -> "ScreeningView":
        m = r.mapping(x, where)
        required = r.flag(m.get("required"), f"{where}.required")
        status = (r.choice(m["status"], f"{where}.status", ("required", "not_required", "not_screened"))
                  if m.get("status") is not None else ("required" if required else "not_required"))
        met = []
        for i, c in enumerate(r.items(m.get("criteria_met"), f"{where}.criteria_met")):
            if isinstance(c, Mapping):  # {id: ...} in older documents
                c = c.get("id", c.get("criterion"))
            met.append(str(r.text(c, f"{where}.criteria_met[{i}]", lang, optional=False)).removeprefix("dpia."))
        crits = []
        for i, c in enumerate(r.items(m.get("criteria"), f"{where}.criteria")):
            w = f"{where}.criteria[{i}]"
            cm = r.mapping(c, w)
            assessor = cm.get("assessor")
            crits.append(CriterionView(id=str(r.text(cm.get("id"), f"{w}.id", lang, optional=False)),
                                       title=r.text(cm.get("title"), f"{w}.title", lang) or "",
                                       met=r.flag(cm.get("met"), f"{w}.met"),
                                       assessor=None if assessor is None else r.flag(assessor, f"{w}.assessor")))
        threshold = m.get("threshold")
        return cls(status=status, required=required, met=tuple(met), criteria=tuple(crits),
                   reasons=tuple(str(r.text(x, f"{where}.reasons[{i}]", lang, optional=False))
                                 for i, x in enumerate(r.items(m.get("reasons"), f"{where}.reasons"))),
                   citation=r.text(m.get("citation"), f"{where}.citation", lang),
                   threshold=threshold if isinstance(threshold, int) and not isinstance(threshold, bool) else None)


@dataclass(frozen=True)
class RiskRow:
    """One risk of the register: severity and likelihood before and after measures (lia.levels), residual."""

    ref: str
    event: str | None
    title: str | None
    severity_before: str | None
    likelihood_before: str | None
    severity_after: str | None
    likelihood_after: str | None
    residual_severity: str | None
    residual_likelihood: str | None
    residual_high: bool

    def level_label(self, level: str | None, lang: str) -> str:
        """A risk level in the reader's language (:func:`lia.levels.risk_label`); '' for none."""
        from ..levels import risk_label

        return risk_label(level, lang) if level else ""


@dataclass(frozen=True)
class RisksView:
    """The analysed risk register: its rows and whether residual high risk calls for prior consultation."""

    rows: tuple[RiskRow, ...] = ()
    prior_consultation: bool = False
    high_residual: tuple[str, ...] = ()

    @classmethod
    def _read(cls, r: _Reader, x: Any, where: str, lang: str) -> "RisksView":
        from ..levels import RISK_LEVELS

        m = r.mapping(x, where, optional=True)
        rows = []
        for i, row in enumerate(r.items(m.get("register"), f"{where}.register")):
            w = f"{where}.register[{i}]"
            rm = r.mapping(row, w)

            def lv(part: str, name: str, rm: Mapping[str, Any] = rm, w: str = w) -> str | None:
                v = r.mapping(rm.get(part), f"{w}.{part}", optional=True).get(name)
                return None if v is None else r.choice(v, f"{w}.{part}.{name}", RISK_LEVELS)

            rows.append(RiskRow(ref=str(r.text(rm.get("ref"), f"{w}.ref", lang) or ""),
                                event=r.text(rm.get("event"), f"{w}.event", lang),
                                title=r.text(rm.get("title"), f"{w}.title", lang),
                                severity_before=lv("before", "severity"), likelihood_before=lv("before", "likelihood"),
                                severity_after=lv("after", "severity"), likelihood_after=lv("after", "likelihood"),
                                residual_severity=lv("residual", "severity"),
                                residual_likelihood=lv("residual", "likelihood"),
                                residual_high=r.flag(rm.get("residual_high"), f"{w}.residual_high")))
        return cls(rows=tuple(rows), prior_consultation=r.flag(m.get("prior_consultation"), f"{where}.prior_consultation"),
                   high_residual=tuple(str(r.text(h, f"{where}.high_residual[{i}]", lang, optional=False))
                                       for i, h in enumerate(r.items(m.get("high_residual"), f"{where}.high_residual"))))


@dataclass(frozen=True)
class ConditionView:
    """A condition of valid consent, met or not, with the findings that break it."""

    condition: str | None
    label: str
    met: bool
    findings: tuple[ReasonView, ...] = ()
    text: str | None = None


@dataclass(frozen=True)
class ConsentView:
    """Whether consent is valid for a group: its conditions, the severe findings and the measures."""

    verdict: str | None
    label: str
    conditions: tuple[ConditionView, ...] = ()
    severe: tuple[ReasonView, ...] = ()
    measures: tuple[ReasonView, ...] = ()


@dataclass(frozen=True)
class PurposeView:
    """One purpose's test for a group: its result, the three steps (legitimate interest) or consent."""

    purpose: str | None
    label: str
    basis: str | None
    basis_label: str
    test: str | None
    result: str
    result_label: str
    steps: tuple[StepView, ...] = ()
    #: the weighing in words (legitimate interest), None otherwise
    weighing: str | None = None
    #: what makes two weighings the same (impacts, interest points, severe findings, verdict)
    weighing_key: str | None = None
    consent: ConsentView | None = None

    def step(self, step: str) -> StepView | None:
        return next((s for s in self.steps if s.step == step), None)


@dataclass(frozen=True)
class GroupView:
    """A group of data subjects on its legal basis, its overall result and each purpose's."""

    group: str
    label: str
    basis: str | None
    basis_label: str
    result: str
    result_label: str
    purposes: tuple[PurposeView, ...] = ()


@dataclass(frozen=True)
class FactorView:
    """A balancing factor's position (for, against, neutral)."""

    factor: str
    label: str
    position: str


def _reasons(r: _Reader, x: Any, where: str, lang: str) -> tuple[ReasonView, ...]:
    return tuple(ReasonView._read(r, y, f"{where}[{i}]", lang) for i, y in enumerate(r.items(x, where)))


def _read_group(r: _Reader, x: Any, where: str, lang: str) -> GroupView:
    import json

    m = r.mapping(x, where)

    def t(v: Any, w: str, optional: bool = True) -> str | None:
        return r.text(v, w, lang, optional=optional)

    purposes = []
    for i, p in enumerate(r.items(m.get("purposes"), f"{where}.purposes")):
        w = f"{where}.purposes[{i}]"
        pm = r.mapping(p, w)
        steps = r.mapping(pm.get("steps"), f"{w}.steps", optional=True)
        weighing = r.mapping(pm.get("weighing"), f"{w}.weighing", optional=True)
        consent = None
        if pm.get("consent"):
            cm = r.mapping(pm["consent"], f"{w}.consent")
            conds = []
            for j, c in enumerate(r.items(cm.get("conditions"), f"{w}.consent.conditions")):
                cw = f"{w}.consent.conditions[{j}]"
                cc = r.mapping(c, cw)
                conds.append(ConditionView(condition=t(cc.get("condition"), f"{cw}.condition"),
                                           label=t(cc.get("label"), f"{cw}.label") or "",
                                           met=r.flag(cc.get("met"), f"{cw}.met"),
                                           findings=_reasons(r, cc.get("findings"), f"{cw}.findings", lang),
                                           text=t(cc.get("text"), f"{cw}.text")))
            consent = ConsentView(verdict=t(cm.get("verdict"), f"{w}.consent.verdict"),
                                  label=t(cm.get("label"), f"{w}.consent.label") or "", conditions=tuple(conds),
                                  severe=_reasons(r, cm.get("severe"), f"{w}.consent.severe", lang),
                                  measures=_reasons(r, cm.get("measures"), f"{w}.consent.measures", lang))
        key = None
        if weighing:
            key = json.dumps([[(i.get("factor"), i.get("level"), i.get("level_before"))
                               for i in weighing.get("impacts") or [] if isinstance(i, Mapping)],
                              weighing.get("interest_points"),
                              [s.get("rule") for s in weighing.get("severe") or [] if isinstance(s, Mapping)],
                              weighing.get("verdict")], default=str)
        purposes.append(PurposeView(
            purpose=t(pm.get("purpose"), f"{w}.purpose"), label=t(pm.get("label"), f"{w}.label") or "",
            basis=t(pm.get("basis"), f"{w}.basis"), basis_label=t(pm.get("basis_label"), f"{w}.basis_label") or "",
            test=t(pm.get("test"), f"{w}.test"), result=str(t(pm.get("result"), f"{w}.result", False)),
            result_label=t(pm.get("result_label"), f"{w}.result_label") or "",
            steps=tuple(StepView._read(r, s, steps[s], f"{w}.steps.{s}", lang) for s in LIA_STEPS if s in steps),
            weighing=t(weighing.get("text"), f"{w}.weighing.text") if weighing else None, weighing_key=key,
            consent=consent))
    return GroupView(group=str(t(m.get("group"), f"{where}.group", False)), label=t(m.get("label"), f"{where}.label") or "",
                     basis=t(m.get("basis"), f"{where}.basis"),
                     basis_label=t(m.get("basis_label"), f"{where}.basis_label") or "",
                     result=str(t(m.get("result"), f"{where}.result", False)),
                     result_label=t(m.get("result_label"), f"{where}.result_label") or "", purposes=tuple(purposes))


# --------------------------------------------------------------------------- the whole

@dataclass(frozen=True)
class EvaluationView:
    """What an evaluation says, as every presenter shows it (see the module text)."""

    #: the language the evaluation's own texts are in
    lang: str
    #: purpose, necessity, balancing, overall - in that order
    verdicts: tuple[StepView, ...]
    #: worst first (blockers, warnings, notes), each severity in the evaluation's order
    findings: tuple[FindingView, ...]
    screening: ScreeningView
    risks: RisksView = field(default_factory=RisksView)
    groups: tuple[GroupView, ...] = ()
    factors: tuple[FactorView, ...] = ()
    #: the date of the law applied (YYYY-MM-DD), None when the document does not say
    law_as_of: str | None = None
    #: rules of the applicable packs not yet in force on that date
    not_yet: tuple[str, ...] = ()
    #: (id, version) of each rule pack applied
    packs: tuple[tuple[str, str], ...] = ()

    # -- reading
    def verdict(self, step: str) -> StepView:
        """The verdict of ``step`` (``purpose``, ``necessity``, ``balancing``, ``overall``)."""
        return next(v for v in self.verdicts if v.step == step)

    def by_severity(self) -> dict[str, tuple[FindingView, ...]]:
        """The findings of each severity, worst first; every severity is a key."""
        return {s: tuple(f for f in self.findings if f.severity == s) for s in SEVERITIES}

    @property
    def counts(self) -> dict[str, int]:
        """How many findings of each severity."""
        return {s: len(fs) for s, fs in self.by_severity().items()}

    def group(self, group: str | None) -> GroupView | None:
        return next((g for g in self.groups if g.group == group), None)

    # -- building: the one place
    @classmethod
    def from_result(cls, result: Any, lang: str = "en") -> "EvaluationView":
        """The view of what :func:`lia.rules.evaluate` returned (an Evaluation, or its ``to_json(lang)``)."""
        doc = result if isinstance(result, Mapping) else result.to_json(lang)
        return cls.from_json(doc, lang, source=None)

    @classmethod
    def from_json(cls, doc: Any, lang: str | None = None, *, source: str | Path | None = None,
                  texts: RuleTexts | None = None) -> "EvaluationView":
        """The view of stored evaluation JSON (``lia evaluate --json``, a report folder's evaluation).

        ``lang`` is the reader's language (the document's own by default): data texts
        ``{en, sv, nb}`` are rendered in it, and with ``texts`` a finding still worded as its
        rule's is shown in it. ``source`` names the file in an error. A malformed document raises
        :class:`~lia.errors.InputError` (code ``errors.evaluation_field`` / ``errors.evaluation_choice``)
        naming the place, e.g. ``findings[2].severity``, and what was expected.
        """
        from ..i18n import check_lang

        r = _Reader(source)
        m = r.mapping(doc, "evaluation")
        doc_lang = m.get("lang")
        lang = lang or (doc_lang if isinstance(doc_lang, str) else "en")
        check_lang(lang)
        lia = r.mapping(m.get("lia"), "lia")
        verdicts = tuple(StepView._read(r, s, lia.get(s), f"lia.{s}", lang) for s in STEPS)
        found = [FindingView._read(r, f, f"findings[{i}]", lang, texts)
                 for i, f in enumerate(r.items(m.get("findings"), "findings"))]
        findings = tuple(f for s in SEVERITIES for f in found if f.severity == s)
        law = r.mapping(m.get("law"), "law", optional=True)
        not_yet = []
        for i, n in enumerate(r.items(law.get("not_applied"), "law.not_applied")):
            nm = r.mapping(n, f"law.not_applied[{i}]")
            if nm.get("reason") == "not_yet":
                not_yet.append(str(r.text(nm.get("rule"), f"law.not_applied[{i}].rule", lang, optional=False)))
        packs = []
        for i, p in enumerate(r.items(m.get("packs"), "packs")):
            pm = r.mapping(p, f"packs[{i}]")
            packs.append((str(r.text(pm.get("id"), f"packs[{i}].id", lang, optional=False)),
                          str(r.text(pm.get("version"), f"packs[{i}].version", lang, optional=False))))
        factors = []
        for i, f in enumerate(r.items(m.get("factors"), "factors")):
            fm = r.mapping(f, f"factors[{i}]")
            factors.append(FactorView(factor=str(r.text(fm.get("factor"), f"factors[{i}].factor", lang, optional=False)),
                                      label=r.text(fm.get("label"), f"factors[{i}].label", lang) or "",
                                      position=str(r.text(fm.get("position"), f"factors[{i}].position", lang,
                                                          optional=False))))
        return cls(lang=lang, verdicts=verdicts, findings=findings,
                   screening=ScreeningView._read(r, m.get("dpia"), "dpia", lang),
                   risks=RisksView._read(r, m.get("risks"), "risks", lang),
                   groups=tuple(_read_group(r, g, f"groups[{i}]", lang)
                                for i, g in enumerate(r.items(m.get("groups"), "groups"))),
                   factors=tuple(factors),
                   law_as_of=r.text(m.get("law_as_of", law.get("as_of")), "law_as_of", lang),
                   not_yet=tuple(not_yet), packs=tuple(packs))
