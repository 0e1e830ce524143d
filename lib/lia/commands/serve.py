"""``lia serve``: the wizard and the other notebooks/ apps in Voila, on 127.0.0.1, preheated."""

from __future__ import annotations

import argparse
from typing import Any

from lia.serve import (DEFAULT_CULL_AFTER, DEFAULT_POOL_SIZE, DEFAULT_REFILL_DELAY,  # light: no Voila import
                       DEFAULT_WIZARD_POOL_SIZE)

HELP = "serve the wizard and dashboards in Voila (127.0.0.1, preheated kernels, no CDN)"

__all__ = ["HELP", "add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``lia serve``."""
    parser.add_argument("--port", type=int, default=8866, help="port to listen on (default 8866)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to bind (default 127.0.0.1; anything else exposes the workbench to the network)")
    tok = parser.add_mutually_exclusive_group()
    tok.add_argument("--token", default=None,
                     help="token required to open the pages (default: a random one, printed in the address)")
    tok.add_argument("--no-token", action="store_true", help="require no token (only behind a proxy that authenticates)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser")
    parser.add_argument("--i-know-this-is-public", dest="public_ok", action="store_true",
                        help="allow --host 0.0.0.0 (or ::) with --no-token: only behind a reverse proxy that "
                             "authenticates users (refused otherwise)")
    parser.add_argument("--pool-size", type=int, default=DEFAULT_POOL_SIZE,
                        help=f"preheated kernels kept ready for each page other than the wizard "
                             f"(default {DEFAULT_POOL_SIZE}; about 150-250 MB each)")
    parser.add_argument("--wizard-pool-size", type=int, default=DEFAULT_WIZARD_POOL_SIZE,
                        help=f"preheated kernels kept ready for the wizard, where '/' leads "
                             f"(default {DEFAULT_WIZARD_POOL_SIZE}; about 210 MB each, 120 MB with --lean-kernels)")
    parser.add_argument("--refill-delay", type=float, default=DEFAULT_REFILL_DELAY,
                        help=f"seconds between handing out a preheated kernel and starting its replacement "
                             f"(default {DEFAULT_REFILL_DELAY})")
    parser.add_argument("--lean-kernels", dest="lean", action="store_true",
                        help="preheated wizard kernels leave the chart libraries (about 90 MB each) until the page "
                             "draws its first chart, after it is interactive; less memory, the first chart later")
    parser.add_argument("--cull-after", type=int, default=DEFAULT_CULL_AFTER,
                        help=f"seconds a kernel may stay without a connected page before it is shut down "
                             f"(default {DEFAULT_CULL_AFTER}; 0 = never; a closed page releases its kernel at once)")
    parser.add_argument("--author-header", default="X-Forwarded-User",
                        help="request header a reverse proxy sets to the user's name; prefills the author "
                             "(default X-Forwarded-User; '' to ignore headers)")


def run(args: Any, ws: Any) -> int:
    """Start Voila and block until interrupted."""
    from lia.errors import LiaError, Message
    from lia.serve import ServeOptions, serve

    if not 1 <= int(args.port) <= 65535:
        raise LiaError(Message("errors.cli_bad_port", port=str(args.port)))

    for name in ("pool_size", "wizard_pool_size"):
        if int(getattr(args, name)) < 1:
            raise LiaError(Message("errors.cli_pool_size", option=name.replace("_", "-"), value=str(getattr(args, name))))
    if args.refill_delay < 0 or args.cull_after < 0:
        raise LiaError(Message("errors.cli_negative_seconds"))
    opts = ServeOptions(
        home=ws.home,
        port=args.port,
        host=args.host,
        token="" if args.no_token else args.token,
        open_browser=not args.no_browser,
        pool_size=args.pool_size,
        wizard_pool_size=args.wizard_pool_size,
        refill_delay=args.refill_delay,
        cull_after=args.cull_after,
        lean=bool(getattr(args, "lean", False)),
        public_ok=args.public_ok,
        author_header=args.author_header or None,
    )
    return serve(opts)
