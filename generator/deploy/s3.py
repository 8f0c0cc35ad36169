"""An S3 bucket (and the CloudFront distribution in front of it) as a deploy target.

What each object holds is known from its `sha256` metadata, not its ETag (an ETag is an MD5 only
for single-part uploads). Reading that metadata costs a HEAD per object, so a manifest object,
written at the end of each deploy, remembers the SHA-256 and headers by ETag: an object whose
listed ETag still matches its manifest entry is not asked again. An object without an entry
(uploaded by a deploy that failed before writing the manifest, or by someone else) is HEADed, so
a second run completes the first without sending again what already arrived.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from contextlib import contextmanager
from typing import Any, TypeVar

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import (BotoCoreError, ClientError, ConnectionError as BotoConnectionError,
                                 HTTPClientError, NoCredentialsError, NoRegionError,
                                 PartialCredentialsError)

from generator.deploy.files import SiteFile
from generator.deploy.plan import Plan, Remote
from generator.errors import SiteError
from generator.load.targets import S3Target

MANIFEST = ".shiplog-deploy.json"
WORKERS = 8
_T = TypeVar("_T")
_DENIED = {"AccessDenied", "403", "Forbidden", "InvalidAccessKeyId", "SignatureDoesNotMatch",
           "ExpiredToken", "InvalidToken", "AllAccessDisabled", "AccessDeniedException"}
_AGAIN = "run `shiplog deploy` again: it sends only what has not arrived"


@contextmanager
def aws_errors(target: S3Target, doing: str) -> Iterator[None]:
    """Turn what boto3 raises into one SiteError a person can act on."""
    where = ("site.yaml", target.line)
    try:
        yield
    except (NoCredentialsError, PartialCredentialsError):
        raise SiteError(f"no AWS credentials found while {doing}",
                        hint="set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), "
                             "or run `aws sso login`") from None
    except NoRegionError:
        raise SiteError(f"no AWS region for target '{target.name}'", *where,
                        "add `region: eu-west-1` (the bucket's region) to the target, or set AWS_REGION") from None
    except ClientError as exc:
        error = exc.response.get("Error", {})
        code, message = str(error.get("Code", "")), error.get("Message", "") or str(exc)
        if code == "NoSuchBucket":
            raise SiteError(f"bucket '{target.bucket}' does not exist (or not in this account)", *where,
                            "create it first: deploy/terraform/ holds the bucket and CloudFront") from None
        if code == "NoSuchDistribution":
            raise SiteError(f"CloudFront distribution '{target.distribution}' does not exist", *where) from None
        if code in _DENIED:
            raise SiteError(f"access denied while {doing}: {message}", *where,
                            "the credentials in use need s3:ListBucket, s3:GetObject, s3:PutObject, "
                            "s3:DeleteObject (and cloudfront:CreateInvalidation)") from None
        if code in ("PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraintException"):
            raise SiteError(f"bucket '{target.bucket}' is in another region ({message})", *where,
                            "set `region:` on the target to the bucket's region") from None
        raise SiteError(f"AWS refused {doing}: {code}: {message}", *where) from None
    except (BotoConnectionError, HTTPClientError) as exc:
        raise SiteError(f"network error while {doing}: {exc}", hint=_AGAIN) from None
    except BotoCoreError as exc:
        raise SiteError(f"AWS error while {doing}: {exc}", hint=_AGAIN) from None


def _parallel(work: Callable[[_T], Any], items: Iterable[_T]) -> list[Any]:
    """Run `work` over `items` on a few threads; the first error stops what has not started."""
    with ThreadPoolExecutor(WORKERS) as pool:
        futures = [pool.submit(work, item) for item in items]
        done, pending = wait(futures, return_when=FIRST_EXCEPTION)
        for future in pending:
            future.cancel()
        for future in futures:
            if future.done() and not future.cancelled() and future.exception():
                raise future.exception()  # type: ignore[misc]
        return [f.result() for f in futures]


class S3Site:
    """The bucket of one target: what it holds, and the changes a plan makes to it."""

    def __init__(self, target: S3Target) -> None:
        self.target = target
        self.requests = 0
        """HTTP requests sent to AWS, retries included (for the report and bench/deploy.py)."""
        config = BotoConfig(max_pool_connections=WORKERS * 2, retries={"mode": "standard", "max_attempts": 3})
        with aws_errors(target, "connecting to AWS"):
            session = boto3.session.Session(region_name=target.region or None)
            self.s3 = session.client("s3", config=config)
            self.s3.meta.events.register("before-send", self._count)
            self.cloudfront = None
            if target.distribution:
                self.cloudfront = session.client("cloudfront", config=config)
                self.cloudfront.meta.events.register("before-send", self._count)
        self.manifest: dict[str, dict[str, str]] = {}

    def _count(self, **_: Any) -> None:
        self.requests += 1

    def remote(self) -> dict[str, Remote]:
        """Every object in the bucket but the manifest, with its SHA-256 and headers."""
        bucket = self.target.bucket
        listed: dict[str, str] = {}
        with aws_errors(self.target, f"listing s3://{bucket}"):
            for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
                for item in page.get("Contents", []):
                    listed[item["Key"]] = item["ETag"]
            known = self._read_manifest() if MANIFEST in listed else {}
        listed.pop(MANIFEST, None)
        unknown = [key for key, etag in listed.items() if known.get(key, {}).get("etag") != etag]
        with aws_errors(self.target, f"reading object metadata in s3://{bucket}"):
            for key, entry in zip(unknown, _parallel(self._head, unknown)):
                known[key] = entry
        self.manifest = {key: known[key] for key in listed}
        return {key: Remote(e["sha256"], e["type"], e["cache"]) for key, e in self.manifest.items()}

    def _read_manifest(self) -> dict[str, dict[str, str]]:
        body = self.s3.get_object(Bucket=self.target.bucket, Key=MANIFEST)["Body"].read()
        try:
            data = json.loads(body)
        except ValueError:
            return {}     # damaged: every object is asked again, and the manifest rewritten
        return data if isinstance(data, dict) else {}

    def _head(self, key: str) -> dict[str, str]:
        head = self.s3.head_object(Bucket=self.target.bucket, Key=key)
        return {"etag": head["ETag"], "sha256": head.get("Metadata", {}).get("sha256", ""),
                "type": head.get("ContentType", ""), "cache": head.get("CacheControl", "")}

    def _put(self, f: SiteFile) -> None:
        extra = {"WebsiteRedirectLocation": f.redirect} if f.redirect else {}
        reply = self.s3.put_object(Bucket=self.target.bucket, Key=f.key, Body=f.path.read_bytes(),
                                   ContentType=f.content_type, CacheControl=f.cache_control,
                                   Metadata={"sha256": f.sha256}, **extra)
        self.manifest[f.key] = {"etag": reply["ETag"], "sha256": f.sha256, "type": f.content_type,
                                "cache": f.cache_control}

    def send(self, files: tuple[SiteFile, ...]) -> None:
        """Upload assets, and only once every asset is there, the pages that use them."""
        assets = [f for f in files if not f.is_html]
        pages = [f for f in files if f.is_html]
        for batch, what in ((assets, "assets"), (pages, "pages")):
            with aws_errors(self.target, f"uploading {what} to s3://{self.target.bucket}"):
                _parallel(self._put, batch)

    def delete(self, keys: tuple[str, ...]) -> None:
        with aws_errors(self.target, f"deleting from s3://{self.target.bucket}"):
            for start in range(0, len(keys), 1000):          # DeleteObjects takes 1,000 at most
                batch = keys[start:start + 1000]
                reply = self.s3.delete_objects(Bucket=self.target.bucket, Delete={
                    "Objects": [{"Key": k} for k in batch], "Quiet": True})
                failed = reply.get("Errors", [])
                if failed:
                    first = failed[0]
                    raise ClientError({"Error": {"Code": first.get("Code", ""),
                                                 "Message": f"{first.get('Key')}: {first.get('Message', '')}"}},
                                      "DeleteObjects")
                for key in batch:
                    self.manifest.pop(key, None)

    def save_manifest(self) -> None:
        body = json.dumps(self.manifest, sort_keys=True, separators=(",", ":")).encode()
        with aws_errors(self.target, f"writing {MANIFEST} to s3://{self.target.bucket}"):
            self.s3.put_object(Bucket=self.target.bucket, Key=MANIFEST, Body=body,
                               ContentType="application/json", CacheControl="no-store")

    def apply(self, plan: Plan) -> None:
        """Assets, then pages, then deletions, then the manifest that records them."""
        self.send(plan.sends)
        self.delete(plan.deletions)
        self.save_manifest()

    def invalidate(self, paths: list[str]) -> str:
        """Ask CloudFront to drop `paths`; returns the invalidation's id."""
        assert self.cloudfront is not None
        with aws_errors(self.target, f"invalidating CloudFront {self.target.distribution}"):
            reply = self.cloudfront.create_invalidation(
                DistributionId=self.target.distribution,
                InvalidationBatch={"Paths": {"Quantity": len(paths), "Items": paths},
                                   "CallerReference": f"shiplog-{time.time_ns()}"})
        return str(reply["Invalidation"]["Id"])
