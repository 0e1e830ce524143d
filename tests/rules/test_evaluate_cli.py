"""`lia evaluate` as a user runs it: the example assessment, JSON, languages, evidence, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_lia

AID = "contact-centre-recording"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("ws")
    r = run_lia("--home", str(home), "example")
    assert r.returncode == 0, r.stderr
    return home


def lia(home: Path, *args: str):
    return run_lia("--home", str(home), *args)


def test_json_of_the_example_head(home: Path) -> None:
    r = lia(home, "evaluate", AID, "--json")
    assert r.returncode == 0, r.stderr
    js = json.loads(r.stdout)
    assert js["lia"]["overall"]["verdict"] in ("yes", "conditional")
    assert js["lia"]["purpose"]["verdict"] == "pass"
    assert js["dpia"]["required"] is True and len(js["dpia"]["criteria_met"]) >= 2
    assert all({"rule", "severity", "citation", "message"} <= set(f) for f in js["findings"])
    assert js["version"]["digest"].startswith("sha256:")


def test_human_output_of_the_bad_first_draft(home: Path) -> None:
    r = lia(home, "evaluate", AID, "--version", "2")
    assert r.returncode == 0, r.stderr  # a negative verdict is not an error
    out = r.stdout
    assert "Overall:" in out and "unlawful as described" in out  # emotion recognition at work: AI Act Art. 5(1)(f)
    assert "Blockers (" in out and "[eu.hard_stop.emotion_recognition]" in out
    assert "Source: AI Act Art. 5(1)(f)" in out
    assert "DPIA screening (WP248): DPIA required" in out


@pytest.mark.parametrize("lang, words", [("sv", ["Sammantaget", "Ändamålstest", "Källa"]),
                                         ("nb", ["Samlet", "Formålstest", "Kilde"])])
def test_languages(home: Path, lang: str, words: list[str]) -> None:
    r = lia(home, "evaluate", AID, "--version", "2", "--lang", lang)
    assert r.returncode == 0, r.stderr
    for w in words:
        assert w in r.stdout


def test_an_empty_first_version_still_evaluates(home: Path) -> None:
    r = lia(home, "evaluate", AID, "--version", "1", "--json")
    assert r.returncode == 0, r.stderr
    js = json.loads(r.stdout)
    assert js["lia"]["overall"]["verdict"] == "not_assessed"  # nothing demonstrated, nothing passes
    assert js["dpia"]["status"] == "not_screened" and js["dpia"]["required"] is False


def test_evidence_file(home: Path, tmp_path: Path) -> None:
    ev = tmp_path / "breaches.json"
    ev.write_text(json.dumps({"breaches": [{"kind": "whole_weeks", "agent": "A-7", "value": 5, "limit": 3}]}))
    r = lia(home, "evaluate", AID, "--json", "--evidence", str(ev))
    assert r.returncode == 0, r.stderr
    assert "se.periods.evidence_whole_weeks" in [f["rule"] for f in json.loads(r.stdout)["findings"]]
    ev.write_text(json.dumps([{"agent": "A-7"}]))
    r = lia(home, "evaluate", AID, "--evidence", str(ev))
    assert r.returncode == 2 and "breach 1" in r.stderr and "'kind'" in r.stderr and "Traceback" not in r.stderr
    # a typo in a kind must not silently drop the breach
    ev.write_text(json.dumps([{"kind": "whole_week", "agent": "A-7"}, {"kind": "consecutive_dayz", "agent": "A-7"}]))
    r = lia(home, "evaluate", AID, "--evidence", str(ev))
    assert r.returncode == 2 and "breach 2" in r.stderr and "consecutive_dayz" in r.stderr
    assert "consecutive_days" in r.stderr and "Traceback" not in r.stderr


def test_cannot_evaluate_unknown_assessment_or_version(home: Path) -> None:
    r = lia(home, "evaluate", "no-such-assessment")
    assert r.returncode == 2 and "no-such-assessment" in r.stderr and "Traceback" not in r.stderr
    r = lia(home, "evaluate", AID, "--version", "99")
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_broken_rule_pack_is_a_clear_error(home: Path, tmp_path: Path) -> None:
    import shutil

    tpl = tmp_path / "templates"
    shutil.copytree(Path(__file__).resolve().parents[2] / "templates", tpl)
    eu = tpl / "rules" / "eu.yaml"
    eu.write_text(eu.read_text(encoding="utf-8").replace("{is_false: access.logged}", "{logged_off: access.logged}"),
                  encoding="utf-8")
    r = run_lia("--home", str(home), "evaluate", AID, env={"LIA_TEMPLATES": str(tpl)})
    assert r.returncode == 2
    assert "eu.yaml" in r.stderr and "eu.access.not_logged" in r.stderr and "known predicates" in r.stderr


def test_every_breach_kind_of_the_call_log_analysis_is_read_by_some_rule() -> None:
    """lia periods and the rule packs must agree on the kinds, or a breach would never weigh."""
    import re

    from lia.periods.breaches import KINDS
    from lia.rules.predicates import EVIDENCE_KINDS

    root = Path(__file__).resolve().parents[2] / "templates" / "rules"
    read = set()
    for pack in root.glob("*.yaml"):
        for m in re.finditer(r"evidence: \[([^\]]*)\]", pack.read_text(encoding="utf-8")):
            read |= {k.strip() for k in m.group(1).split(",")}
    assert set(KINDS) <= read, f"breach kinds no rule reads: {sorted(set(KINDS) - read)}"
    assert read <= set(EVIDENCE_KINDS), f"rules read kinds the evidence loader refuses: {sorted(read - set(EVIDENCE_KINDS))}"


def test_changes_between_reports_name_each_group_whose_result_changed() -> None:
    """The viewer's change summary says which group's result changed, not only the overall verdict."""
    from lia.reports.changes import changes_between

    def evaluation(overall: str, agents: str) -> dict:  # the parts of an evaluation the comparison reads
        return {"lia": {s: {"verdict": "pass"} for s in ("purpose", "necessity", "balancing")}
                | {"overall": {"verdict": overall}}, "findings": [], "dpia": {"required": True},
                "groups": [{"group": "callers", "result": "yes"}, {"group": "agents", "result": agents}]}

    old, new = evaluation("conditional", "conditional"), evaluation("no", "no")
    ch = changes_between(old, new)["verdicts"]
    assert {"step": "group.agents", "old": "conditional", "new": "no"} in ch
    assert not any(v["step"] == "group.callers" for v in ch)


def test_as_of_re_runs_the_law_of_a_date(home: Path) -> None:
    """`--as-of` applies the law as it stood: the Art. 5(1)(f) ban is not yet law on 1 Feb 2025."""
    before = json.loads(lia(home, "evaluate", AID, "--version", "2", "--json", "--as-of", "2025-02-01").stdout)
    after = json.loads(lia(home, "evaluate", AID, "--version", "2", "--json", "--as-of", "2025-02-02").stdout)
    assert before["law_as_of"] == "2025-02-01" and after["law_as_of"] == "2025-02-02"
    assert {"rule": "eu.hard_stop.emotion_recognition", "reason": "not_yet"} in before["law"]["not_applied"]
    assert "eu.hard_stop.emotion_recognition" not in [f["rule"] for f in before["findings"]]
    assert "eu.hard_stop.emotion_recognition" in [f["rule"] for f in after["findings"]]
    for lang, text in (("en", "The law as of 2025-02-02"), ("sv", "Rättsläget den 2025-02-02"),
                       ("nb", "Rettstilstanden per 2025-02-02")):
        r = lia(home, "evaluate", AID, "--version", "2", "--lang", lang, "--as-of", "2025-02-02")
        assert text in r.stdout
    r = lia(home, "evaluate", AID, "--version", "2", "--as-of", "2025-02-01")
    assert "Not yet in force on that date (not applied):" in r.stdout and "eu.hard_stop.emotion_recognition" in r.stdout


def test_bad_as_of_is_a_clear_error(home: Path) -> None:
    r = lia(home, "evaluate", AID, "--as-of", "1 Feb 2025")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "expected a date YYYY-MM-DD" in r.stderr


@pytest.mark.parametrize("lang, text", [("en", "The law as of"), ("sv", "Rättsläget den"), ("nb", "Rettstilstanden per")])
def test_report_states_the_law_as_of_the_version_date(home: Path, lang: str, text: str) -> None:
    from lia.reports import html as report_html

    d = report_html.load(str(home), AID, None, lang)
    html = report_html.summary_html(d)
    day = d.version.time[:10]
    assert f"{text} {day}" in html
    assert d.evaluation_json["law_as_of"] == day  # the same bytes tomorrow: not "today's" law


def test_report_findings_link_their_official_sources(home: Path) -> None:
    from lia.reports import html as report_html

    d = report_html.load(str(home), AID, 2, "sv")
    html = report_html.findings_html(d)
    assert '<a href="https://eur-lex.europa.eu/eli/reg/2024/1689/oj" rel="noreferrer">' in html
    assert "Förbud mot känsloigenkänning på arbetsplatser och i utbildning" in html

