"""The `shiplog` command. The only place that prints errors and chooses the exit code."""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from .build import build
from .errors import BuildFailed, SiteError


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", type=Path, default=Path("."), help="the site folder (holds site.yaml)")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="shiplog", description="Build an engineer's portfolio and build log.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("build", help="build the site into _site/")
    _common(p)
    p.add_argument("--drafts", action="store_true", help="also publish drafts as pages")
    p.add_argument("--out", type=Path, help="output folder (default: _site in the site folder)")
    p.add_argument("--no-proofs", action="store_true",
                   help="do not run project modules; use cached figures, marked when stale")
    return parser


def report(errors: list[SiteError]) -> None:
    for error in errors:
        print(str(error), file=sys.stderr)
    n = len(errors)
    print(f"{n} error{'s' if n != 1 else ''}; the previous output was left as it was", file=sys.stderr)


def cmd_build(args: argparse.Namespace) -> int:
    result = build(args.root, args.out, drafts=args.drafts, proofs=not args.no_proofs)
    site = result.site
    print(f"built {result.files} files in {result.seconds:.2f}s -> {result.out}  "
          f"({site.stats.published} published, {site.stats.in_progress} in progress, "
          f"{len(site.projects)} projects)")
    return 0


COMMANDS = {"build": cmd_build}


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return COMMANDS[args.command](args)
    except BuildFailed as exc:
        if args.debug:
            raise
        report(exc.errors)
        return 1
    except SiteError as exc:
        if args.debug:
            raise
        report([exc])
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
