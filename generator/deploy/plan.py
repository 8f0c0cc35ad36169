"""What a deploy will do: the built files against what the host holds. Pure: no IO here."""
from __future__ import annotations

from dataclasses import dataclass

from generator.deploy.files import SiteFile


@dataclass(frozen=True, slots=True)
class Remote:
    """One object the host holds, as far as a deploy compares it."""

    sha256: str
    """The SHA-256 of its bytes from its metadata; empty if it has none (not put there by shiplog)."""
    content_type: str
    cache_control: str


@dataclass(frozen=True, slots=True)
class Plan:
    uploads: tuple[SiteFile, ...]
    """New files, assets before pages: a page never links to an asset not yet uploaded."""
    updates: tuple[SiteFile, ...]
    """Changed files (bytes or headers), in the same order."""
    deletions: tuple[str, ...]
    """Keys the site no longer has; removed last, once no new page links to them."""
    unchanged: int

    @property
    def sends(self) -> tuple[SiteFile, ...]:
        """Everything to upload, assets first, then HTML."""
        return tuple(sorted(self.uploads + self.updates, key=lambda f: (f.is_html, f.key)))

    @property
    def bytes(self) -> int:
        return sum(f.size for f in self.uploads + self.updates)

    @property
    def empty(self) -> bool:
        return not (self.uploads or self.updates or self.deletions)


def make_plan(local: dict[str, SiteFile], remote: dict[str, Remote]) -> Plan:
    """Upload what is new, update what differs in bytes or headers, delete what is gone."""
    uploads, updates, unchanged = [], [], 0
    for key, f in local.items():
        held = remote.get(key)
        if held is None:
            uploads.append(f)
        elif held != Remote(f.sha256, f.content_type, f.cache_control):
            updates.append(f)
        else:
            unchanged += 1
    order = lambda f: (f.is_html, f.key)  # noqa: E731
    return Plan(tuple(sorted(uploads, key=order)), tuple(sorted(updates, key=order)),
                tuple(sorted(set(remote) - set(local))), unchanged)


def invalidation_paths(plan: Plan, limit: int) -> list[str]:
    """The URLs a CDN may hold stale: updated and deleted files (a new file was never cached,
    but for a short-lived 404). A page is invalidated as /x/ and as /x/index.html. Past `limit`
    paths, one wildcard: CloudFront bills per path, and /* counts as one."""
    paths: list[str] = []
    for key in [f.key for f in plan.updates] + list(plan.deletions):
        paths.append("/" + key)
        if key == "index.html" or key.endswith("/index.html"):
            paths.append("/" + key[: -len("index.html")])
    return ["/*"] if len(paths) > limit else sorted(paths)


def human_bytes(n: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000  # type: ignore[assignment]
    return f"{n} B"


def describe(plan: Plan) -> list[str]:
    """The plan as lines for a person: each change, then the totals."""
    lines = [f"  upload  {f.key}  ({human_bytes(f.size)})" for f in plan.uploads]
    lines += [f"  update  {f.key}  ({human_bytes(f.size)})" for f in plan.updates]
    lines += [f"  delete  {key}" for key in plan.deletions]
    lines.append(summary(plan))
    return lines


def summary(plan: Plan) -> str:
    def n(count: int, word: str) -> str:
        return f"{count:,} {word}{'s' if count != 1 else ''}"
    return (f"{n(len(plan.uploads), 'upload')}, {n(len(plan.updates), 'update')}, "
            f"{n(len(plan.deletions), 'deletion')}, {human_bytes(plan.bytes)} to send; "
            f"{plan.unchanged:,} unchanged")
