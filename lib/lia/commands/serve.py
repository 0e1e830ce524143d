"""``lia serve``: the wizard and the other notebooks/ apps in Voila, on 127.0.0.1, preheated."""

from __future__ import annotations

import argparse
from typing import Any

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
    parser.add_argument("--pool-size", type=int, default=1,
                        help="preheated kernels kept ready per notebook (default 1)")
    parser.add_argument("--refill-delay", type=float, default=5.0,
                        help="seconds before a used preheated kernel is replaced (default 5; the refill costs CPU "
                             "that would otherwise slow down the page just opened)")
    parser.add_argument("--author-header", default="X-Forwarded-User",
                        help="request header a reverse proxy sets to the user's name; prefills the author "
                             "(default X-Forwarded-User; '' to ignore headers)")


def run(args: Any, ws: Any) -> int:
    """Start Voila and block until interrupted."""
    from lia.serve import ServeOptions, serve

    if not 1 <= int(args.port) <= 65535:
        from lia.errors import LiaError

        raise LiaError(f"--port {args.port}: expected a port number between 1 and 65535")
    opts = ServeOptions(
        home=ws.home,
        port=args.port,
        host=args.host,
        token="" if args.no_token else args.token,
        open_browser=not args.no_browser,
        pool_size=args.pool_size,
        refill_delay=args.refill_delay,
        author_header=args.author_header or None,
    )
    return serve(opts)
