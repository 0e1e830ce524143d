"""Evidence-file errors as a DPO reading the page in Swedish or Norwegian sees them (issue 13 item 3).

Before, lia.evidence's Validator and the call-log and access evidence readers wrote plain English
("expected a date YYYY-MM-DD, found ...", "the key 'x' is missing"), shown in English on every
page. Each bad file here is read through the real readers; its error must read in sv and nb
without the English template's words, keeping the file, the JSON path and the value found.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from lia.access import evidence as access_evidence
from lia.errors import InputError
from lia.messages import translate_error
from lia.periods.evidence import evidence_path, read_evidence

from .test_evidence import _attach, setup  # noqa: F401 - the fixture

#: English words of the evidence errors; none may remain in a translation.
ENGLISH = re.compile(r"\b(expected|found|missing|key|is|empty|binary|written|whole|number|YYYY|list|object|"
                     r"neither|nor|given|belongs|attach|again|analysis|does|match|edited|row|values|top|level|"
                     r"newer|reads|Update|line|on|after|one|of)\b")


def _words(shown: str, path: Path) -> list[str]:
    """The English words left in ``shown``, leaving out the file, commands (`...`) and values ('...')."""
    return ENGLISH.findall(re.sub(r"`[^`]*`|'[^']*'|analysis_digest", "", shown.replace(str(path), "")))


def _periods_cases(path: Path) -> dict[str, object]:
    good = json.loads(path.read_text(encoding="utf-8"))

    def edit(change):
        doc = json.loads(json.dumps(good))
        change(doc)
        return json.dumps(doc).encode()

    return {
        "empty": b"  \n",
        "binary": b'{"kind": \x00}',
        "not UTF-8": b'{"kind": "\xe9"}',
        "not an object": b"[1, 2]",
        "wrong kind": edit(lambda d: d.__setitem__("kind", "other")),
        "newer format": edit(lambda d: d.__setitem__("format", 99)),
        "missing key": edit(lambda d: d.pop("assessment")),
        "bad version": edit(lambda d: d["assessment"].__setitem__("version", 0)),
        "bad name": edit(lambda d: d["source"].__setitem__("name", "a/b.csv")),
        "bad sha": edit(lambda d: d["source"].__setitem__("sha256", "xyz")),
        "bad time": edit(lambda d: d.__setitem__("now", "yesterday")),
        "bad kind": edit(lambda d: d["breaches"][0].__setitem__("kind", "nonsense")),
        "whom": edit(lambda d: [d["breaches"][0].pop(k, None) for k in ("agent", "team")]),
        "period order": edit(lambda d: d["breaches"][0]["period"].update(start="2025-09-01", end="2025-01-01")),
        "bad date": edit(lambda d: d["breaches"][0]["period"].__setitem__("start", "spring")),
        "bad row": edit(lambda d: d["tables"]["team_days"]["rows"].__setitem__(0, [1])),
        "bad list": edit(lambda d: d.__setitem__("breaches", "none")),
        "bad continuous": edit(lambda d: d["limits"].__setitem__("continuous", "maybe")),
        "other assessment": edit(lambda d: d["assessment"].__setitem__("id", "other-one")),
    }


@pytest.mark.parametrize("lang", ["sv", "nb"])
def test_every_call_log_evidence_error_reads_in_the_readers_language(setup, tmp_path: Path, lang: str) -> None:  # noqa: F811
    _attach(setup)
    for what, raw in _periods_cases(evidence_path(setup["ws"], "cc-rec")).items():
        bad = tmp_path / "periods.json"
        bad.write_bytes(raw)
        with pytest.raises(InputError) as ei:
            read_evidence(bad, aid="cc-rec")
        err = ei.value
        assert err.code and err.code.startswith("errors."), (what, str(err))
        shown = translate_error(err, lang)
        assert shown.startswith(str(bad)), (what, shown)
        left = _words(shown, bad)
        assert not left, (what, lang, shown, left)
        assert shown != str(err), (what, shown)


def test_the_english_stays_as_the_command_line_printed_it(setup, tmp_path: Path) -> None:  # noqa: F811
    _attach(setup)
    cases = _periods_cases(evidence_path(setup["ws"], "cc-rec"))
    bad = tmp_path / "periods.json"
    expected = {
        "empty": "is empty; expected the evidence file written by `lia periods --attach`",
        "not UTF-8": ", line 1: is not UTF-8 text; expected JSON written by `lia periods --attach`",
        "missing key": ", top level: the key 'assessment' is missing",
        "bad date": ", breaches[1].period.start: expected a date YYYY-MM-DD, found 'spring'",
        "period order": ", breaches[1].period.end: expected a date on or after 2025-09-01, found '2025-01-01'",
        "newer format": ", format: format 99 was written by a newer lia; this one reads format 2. Update lia or attach the log again",
        "other assessment": ", assessment.id: belongs to assessment 'other-one', not 'cc-rec'; attach the log to this assessment again",
    }
    for what, tail in expected.items():
        bad.write_bytes(cases[what])
        with pytest.raises(InputError) as ei:
            read_evidence(bad, aid="cc-rec")
        assert str(ei.value).endswith(tail), (what, str(ei.value))


def _access_doc(**change: object) -> dict:
    from lia.canonical import digest_obj

    doc = {"kind": access_evidence.KIND, "format": access_evidence.FORMAT,
           "assessment": {"id": "cc-rec", "version": 1},
           "source": {"name": "access.csv", "sha256": "0" * 64, "size": 10},
           "breaches": [], "tables": {"role_month": {"rows": [[1]]}, "agent_users": {"rows": []}},
           "rows": 1, "tz": "UTC", "analysed_at": "2025-07-01T00:00:00Z", "limits": {}, "summary": {}}
    doc.update(change)
    doc["analysis_digest"] = digest_obj(doc)
    return doc


@pytest.mark.parametrize("lang", ["sv", "nb"])
def test_access_evidence_errors_read_in_the_readers_language(tmp_path: Path, lang: str) -> None:
    bad = tmp_path / "access.json"
    edited = _access_doc()
    edited["rows"] = 2
    cases = {
        "edited": (edited, "the analysis does not match its analysis_digest"),
        "row width": (_access_doc(), "tables.role_month.rows[0]: expected a row of"),
        "breach kind": (_access_doc(breaches=[{"kind": "nonsense"}]), "expected one of"),
        "breach shape": (_access_doc(breaches=[{"kind": access_evidence.KINDS[0]}]), "expected a breach with kind"),
    }
    for what, (doc, english) in cases.items():
        bad.write_text(json.dumps(doc), encoding="utf-8")
        with pytest.raises(InputError) as ei:
            access_evidence.read_evidence(bad)
        assert english in str(ei.value), (what, str(ei.value))
        shown = translate_error(ei.value, lang)
        left = _words(shown, bad)
        assert not left, (what, lang, shown, left)
