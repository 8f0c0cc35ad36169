"""A GitHub Pages branch as a deploy target: the whole built site as one commit on top of the
branch's history, with .nojekyll (so folders starting with _ are served) and CNAME, pushed.

The work happens in a temporary clone of that one branch, so the author's own checkout, index
and stash are never touched."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType

from generator.errors import SiteError
from generator.load.targets import PagesTarget

_STATUS = {"A": "add", "M": "update", "D": "delete", "T": "update"}


class PagesBranch:
    """One deploy to the branch of a target: stage() the site, then push()."""

    def __init__(self, target: PagesTarget, root: Path) -> None:
        self.target = target
        self.root = root
        self.remote = self._remote_url()
        self.work = Path(tempfile.mkdtemp(prefix="shiplog-pages-"))

    def __enter__(self) -> PagesBranch:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        shutil.rmtree(self.work, ignore_errors=True)

    def _git(self, *args: str, cwd: Path | None = None, doing: str = "") -> str:
        proc = subprocess.run(["git", *args], cwd=cwd or self.work, capture_output=True, text=True)
        if proc.returncode != 0:
            said = (proc.stderr.strip() or proc.stdout.strip()).splitlines()[-3:]
            raise SiteError(f"git failed while {doing or args[0]}: " + " / ".join(said),
                            "site.yaml", self.target.line)
        return proc.stdout

    def _remote_url(self) -> str:
        """`pages:` names a remote of the site's repository (origin) or is a URL or path itself."""
        proc = subprocess.run(["git", "remote", "get-url", self.target.remote], cwd=self.root,
                              capture_output=True, text=True)
        if proc.returncode == 0:
            return proc.stdout.strip()
        local = self.root / self.target.remote
        if "://" not in self.target.remote and ":" not in self.target.remote and not local.exists():
            raise SiteError(f"'{self.target.remote}' is neither a git remote of this site nor a "
                            "repository URL or path", "site.yaml", self.target.line,
                            "name a remote (origin) or give a URL, e.g. git@github.com:me/me.github.io.git")
        return str(local.resolve()) if local.exists() else self.target.remote

    def stage(self, site: Path) -> list[str]:
        """Check out the branch (or start it), lay the site over it; the changes, as lines."""
        branch = self.target.branch
        self._git("init", "-q", doing="preparing a scratch repository")
        heads = self._git("ls-remote", "--heads", self.remote, branch, doing=f"reaching {self.remote}")
        if heads.strip():
            self._git("fetch", "-q", self.remote, f"refs/heads/{branch}", doing=f"fetching {branch}")
            self._git("checkout", "-q", "-B", branch, "FETCH_HEAD", doing=f"checking out {branch}")
        else:
            self._git("checkout", "-q", "--orphan", branch, doing=f"starting {branch}")
        for path in self.work.iterdir():
            if path.name != ".git":
                shutil.rmtree(path) if path.is_dir() else path.unlink()
        shutil.copytree(site, self.work, dirs_exist_ok=True)
        (self.work / ".nojekyll").write_text("")
        if self.target.cname:
            (self.work / "CNAME").write_text(self.target.cname + "\n")
        self._git("add", "-A", doing="staging the site")
        status = self._git("diff", "--cached", "--name-status", "--no-renames", doing="comparing")
        return [f"{_STATUS.get(line[0], line[0])}  {line.split(chr(9), 1)[1]}"
                for line in status.splitlines() if line]

    def push(self) -> str:
        """Commit what stage() laid out and push it; returns the new commit's hash."""
        source = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=self.root,
                                capture_output=True, text=True)
        made_from = f" from {source.stdout.strip()}" if source.returncode == 0 else ""
        self._git("commit", "-q", "-m", f"Publish the site{made_from} (shiplog deploy)",
                  doing="committing the site")
        self._git("push", "-q", self.remote, f"HEAD:refs/heads/{self.target.branch}",
                  doing=f"pushing to {self.remote}")
        return self._git("rev-parse", "HEAD").strip()
