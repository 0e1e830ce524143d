"""The legal source registry (``templates/rules/sources.yaml``): every citation a rule makes.

A rule does not write its citation as free text; it lists references into this
registry, ``sources: [gdpr#Art. 6(1)(f), edpb_li]`` - a source id, optionally
followed by ``#`` and one of that source's provisions. Each source says what it
is (``law``, ``case``, ``decision``, ``guidance``), where it has legal effect
and from when (``in_force``: jurisdiction -> date), until when (``until``), its
official address (EUR-Lex, Lovdata, riksdagen.se, the regulator) and whether
the entry was checked against that text (``verified`` with a ``note`` when
not). Each provision has a title in English, Swedish and Norwegian Bokmål and
may have its own ``from`` date (AI Act Art. 5 from 2 February 2025, Art. 50
from 2 August 2026).

Jurisdictions: ``EU`` (every member state, Sweden included), ``SE``, ``NO``.
Sweden is an EU member state, so a source in force in ``EU`` is in force in
``SE``; Norway is in the EEA, so EU law is in force there only where the
registry says ``NO`` (the GDPR is; the AI Act, as of this registry, is not).

Loading validates everything and reports every problem of the file at once.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import InputError, Joined, Message, os_reason
from ..i18n import check_lang
from ..loaders import parse_yaml
from ..paths import templates_dir
from .files import FileCache, Texts, problem_report, validation_problems

__all__ = [
    "SOURCE_KINDS",
    "BINDING_KINDS",
    "Registry",
    "Source",
    "Provision",
    "SourceRef",
    "SourceRegistryError",
    "load_registry",
    "registry",
    "covers",
    "provision_label",
]

SOURCE_KINDS = ("law", "case", "decision", "guidance")
#: Kinds that bind: a rule resting on them applies only where and when they are in force.
BINDING_KINDS = ("law",)
JURISDICTIONS = ("EU", "SE", "NO")
#: Member states of the EU among the jurisdictions: EU law in force in "EU" is in force there.
EU_MEMBERS = ("SE",)


def covers(where: str, jurisdiction: str) -> bool:
    """Whether something in force in ``where`` is in force in ``jurisdiction`` (EU covers SE)."""
    return where == jurisdiction or (where == "EU" and jurisdiction in EU_MEMBERS)


#: How the Swedish and Norwegian language versions of an EU act write a provision the registry
#: keys in English: ``Art. 6(1)(f)`` is "artikel 6.1 f" in the Swedish GDPR and "artikkel 6 nr. 1
#: bokstav f" in the Norwegian one (Lovdata); a recital is "skäl 75" / "fortalepunkt 75"; an annex
#: point "bilaga III punkt 4 b" / "vedlegg III nr. 4 bokstav b"; a subparagraph "andra stycket" /
#: "andre ledd" (as the registry's Norwegian statutes write it). National provisions
#: (``§ 205 første ledd bokstav a``, ``4 kap. 9 a §``) are written in their own language already
#: and are shown as they are.
_EU_WORDS = {
    "sv": {"art": "artikel", "recital": "skäl", "annex": "bilaga", "point": "punkt"},
    "nb": {"art": "artikkel", "recital": "fortalepunkt", "annex": "vedlegg", "point": "nr."},
}
_SUBPARAGRAPHS = {"first": ("första stycket", "første ledd"), "second": ("andra stycket", "andre ledd"),
                  "third": ("tredje stycket", "tredje ledd")}
_ART = re.compile(r"^Art\. (\d+)((?:\(\d+\))?)((?:\([a-z]\))*)(?: (first|second|third) subparagraph)?$")
_RECITAL = re.compile(r"^Recital (\d+)$")
_ANNEX = re.compile(r"^Annex ([IVX]+) point (\d+)((?:\([a-z]\))?)$")


def provision_label(ref: str, lang: str = "en") -> str:
    """A provision ``ref`` (the registry's English key) as the ``lang`` language version writes it.

    ``provision_label("Art. 6(1)(f)", "sv") == "artikel 6.1 f"``, ``(.., "nb") == "artikkel 6 nr. 1
    bokstav f"``; English, and any ref that is not an EU article, recital or annex point, unchanged.
    """
    words = _EU_WORDS.get(lang)
    if words is None:
        return ref
    sv = lang == "sv"
    if m := _ART.match(ref):
        article, para, letters, sub = m.group(1), m.group(2).strip("()"), re.findall(r"\(([a-z])\)", m.group(3)), m.group(4)
        if sv:
            out = f"{words['art']} {article}" + (f".{para}" if para else "") + "".join(f" {x}" for x in letters)
        else:
            out = f"{words['art']} {article}" + (f" nr. {para}" if para else "") + "".join(f" bokstav {x}" for x in letters)
        return out + (f" {_SUBPARAGRAPHS[sub][0 if sv else 1]}" if sub else "")
    if m := _RECITAL.match(ref):
        return f"{words['recital']} {m.group(1)}"
    if m := _ANNEX.match(ref):
        letter = m.group(3).strip("()")
        tail = (f" {letter}" if sv else f" bokstav {letter}") if letter else ""
        return f"{words['annex']} {m.group(1)} {words['point']} {m.group(2)}{tail}"
    return ref


class SourceRegistryError(InputError):
    """A source registry, or a reference into it, that cannot be used."""


class Provision(BaseModel):
    """An article, section or paragraph of a source."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    ref: str = Field(min_length=1)
    title: Texts
    #: applies from this date (where the source is in force), if later than the source itself
    from_: Optional[dt.date] = Field(default=None, alias="from")
    url: Optional[str] = None
    verified: bool = True
    note: Optional[str] = None


class Source(BaseModel):
    """One instrument, decision, judgment or guidance document."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    kind: Literal["law", "case", "decision", "guidance"]
    short: Texts
    instrument: Texts
    in_force: dict[Literal["EU", "SE", "NO"], dt.date] = Field(min_length=1)
    until: Optional[dt.date] = None
    url: str = Field(pattern=r"^https://")
    verified: bool
    note: Optional[str] = None
    provisions: list[Provision] = Field(default_factory=list)

    @field_validator("provisions")
    @classmethod
    def _unique_refs(cls, v: list[Provision]) -> list[Provision]:
        refs = [p.ref for p in v]
        dup = sorted({r for r in refs if refs.count(r) > 1})
        if dup:
            raise ValueError(f"duplicate provision refs: {', '.join(dup)}")
        return v

    def provision(self, ref: str) -> Provision | None:
        return next((p for p in self.provisions if p.ref == ref), None)

    def from_date(self, jurisdiction: str, provision: Provision | None = None) -> dt.date | None:
        """The first day this source (or provision) is in force in ``jurisdiction``; None if it is not."""
        dates = [d for where, d in self.in_force.items() if covers(where, jurisdiction)]
        if not dates:
            return None
        start = min(dates)
        if provision is not None and provision.from_ is not None:
            start = max(start, provision.from_)
        return start


class _Header(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["source_registry"]
    id: str
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    sources: list[Any] = Field(min_length=1)


@dataclass(frozen=True)
class SourceRef:
    """A resolved reference ``source#provision`` (or a whole source)."""

    source: Source
    provision: Provision | None

    @property
    def key(self) -> str:
        return f"{self.source.id}#{self.provision.ref}" if self.provision else self.source.id

    @property
    def binding(self) -> bool:
        return self.source.kind in BINDING_KINDS

    def from_date(self, jurisdiction: str) -> dt.date | None:
        return self.source.from_date(jurisdiction, self.provision)

    def render(self, lang: str = "en") -> str:
        """``GDPR Art. 6(1)(f)`` (sv ``GDPR artikel 6.1 f``), ``Straffeloven § 205 første ledd bokstav a``,
        ``EDPB Guidelines 1/2024``."""
        short = self.source.short.get(lang)
        return f"{short} {provision_label(self.provision.ref, lang)}" if self.provision else short

    def to_json(self, lang: str) -> dict[str, Any]:
        p = self.provision
        return {
            "id": self.key,
            "kind": self.source.kind,
            "instrument": self.source.instrument.get(lang),
            "provision": p.ref if p else None,
            "label": provision_label(p.ref, lang) if p else None,
            "title": p.title.get(lang) if p else None,
            "url": (p.url if p and p.url else self.source.url),
            "in_force": {k: v.isoformat() for k, v in self.source.in_force.items()},
            "from": p.from_.isoformat() if p and p.from_ else None,
            "until": self.source.until.isoformat() if self.source.until else None,
            "verified": self.source.verified and (p.verified if p else True),
        }


@dataclass(frozen=True)
class Registry:
    """The loaded registry: sources by id."""

    version: str
    sources: dict[str, Source]
    path: Path

    def resolve(self, ref: str) -> SourceRef:
        """``gdpr#Art. 6(1)(f)`` -> :class:`SourceRef`; raises ``KeyError`` with what was expected."""
        sid, sep, prov = ref.partition("#")
        src = self.sources.get(sid.strip())
        if src is None:
            raise KeyError(Message("errors.registry_unknown_source", id=repr(sid.strip()), registry=self.path.name,
                                   known=", ".join(sorted(self.sources))))
        if not sep:
            return SourceRef(src, None)
        p = src.provision(prov.strip())
        if p is None:
            raise KeyError(Message("errors.registry_unknown_provision", id=src.id, ref=repr(prov.strip()),
                                   registry=self.path.name,
                                   known=", ".join(x.ref for x in src.provisions) or Message("errors.frag_none")))
        return SourceRef(src, p)

    def resolve_all(self, refs: Iterable[str]) -> tuple[list[SourceRef], list[str]]:
        """Every reference resolved, and the problems of those that do not resolve."""
        out: list[SourceRef] = []
        problems: list[str] = []
        for ref in refs:
            try:
                out.append(self.resolve(ref))
            except KeyError as exc:
                problems.append(exc.args[0] if isinstance(exc.args[0], str) else str(exc.args[0]))
        return out, problems


def render_refs(refs: Iterable[SourceRef], lang: str = "en") -> str:
    """The citation line of a finding: provisions of one source joined (``GDPR Art. 5(1)(c), Art. 6(1)(f); ...``)."""
    check_lang(lang)
    groups: dict[str, list[SourceRef]] = {}
    for r in refs:
        groups.setdefault(r.source.id, []).append(r)
    parts = []
    for items in groups.values():
        short = items[0].source.short.get(lang)
        provs = [provision_label(r.provision.ref, lang) for r in items if r.provision]
        parts.append(f"{short} {', '.join(provs)}" if provs else short)
    return "; ".join(parts)


def load_registry(path: Path) -> Registry:
    """Load and validate the registry file; raises :class:`SourceRegistryError` listing every problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SourceRegistryError(Message("errors.registry_unreadable", reason=os_reason(exc)), file=path) from None
    data = parse_yaml(text, path)
    problems: list[str] = []
    try:
        header = _Header.model_validate(data)
    except ValidationError as exc:
        raise SourceRegistryError(
            Joined([Joined([".".join(map(str, e["loc"])), e["msg"]], ": ") for e in exc.errors()], "; "), file=path
        ) from None
    sources: dict[str, Source] = {}
    for i, raw in enumerate(header.sources):
        sid = raw.get("id") if isinstance(raw, dict) else None
        label = Message("errors.registry_source", id=sid) if isinstance(sid, str) else f"sources[{i}]"
        try:
            src = Source.model_validate(raw)
        except ValidationError as exc:
            problems += validation_problems(exc.errors(), label)
            continue
        if src.id in sources:
            problems.append(Joined([label, Message("errors.registry_duplicate_id")], ": "))
        if not src.verified and not src.note:
            problems.append(Joined([label, Message("errors.registry_unverified_source")], ": "))
        for p in src.provisions:
            if not p.verified and not p.note:
                problems.append(Joined([label, Message("errors.registry_unverified_provision", ref=p.ref)], ": "))
        sources[src.id] = src
    if problems:
        raise SourceRegistryError(problem_report(Message("errors.rules_what_registry"), problems), file=path)
    return Registry(header.version, sources, path)


_CACHE: FileCache[Registry] = FileCache(load_registry)


def registry(templates: Path | None = None) -> Registry:
    """The registry of ``templates/rules/sources.yaml`` (cached by path, mtime and size)."""
    root = Path(templates) if templates is not None else templates_dir()
    path = root / "rules" / "sources.yaml"
    return _CACHE.get(path, SourceRegistryError("the source registry is missing", file=path))
