"""The `deploy:` section of site.yaml -> publishing targets, validated like every other key.

    deploy:
      production:              # a target's name, for `shiplog deploy --target production`
        s3: my-site-bucket     # or   pages: origin   (a git remote name or URL)
        ...

The first target listed is the one `shiplog deploy` uses without --target.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from generator.load.fields import Fields

HTML_CACHE = "public, max-age=0, must-revalidate"
FOREVER_CACHE = "public, max-age=31536000, immutable"
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_DISTRIBUTION = re.compile(r"^[A-Z0-9]{8,20}$")
_BRANCH = re.compile(r"^[A-Za-z0-9._/-]+$")
_HOST = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")


@dataclass(frozen=True, slots=True)
class CacheRule:
    pattern: str
    """A glob over the path inside the site (`*.html`, `static/*`); the first match wins."""
    cache_control: str


@dataclass(frozen=True, slots=True)
class S3Target:
    name: str
    bucket: str
    line: int
    """The line of site.yaml that names the bucket, for errors about it."""
    region: str = ""
    """Empty: the default credential chain's region (AWS_REGION, the profile)."""
    distribution: str = ""
    """A CloudFront distribution id to invalidate; empty: no CloudFront."""
    max_deletes: int = 256
    cache: tuple[CacheRule, ...] = ()
    """The site's own rules, tried before the defaults (see deploy.files.cache_control)."""
    invalidate_paths: int = 30
    """More changed paths than this are invalidated as one wildcard, /*."""


@dataclass(frozen=True, slots=True)
class PagesTarget:
    name: str
    remote: str
    """A remote name of the site's repository (origin) or a URL/path git can push to."""
    line: int
    branch: str = "gh-pages"
    cname: str = ""
    """The custom domain written to CNAME; empty: no CNAME file."""


Target = S3Target | PagesTarget


def _cache_rules(fields: Fields) -> tuple[CacheRule, ...]:
    value = fields.data.get("cache")
    if value is None:
        return ()
    if not isinstance(value, dict) or not all(isinstance(v, str) and v.strip() for v in value.values()):
        fields.error("cache", "'cache' must map path patterns to Cache-Control values, "
                     "like '\"*.html\": public, max-age=0, must-revalidate'")
        return ()
    return tuple(CacheRule(str(k), v.strip()) for k, v in value.items())


def _s3(name: str, item: Fields) -> S3Target:
    item.check_keys(["s3", "region", "cloudfront", "max_deletes", "cache", "invalidate_paths"])
    bucket = item.text("s3", required=True)
    if bucket and not _BUCKET.match(bucket):
        item.error("s3", f"{bucket!r} is not an S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)")
    distribution = item.text("cloudfront")
    if distribution and not _DISTRIBUTION.match(distribution):
        item.error("cloudfront", f"{distribution!r} is not a CloudFront distribution id (like E2QWRUHAPOMQZL)")
    return S3Target(name, bucket, item.line_of("s3"), item.text("region"), distribution,
                    item.integer("max_deletes", 256, minimum=0), _cache_rules(item),
                    item.integer("invalidate_paths", 30))


def _pages(name: str, item: Fields) -> PagesTarget:
    item.check_keys(["pages", "branch", "cname"])
    branch = item.text("branch", default="gh-pages")
    if not _BRANCH.match(branch) or ".." in branch or branch.startswith(("-", "/")):
        item.error("branch", f"{branch!r} is not a branch name")
    cname = item.text("cname").lower()
    if cname and not _HOST.match(cname):
        item.error("cname", f"cname must be a bare domain like example.dev, not {cname!r}")
    return PagesTarget(name, item.text("pages", required=True), item.line_of("pages"), branch, cname)


def read_targets(deploy: Fields) -> tuple[Target, ...]:
    """Every target of the `deploy:` mapping, in the order written; errors go to deploy.errors."""
    targets: list[Target] = []
    for name in deploy.data:
        item = Fields(deploy.data[name], deploy.path, deploy.errors, f"deploy target '{name}'",
                      deploy.line_of(name))
        kinds = [k for k in ("s3", "pages") if k in item.data]
        if len(kinds) != 1:
            deploy.error(name, f"deploy target '{name}' needs exactly one of 's3: <bucket>' or "
                         f"'pages: <git remote>'")
            continue
        targets.append(_s3(name, item) if kinds == ["s3"] else _pages(name, item))
    return tuple(targets)
