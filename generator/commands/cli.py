"""The `shiplog` command. The only place that prints errors and chooses the exit code.

Each command imports what it needs when it runs: `shiplog build` with nothing changed is answered
by Engine.up_to_date before jinja2, markdown-it-py, Pygments and YAML are loaded (a quarter second)."""
from __future__ import annotations

import argparse
import logging
import os
import sys
import signal
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from generator.engine import Engine, Options
from generator.incremental.store import SERVE_DIR

if TYPE_CHECKING:
    from generator.engine import BuildResult
    from generator.errors import SiteError

log = logging.getLogger(__name__)


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
    p.add_argument("--no-cache", action="store_true",
                   help="parse and render everything again (the result is the same, only slower)")
    p.add_argument("--no-search", action="store_true",
                   help="leave out the full-text index (pagefind/); the header's search then finds nothing")
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
    p = sub.add_parser("new", help="start a draft post: content/posts/<slug>.md")
    _common(p)
    p.add_argument("title", help="the post's title; the file name is made from it")
    p.add_argument("--project", help="the project card the post belongs to")
    p.add_argument("--target-words", type=int, help="planned length (default: drafts.target_words in site.yaml)")
    p = sub.add_parser("check", help="validate everything and list every problem; builds nothing")
    _common(p)
    p.add_argument("--strict", action="store_true", help="warnings fail too")
    p = sub.add_parser("status", help="drafts with progress, what is published, what has problems")
    _common(p)
    p = sub.add_parser("deploy", help="publish _site/ to a target in site.yaml (S3 + CloudFront, GitHub Pages)")
    _common(p)
    p.add_argument("--target", help="the target's name under deploy: in site.yaml (default: the first)")
    p.add_argument("--dry-run", action="store_true", help="print what would change; change nothing")
    p.add_argument("--yes", action="store_true", help="do not ask before changing anything")
    p.add_argument("--force", action="store_true", help="delete even past the target's max_deletes")
    return parser


def report(errors: list[SiteError], command: str = "build") -> None:
    for error in errors:
        print(str(error), file=sys.stderr)
    n = len(errors)
    tail = "; the previous output was left as it was" if command in ("build", "serve") else ""
    print(f"{n} error{'s' if n != 1 else ''}{tail}", file=sys.stderr)


def _summary_line(counts: dict[str, int], seconds: float, out: Path, note: str = "") -> str:
    return (f"built {counts['files']} files in {seconds:.2f}s -> {out}  "
            f"({counts['published']} published, {counts['in_progress']} in progress, "
            f"{counts['projects']} projects; {counts['rendered']} pages rendered, "
            f"{counts['reused']} unchanged{note})")


def _summary(result: BuildResult) -> str:
    return _summary_line(result.counts(), result.seconds, result.out)


def cmd_build(args: argparse.Namespace) -> int:
    start = time.monotonic()
    engine = Engine(args.root, args.out, Options(args.drafts, not args.no_proofs, not args.no_cache,
                                                     not args.no_search))
    last = engine.up_to_date()
    if last is not None:
        unchanged = {**last, "rendered": 0, "reused": last["rendered"] + last["reused"]}
        print(_summary_line(unchanged, time.monotonic() - start, engine.out, "; up to date"))
        return 0
    print(_summary(engine.build()))
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def cmd_serve(args: argparse.Namespace) -> int:
    from generator.errors import SiteError
    from generator.commands.serve import Reporter, serve

    def failed(errors: list[SiteError]) -> None:
        for error in errors:
            print(str(error), file=sys.stderr)
        n = len(errors)
        print(f"{n} error{'s' if n != 1 else ''}; still serving the last good site", file=sys.stderr, flush=True)

    reporter = Reporter(
        serving=lambda url: print(f"serving {url}  (Ctrl-C to stop)", flush=True),
        built=lambda result: print(_summary(result), flush=True),
        failed=failed)
    try:
        serve(args.root, reporter, host=args.host, port=args.port, out=args.out,
              drafts=args.drafts, proofs=not args.no_proofs)
    except KeyboardInterrupt:
        print("stopped", flush=True)
    except OSError as exc:
        raise SiteError(f"cannot serve on {args.host}:{args.port}: {exc.strerror or exc}",
                        hint="pick another --port, or stop the other server") from None
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from generator.commands.scaffold import new_post

    path = new_post(args.root, args.title, args.project, args.target_words)
    try:
        shown = path.relative_to(Path.cwd())
    except ValueError:
        shown = path
    print(shown)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from generator.commands.check import check_site

    problems = check_site(args.root)
    for problem in problems:
        print(problem)
    errors = sum(1 for p in problems if not p.warning)
    warnings = len(problems) - errors
    if problems:
        print(f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}")
    else:
        print("no problems found")
    return 1 if errors or (args.strict and warnings) else 0


def cmd_status(args: argparse.Namespace) -> int:
    from generator.commands.status import format_status, site_status

    unicode = (sys.stdout.encoding or "").lower().replace("-", "") == "utf8"
    print("\n".join(format_status(site_status(args.root), unicode=unicode)))
    return 0


def cmd_deploy(args: argparse.Namespace) -> int:
    from generator.commands.deploy import deploy

    return deploy(args.root, args.target, dry_run=args.dry_run, yes=args.yes, force=args.force)


COMMANDS = {"build": cmd_build, "serve": cmd_serve, "new": cmd_new, "check": cmd_check,
            "status": cmd_status, "deploy": cmd_deploy}


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.debug:
        # shiplog's own messages only: markdown-it-py logs every block rule it tries at DEBUG,
        # which made a --debug build of 10,000 posts four times slower and unreadable.
        logging.getLogger("generator").setLevel(logging.DEBUG)
    from generator.errors import BuildFailed, SiteError

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, _interrupt)  # stop the same clean way as Ctrl-C
    try:
        return COMMANDS[args.command](args)
    except BuildFailed as exc:
        if args.debug:
            raise
        report(exc.errors, args.command)
        return 1
    except SiteError as exc:
        if args.debug:
            raise
        report([exc], args.command)
        return 1
    except KeyboardInterrupt:
        from generator.proofs import stop_running
        stop_running()
        tail = "; the previous output was left as it was" if args.command == "build" else ""
        print(f"interrupted{tail}", file=sys.stderr)
        return 130


def run() -> None:
    """The `shiplog` command: main(), then leave without tearing down the heap.

    After a build of 10,000 posts, the interpreter's exit freed every record one by one: 0.3 s of
    a 12 s build, for nothing. Once main() returns, the output is written (or was left as it
    was), serve has stopped its threads (a rebuild still running writes only atomically), and
    the streams are flushed: nothing is left to clean up, so the process ends at once (as mypy's
    hard_exit does). Tests call main(), which returns."""
    code = main()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):   # a closed pipe (`shiplog status | head`): nothing to keep
            pass
    os._exit(code)


if __name__ == "__main__":
    run()
