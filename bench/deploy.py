"""What `shiplog deploy` to S3 + CloudFront costs at 10,000 posts, against moto's server.

    .venv/bin/python -m bench.deploy [--posts 10000]

Builds the bench corpus (bench/sites.py) in bench/out/deploy/, starts `moto.server` in its own
process on 127.0.0.1 (so the server does not share this process's GIL), and deploys three times:
the first time (everything goes up), after one post is edited and the site rebuilt, and with
nothing changed. Each row is wall time and the HTTP requests sent to AWS, retries included.
The results go to bench/results/deploy-<date>.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.sites import BENCH, REPO, SHIPLOG_PY, prepare

WORK = BENCH / "out"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_moto() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=1)
            return server, url
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("moto.server did not start")


def build(site: Path) -> float:
    start = time.monotonic()
    subprocess.run([str(SHIPLOG_PY), "-m", "generator", "build", "--root", str(site), "--no-proofs"],
                   cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - start


def deploy_once(target: object, folder: Path) -> dict[str, object]:
    """The steps of `shiplog deploy --yes` (generator/commands/deploy.py), timed and counted."""
    from generator.deploy.files import scan
    from generator.deploy.plan import invalidation_paths, make_plan
    from generator.deploy.s3 import S3Site

    start = time.monotonic()
    local = scan(folder)
    scanned = time.monotonic() - start
    bucket = S3Site(target)  # type: ignore[arg-type]
    plan = make_plan(local, bucket.remote())
    paths: list[str] = []
    if not plan.empty:
        bucket.apply(plan)
        paths = invalidation_paths(plan, target.invalidate_paths)  # type: ignore[attr-defined]
        if paths:
            bucket.invalidate(paths)
    return {"seconds": time.monotonic() - start, "scan": scanned, "requests": bucket.requests,
            "sent": len(plan.sends), "deleted": len(plan.deletions), "bytes": plan.bytes,
            "files": len(local), "invalidated": paths}


def edit_one_post(site: Path) -> str:
    post = sorted((site / "content/posts").glob("*.md"))[0]
    post.write_text(post.read_text(encoding="utf-8") + "\nOne more sentence, added for the bench.\n",
                    encoding="utf-8")
    return post.name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10000)
    args = parser.parse_args(argv)
    corpus = prepare(WORK, "shiplog", args.posts)
    site = WORK / "deploy" / str(args.posts)
    shutil.rmtree(site, ignore_errors=True)
    site.mkdir(parents=True)
    shutil.copy2(corpus / "site.yaml", site / "site.yaml")
    shutil.copytree(corpus / "content", site / "content")
    print(f"building {args.posts:,} posts in {site.relative_to(REPO)} ...", flush=True)
    build(site)

    server, url = start_moto()
    try:
        os.environ.update({"AWS_ENDPOINT_URL": url, "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
                           "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"})
        import boto3

        from generator.load.targets import S3Target

        boto3.client("s3").create_bucket(Bucket="bench-site")
        distribution = boto3.client("cloudfront").create_distribution(DistributionConfig={
            "CallerReference": "bench", "Comment": "", "Enabled": True,
            "Origins": {"Quantity": 1, "Items": [{"Id": "s", "DomainName": "bench-site.s3.amazonaws.com",
                                                  "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
            "DefaultCacheBehavior": {"TargetOriginId": "s", "ViewerProtocolPolicy": "redirect-to-https",
                                     "MinTTL": 0, "ForwardedValues": {"QueryString": False,
                                                                      "Cookies": {"Forward": "none"}},
                                     "TrustedSigners": {"Enabled": False, "Quantity": 0}}})["Distribution"]["Id"]
        target = S3Target("bench", "bench-site", 1, distribution=distribution, max_deletes=100000)
        rows = [("first deploy", deploy_once(target, site / "_site"))]
        edited = edit_one_post(site)
        rebuild = build(site)
        rows.append((f"after editing {edited} (rebuilt in {rebuild:.1f} s)", deploy_once(target, site / "_site")))
        rows.append(("nothing changed", deploy_once(target, site / "_site")))
    finally:
        server.terminate()
        server.wait()
    return report(args.posts, rows)


def report(posts: int, rows: list[tuple[str, dict[str, object]]]) -> int:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                            text=True).stdout.strip()
    today = dt.date.today().isoformat()
    lines = [f"# shiplog deploy to S3 + CloudFront, {posts:,} posts, against moto's server", "",
             f"Date: {today}  ", f"Machine: {platform.system()} {platform.machine()}, {os.cpu_count()} cpus, "
             f"Python {platform.python_version()}  ", f"shiplog: {commit}", "",
             "| deploy | wall | of which hashing | requests | files sent | deleted | bytes sent | paths invalidated |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name, r in rows:
        paths = r["invalidated"]
        shown = "/*" if paths == ["/*"] else str(len(paths))  # type: ignore[arg-type]
        lines.append(f"| {name} | {r['seconds']:.1f} s | {r['scan']:.1f} s | {r['requests']:,} | "
                     f"{r['sent']:,} of {r['files']:,} | {r['deleted']:,} | {r['bytes']:,} | {shown} |")
    text = "\n".join(lines) + "\n"
    print(text)
    out = BENCH / "results" / f"deploy-{today}.md"
    out.write_text(text)
    print(f"written to {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
