"""The `shiplog` command. The only place that prints errors and chooses the exit code."""
from __future__ import annotations

import argparse
import logging
import signal
import sys
from pathlib import Path

from .build import BuildResult, build
from .errors import BuildFailed, SiteError
from .serve import SERVE_DIR, Reporter, serve


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
    p = sub.add_parser("serve", help="build, serve on 127.0.0.1, rebuild and reload on every change")
    _common(p)
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8000, help="port (0 picks a free one)")
    p.add_argument("--drafts", dest="drafts", action="store_true", default=True,
                   help="show drafts as pages, marked as drafts (the default)")
    p.add_argument("--no-drafts", dest="drafts", action="store_false", help="hide drafts, as a build does")
    p.add_argument("--out", type=Path, help=f"output folder (default: {SERVE_DIR} in the site folder)")
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
    print(_summary(result))
    return 0


def _summary(result: BuildResult) -> str:
    site = result.site
    return (f"built {result.files} files in {result.seconds:.2f}s -> {result.out}  "
            f"({site.stats.published} published, {site.stats.in_progress} in progress, "
            f"{len(site.projects)} projects)")


def cmd_serve(args: argparse.Namespace) -> int:
    def failed(errors: list[SiteError]) -> None:
        for error in errors:
            print(str(error), file=sys.stderr)
        n = len(errors)
        print(f"{n} error{'s' if n != 1 else ''}; still serving the last good site", file=sys.stderr, flush=True)

    reporter = Reporter(
        serving=lambda url: print(f"serving {url}  (Ctrl-C to stop)", flush=True),
        built=lambda result: print(_summary(result), flush=True),
        failed=failed)
    # SIGTERM stops the server the same clean way as Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        serve(args.root, reporter, host=args.host, port=args.port, out=args.out,
              drafts=args.drafts, proofs=not args.no_proofs)
    except KeyboardInterrupt:
        print("stopped", flush=True)
    except OSError as exc:
        raise SiteError(f"cannot serve on {args.host}:{args.port}: {exc.strerror or exc}",
                        hint="pick another --port, or stop the other server") from None
    return 0


COMMANDS = {"build": cmd_build, "serve": cmd_serve}


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
