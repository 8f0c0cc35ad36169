"""`shiplog deploy` to S3 + CloudFront, against moto's server on 127.0.0.1 over real HTTP.

Error paths that moto cannot produce (access denied, a connection dropped half way) go through
botocore's own Stubber and event hooks, in process."""
from __future__ import annotations

import hashlib
import logging
import socket
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError
from botocore.stub import Stubber
from moto.server import ThreadedMotoServer

from generator.commands.deploy import deploy
from generator.deploy import s3 as s3_module
from generator.deploy.files import scan
from generator.deploy.plan import make_plan
from generator.deploy.s3 import MANIFEST, S3Site
from generator.errors import SiteError
from generator.load.targets import S3Target
from sitekit import edit_text, run_shiplog, tree, write

AWS_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def moto_url():
    logging.getLogger("werkzeug").setLevel(logging.WARNING)    # a line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The environment of a user whose credentials and endpoint lead to the moto server."""
    env = {**AWS_ENV, "AWS_ENDPOINT_URL": moto_url}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return env


def client(name: str):
    return boto3.client(name, region_name="us-east-1")


def make_bucket(request: pytest.FixtureRequest) -> str:
    name = "site-" + hashlib.sha256(request.node.nodeid.encode()).hexdigest()[:16]
    client("s3").create_bucket(Bucket=name)
    return name


def make_distribution(bucket: str) -> str:
    reply = client("cloudfront").create_distribution(DistributionConfig={
        "CallerReference": bucket, "Comment": "", "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{"Id": "site", "DomainName": f"{bucket}.s3.amazonaws.com",
                                              "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "site", "ViewerProtocolPolicy": "redirect-to-https",
                                 "MinTTL": 0, "ForwardedValues": {"QueryString": False,
                                                                  "Cookies": {"Forward": "none"}},
                                 "TrustedSigners": {"Enabled": False, "Quantity": 0}}})
    return str(reply["Distribution"]["Id"])


def invalidations(distribution: str) -> list[list[str]]:
    cf = client("cloudfront")
    listed = cf.list_invalidations(DistributionId=distribution)["InvalidationList"].get("Items", [])
    return [cf.get_invalidation(DistributionId=distribution, Id=i["Id"])["Invalidation"]
            ["InvalidationBatch"]["Paths"].get("Items", []) for i in listed]


def objects(bucket: str) -> dict[str, bytes]:
    s3 = client("s3")
    keys = [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
            for o in page.get("Contents", [])]
    return {k: s3.get_object(Bucket=bucket, Key=k)["Body"].read() for k in keys if k != MANIFEST}


def add_target(root: Path, text: str) -> None:
    with (root / "site.yaml").open("a") as f:
        f.write("deploy:\n" + text)


def small_site(root: Path, bucket: str, extra: str = "") -> Path:
    """A site.yaml with one S3 target and a hand-made _site/ (no build needed)."""
    write(root, "site.yaml", "title: T\nbase_url: https://t.example\nauthor: {name: A}\n")
    add_target(root, f"  production:\n    s3: {bucket}\n{extra}")
    write(root, "_site/index.html", "<p>home</p>")
    write(root, "_site/notes/a/index.html", "<p>a</p>")
    write(root, "_site/static/site.css", "body{}")
    write(root, "_site/img/photo-0123abcd-480.webp", "webp")
    write(root, "_site/feed.xml", "<feed/>")
    return root


class Said:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, line: str) -> None:
        self.lines.append(line)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def test_first_deploy_uploads_everything_with_hash_type_and_cache(aws, tmp_path, request):
    bucket = make_bucket(request)
    root = small_site(tmp_path, bucket)
    said = Said()
    assert deploy(root, yes=True, say=said) == 0
    assert objects(bucket) == tree(root / "_site")
    s3 = client("s3")
    page = s3.head_object(Bucket=bucket, Key="notes/a/index.html")
    assert page["Metadata"]["sha256"] == hashlib.sha256(b"<p>a</p>").hexdigest()
    assert page["ContentType"] == "text/html; charset=utf-8"
    assert page["CacheControl"] == "public, max-age=0, must-revalidate"
    image = s3.head_object(Bucket=bucket, Key="img/photo-0123abcd-480.webp")
    assert (image["ContentType"], image["CacheControl"]) == ("image/webp", "public, max-age=31536000, immutable")
    assert s3.head_object(Bucket=bucket, Key="feed.xml")["ContentType"] == "application/xml"
    assert "5 uploads, 0 updates, 0 deletions" in said.text


def test_cache_rules_from_site_yaml_come_first(aws, tmp_path, request):
    bucket = make_bucket(request)
    root = small_site(tmp_path, bucket, '    cache:\n      "static/*": "public, max-age=600"\n')
    deploy(root, yes=True, say=Said())
    assert client("s3").head_object(Bucket=bucket, Key="static/site.css")["CacheControl"] == "public, max-age=600"


def test_second_deploy_with_nothing_changed_sends_nothing_and_invalidates_nothing(aws, tmp_path, request):
    bucket = make_bucket(request)
    distribution = make_distribution(bucket)
    root = small_site(tmp_path, bucket, f"    cloudfront: {distribution}\n")
    deploy(root, yes=True, say=Said())
    assert invalidations(distribution) == []      # new files were never cached
    said = Said()
    assert deploy(root, yes=True, say=said) == 0
    assert said.lines[-1] == "nothing to do: all 5 files are up to date"
    assert invalidations(distribution) == []


def test_a_changed_header_rule_updates_the_objects_it_covers(aws, tmp_path, request):
    bucket = make_bucket(request)
    root = small_site(tmp_path, bucket)
    deploy(root, yes=True, say=Said())
    add = '    cache:\n      "*.xml": "public, max-age=60"\n'
    (root / "site.yaml").write_text((root / "site.yaml").read_text() + add)
    said = Said()
    deploy(root, yes=True, say=said)
    assert "  update  feed.xml  (7 B)" in said.lines
    assert "0 uploads, 1 update, 0 deletions" in said.text


def test_editing_one_post_sends_that_page_and_the_pages_that_list_it(aws, site, request):
    bucket = make_bucket(request)
    distribution = make_distribution(bucket)
    add_target(site, f"  production:\n    s3: {bucket}\n    cloudfront: {distribution}\n"
                     f"    invalidate_paths: 1000\n")
    assert run_shiplog("build", "--root", str(site)).code == 0
    deploy(site, yes=True, say=Said())
    before = tree(site / "_site")
    edit_text(site, "content/posts/oldest.md", "Hello, world.", "Hello, changed world.")
    assert run_shiplog("build", "--root", str(site)).code == 0
    after = tree(site / "_site")
    changed = {k for k in after if before.get(k) != after[k]}
    assert "notes/oldest/index.html" in changed and len(changed) < len(after) / 2
    said = Said()
    deploy(site, yes=True, say=said)
    sent = {line.split()[1] for line in said.lines if line.startswith(("  update", "  upload"))}
    assert sent == changed
    assert {line.split()[1] for line in said.lines if line.startswith("  delete")} == before.keys() - after.keys()
    assert objects(bucket) == after
    (paths,) = invalidations(distribution)
    assert "/notes/oldest/" in paths and "/notes/oldest/index.html" in paths
    stale = {k for k in before if before[k] != after.get(k)}     # updated or deleted: maybe cached
    assert len(paths) == len(stale) + sum(k.endswith("index.html") for k in stale)
    assert "CloudFront invalidation" in said.lines[-1]


def test_past_the_threshold_one_wildcard_is_invalidated(aws, tmp_path, request):
    bucket = make_bucket(request)
    distribution = make_distribution(bucket)
    root = small_site(tmp_path, bucket, f"    cloudfront: {distribution}\n    invalidate_paths: 2\n")
    deploy(root, yes=True, say=Said())
    for key in ("index.html", "notes/a/index.html"):
        write(root, "_site/" + key, "<p>changed</p>")
    said = Said()
    deploy(root, yes=True, say=said)
    assert invalidations(distribution) == [["/*"]]
    assert said.lines[-1].endswith(": /*")


def test_removed_files_are_deleted_last_and_capped(aws, tmp_path, request):
    bucket = make_bucket(request)
    root = small_site(tmp_path, bucket, "    max_deletes: 1\n")
    deploy(root, yes=True, say=Said())
    (root / "_site/feed.xml").unlink()
    (root / "_site/notes/a/index.html").unlink()
    with pytest.raises(SiteError) as err:
        deploy(root, yes=True, say=Said())
    assert "deletes 2 objects, more than max_deletes (1)" in str(err.value)
    assert str(err.value).startswith("site.yaml:6: ")
    assert "feed.xml" in objects(bucket)
    said = Said()
    assert deploy(root, yes=True, force=True, say=said) == 0
    assert set(objects(bucket)) == {"index.html", "static/site.css", "img/photo-0123abcd-480.webp"}
    assert "  delete  feed.xml" in said.lines


def test_assets_go_up_before_pages_and_deletions_come_last(aws, tmp_path, request):
    bucket = make_bucket(request)
    root = small_site(tmp_path, bucket)
    client("s3").put_object(Bucket=bucket, Key="old/index.html", Body=b"gone")
    target = S3Target("production", bucket, 1)
    site = S3Site(target)
    calls: list[str] = []
    site.s3.meta.events.register("provide-client-params.s3.PutObject", lambda params, **_: calls.append("put " + params["Key"]))
    site.s3.meta.events.register("before-call.s3.DeleteObjects", lambda **_: calls.append("delete"))
    site.apply(make_plan(scan(root / "_site"), site.remote()))
    html = [i for i, c in enumerate(calls) if c.endswith(".html")]
    assets = [i for i, c in enumerate(calls) if c.startswith("put") and not c.endswith((".html", MANIFEST))]
    assert len(html) == 2 and len(assets) == 3
    assert max(assets) < min(html)
    assert calls[-2:] == ["delete", "put " + MANIFEST]


def test_dry_run_prints_the_plan_and_changes_nothing(aws, tmp_path, request):
    bucket = make_bucket(request)
    root = small_site(tmp_path, bucket)
    result = run_shiplog("deploy", "--root", str(root), "--dry-run", env=aws)
    assert result.code == 0, result.err
    assert "  upload  notes/a/index.html  (8 B)" in result.out
    assert "5 uploads, 0 updates, 0 deletions, 36 B to send; 0 unchanged" in result.out
    assert result.out.strip().endswith("dry run: nothing was changed")
    assert objects(bucket) == {}


def test_a_real_run_asks_first(aws, tmp_path, request):
    bucket = make_bucket(request)
    root = small_site(tmp_path, bucket)
    said = Said()
    assert deploy(root, say=said, ask=lambda question: "n") == 1
    assert said.lines[-1] == "not confirmed: nothing was changed"
    assert objects(bucket) == {}
    assert deploy(root, say=said, ask=lambda question: "y") == 0
    assert len(objects(bucket)) == 5


def test_no_bucket_is_an_error_at_its_line(aws, tmp_path):
    root = small_site(tmp_path, "no-such-bucket-here")
    result = run_shiplog("deploy", "--root", str(root), "--yes", env=aws)
    assert result.code == 1
    assert result.err.startswith("site.yaml:6: bucket 'no-such-bucket-here' does not exist")


def test_no_credentials_is_one_clear_message(aws, tmp_path, request):
    bucket = make_bucket(request)
    root = small_site(tmp_path, bucket)
    env = {**aws, "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "",
           "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"), "AWS_CONFIG_FILE": str(tmp_path / "none")}
    result = run_shiplog("deploy", "--root", str(root), "--yes", env=env)
    assert result.code == 1
    assert result.err.splitlines()[0] == "no AWS credentials found while listing s3://" + bucket
    assert "Traceback" not in result.err


def test_access_denied_names_what_was_refused(aws, tmp_path, request, monkeypatch):
    root = small_site(tmp_path, "private-bucket")
    real_init = S3Site.__init__

    def denied(self, target):
        real_init(self, target)
        stub = Stubber(self.s3)
        stub.add_client_error("list_objects_v2", "AccessDenied", "Access Denied", 403)
        stub.activate()
    monkeypatch.setattr(S3Site, "__init__", denied)
    with pytest.raises(SiteError) as err:
        deploy(root, yes=True, say=Said())
    assert str(err.value).startswith("site.yaml:6: access denied while listing s3://private-bucket: Access Denied")


def test_a_network_error_half_way_is_completed_by_the_next_run(aws, tmp_path, request, monkeypatch):
    bucket = make_bucket(request)
    root = small_site(tmp_path, bucket)
    for i in range(20):
        write(root, f"_site/static/file{i:02}.css", f"a{i}{{}}")
    monkeypatch.setattr(s3_module, "WORKERS", 1)       # a definite order: the first 10 arrive
    real_init = S3Site.__init__
    sent = []

    def flaky(self, target):
        real_init(self, target)

        def drop(params, **_):
            if len(sent) == 10:
                raise EndpointConnectionError(endpoint_url="http://127.0.0.1")
            sent.append(params["Key"])
        self.s3.meta.events.register("provide-client-params.s3.PutObject", drop)
    monkeypatch.setattr(S3Site, "__init__", flaky)
    with pytest.raises(SiteError) as err:
        deploy(root, yes=True, say=Said())
    assert "network error while uploading assets" in str(err.value)
    assert "run `shiplog deploy` again" in str(err.value)
    assert len(objects(bucket)) == 10
    monkeypatch.setattr(S3Site, "__init__", real_init)
    said = Said()
    assert deploy(root, yes=True, say=said) == 0
    assert "15 uploads, 0 updates, 0 deletions" in said.text and "; 10 unchanged" in said.text
    assert objects(bucket) == tree(root / "_site")


@pytest.mark.parametrize("target, message", [
    ("  production:\n    s3: Bad_Bucket\n", "site.yaml:6: 'Bad_Bucket' is not an S3 bucket name"),
    ("  production:\n    s3: ok-bucket\n    max_delete: 3\n",
     "site.yaml:7: unknown deploy target 'production' key 'max_delete'"),
    ("  production:\n    region: eu-west-1\n",
     "site.yaml:5: deploy target 'production' needs exactly one of 's3: <bucket>' or 'pages: <git remote>'"),
])
def test_a_mistake_in_the_target_is_an_error_at_its_line(tmp_path, target, message):
    write(tmp_path, "site.yaml", "title: T\nbase_url: https://t.example\nauthor: {name: A}\n")
    add_target(tmp_path, target)
    write(tmp_path, "_site/index.html", "x")
    result = run_shiplog("deploy", "--root", str(tmp_path), "--dry-run")
    assert result.code == 1
    assert result.err.startswith(message), result.err


def test_an_unknown_target_name_and_a_missing_build_are_errors(aws, tmp_path, request):
    root = small_site(tmp_path, "some-bucket")
    with pytest.raises(SiteError, match="no deploy target 'producton'") as err:
        deploy(root, "producton", say=Said())
    assert "did you mean 'production'?" in str(err.value)
    import shutil
    shutil.rmtree(root / "_site")
    with pytest.raises(SiteError, match="nothing to deploy"):
        deploy(root, dry_run=True, say=Said())


def test_an_alias_page_carries_its_redirect_location(aws, tmp_path, request):
    from generator.render.redirects import redirect_page

    bucket = make_bucket(request)
    root = small_site(tmp_path, bucket)
    write(root, "_site/blog/old/index.html", redirect_page("/notes/a/", "https://t.example/notes/a/", "A", "en"))
    deploy(root, yes=True, say=Said())
    s3 = client("s3")
    assert s3.head_object(Bucket=bucket, Key="blog/old/index.html")["WebsiteRedirectLocation"] == "/notes/a/"
    assert "WebsiteRedirectLocation" not in s3.head_object(Bucket=bucket, Key="notes/a/index.html")
