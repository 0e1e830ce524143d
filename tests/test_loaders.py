"""The strict loader of user files: YAML and JSON with file and line in every error."""

from __future__ import annotations

from pathlib import Path

import pytest

from lia.errors import InputError
from lia.loaders import load_data_file, parse_json, parse_yaml


def test_yaml_keeps_yes_no_and_dates_as_text() -> None:
    data = parse_yaml("verdict: no\nother: yes\nflag: true\nday: 2026-05-01\nn: 3\n")
    assert data == {"verdict": "no", "other": "yes", "flag": True, "day": "2026-05-01", "n": 3}


@pytest.mark.parametrize(
    "text, line, words",
    [
        ("a: 1\nb: [1, 2\n", 3, "expected"),
        ("a: 1\na: 2\n", 2, "given twice"),
        ("base: &b {x: 1}\nother: *b\n", 1, "anchors"),
        ("a:\n  - 1\n - 2\n", 3, "expected"),
    ],
)
def test_yaml_errors_name_the_line(text: str, line: int, words: str) -> None:
    with pytest.raises(InputError) as err:
        parse_yaml(text, "answers.yaml")
    msg = str(err.value)
    assert msg.startswith("answers.yaml, line ")
    assert f"line {line}" in msg
    assert words in msg


def test_billion_laughs_is_refused_before_expansion() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b]\n"
    with pytest.raises(InputError, match="not accepted"):
        parse_yaml(bomb, "bomb.yaml")


def test_json_errors_name_line_and_column() -> None:
    with pytest.raises(InputError) as err:
        parse_json('{\n  "a": 1,\n  "b": \n}', "a.json")
    assert "a.json, line 4, column 1" in str(err.value)
    with pytest.raises(InputError, match="given twice"):
        parse_json('{"a": 1, "a": 2}', "a.json")
    with pytest.raises(InputError, match="NaN is not a JSON number"):
        parse_json('{"a": NaN}', "a.json")


@pytest.mark.parametrize(
    "content, words",
    [
        (b"", "is empty"),
        (b"   \n\n", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        (b"a: caf\xe9\n", "not UTF-8"),
    ],
)
def test_bad_files_are_named(tmp_path: Path, content: bytes, words: str) -> None:
    p = tmp_path / "answers.yaml"
    p.write_bytes(content)
    with pytest.raises(InputError) as err:
        load_data_file(p, what="answers file")
    assert str(p) in str(err.value)
    assert words in str(err.value)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_data_file(tmp_path / "nope.yaml")
    with pytest.raises(InputError, match="is a folder"):
        load_data_file(tmp_path)
