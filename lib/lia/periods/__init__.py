"""Recording periods: call-log import, analysis against the assessment's limits, synthetic logs, charts.

Submodules are imported on first use so that ``import lia.periods`` stays light
(numpy, pyarrow and pandas load only when a log is read or analysed).
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["Limits", "Breach", "CallLog", "read_call_log", "analyse", "PeriodReport", "generate", "SynthSpec",
           "Evidence", "attach", "load_evidence"]

_WHERE = {
    "Limits": "limits", "Breach": "breaches", "CallLog": "calllog", "read_call_log": "calllog",
    "analyse": "analysis", "PeriodReport": "analysis", "generate": "synth", "SynthSpec": "synth",
    "Evidence": "evidence", "attach": "evidence", "load_evidence": "evidence",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
