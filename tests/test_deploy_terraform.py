"""deploy/terraform/: the hosting as code, parsed with python-hcl2. Its Content-Security-Policy
must allow exactly what built pages use: nothing from another origin, and no source that no
page needs."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import hcl2
import pytest

from sitekit import REPO, run_shiplog, write

TERRAFORM = REPO / "deploy" / "terraform"

DIAGRAM_POST = """---
title: A post with a diagram
date: 2026-05-21
tags: [Testing]
summary: Inline SVG from Graphviz.
---
```dot
digraph { a -> b; }
```
"""


def unquote(value: Any) -> Any:
    """python-hcl2 keeps the quotes of string literals and block labels; drop them."""
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    if isinstance(value, list):
        return [unquote(v) for v in value]
    if isinstance(value, dict):
        return {unquote(k): unquote(v) for k, v in value.items()}
    return value


@pytest.fixture(scope="module")
def tf() -> dict[str, dict[str, Any]]:
    """{"aws_s3_bucket.site": body, "data.aws_iam_policy_document.deploy": body, ...}"""
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(TERRAFORM.glob("*.tf")):
        with path.open() as f:
            parsed = unquote(hcl2.load(f))
        for kind in ("resource", "data"):
            for entry in parsed.get(kind, []):
                for type_, named in entry.items():
                    for name, body in named.items():
                        found[("data." if kind == "data" else "") + f"{type_}.{name}"] = body
    return found


def test_the_bucket_is_private_and_read_only_by_the_distribution(tf):
    block = tf["aws_s3_bucket_public_access_block.site"]
    assert all(block[k] is True for k in ("block_public_acls", "block_public_policy",
                                          "ignore_public_acls", "restrict_public_buckets"))
    reads = tf["data.aws_iam_policy_document.cloudfront_reads"]["statement"]
    for statement in reads:
        assert statement["principals"][0]["identifiers"] == ["cloudfront.amazonaws.com"]
        (condition,) = statement["condition"]
        assert condition["variable"] == "AWS:SourceArn"
        assert condition["values"] == ["${aws_cloudfront_distribution.site.arn}"]
    assert {a for s in reads for a in s["actions"]} == {"s3:GetObject", "s3:ListBucket"}


def test_cloudfront_reaches_the_bucket_through_origin_access_control(tf):
    oac = tf["aws_cloudfront_origin_access_control.site"]
    assert (oac["origin_access_control_origin_type"], oac["signing_behavior"],
            oac["signing_protocol"]) == ("s3", "always", "sigv4")
    dist = tf["aws_cloudfront_distribution.site"]
    (origin,) = dist["origin"]
    assert origin["origin_access_control_id"] == "${aws_cloudfront_origin_access_control.site.id}"
    (behaviour,) = dist["default_cache_behavior"]
    assert behaviour["viewer_protocol_policy"] == "redirect-to-https"
    assert behaviour["response_headers_policy_id"] == "${aws_cloudfront_response_headers_policy.site.id}"
    (association,) = behaviour["function_association"]
    assert association == {"event_type": "viewer-request", "__is_block__": True,
                           "function_arn": "${aws_cloudfront_function.index.arn}"}
    assert dist["custom_error_response"][0]["response_page_path"] == "/404.html"


def test_the_deploy_policy_grants_what_shiplog_deploy_calls(tf):
    statements = tf["data.aws_iam_policy_document.deploy"]["statement"]
    assert {a for s in statements for a in s["actions"]} == {
        "s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject", "cloudfront:CreateInvalidation"}
    source = (REPO / "generator/deploy/s3.py").read_text()
    for call in ("list_objects_v2", "get_object", "head_object", "put_object", "delete_objects",
                 "create_invalidation"):
        assert f".{call}(" in source or f'"{call}"' in source


@pytest.mark.skipif(shutil.which("node") is None, reason="node runs the CloudFront function")
@pytest.mark.parametrize("uri, served", [
    ("/", "/index.html"), ("/notes/x/", "/notes/x/index.html"), ("/notes/x", "/notes/x/index.html"),
    ("/static/site.css", "/static/site.css"), ("/feed.xml", "/feed.xml"),
    ("/.shiplog-deploy.json", 404)])
def test_the_function_serves_a_folder_by_its_index(uri, served):
    code = (TERRAFORM / "functions/index.js").read_text()
    script = code + f"\nconsole.log(JSON.stringify(handler({{request: {{uri: {json.dumps(uri)}}}}})));"
    result = json.loads(subprocess.run(["node", "-e", script], capture_output=True, text=True,
                                       check=True).stdout)
    assert result.get("uri", result.get("statusCode")) == served


def test_security_headers(tf):
    config = tf["aws_cloudfront_response_headers_policy.site"]["security_headers_config"][0]
    hsts = config["strict_transport_security"][0]
    assert hsts["access_control_max_age_sec"] >= 31536000 and hsts["include_subdomains"] is True
    assert config["frame_options"][0]["frame_option"] == "DENY"
    assert "content_type_options" in config


def csp_of(tf) -> dict[str, set[str]]:
    config = tf["aws_cloudfront_response_headers_policy.site"]["security_headers_config"][0]
    text = config["content_security_policy"][0]["content_security_policy"]
    return {d.split()[0]: set(d.split()[1:]) for d in text.split(";") if d.strip()}


def local(url: str) -> bool:
    return not re.match(r"^([a-z][a-z0-9+.-]*:|//)", url, re.I)


def needed_policy(site: Path) -> dict[str, set[str]]:
    """The CSP the built pages need, read off them: every source they load from, no more."""
    need: dict[str, set[str]] = {d: {"'none'"} for d in ("default-src", "base-uri", "form-action",
                                                         "frame-ancestors", "object-src")}
    pages = [p.read_text() for p in site.rglob("*.html")]
    for html in pages:
        for attrs in re.findall(r"<script\b([^>]*)>", html):
            src = re.search(r'\ssrc="([^"]*)"', attrs)
            if src:
                assert local(src[1]), f"a script from another origin: {src[1]}"
                need.setdefault("script-src", set()).add("'self'")
            else:
                assert 'type="application/ld+json"' in attrs, f"an inline script: <script{attrs}>"
        assert "<style" not in html, "a <style> element would need style-src 'unsafe-inline'"
        assert not re.search(r"\son[a-z]+=", html), "an inline event handler"
        assert "<form" not in html and "<iframe" not in html and "<object" not in html
        for href in re.findall(r'<link\b[^>]*rel="stylesheet"[^>]*href="([^"]*)"', html):
            assert local(href)
            need.setdefault("style-src", set()).add("'self'")
        if re.search(r'\sstyle="', html):
            need.setdefault("style-src-attr", set()).add("'unsafe-inline'")
        for src in re.findall(r'<img\b[^>]*\ssrc="([^"]*)"', html):
            need.setdefault("img-src", set()).add("'self'" if local(src) else src.split(":")[0] + ":")
        assert 'rel="manifest"' not in html
    scripts = "".join(p.read_text(errors="replace") for p in site.rglob("*.js"))
    if "fetch(" in scripts:
        need.setdefault("connect-src", set()).add("'self'")
    if "WebAssembly" in scripts:
        need.setdefault("script-src", set()).add("'wasm-unsafe-eval'")
    assert "@font-face" not in "".join(p.read_text() for p in site.rglob("*.css"))
    return need


def test_the_csp_allows_exactly_what_built_pages_use(tf, site, tmp_path):
    write(site, "content/posts/diagram.md", DIAGRAM_POST)
    result = run_shiplog("build", "--root", str(site))
    assert result.code == 0, result.err
    need = needed_policy(site / "_site")
    assert need["style-src-attr"] == {"'unsafe-inline'"}      # the diagram post did its job
    assert csp_of(tf) == need
