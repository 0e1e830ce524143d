"""The house rules of lib/lia that issue 13 set, checked on every run.

No module is over 600 lines (a module that long does several jobs; split it along its seams),
and each concept has one home: one ISO 8601 duration grammar, one risk-level list, one
atomic write, one vl-convert call site and one language list.
"""

from __future__ import annotations

import re
from pathlib import Path

LIB = Path(__file__).resolve().parents[1] / "lib" / "lia"
MAX_LINES = 600


def _modules() -> list[Path]:
    return sorted(p for p in LIB.rglob("*.py") if "__pycache__" not in p.parts)


def _where(pattern: str) -> list[str]:
    rx = re.compile(pattern)
    return [f"{p.relative_to(LIB)}:{i}" for p in _modules()
            for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
            if rx.search(line) and not line.lstrip().startswith("#")]


def test_no_module_is_over_600_lines():
    long = {str(p.relative_to(LIB)): n for p in _modules()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}, f"split these along their seams: {long}"


def test_one_duration_grammar():
    # a regex with a years or days field, (\d+)Y or \d+D, is an ISO 8601 duration grammar
    assert {w.split(":")[0] for w in _where(r"\\d\+\)?[YD]")} == {"duration.py"}


def test_one_risk_level_list():
    assert [w.split(":")[0] for w in _where(r"^RISK_LEVELS\b.*=")] == ["levels.py"]


def test_one_atomic_write():
    assert [w.split(":")[0] for w in _where(r"\bos\.replace\(")] in (["fsio.py"], ["fsio.py", "reports/keylog.py"])


def test_one_vl_convert_call_site():
    assert {w.split(":")[0] for w in _where(r"import vl_convert|vl_convert\.")} == {"charts_svg.py"}


def test_one_language_list():
    assert [w.split(":")[0] for w in _where(r"^LANGS\b.*=")] == ["i18n.py"]
    assert _where(r"""\(\s*["']en["'],\s*["']sv["'],\s*["']nb["']\s*\)""") == ["i18n.py:26"]
