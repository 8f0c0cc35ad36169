"""`shiplog deploy`: publish the built site (_site/) to a target named in site.yaml."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from generator.errors import SiteError, did_you_mean
from generator.load.config import load_config
from generator.load.targets import PagesTarget, S3Target, Target

Say = Callable[[str], None]
Ask = Callable[[str], str]

_EXAMPLE = "add one, e.g.\n    deploy:\n      production:\n        s3: my-site-bucket\n        cloudfront: E2QWRUHAPOMQZL"


def pick_target(targets: tuple[Target, ...], name: str | None) -> Target:
    """The target called `name`, or the first one listed."""
    if not targets:
        raise SiteError("no deploy targets: add a 'deploy:' section", "site.yaml", hint=_EXAMPLE)
    if name is None:
        return targets[0]
    for target in targets:
        if target.name == name:
            return target
    names = [t.name for t in targets]
    raise SiteError(f"no deploy target '{name}'", "site.yaml",
                    hint=did_you_mean(name, names) or f"targets: {', '.join(names)}")


def built_site(root: Path) -> Path:
    folder = root / "_site"
    if not (folder / "index.html").is_file():
        raise SiteError("nothing to deploy: _site/ holds no built site", "_site",
                        hint="run `shiplog build` first")
    return folder


def confirmed(ask: Ask, question: str) -> bool:
    try:
        return ask(f"{question} [y/N] ").strip().lower() in ("y", "yes")
    except EOFError:
        return False


def deploy(root: Path, name: str | None = None, *, dry_run: bool = False, yes: bool = False,
           force: bool = False, say: Say = print, ask: Ask = input) -> int:
    """Plan, show, confirm, apply. Returns the exit code; user errors raise SiteError."""
    root = root.resolve()
    target = pick_target(load_config(root).deploy, name)
    folder = built_site(root)
    if isinstance(target, S3Target):
        return _deploy_s3(target, folder, dry_run, yes, force, say, ask)
    return _deploy_pages(target, root, folder, dry_run, yes, say, ask)


def _deploy_s3(target: S3Target, folder: Path, dry_run: bool, yes: bool, force: bool,
               say: Say, ask: Ask) -> int:
    from generator.deploy.files import scan
    from generator.deploy.plan import describe, invalidation_paths, make_plan, summary
    from generator.deploy.s3 import S3Site

    bucket = S3Site(target)
    plan = make_plan(scan(folder, target.cache), bucket.remote())
    cdn = f" behind CloudFront {target.distribution}" if target.distribution else ""
    say(f"deploy _site/ to s3://{target.bucket}{cdn} (target '{target.name}')")
    if plan.empty:
        say(f"nothing to do: all {plan.unchanged:,} files are up to date")
        return 0
    for line in describe(plan):
        say(line)
    if len(plan.deletions) > target.max_deletes and not force:
        raise SiteError(f"the plan deletes {len(plan.deletions):,} objects, more than max_deletes "
                        f"({target.max_deletes})", "site.yaml", target.line,
                        "check that _site/ is the whole site; pass --force to delete them anyway")
    if dry_run:
        say("dry run: nothing was changed")
        return 0
    if not yes and not confirmed(ask, "deploy?"):
        say("not confirmed: nothing was changed")
        return 1
    bucket.apply(plan)
    say(f"done: {summary(plan)} ({bucket.requests:,} requests)")
    if bucket.cloudfront is not None:
        paths = invalidation_paths(plan, target.invalidate_paths)
        if paths:
            ident = bucket.invalidate(paths)
            shown = paths[0] if paths == ["/*"] else f"{len(paths)} paths"
            say(f"CloudFront invalidation {ident}: {shown}")
    return 0


def _deploy_pages(target: PagesTarget, root: Path, folder: Path, dry_run: bool, yes: bool,
                  say: Say, ask: Ask) -> int:
    from generator.deploy.pages import PagesBranch

    with PagesBranch(target, root) as branch:
        say(f"deploy _site/ to branch {target.branch} of {branch.remote} (target '{target.name}')")
        changes = branch.stage(folder)
        if not changes:
            say("nothing to do: the branch already holds this site")
            return 0
        for line in changes:
            say("  " + line)
        say(f"{len(changes):,} file{'s' if len(changes) != 1 else ''} changed")
        if dry_run:
            say("dry run: nothing was changed")
            return 0
        if not yes and not confirmed(ask, "commit and push?"):
            say("not confirmed: nothing was changed")
            return 1
        commit = branch.push()
        say(f"done: pushed {commit[:12]} to {target.branch}")
    return 0
