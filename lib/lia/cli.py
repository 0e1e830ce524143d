"""The ``lia`` command line: it parses arguments, calls the library and turns errors into messages.

Commands live in :mod:`lia.commands`, one module each, and import what they need only when
they run, so ``lia --help`` and the store commands start fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Sequence

from . import __version__
from .commands import COMMANDS

__all__ = ["main", "build_parser"]

DESCRIPTION = """\
A workbench for legitimate-interest assessments (LIA) and DPIAs of recording,
transcribing and analysing contact-centre calls (GDPR, AI Act; Sweden, Norway).
"""

EPILOG = """\
The workspace (--home or LIA_HOME, default: the current folder) holds assessments/,
reports/ and keys/. Run `lia COMMAND --help` for a command's options.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lia",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--home", metavar="DIR", help="the workspace folder (default: $LIA_HOME or the current folder)")
    parser.add_argument("--version", action="version", version=f"lia {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    for name in COMMANDS:
        mod = importlib.import_module(f"lia.commands.{name}")
        p = sub.add_parser(
            name.replace("_", "-"),
            help=mod.HELP,
            description=getattr(mod, "DESCRIPTION", mod.HELP),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run, _needs_workspace=getattr(mod, "NEEDS_WORKSPACE", True))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    from .errors import LiaError, terminal_safe

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 0
    try:
        ws = None
        if args._needs_workspace:
            from .workspace import Workspace

            ws = Workspace(args.home)
        return int(args._run(args, ws) or 0)
    except LiaError as err:
        from .messages import translate_error

        # English, or the language a command was asked to speak (--lang): rendered from the error's code
        said = translate_error(err, getattr(args, "lang", None) or "en")
        print(f"lia: error: {terminal_safe(said)}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("lia: interrupted; nothing half-written was kept.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as err:  # noqa: BLE001 - the last line of defence: no tracebacks for users
        if os.environ.get("LIA_DEBUG"):
            raise
        print(
            f"lia: internal error: {type(err).__name__}: {terminal_safe(str(err))}\n"
            "This is a bug in lia, not in your files. Run again with LIA_DEBUG=1 to see the details and report them.",
            file=sys.stderr,
        )
        return 70
