"""The portfolio: every assessment of a workspace on one page.

:func:`collect` builds one :class:`PortfolioRow` per assessment: metadata of the head
version, review date (overdue / due within 30 days), the newest report and what
verifying it says (current, stale and why, unsigned, failing verification), the LIA
overall verdict, DPIA required and the highest residual risk.

Page loads must stay fast with hundreds of assessments, so the expensive parts are
cached in ``<workspace>/.lia-cache/portfolio.json`` (see :mod:`lia.dashboards.cache`):

* the head version's metadata, keyed by the head file's stat (size, inode, mtime, ctime);
* the evaluation, keyed by the head version's digest and the rule packs' digests;
* the report verification, keyed by the stat of every file of the report folder, the
  head digest, the trusted keys, the templates and the library code.

A changed file changes its ctime, which cannot be set back, so an edited report or
version is always verified again. The cache file carries an HMAC under the user's own
secret (outside the workspace), so a hand-edited cache is ignored and everything is
verified again: the cache speeds the page up, it never decides a verification.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from ..errors import Message
from ..levels import RISK_LEVELS
from .cache import PortfolioCache
from .sources import EvalSummary, ReportCheck, Sources, SourcesLike, report_number, stat_fingerprint

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from lia.workspace import Workspace

__all__ = [
    "PortfolioRow",
    "Filters",
    "COLUMNS",
    "REVIEW_STATES",
    "DUE_SOON_DAYS",
    "collect",
    "apply_filters",
    "sort_rows",
    "to_frame",
    "to_csv_bytes",
    "csv_safe",
    "review_chart",
    "risk_map_chart",
    "risk_counts",
    "summary_counts",
]

DUE_SOON_DAYS = 30
#: review states: overdue (review date passed), due_soon (within 30 days), ok, none (no date / superseded)
REVIEW_STATES = ("overdue", "due_soon", "ok", "none")
LEVELS = RISK_LEVELS  # the one risk-level scale (lia.levels)
_VERSION_FILE = re.compile(r"^(\d{4,})\.json$")

#: Stable CSV / DataFrame column names (a contract for spreadsheets built on the export).
COLUMNS = (
    "id",
    "title",
    "status",
    "owner",
    "jurisdictions",
    "head_version",
    "review_date",
    "review",
    "days_to_review",
    "report_version",
    "report_state",
    "report_reasons",
    "signers",
    "lia_verdict",
    "dpia_required",
    "highest_risk",
    "highest_risk_high",
    "error",
)


@dataclass(frozen=True)
class PortfolioRow:
    """One assessment as the portfolio shows it."""

    id: str
    title: str = ""
    status: str = ""
    owner: str = ""
    jurisdictions: tuple[str, ...] = ()
    head_version: int | None = None
    head_digest: str | None = None
    review_date: str | None = None
    review: str = "none"
    days_to_review: int | None = None
    report: ReportCheck | None = None
    evaluation: EvalSummary = field(default_factory=EvalSummary)
    error: str | None = None  # the head version could not be read (altered, malformed)

    @property
    def report_version(self) -> int | None:
        """Version number of the newest report, or None."""
        return self.report.version if self.report else None

    @property
    def report_state(self) -> str:
        """``current`` | ``stale`` | ``unsigned`` | ``failing`` | ``none``."""
        return self.report.state if self.report else "none"

    @property
    def report_reasons(self) -> list[str]:
        """Why the report is not current: staleness reasons, or the files that failed verification."""
        if self.report is None:
            return []
        st = self.report.state
        if st == "stale":
            return list(self.report.stale)
        if st in ("failing", "unsigned"):
            return [f"{f}: {m}" for f, m in self.report.problems] or ([self.report.error] if self.report.error else [])
        return []

    @property
    def signers(self) -> list[tuple[str, str]]:
        """(name, role) of every valid signature on the newest report."""
        if self.report is None:
            return []
        return [(s.name or "?", s.role or "?") for s in self.report.valid_signers()]

    @property
    def verdict(self) -> str | None:
        """LIA overall verdict: yes | no | conditional | not_assessed | unlawful | not_applicable (None when not evaluated)."""
        return self.evaluation.verdict

    @property
    def dpia_required(self) -> bool | None:
        """Whether the DPIA screening says a DPIA is required."""
        return self.evaluation.dpia_required

    @property
    def highest_risk(self) -> dict[str, Any] | None:
        """The highest residual risk after measures."""
        return self.evaluation.highest_risk

    def search_text(self) -> str:
        """Lower-case text the search box matches against."""
        parts = [self.id, self.title, self.owner, self.status, " ".join(self.jurisdictions), self.report_state]
        parts += [n for n, _r in self.signers]
        return " ".join(p for p in parts if p).lower()

    def record(self) -> dict[str, Any]:
        """The row as plain values under :data:`COLUMNS`."""
        hr = self.highest_risk
        return {
            "id": self.id,
            "title": self.title,
            "status": self.status,
            "owner": self.owner,
            "jurisdictions": " ".join(self.jurisdictions),
            "head_version": self.head_version,
            "review_date": self.review_date or "",
            "review": self.review,
            "days_to_review": self.days_to_review,
            "report_version": self.report_version,
            "report_state": self.report_state,
            "report_reasons": "; ".join(self.report_reasons),
            "signers": "; ".join(f"{n} ({r})" for n, r in self.signers),
            "lia_verdict": self.verdict or "",
            "dpia_required": "" if self.dpia_required is None else ("yes" if self.dpia_required else "no"),
            "highest_risk": f"{hr['ref']}: {hr['severity']} x {hr['likelihood']}" if hr else "",
            "highest_risk_high": bool(hr and hr.get("high")),
            "error": self.error or self.evaluation.error or "",
        }


# --------------------------------------------------------------------------- collect


def _ws(ws: "Workspace | str | Path | None") -> "Workspace":
    from lia.workspace import Workspace

    return ws if isinstance(ws, Workspace) else Workspace(ws)


def _review(review_date: str | None, status: str, today: dt.date) -> tuple[str, int | None]:
    if not review_date or status == "superseded":
        return "none", None
    try:
        when = dt.date.fromisoformat(review_date)
    except ValueError:
        return "none", None
    days = (when - today).days
    if days < 0:
        return "overdue", days
    if days <= DUE_SOON_DAYS:
        return "due_soon", days
    return "ok", days


def _head_file(vdir: str) -> tuple[int, str] | None:
    """The newest ``NNNN.json`` in a versions folder, as (number, path)."""
    best: tuple[int, str] | None = None
    try:
        entries = os.scandir(vdir)
    except OSError:
        return None
    with entries:
        for e in entries:
            m = _VERSION_FILE.match(e.name)
            if m:
                n = int(m.group(1))
                if best is None or n > best[0]:
                    best = (n, e.path)
    return best


_REPORT_DIR = re.compile(r"^v(\d+)(?:-r(\d+))?$")


def _latest_report(adir: str) -> tuple[str, list[str]] | None:
    """The newest report folder ``v<N>[-r<k>]`` of an assessment (as lia.reports.folders orders them) and its files."""
    best: tuple[tuple[int, int], str] | None = None
    try:
        entries = os.scandir(adir)
    except OSError:
        return None
    with entries:
        for e in entries:
            m = _REPORT_DIR.match(e.name)
            if m and e.is_dir():
                key = (int(m.group(1)), int(m.group(2) or 1))
                if best is None or key > best[0]:
                    best = (key, e.path)
    if best is None:
        return None
    try:
        with os.scandir(best[1]) as it:
            files = [e.path for e in it]
    except OSError:
        files = []
    return best[1], files


def collect(
    ws: "Workspace | str | Path | None" = None,
    today: dt.date | None = None,
    *,
    sources: SourcesLike | None = None,
    use_cache: bool = True,
) -> list[PortfolioRow]:
    """One :class:`PortfolioRow` per assessment of the workspace, sorted by id.

    ``today`` decides what is overdue (default: the local date). ``sources`` is the
    adapter to reasoning and verification (tests pass a fake). With ``use_cache`` the
    results of evaluation and verification are reused while their inputs are unchanged.
    """
    from lia.errors import LiaError
    from lia.store import Store

    ws = _ws(ws)
    today = today or dt.date.today()
    src = sources if sources is not None else Sources()
    store = Store(ws)
    cache = PortfolioCache.for_workspace(ws.home) if use_cache else PortfolioCache(None)
    rules_fp = src.rules_fingerprint()
    inputs_fp = src.inputs_fingerprint(ws)
    rows: list[PortfolioRow] = []
    ids = store.ids()
    versions_base = str(ws.assessments_dir)
    reports_base = str(ws.reports_dir)
    for aid in ids:
        entry = cache.entry(aid)
        vdir = os.path.join(versions_base, aid, "versions")
        head = _head_file(vdir)
        if head is None:
            rows.append(PortfolioRow(aid, error=Message("errors.portfolio_no_version")))
            continue
        number, path = head
        head_key = stat_fingerprint([path])
        info = entry.get("head")
        head_stale = not info or info.get("key") != head_key
        cached_ev = entry.get("eval")
        version = None
        # one read of the version when either the head summary or its evaluation must be redone
        if head_stale or not cached_ev or cached_ev.get("key") != f"{info['digest']}|{rules_fp}":
            try:
                version = store.load(aid, number)
            except LiaError as exc:
                rows.append(PortfolioRow(aid, head_version=number,  # a coded error keeps its code for the page
                                         error=exc.said if str(exc.said) == str(exc) else str(exc)))
                entry.clear()
                cache.touch()
                continue
        if head_stale:
            info = {"key": head_key, "number": version.number, "digest": version.digest, "assessment": version.assessment}
            entry["head"] = info
            cache.touch()
        meta = info["assessment"]
        digest = info["digest"]

        ev_key = f"{digest}|{rules_fp}"
        if cached_ev and cached_ev.get("key") == ev_key:
            evaluation = EvalSummary.from_json(cached_ev["value"])
        else:
            evaluation = src.evaluate(version.assessment, version.answers)
            entry["eval"] = {"key": ev_key, "value": evaluation.to_json()}
            cache.touch()

        check = None
        latest = _latest_report(os.path.join(reports_base, aid))
        if latest is not None:
            rdir, files = latest
            files.append(rdir)
            # Staleness also reads the answers version the report was built from.
            rnum = report_number(Path(rdir))
            if rnum is not None:
                files.append(os.path.join(vdir, f"{rnum:04d}.json"))
            rep_key = f"{stat_fingerprint(files)}|{digest}|{inputs_fp}"
            cached_rep = entry.get("report")
            if cached_rep and cached_rep.get("key") == rep_key:
                check = ReportCheck.from_json(cached_rep["value"])
            else:
                check = src.verify(ws, Path(rdir))
                entry["report"] = {"key": rep_key, "value": check.to_json()}
                cache.touch()
        elif "report" in entry:
            del entry["report"]
            cache.touch()

        status = str(meta.get("status") or "")
        review, days = _review(meta.get("review_date"), status, today)
        rows.append(
            PortfolioRow(
                id=aid,
                title=str(meta.get("title") or ""),
                status=status,
                owner=str(meta.get("owner") or ""),
                jurisdictions=tuple(meta.get("jurisdictions") or ()),
                head_version=int(info["number"]),
                head_digest=digest,
                review_date=meta.get("review_date"),
                review=review,
                days_to_review=days,
                report=check,
                evaluation=evaluation,
            )
        )
    cache.prune(ids)
    cache.save()
    return rows


# --------------------------------------------------------------------------- filter, sort, export


@dataclass
class Filters:
    """What the user narrowed the portfolio to; empty fields do not filter."""

    status: str = ""
    owner: str = ""
    jurisdiction: str = ""
    state: str = ""  # a report state, or "attention" = anything but current
    review: str = ""  # overdue | due_soon | overdue_or_soon | ok | none
    text: str = ""

    def matches(self, row: PortfolioRow) -> bool:
        """Whether ``row`` passes every filter."""
        if self.status and row.status != self.status:
            return False
        if self.owner and row.owner != self.owner:
            return False
        if self.jurisdiction and self.jurisdiction not in row.jurisdictions:
            return False
        if self.state:
            if self.state == "attention":
                if row.report_state == "current":
                    return False
            elif row.report_state != self.state:
                return False
        if self.review:
            if self.review == "overdue_or_soon":
                if row.review not in ("overdue", "due_soon"):
                    return False
            elif row.review != self.review:
                return False
        if self.text:
            hay = row.search_text()
            if not all(word in hay for word in self.text.lower().split()):
                return False
        return True


def apply_filters(rows: Iterable[PortfolioRow], filters: Filters) -> list[PortfolioRow]:
    """The rows that pass ``filters``, in their order."""
    return [r for r in rows if filters.matches(r)]


_STATE_RANK = {"failing": 0, "stale": 1, "unsigned": 2, "none": 3, "current": 4}
_REVIEW_RANK = {"overdue": 0, "due_soon": 1, "ok": 2, "none": 3}
_VERDICT_RANK = {"unlawful": 0, "no": 1, "not_assessed": 2, "conditional": 3, "not_applicable": 4, "yes": 5}


def _risk_score(row: PortfolioRow) -> tuple[int, int]:
    hr = row.highest_risk
    if not hr:
        return (-1, -1)
    return (1 if hr.get("high") else 0, (LEVELS.index(hr["severity"]) + 1) * (LEVELS.index(hr["likelihood"]) + 1))


#: sort keys: column -> function of a row (None values sort last)
SORT_KEYS: dict[str, Any] = {
    "id": lambda r: r.id,
    "title": lambda r: r.title.lower(),
    "status": lambda r: r.status,
    "owner": lambda r: r.owner.lower(),
    "head_version": lambda r: r.head_version or 0,
    "review_date": lambda r: r.review_date or "9999-99-99",
    "review": lambda r: (_REVIEW_RANK.get(r.review, 9), r.review_date or "9999"),
    "report_state": lambda r: (_STATE_RANK.get(r.report_state, 9), r.id),
    "lia_verdict": lambda r: _VERDICT_RANK.get(r.verdict or "", 9),
    "dpia_required": lambda r: 0 if r.dpia_required else 1,
    "highest_risk": lambda r: tuple(-x for x in _risk_score(r)),
}


def sort_rows(rows: Sequence[PortfolioRow], key: str = "review", descending: bool = False) -> list[PortfolioRow]:
    """Rows sorted by ``key`` (one of :data:`SORT_KEYS`), ties by id."""
    if key not in SORT_KEYS:
        from lia.errors import LiaError, Message

        raise LiaError(Message("errors.portfolio_sort_unknown", key=repr(key), known=", ".join(SORT_KEYS)))
    fn = SORT_KEYS[key]
    return sorted(rows, key=lambda r: (fn(r), r.id), reverse=descending)


def to_frame(rows: Iterable[PortfolioRow]) -> "pd.DataFrame":
    """A pandas DataFrame with :data:`COLUMNS`."""
    import pandas as pd

    return pd.DataFrame([r.record() for r in rows], columns=list(COLUMNS))


#: Text cells starting with one of these are read as formulas by spreadsheet tools (OWASP, "CSV Injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def csv_safe(value: Any) -> Any:
    """``value`` as a spreadsheet reads it safely: text starting like a formula gets a leading ``'``.

    A title such as ``=HYPERLINK("http://...")`` or ``@SUM(...)`` is shown as text instead of being
    run; numbers are left as they are.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv_bytes(rows: Iterable[PortfolioRow]) -> bytes:
    """CSV export: UTF-8 with a byte-order mark (so Excel shows å, ä, ö, ø right), stable columns.

    Text that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab
    or a carriage return) is neutralised with a leading single quote (:func:`csv_safe`).
    """
    import csv
    import io

    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(COLUMNS), lineterminator="\r\n")
    w.writeheader()
    for r in rows:
        rec = r.record()
        rec = {k: ("" if v is None else ("true" if v is True else "false" if v is False else csv_safe(v)))
               for k, v in rec.items()}
        w.writerow(rec)
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


def summary_counts(rows: Iterable[PortfolioRow]) -> dict[str, int]:
    """Counts for the page's summary tiles."""
    out = {"total": 0, "overdue": 0, "due_soon": 0, "failing": 0, "stale": 0, "unsigned": 0, "current": 0, "none": 0,
           "dpia_required": 0, "high_risk": 0}
    for r in rows:
        out["total"] += 1
        if r.review in ("overdue", "due_soon"):
            out[r.review] += 1
        out[r.report_state] = out.get(r.report_state, 0) + 1
        if r.dpia_required:
            out["dpia_required"] += 1
        hr = r.highest_risk
        if hr and hr.get("high"):
            out["high_risk"] += 1
    return out


# --------------------------------------------------------------------------- charts


def risk_counts(rows: Iterable[PortfolioRow]) -> dict[tuple[str, str], int]:
    """(severity, likelihood) after measures -> number of risks, over every assessment's register."""
    out: dict[tuple[str, str], int] = {(s, lk): 0 for s in LEVELS for lk in LEVELS}
    for r in rows:
        for risk in r.evaluation.risks:
            s, lk = risk.get("severity"), risk.get("likelihood")
            if s in LEVELS and lk in LEVELS:
                out[(s, lk)] += 1
    return out


def review_chart(rows: Sequence[PortfolioRow], labels: dict[str, str], today: dt.date | None = None) -> Any:
    """Altair chart: assessments per month of their review date, overdue / due soon / later stacked.

    ``labels`` maps ``overdue``, ``due_soon``, ``ok``, ``month``, ``count``, ``review``, ``today``
    to display texts in the page's language.
    """
    import altair as alt
    import pandas as pd

    today = today or dt.date.today()
    recs = []
    for r in rows:
        if r.review in ("overdue", "due_soon", "ok") and r.review_date:
            recs.append({"month": r.review_date[:7] + "-01", "review": labels[r.review], "order": REVIEW_STATES.index(r.review)})
    df = pd.DataFrame(recs, columns=["month", "review", "order"])
    if df.empty:
        df = pd.DataFrame([{"month": today.isoformat()[:7] + "-01", "review": labels["ok"], "order": 2, "n": 0}])
    else:
        df = df.groupby(["month", "review", "order"], as_index=False).size().rename(columns={"size": "n"})
    domain = [labels["overdue"], labels["due_soon"], labels["ok"]]
    bars = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("yearmonth(month):T", title=labels["month"], axis=alt.Axis(format="%b %Y", labelAngle=-45)),
            y=alt.Y("n:Q", title=labels["count"], stack="zero"),
            color=alt.Color("review:N", title=labels["review"],
                            scale=alt.Scale(domain=domain, range=["#c62828", "#ef9a00", "#5b8fb9"]),
                            legend=alt.Legend(orient="right")),
            order=alt.Order("order:Q"),
            tooltip=[alt.Tooltip("yearmonth(month):T", title=labels["month"]), alt.Tooltip("review:N", title=labels["review"]),
                     alt.Tooltip("n:Q", title=labels["count"])],
        )
    )
    rule = alt.Chart(pd.DataFrame([{"d": today.isoformat(), "t": labels["today"]}])).mark_rule(color="#222", strokeDash=[4, 3]).encode(
        x="d:T"
    )
    text = alt.Chart(pd.DataFrame([{"d": today.isoformat(), "t": labels["today"]}])).mark_text(
        align="left", dx=4, dy=-4, baseline="bottom", color="#222").encode(x="d:T", y=alt.value(0), text="t:N")
    return (bars + rule + text).properties(width=460, height=220)


def risk_map_chart(rows: Sequence[PortfolioRow], labels: dict[str, str]) -> Any:
    """Altair heat map: residual risks of every assessment by severity x likelihood after measures.

    ``labels`` maps the four levels, ``severity``, ``likelihood`` and ``count`` to display texts.
    """
    import altair as alt
    import pandas as pd

    try:
        from lia.rules.dpia import residual_high  # the rule that decides what is a high risk
    except ImportError:  # pragma: no cover - reasoning not installed: no outline
        def residual_high(severity: int, likelihood: int) -> bool:
            return False

    counts = risk_counts(rows)
    recs = []
    for (s, lk), n in counts.items():
        si, li = LEVELS.index(s) + 1, LEVELS.index(lk) + 1
        recs.append({"severity": labels[s], "likelihood": labels[lk], "si": si, "li": li, "n": n,
                     "high": residual_high(si, li), "label": str(n) if n else ""})
    df = pd.DataFrame(recs)
    order = [labels[x] for x in LEVELS]
    base = alt.Chart(df).encode(
        x=alt.X("likelihood:N", sort=order, title=labels["likelihood"], axis=alt.Axis(labelAngle=0)),
        y=alt.Y("severity:N", sort=list(reversed(order)), title=labels["severity"]),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.condition(
            "datum.n == 0",
            alt.value("#f1f3f5"),
            alt.Color("n:Q", title=labels["count"], scale=alt.Scale(scheme="orangered")),
        ),
        tooltip=[alt.Tooltip("severity:N", title=labels["severity"]), alt.Tooltip("likelihood:N", title=labels["likelihood"]),
                 alt.Tooltip("n:Q", title=labels["count"])],
    )
    high = base.transform_filter("datum.high").mark_rect(fill=None, stroke="#8b0000", strokeWidth=1.5, strokeDash=[3, 2])
    text = base.mark_text(fontSize=14, fontWeight="bold").encode(
        text="label:N", color=alt.condition("datum.n > 20", alt.value("white"), alt.value("#222"))
    )
    return (cells + high + text).properties(width=300, height=220)
