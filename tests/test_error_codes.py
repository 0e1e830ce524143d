"""Errors are codes with parameters, rendered in en, sv and nb from one catalogue (issue 13 item 3).

A DPO reading a Swedish or Norwegian page must see every error in that language; the English
wording is data in templates/i18n/, not an API matched by regexes. These tests fail when a code
lacks its Swedish or Norwegian text, when a text names other parameters than the library passes,
and when a page would fall back to matching English for a message that has a code.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import pickle
import re
from pathlib import Path

import pytest

from lia.errors import InputError, LiaError, Message, Problem, ValidationError
from lia.i18n import (LANGS, MissingText, catalogue, format_date, format_duration, lookup, missing_text, plural_form,
                      t)
from lia import messages
from lia.messages import CATALOGUES, code_problems, codes, render_code, tokens, translate, translate_error

ROOT = Path(__file__).resolve().parents[1]
LIB = ROOT / "lib" / "lia"

#: every entry of the catalogues: each is a code, rendered from its code (nothing is matched as English)
CODES = sorted(f"{area}.{key}" for area in CATALOGUES for key in catalogue(area, ROOT / "templates"))


def _names(template: str) -> set[str]:
    """The parameters a template uses: its placeholders and the counts its plural words follow."""
    return {tok[1] for tok in tokens(template) if tok[0] in ("field", "plural")}


def _entry(code: str) -> dict[str, str]:
    area, _, key = code.partition(".")
    return catalogue(area, ROOT / "templates")[key]


def _message_calls() -> list[tuple[str, int, str, set[str]]]:
    """Every ``Message("area.key", name=...)`` in lib/lia: (file, line, code, the parameter names passed)."""
    out = []
    for path in sorted(LIB.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Message"
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                assert all(k.arg for k in node.keywords), f"{path}:{node.lineno}: pass a Message's parameters by name"
                out.append((str(path.relative_to(ROOT)), node.lineno, node.args[0].value, {k.arg for k in node.keywords}))
    return out


CALLS = _message_calls()


def test_the_library_raises_codes() -> None:
    assert len(CALLS) >= 40, "the loaders, answers files, workspace, questionnaires and saves raise codes"


@pytest.mark.parametrize("code", CODES)
def test_every_code_has_english_swedish_and_norwegian_with_the_same_parameters(code: str) -> None:
    assert code_problems({code: _entry(code)}) == []


def test_a_code_without_swedish_or_norwegian_text_fails() -> None:
    entry = dict(_entry("errors.file_missing"))
    assert code_problems({"errors.file_missing": {k: v for k, v in entry.items() if k != "sv"}}) == [
        "errors.file_missing: expected texts for exactly en, sv, nb"]
    assert code_problems({"errors.file_missing": {**entry, "nb": " "}}) == ["errors.file_missing: the nb text is empty"]
    assert code_problems({"errors.file_missing": {**entry, "sv": "filen finns inte"}}) == [
        "errors.file_missing: the sv text names other parameters than the English one"]
    assert sorted(codes()) == CODES


@pytest.mark.parametrize("where,line,code,passed", CALLS, ids=[f"{c[2]}@{Path(c[0]).name}:{c[1]}" for c in CALLS])
def test_each_raise_site_passes_exactly_the_parameters_of_its_code(where: str, line: int, code: str,
                                                                    passed: set[str]) -> None:
    area, _, key = code.partition(".")
    assert area in CATALOGUES and key in catalogue(area, ROOT / "templates"), f"{where}:{line}: no text for {code}"
    assert passed == _names(_entry(code)["en"]), f"{where}:{line}: {code} takes {sorted(_names(_entry(code)['en']))}"


def _sample(template: str) -> dict[str, object]:
    """A value for each parameter of ``template``: 2 for a count, a marked text for a placeholder."""
    counts = {tok[1] for tok in tokens(template) if tok[0] == "plural"}
    return {name: 2 if name in counts else f"<{name}>" for name in _names(template)}


def test_no_regex_is_built_from_a_catalogue_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 13: every entry is rendered from its code; none is made a pattern to match English against.

    Rendering every code in every language and translating every entry's English text compiles no
    regex that holds catalogue text, and the English of an entry given as a plain str is shown as it
    is (no fallback reads it); lia.messages keeps no machinery for it."""
    texts = {str(e[lang]) for code in CODES for e in [_entry(code)] for lang in LANGS}
    pieces = {tok[1].strip() for text in texts for tok in tokens(text) if tok[0] == "text" and len(tok[1].strip()) >= 8}
    compiled: list[str] = []
    real_compile = re.compile

    def watch(pattern, flags=0):  # noqa: ANN001
        compiled.append(pattern if isinstance(pattern, str) else str(pattern))
        return real_compile(pattern, flags)

    monkeypatch.setattr(re, "compile", watch)
    re.purge()
    for code in CODES:
        entry = _entry(code)
        english = render_code(code, _sample(entry["en"]), "en")
        for lang in ("sv", "nb"):
            assert render_code(code, _sample(entry["en"]), lang) != "" and "⟦" not in english
            assert translate(english, lang) == english, f"{code}: a plain English str was matched"
    built_from_entries = [p for p in compiled if any(piece in p or re.escape(piece) in p for piece in pieces)]
    assert built_from_entries == []
    for gone in ("LEGACY", "is_legacy", "_compile", "_patterns", "_fill", "_match", "_shown", "_fragment"):
        assert not hasattr(messages, gone), f"lia.messages.{gone}: the English-matching fallback is back"
    source = (LIB / "messages.py").read_text(encoding="utf-8")
    assert source.count("re.compile(") == 1  # the one of the template syntax ({name}, {n|one|other})


def test_every_call_log_code_has_swedish_and_norwegian() -> None:
    """The call log's messages and the pieces they hold (places, what was expected, why) are codes too."""
    from lia.periods import columns

    pieces = [c for c in CODES if c.startswith(("errors.calllog_", "errors.frag_"))]
    assert len(pieces) >= 40
    assert code_problems({c: _entry(c) for c in pieces}) == []
    # the codes the column checks pick by column name exist and take no parameters
    for key in list(columns._EXPECT.values()) + list(columns._TYPE_EXPECT.values()):
        assert f"errors.{key}" in CODES and _names(_entry(f"errors.{key}")["en"]) == set(), key
    assert all(c in CODES for c in ("errors.frag_row", "errors.frag_cell", "errors.frag_cut", "errors.frag_on_places",
                                    "errors.frag_reason_empty", "errors.frag_reason_long", "errors.where_line"))


def test_pages_render_errors_from_their_code_not_from_the_english(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from lia.loaders import load_data_file

    bad = tmp_path / "answers.yaml"
    bad.write_text("a: 1\na: 2\n", encoding="utf-8")
    with pytest.raises(InputError) as ei:
        load_data_file(bad, what=Message("errors.what_answers"))
    err = ei.value
    assert err.code == "errors.yaml_invalid" and err.params["problem"].code == "errors.key_twice"
    # the English the command line prints is unchanged ...
    assert str(err) == f"{bad}, line 2, column 1: the key 'a' is given twice; give each key once (expected valid YAML)"

    # ... and a page renders it from its code
    assert translate_error(err, "sv") == (f"{bad}, rad 2, kolumn 1: nyckeln 'a' anges två gånger; ange varje nyckel "
                                          "en gång (väntade giltig YAML)")
    assert translate_error(err, "nb") == (f"{bad}, linje 2, kolonne 1: nøkkelen 'a' er gitt to ganger; gi hver nøkkel "
                                          "én gang (forventet gyldig YAML)")
    assert translate_error(err, "en") == str(err)


@pytest.mark.parametrize("lang", ["sv", "nb"])
def test_every_error_a_users_file_can_cause_reads_in_the_readers_language(lang: str, tmp_path: Path) -> None:
    from lia.answers_file import read_answers_file, read_answers_version
    from lia.workspace import Workspace

    cases = {"empty.yaml": "", "list.yaml": "- a\n", "meta.yaml": "answers: {}\nassessment: 3\n",
             "extra.yaml": "answers: {}\nother: 1\n", "num.json": '{"answers": {}, "number": 0}',
             "nan.json": '{"a": NaN}', "bin.yaml": "a\x00b"}
    for name, text in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    errors = []
    for name in cases:
        with pytest.raises(LiaError) as ei:
            read_answers_version(tmp_path / name) if name == "num.json" else read_answers_file(tmp_path / name)
        errors.append(ei.value)
    with pytest.raises(LiaError) as ei:
        Workspace(tmp_path / "nowhere")
    errors.append(ei.value)
    for err in errors:
        assert err.code, f"no code: {err}"
        shown = translate_error(err, lang)
        body = render_code(err.code, err.params, lang)
        assert shown.endswith(body) and body != render_code(err.code, err.params, "en"), shown
        assert "⟦" not in shown


def test_several_problems_are_counted_with_the_languages_plural_rules() -> None:
    one = ValidationError([Problem("q1", "x")], source="a.yaml")
    two = ValidationError([Problem("q1", "x"), Problem("q2", "y")])
    assert str(one).startswith("a.yaml: 1 problem found:\n") and str(two).startswith("2 problems found:\n")
    assert translate_error(one, "nb").startswith("a.yaml: 1 problem funnet:\n")
    assert translate_error(two, "nb").startswith("2 problemer funnet:\n  - q1: x")
    assert plural_form(1, "sv") == "one" and plural_form(2, "sv") == plural_form(0, "nb") == "other"
    assert plural_form("3", "en") == "other" and plural_form("n/a", "en") == "other"


def test_dates_and_durations_come_from_cldr() -> None:
    day = dt.date(2026, 5, 3)
    assert [format_date(day, lang) for lang in LANGS] == ["3 May 2026", "3 maj 2026", "3. mai 2026"]
    assert format_date("2026-11-30", "nb") == "30. nov. 2026"
    assert [format_duration("P1Y6M", lang) for lang in LANGS] == ["1 year 6 months", "1 år 6 månader", "1 år 6 måneder"]
    assert render_code("errors.file_too_big", {"size": 2.5, "what": "x", "max": 1}, "sv").startswith("är 2,5 byte")


def test_a_message_is_its_english_text_everywhere_a_string_goes() -> None:
    m = Message("errors.file_empty", what=Message("errors.what_answers"))
    assert m == "is empty (expected a answers file)" and json.dumps([m]) == '["is empty (expected a answers file)"]'
    back = pickle.loads(pickle.dumps(m))
    assert (back.code, back.text("sv")) == ("errors.file_empty", "är tom (väntade en svarsfil)")
    assert translate(m, "nb") == "er tom (forventet en svarfil)"
    # a JSON cache keeps the code, so a page reading findings back still renders them in its language
    again = Message.from_data(json.loads(json.dumps(m.as_data())))
    assert (again, again.code, again.text("sv")) == (m, m.code, "är tom (väntade en svarsfil)")
    assert Message.from_data("plain English") == "plain English"


def test_answer_problems_read_in_the_readers_language() -> None:
    """A save refused on the wizard page lists its problems in the DPO's language, question texts included."""
    from lia.model import validate_answers
    from lia.questionnaire import load_questionnaires

    qset = load_questionnaires(ROOT / "templates")
    real = next(iter(qset.questions))
    problems = validate_answers(qset, {real[:-1]: "x"}, complete=True)
    err = ValidationError(problems, source="answers.yaml")
    assert all(getattr(p.message, "code", None) for p in problems)
    assert f"unknown question id; did you mean {real}" in str(err)
    sv, nb = translate_error(err, "sv"), translate_error(err, "nb")
    assert f"okänt fråge-id; menade du {real}" in sv and f"ukjent spørsmåls-id; mente du {real}" in nb
    missing = next(p for p in problems if p.kind == "missing")
    question = qset.get(missing.where).text
    assert f"{missing.where}: obligatoriskt svar saknas ({question['sv']})" in sv
    assert f"{missing.where}: obligatorisk svar mangler ({question['nb']})" in nb
    assert f"{missing.where}: required answer missing ({question['en']})" in str(err)
    assert sv.startswith(f"answers.yaml: {len(problems)} problem hittades:")


def test_a_missing_text_fails_in_tests_and_shows_a_marker_to_users(monkeypatch: pytest.MonkeyPatch) -> None:
    """One behaviour for every UI text and message code: a test fails; a page shows ⟦area.key⟧."""
    with pytest.raises(MissingText):
        t("dashboards", "no_such_text_anywhere")
    with pytest.raises(MissingText):
        lookup({"a": {"en": "A"}}, "reports", "b", "sv")
    assert lookup({"a": {"en": "A {n}", "sv": ""}}, "reports", "a", "sv", n=1) == "A 1"  # empty sv: English
    with pytest.raises(MissingText):
        Message("errors.no_such_code")
    with pytest.raises(MissingText):
        Message("errors.file_empty")  # its {what} not given
    monkeypatch.delenv("PYTEST_CURRENT_TEST", raising=False)
    monkeypatch.delenv("LIA_STRICT_TEXTS", raising=False)
    assert t("dashboards", "no_such_text_anywhere", "sv") == "⟦dashboards.no_such_text_anywhere⟧"
    assert str(Message("errors.no_such_code")) == "⟦errors.no_such_code⟧"
    assert missing_text("x.y") == "⟦x.y⟧"
    assert lookup({}, "reports", "b", "nb") == "⟦reports.b⟧"


def test_one_list_of_languages() -> None:
    """The languages are defined once (lia.i18n.LANGS); the rest import it."""
    literal = re.compile(r"""[\[(]\s*["']en["']\s*,\s*["']sv["']\s*,\s*["']nb["']\s*[\])]""")
    found = sorted(str(p.relative_to(ROOT)) for p in LIB.rglob("*.py") if literal.search(p.read_text(encoding="utf-8")))
    assert found == ["lib/lia/i18n.py"]


def test_the_command_line_speaks_english_or_its_lang(tmp_path: Path) -> None:
    from conftest import run_lia

    gone = tmp_path / "gone"
    r = run_lia("--home", str(gone), "show", "cc")
    assert r.returncode == 2 and r.stderr.startswith(f"lia: error: The workspace {gone} does not exist.")
    r = run_lia("--home", str(gone), "show", "cc", "--lang", "nb")
    assert r.returncode == 2 and r.stderr.startswith(f"lia: error: Arbeidsområdet {gone} finnes ikke.")


def test_verification_findings_can_be_codes_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """How lia.reports.signing / lia.reports.status convert: a finding written as Message("status.<key>", ...) reads the same
    in English (statements, JSON, the CLI) and is rendered on a page from its code, with no English matched."""
    stale = Message("status.newer_answers", head=3, n=2)
    problem = Message("status.signature_by", who="Karin Lindqvist (dpo)", problem=Message("status.untrusted_key"))
    assert stale == "newer answers version 3 (report has version 2)"
    assert problem == "signature by Karin Lindqvist (dpo): key is not in the trusted keys"

    assert translate(stale, "sv") == "nyare svarsversion 3 (rapporten bygger på version 2)"
    assert translate(problem, "nb") == "signatur av Karin Lindqvist (dpo): nøkkelen er ikke blant de betrodde nøklene"


def test_the_bootstrap_errors_are_the_catalogues_english() -> None:
    """An installed lia without its data still says, in English, what is missing and what to do."""
    from lia.i18n import catalogue
    from lia.messages import BOOTSTRAP
    from lia.paths import repo_root

    errors = catalogue("errors", repo_root() / "templates")
    for code, english in BOOTSTRAP.items():
        assert errors[code.split(".", 1)[1]]["en"] == english, code


@pytest.mark.parametrize("lang", ["sv", "nb"])
def test_limits_store_and_portfolio_errors_are_rendered_from_their_codes(lang: str, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 13 item 3: the errors of the training-period and access limits, the store and the portfolio reach a
    Swedish or Norwegian page from their code; no English is matched."""
    from lia.access.limits import AccessLimits
    from lia.errors import NotFoundError
    from lia.periods.limits import Limits
    from lia.store import Store
    from lia.workspace import Workspace

    bad = [(Limits, {"periods.training_periods": [{"group": "A", "start": "2025-03-10", "end": "2025-03-01"}]}),
           (Limits, {"periods.training_periods": "every monday"}),
           (AccessLimits, {"access.roles": [{"role": "QA", "people": 2}, {"role": "qa", "people": 1}]}),
           (AccessLimits, {"access.roles": [{"role": "QA", "people": -1}]}),
           (AccessLimits, {"purpose.purposes": "training"})]
    errors = []
    for cls, answers in bad:
        with pytest.raises(InputError) as ei:
            cls.from_answers(answers)
        errors.append(ei.value)
    (tmp_path / "ws").mkdir()
    with pytest.raises(NotFoundError) as ei:
        Store(Workspace(tmp_path / "ws")).load("nope")
    errors.append(ei.value)
    for err in errors:
        assert err.code and err.code.split(".")[1].startswith(("limits_", "store_")), err
        body = render_code(err.code, err.params, lang)
        assert translate_error(err, lang).endswith(body) and body != render_code(err.code, err.params, "en"), body
        assert "⟦" not in body
    assert str(errors[0]).endswith("ends (2025-03-01) before it starts (2025-03-10); expected end on or after start")


#: English of the reasons Python, the OS and the JSON reader give, that used to reach Swedish and Norwegian pages
_LIBRARY_ENGLISH = re.compile(r"Expecting|delimiter|Unterminated|Extra data|Invalid|No such file|Permission denied|"
                              r"Not a directory|codec|can't decode|invalid start byte|expected valid|is no longer")


@pytest.mark.parametrize("lang", ["sv", "nb"])
def test_a_damaged_version_file_reads_in_the_readers_language_inside_and_out(lang: str, tmp_path: Path) -> None:
    """Issue 13 item 3: store_bad_json carried the JSON reader's English as its {error}; now the place and the
    problem are codes, so a Swedish page says the whole thing in Swedish (the CLI's English is unchanged)."""
    from lia.errors import IntegrityError
    from lia.store import Store
    from lia.workspace import Workspace

    (tmp_path / "ws").mkdir()
    store = Store(Workspace(tmp_path / "ws"))
    store.create({"id": "cc", "title": "Call recording"}, author="T", message="m")
    path = store.version_path("cc", 1)
    shown = {}
    for name, raw in {"truncated": path.read_bytes()[:40], "not utf-8": b'{"a": "\xff"}', "extra": b"{} {}",
                      "comma": b'{"a": 1 "b": 2}'}.items():
        path.write_bytes(raw)
        with pytest.raises(IntegrityError) as ei:
            store.load("cc", 1)
        err = ei.value
        assert err.code == "errors.store_bad_json" and "no longer valid JSON" in str(err)
        shown[name] = translate_error(err, lang)
        assert not _LIBRARY_ENGLISH.findall(shown[name]), f"{name}: {shown[name]}"
        assert "⟦" not in shown[name]
    assert str(path) in shown["comma"] and ("rad 1, kolumn 9" if lang == "sv" else "linje 1, kolonne 9") in shown["comma"]
    assert ("avgränsaren ',' väntades" if lang == "sv" else "forventet skilletegnet ','") in shown["comma"]
    assert ("vid byte 7" if lang == "sv" else "ved byte 7") in shown["not utf-8"]


def test_the_json_readers_problems_are_codes_with_pythons_english(tmp_path: Path) -> None:
    from lia.loaders import _JSON_PROBLEMS, parse_json

    for text, english in {"": "Expecting value", "{1: 2}": "Expecting property name enclosed in double quotes",
                          '{"a" 1}': "Expecting ':' delimiter", "[1 2]": "Expecting ',' delimiter",
                          '"abc': "Unterminated string starting at", '"a\x01"': "Invalid control character at",
                          r'"\q"': "Invalid \\escape", r'"\u12"': "Invalid \\uXXXX escape", "1 2": "Extra data"}.items():
        with pytest.raises(InputError) as ei:
            parse_json(text, "f.json")
        problem = ei.value.params["problem"]
        assert str(problem) == english and problem.code == f"errors.{_JSON_PROBLEMS[english]}", text
        for lang in ("sv", "nb"):
            assert not _LIBRARY_ENGLISH.findall(translate_error(ei.value, lang)), translate_error(ei.value, lang)
    for key in _JSON_PROBLEMS.values():
        assert f"errors.{key}" in CODES and _names(_entry(f"errors.{key}")["en"]) == set()
    assert set(_JSON_PROBLEMS) == {_entry(f"errors.{k}")["en"] for k in _JSON_PROBLEMS.values()}


def test_why_the_system_refused_a_file_is_a_code(tmp_path: Path) -> None:
    """The OS's reason (strerror, English) inside file_unreadable, store_unreadable and logfolder_unlisted is a
    code for the usual errnos; a rare one keeps the system's text."""
    import errno

    from lia.errors import OS_REASONS, os_reason
    from lia.loaders import read_user_file

    (tmp_path / "plain.txt").write_text("x", encoding="utf-8")
    with pytest.raises(InputError) as ei:
        read_user_file(tmp_path / "plain.txt" / "inside.yaml")  # a file used as a folder: ENOTDIR
    err = ei.value
    assert str(err).endswith("cannot be read (Not a directory)") and err.params["reason"].code == "errors.os_not_a_folder"
    assert translate_error(err, "sv").endswith("kan inte läsas (är inte en mapp)")
    assert translate_error(err, "nb").endswith("kan ikke leses (er ikke en mappe)")
    assert os_reason(OSError(errno.EACCES, "Permission denied")).text("nb") == "tilgang nektet"
    assert os_reason(OSError(errno.EXDEV, "Invalid cross-device link")) == "Invalid cross-device link"
    for code, key in OS_REASONS.items():
        import os

        assert _entry(f"errors.{key}")["en"] == os.strerror(code) or code == errno.ENFILE, key


def test_a_coded_error_inside_another_message_keeps_its_language() -> None:
    """cannot_check (status) holds the error that stopped the check: rendered in the page's language, with its
    file and place, and it survives the portfolio's JSON cache."""
    err = InputError(Message("errors.file_empty", what=Message("errors.what_answers")), file="a.yaml",
                     where=Message("errors.where_line", line=1))
    finding = Message("status.cannot_check", error=err.whole)
    assert finding == f"cannot check whether the inputs are current: {err}"
    back = Message.from_data(json.loads(json.dumps(finding.as_data())))
    assert back.text("sv") == "kan inte kontrollera om underlaget är aktuellt: a.yaml, rad 1: är tom (väntade en svarsfil)"
    assert LiaError("plain words").whole == "plain words"


def test_the_stores_own_findings_are_codes(tmp_path: Path) -> None:
    """A malformed version file, a gap in the chain, a bad conflict file and an incomplete approval are codes: the
    CLI's English as before, a page's Swedish or Norwegian with no English inside."""
    from lia.errors import IntegrityError
    from lia.store import Store
    from lia.workspace import Workspace

    (tmp_path / "ws").mkdir()
    store = Store(Workspace(tmp_path / "ws"))
    store.create({"id": "cc", "title": "Call recording"}, author="T", message="m")
    store.save("cc", {}, author="T", message="v2")
    path = store.version_path("cc", 1)
    path.write_text('{"format": "x"}', encoding="utf-8")
    with pytest.raises(IntegrityError) as ei:
        store.load("cc", 1)
    assert str(ei.value).endswith("version 1 is not a well-formed version file: missing key(s) answers, assessment, "
                                  "author, digest, message, number, parent, questionnaires, time")
    assert translate_error(ei.value, "sv").endswith("version 1 är inte en korrekt versionsfil: answers, assessment, "
                                                    "author, digest, message, number, parent, questionnaires, time saknas")
    path.unlink()
    gap = [p for p in store.check() if p.kind == "chain"]
    assert gap and str(gap[0].message) == "cc: version 1 is missing (the next file is version 2)"
    assert translate(gap[0].message, "nb") == "cc: versjon 1 mangler (neste fil er versjon 2)"
    bad = tmp_path / "conflict.yaml"
    bad.write_text("answers: {}\nparent: -1\nassessment: {}\nmessage: m\n", encoding="utf-8")
    with pytest.raises(InputError) as ei:
        store.read_conflict(bad)
    assert str(ei.value).endswith("parent must be a version number (0 for none), got -1")
    assert translate_error(ei.value, "sv").endswith("parent måste vara ett versionsnummer (0 för ingen), fick -1")


def test_lia_check_names_an_altered_version_by_its_assessment_in_the_readers_language(tmp_path: Path) -> None:
    from lia.store import Store
    from lia.workspace import Workspace

    (tmp_path / "ws").mkdir()
    store = Store(Workspace(tmp_path / "ws"))
    store.create({"id": "cc", "title": "Call recording"}, author="T", message="m")
    store.version_path("cc", 1).write_text("{", encoding="utf-8")
    [problem] = store.check()
    assert problem.message.startswith("cc: version 1 is no longer valid JSON (") and problem.kind == "digest"
    assert translate(problem.message, "sv").startswith("cc: version 1 är inte längre giltig JSON (")
    assert "Expecting" not in translate(problem.message, "sv")


@pytest.mark.parametrize("text,english", [
    ("a: b: c", "mapping values are not allowed here"),
    ("a:\n  - x\n b: 1", "expected <block end>, but found '<block mapping start>'"),
    ("a: [1, 2", "expected ',' or ']', but got '<stream end>'"),
    ("a: {x: 1", "expected ',' or '}', but got '<stream end>'"),
    ("key: 'abc", "found unexpected end of stream"),
    ('a: "\\q"', "found unknown escape character 'q'"),
    ("a: 1\n@x", "found character '@' that cannot start any token"),
    ("[a, b]]", "expected '<document start>', but found ']'"),
    ("x: !!python/name:os.system", "could not determine a constructor for the tag "
                                   "'tag:yaml.org,2002:python/name:os.system'"),
])
def test_pyyamls_common_problems_are_codes_with_its_english(text: str, english: str) -> None:
    """A YAML slip in an answers file reads in Swedish or Norwegian; the CLI keeps PyYAML's words."""
    from lia.loaders import parse_yaml

    with pytest.raises(InputError) as ei:
        parse_yaml(text, "f.yaml")
    problem = ei.value.params["problem"]
    assert str(problem) == english and getattr(problem, "code", "").startswith("errors.yaml_")
    for lang in ("sv", "nb"):
        shown = translate_error(ei.value, lang)
        words = set(re.findall(r"[a-z]{4,}", _entry(problem.code)["en"])) - set(re.findall(r"[a-z]{4,}", _entry(problem.code)[lang]))
        left = [w for w in words if re.search(rf"\b{w}\b", re.sub(r"'[^']*'", "", shown))]
        assert not left, shown
