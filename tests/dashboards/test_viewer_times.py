"""The report viewer writes signing times as people read them: local time with its zone, in the page's language."""

from __future__ import annotations

from pathlib import Path

import pytest

from lia.pages.viewer import ViewerPage

from .conftest import new_assessment
from .fakes import make_report


@pytest.mark.parametrize(("lang", "shown"), [("en", "2 Jan 2026 11:00 CET"), ("sv", "2 jan. 2026 11:00 CET"),
                                             ("nb", "2. jan. 2026 kl. 11:00 CET")])
def test_signing_time_is_local_with_its_zone(ws: Path, mini: Path, fake, monkeypatch: pytest.MonkeyPatch,
                                             lang: str, shown: str) -> None:
    import time

    monkeypatch.setenv("TZ", "Europe/Stockholm")
    time.tzset()
    try:
        v = new_assessment(ws, "cc")
        make_report(ws, "cc", v.number, v.digest)  # signed 2026-01-02T10:00:00Z (the fake's signers)
        page = ViewerPage(ws, sources=fake)
        page.apply_request({"QUERY_STRING": f"assessment=cc&lang={lang}"})
        assert shown in page.signature.value
        assert "2026-01-02 10:00" not in page.signature.value
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
