"""The commands of ``lia``, one module each.

Each module defines ``HELP`` (one line), ``add_arguments(parser)`` and
``run(args, ws) -> int``; it imports heavy libraries only inside ``run``. Add a
command by adding its module name here.
"""

from __future__ import annotations

__all__ = ["COMMANDS"]

COMMANDS: list[str] = [
    "new",
    "save",
    "show",
    "history",
    "diff",
    "validate",
    "check",
    "example",
    "evaluate",
    "periods",
    "access",
    "serve",
    "render",
    "status",
    "keys",
    "sign",
    "verify",
]
