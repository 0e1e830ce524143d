"""Files users give are read safely: regular files only, sizes enforced, nothing of their content echoed.

Issue 12, items 17, 18 and 21: /dev/zero as an answers, evidence, key or passphrase file grew
past 6 GB; a FIFO hung; a symlinked answers file printed every line of its target; a file name
with a terminal escape was printed raw; a million unknown keys made an 86 MB message; a 5,000
character --tz crashed.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from conftest import MINI_TEMPLATES, run_lia
from lia.errors import MAX_LISTED, InputError, Message, Problem, ValidationError, excerpt
from lia.loaders import load_data_file, open_user_file, read_user_file

SECRET = "root:$y$j9T$abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ:19000:0:99999:7:::"


def _in_time(fn, seconds: float = 10.0):
    """Run fn in a thread; fail (instead of hanging the suite) when it blocks."""
    box: dict = {}

    def go() -> None:
        try:
            box["value"] = fn()
        except BaseException as err:  # noqa: BLE001 - handed to the test
            box["error"] = err

    t = threading.Thread(target=go, daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), "reading blocked"
    if "error" in box:
        raise box["error"]
    return box.get("value")


@pytest.mark.parametrize("what", ["answers file", "evidence file", "private key file"])
def test_dev_zero_is_refused_unread(what: str) -> None:
    with pytest.raises(InputError, match="not a regular file") as err:
        _in_time(lambda: read_user_file("/dev/zero", what=what))
    assert "/dev/zero" in str(err.value) and what in str(err.value)


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "answers.yaml"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        _in_time(lambda: load_data_file(fifo, what="answers file"))
    with pytest.raises(InputError, match="not a regular file"):
        _in_time(lambda: open_user_file(fifo, what="call log"))


def test_the_limit_holds_while_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that says it is small but yields more (it grows while read) is cut off at the limit."""
    import lia.loaders as loaders

    f = tmp_path / "grows.yaml"
    f.write_bytes(b"a: 1\n" * 1000)
    real = os.fstat

    class Small:
        def __init__(self, st: os.stat_result) -> None:
            self.st_mode, self.st_size = st.st_mode, 10

    monkeypatch.setattr(loaders.os, "fstat", lambda fd: Small(real(fd)))
    with pytest.raises(InputError, match="more than 100 bytes"):
        read_user_file(f, what="answers file", max_bytes=100)


def test_passphrase_and_evidence_devices_are_refused(tmp_path: Path) -> None:
    from lia.periods.evidence import read_evidence
    from lia.reports.keys import read_passphrase

    with pytest.raises(InputError, match="not a regular file"):
        _in_time(lambda: read_passphrase(file="/dev/zero"))
    with pytest.raises(InputError, match="not a regular file"):
        _in_time(lambda: read_evidence("/dev/zero"))


def test_a_call_log_fifo_is_refused(tmp_path: Path) -> None:
    from lia.periods.calllog import read_call_log

    fifo = tmp_path / "calls.csv"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        _in_time(lambda: read_call_log(fifo))


def test_excerpt_escapes_and_cuts() -> None:
    assert excerpt("a\nb\x1b[31m") == "a\\nb\\x1b[31m"
    long = excerpt(SECRET)
    assert long.endswith(f"... ({len(SECRET)} characters)") and SECRET not in long


def test_file_names_with_line_breaks_and_terminal_escapes_are_printed_escaped(tmp_path: Path) -> None:
    bad = tmp_path / "evil\n\x1b[2Jname.yaml"
    bad.write_text("[1, 2]\n")
    with pytest.raises(InputError) as err:
        from lia.answers_file import read_answers_file

        read_answers_file(bad)
    msg = str(err.value)
    assert "\x1b" not in msg and "\n" not in msg
    assert "evil\\n\\x1b[2Jname.yaml" in msg


def test_a_million_unknown_keys_give_a_short_message() -> None:
    problems = [Problem(f"k{i}", "unknown question id", "unknown") for i in range(1_000_000)]
    msg = str(ValidationError(problems, source="a.yaml"))
    assert len(msg) < 10_000
    assert f"and {1_000_000 - MAX_LISTED} more" in msg and "1000000 problems found" in msg


def test_validate_of_a_symlink_to_a_secret_quotes_only_short_escaped_excerpts(tmp_path: Path) -> None:
    secret = tmp_path / "shadow"
    secret.write_text(SECRET + "\n" + "daemon:*:19000:0:99999:7:::\n")
    link = tmp_path / "a.yaml"
    link.symlink_to(secret)
    r = run_lia("validate", str(link), env={"LIA_TEMPLATES": str(MINI_TEMPLATES), "LIA_HOME": str(tmp_path)})
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert SECRET not in r.stderr and SECRET[:60] not in r.stderr
    assert "unknown question id" in r.stderr


def test_validate_of_dev_zero_fails_at_once() -> None:
    r = run_lia("validate", "/dev/zero", timeout=60)
    assert r.returncode == 2 and "not a regular file" in r.stderr and "Traceback" not in r.stderr


def test_validate_of_many_unknown_keys_is_capped(tmp_path: Path) -> None:
    f = tmp_path / "many.yaml"
    f.write_text("".join(f"x{i}: 1\n" for i in range(20_000)))
    r = run_lia("validate", str(f), "--draft", env={"LIA_TEMPLATES": str(MINI_TEMPLATES), "LIA_HOME": str(tmp_path)})
    assert r.returncode == 2
    assert len(r.stderr) < 20_000 and f"and {20_000 - MAX_LISTED} more" in r.stderr


def test_refusals_read_in_swedish_and_norwegian() -> None:
    from lia.messages import translate_error

    # what the file should be is a code too (lia.answers_file passes it so), rendered in the reader's language
    err = _in_time(lambda: pytest.raises(InputError, read_user_file, "/dev/zero", what=Message("errors.what_answers")).value)
    assert str(err) == "/dev/zero: is not a regular file (a device, pipe or socket); expected a answers file"
    assert translate_error(err, "sv") == "/dev/zero: är ingen vanlig fil (en enhet, en pipe eller en socket); väntade en svarsfil"
    assert translate_error(err, "nb").endswith("forventet en svarfil")
    many = ValidationError([Problem(f"k{i}", "x") for i in range(60)], source="a.yaml")
    assert "  - og 10 til" in translate_error(many, "nb")
    assert translate_error(many, "sv").startswith("a.yaml: 60 problem hittades:\n")


def test_the_command_line_never_prints_terminal_escapes(monkeypatch: pytest.MonkeyPatch, capsys, tmp_path: Path) -> None:
    """Whatever reaches a message (a file name in a signing error, a value), the terminal gets it escaped."""
    import lia.commands.check as check
    from lia.cli import main
    from lia.errors import LiaError

    def boom(args, ws):
        raise LiaError("keys/\x1b]0;pwned\x07me.key: cannot decrypt\nsecond line")

    monkeypatch.setattr(check, "run", boom)
    assert main(["--home", str(tmp_path), "check"]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err
    assert "keys/\\x1b]0;pwned\\x07me.key: cannot decrypt\nsecond line" in err


def test_the_shown_unknown_ids_keep_their_did_you_mean_hint() -> None:
    """Hints are computed only for the ids a message shows (a million took minutes); those keep them."""
    from lia.model import validate_answers
    from lia.questionnaire import load_questionnaires

    qset = load_questionnaires(MINI_TEMPLATES)
    problems = validate_answers(qset, {"basics.purpos": 1, **{f"k{i}": 1 for i in range(100)}})
    assert "did you mean basics.purpose" in problems[0].message
