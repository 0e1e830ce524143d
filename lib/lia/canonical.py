"""RFC 8785 canonical JSON and the ``sha256:`` digests built on it."""

from __future__ import annotations

import hashlib
import json
from typing import Any

__all__ = ["canonical_json", "digest_bytes", "digest_obj", "pretty_json"]


def canonical_json(obj: Any) -> bytes:
    """Return the RFC 8785 (JSON Canonicalization Scheme) bytes of ``obj``."""
    import rfc8785

    return rfc8785.dumps(obj)


def digest_bytes(data: bytes) -> str:
    """``sha256:<hex>`` of raw bytes."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def digest_obj(obj: Any) -> str:
    """``sha256:<hex>`` of the canonical JSON of ``obj``."""
    return digest_bytes(canonical_json(obj))


def pretty_json(obj: Any) -> str:
    """Stable, diff-friendly JSON text: sorted keys, two-space indent, UTF-8, final newline."""
    return json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True, allow_nan=False) + "\n"
