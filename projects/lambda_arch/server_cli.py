"""The `serve` and `token` subcommands."""
from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from .api import Api, make_server
from .auth import KeySet, Verifier, mint
from .pipeline import MANIFEST, run

CACHE = Path(os.environ.get("XDG_CACHE_HOME", "~/.cache")).expanduser() / "lambda_arch"


def _keys_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--keys", type=Path, default=CACHE / "keys",
                   help=f"directory of the local signing key + JWKS, created on first use (default {CACHE / 'keys'})")


def _serve(argv: list[str]) -> int:
    from .cli import add_workload_args, check_workload, config_from

    p = argparse.ArgumentParser(prog="python -m projects.lambda_arch serve",
                                description="Serve the merged metrics as JSON (/api/metrics, bearer JWT) and a "
                                            "dashboard page (/) on 127.0.0.1. If --data holds no run yet, one is "
                                            "made first with the workload options below.")
    p.add_argument("--data", type=Path, default=CACHE / "data", help=f"run directory (default {CACHE / 'data'})")
    p.add_argument("--port", type=int, default=8008, help="port on 127.0.0.1; 0 picks a free one (default 8008)")
    _keys_arg(p)
    add_workload_args(p, events=50_000)
    args = p.parse_args(argv)
    check_workload(p, args)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    if not (args.data / MANIFEST).exists():
        args.data.mkdir(parents=True, exist_ok=True)
        logging.info("no run in %s yet; making one with %d events", args.data, args.events)
        run(config_from(args, args.data, checks=2))
    keys = KeySet.load_or_create(args.keys)
    server = make_server(Api(args.data, Verifier(keys.jwks), keys.jwks), args.port)
    print(f"serving http://127.0.0.1:{server.server_address[1]}/ (data {args.data}, keys {args.keys})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def _token(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m projects.lambda_arch token",
                                description="Print a development access token (RS256, Cognito-shaped claims) "
                                            "signed with the local key set that `serve` trusts.")
    _keys_arg(p)
    p.add_argument("--sub", default="dev-user", help="subject / username claim (default dev-user)")
    p.add_argument("--ttl", type=int, default=3600, help="seconds until it expires (default 3600)")
    args = p.parse_args(argv)
    print(mint(KeySet.load_or_create(args.keys), subject=args.sub, ttl_s=args.ttl))
    return 0


def main(command: str, argv: list[str]) -> int:
    return _serve(argv) if command == "serve" else _token(argv)
