"""`?version=` in the wizard's address: anything but a version number opens the latest version."""

from __future__ import annotations

from pathlib import Path

import pytest

from lia.store import Store


@pytest.mark.parametrize("raw", ["²", "٣", "9" * 5000, "-1", "1.5"])
def test_odd_version_in_the_query_opens_the_head_without_an_error(make_app, ws: Path, raw: str) -> None:
    Store(ws).create({"id": "cc-1", "title": "T"}, author="x", message="m", answers={"context.description": "hello"})
    a = make_app(author="")
    a.apply_request({"QUERY_STRING": f"assessment=cc-1&version={raw}"})
    assert a.state.assessment_id == "cc-1"
    assert "ValueError" not in a.notice.value
    assert a.blocks["context.description"].control.widget.value == "hello"
