"""Evidence of who listens: access-log import, checks against the declared access policy and the call log,
synthetic access logs, the access evidence attached to an assessment, and the access page (issue 16)."""

from __future__ import annotations

__all__ = ["analysis", "breaches", "limits", "log", "synth"]
