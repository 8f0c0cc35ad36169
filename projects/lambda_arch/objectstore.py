"""Where the batch layer keeps files: a local directory by default, S3 through boto3 behind the same four calls."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Protocol


class ObjectStore(Protocol):
    """Flat keys like `raw/dt=2025-03-03/hour=14/part-000001.jsonl`; a put replaces the whole object."""

    def put(self, key: str, data: bytes) -> None: ...
    def get(self, key: str) -> bytes: ...
    def exists(self, key: str) -> bool: ...
    def list(self, prefix: str) -> list[str]: ...
    def url(self, key: str) -> str: ...


class LocalObjectStore:
    """A directory. Puts are atomic (write to a temp name, then rename), like an S3 PUT."""

    label = "local files"

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def put(self, key: str, data: bytes) -> None:
        path = self.root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)

    def get(self, key: str) -> bytes:
        return (self.root / key).read_bytes()

    def exists(self, key: str) -> bool:
        return (self.root / key).is_file()

    def list(self, prefix: str) -> list[str]:
        base = self.root / prefix
        if not base.exists():
            return []
        return sorted(p.relative_to(self.root).as_posix() for p in base.rglob("*")
                      if p.is_file() and not p.name.startswith("."))

    def url(self, key: str) -> str:
        return str(self.root / key)


class S3ObjectStore:
    """A bucket and key prefix; `client` is a boto3 S3 client."""

    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self._s3, self.bucket, self.prefix = client, bucket, prefix

    @property
    def label(self) -> str:
        return f"S3 {self.bucket}"

    def put(self, key: str, data: bytes) -> None:
        self._s3.put_object(Bucket=self.bucket, Key=self.prefix + key, Body=data)

    def get(self, key: str) -> bytes:
        return self._s3.get_object(Bucket=self.bucket, Key=self.prefix + key)["Body"].read()

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self._s3.head_object(Bucket=self.bucket, Key=self.prefix + key)
        except ClientError as err:
            if err.response["Error"]["Code"] in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def versions(self, prefix: str) -> dict[str, str]:
        """key -> ETag of every object under prefix (an ETag changes when an object is replaced)."""
        out: dict[str, str] = {}
        for page in self._s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket,
                                                                        Prefix=self.prefix + prefix):
            out.update((o["Key"][len(self.prefix):], o["ETag"]) for o in page.get("Contents", []))
        return out

    def list(self, prefix: str) -> list[str]:
        return sorted(self.versions(prefix))

    def url(self, key: str) -> str:
        return f"s3://{self.bucket}/{self.prefix}{key}"


class LocalCopy(LocalObjectStore):
    """A local directory kept in step with a bucket, for an engine that reads files (DuckDB here, for
    lack of Athena): `sync` fetches the objects that are new or replaced since the last one."""

    def __init__(self, source: S3ObjectStore, root: Path | str) -> None:
        super().__init__(root)
        self.source = source
        self._etags: dict[str, str] = {}

    def sync(self, *prefixes: str) -> int:
        """Fetch what changed under the prefixes; returns how many objects were fetched."""
        fetched = 0
        for prefix in prefixes:
            for key, etag in self.source.versions(prefix).items():
                if self._etags.get(key) != etag:
                    self.put(key, self.source.get(key))
                    self._etags[key] = etag
                    fetched += 1
        return fetched
