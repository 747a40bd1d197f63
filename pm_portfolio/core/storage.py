"""Where media files live: a local directory, or S3-compatible object storage.

Keys are content addresses, the SHA-256 of the bytes in hex: the same file is
stored once, and a key's bytes never change, so their URLs can be cached for
ever. Both backends keep the same small interface; the app picks one from
MEDIA_STORAGE_URL (`file:///path` or `s3://bucket/prefix?endpoint_url=…`).
"""

import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs
from urllib.parse import unquote
from urllib.parse import urlsplit

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import ClientError

KEY_PATTERN = re.compile(r"[0-9a-f]{64}")
# Written to read the storage's clock; not a content key, so never listed as one.
CLOCK_NAME = ".clock"


def content_key(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Storage(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store `data` under `key`; storing a key again marks it as just written."""

    def get(self, key: str) -> bytes | None: ...

    def delete(self, key: str) -> None: ...

    def keys(self, older_than: timedelta | None = None) -> Iterator[str]:
        """Every key, or those last written more than `older_than` ago. Ages are measured
        by the storage's own clock, never the app server's, which may be set differently."""


def _checked(key: str) -> str:
    # Keys come from our own hashing; anything else could name a path outside the store.
    if not KEY_PATTERN.fullmatch(key):
        raise ValueError(f"not a content key: {key!r}")
    return key


class LocalStorage:
    """Files under one directory, two levels deep (`ab/abcdef…`), written atomically."""

    def __init__(self, root: Path):
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / _checked(key)[:2] / key

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        if path.exists():
            # Fresh again, so `flask media gc` leaves it to the upload that stores it now.
            path.touch()
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        # A half-written file must never be served: write aside, then rename into place.
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        Path(temporary).replace(path)

    def get(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            return None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def _now(self) -> float:
        """Now by the clock that stamps these files: the time of a file touched now."""
        self.root.mkdir(parents=True, exist_ok=True)
        marker = self.root / CLOCK_NAME
        marker.touch()
        return marker.stat().st_mtime

    def keys(self, older_than: timedelta | None = None) -> Iterator[str]:
        limit = self._now() - older_than.total_seconds() if older_than is not None else None
        for path in self.root.glob("??/*"):
            if not KEY_PATTERN.fullmatch(path.name):
                continue
            try:
                fresh = limit is not None and path.stat().st_mtime > limit
            except FileNotFoundError:
                continue  # deleted since the folder was listed
            if not fresh:
                yield path.name


class S3Storage:
    """Objects in an S3-compatible bucket, shared by every app server."""

    def __init__(self, bucket: str, prefix: str = "", **client_options):
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.client = boto3.client(
            "s3", config=BotoConfig(retries={"max_attempts": 3}), **client_options
        )

    def _name(self, key: str) -> str:
        return self.prefix + _checked(key)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(
            Bucket=self.bucket, Key=self._name(key), Body=data, ContentType=content_type
        )

    def get(self, key: str) -> bytes | None:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as error:
            if error.response["Error"]["Code"] in {"NoSuchKey", "404"}:
                return None
            raise
        return response["Body"].read()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def _now(self) -> datetime:
        """Now by the clock of the object store: the time of an object written now."""
        name = self.prefix + CLOCK_NAME
        self.client.put_object(Bucket=self.bucket, Key=name, Body=b"")
        return self.client.head_object(Bucket=self.bucket, Key=name)["LastModified"]

    def keys(self, older_than: timedelta | None = None) -> Iterator[str]:
        limit = self._now() - older_than if older_than is not None else None
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        for page in pages:
            for entry in page.get("Contents", []):
                name = entry["Key"].removeprefix(self.prefix)
                if KEY_PATTERN.fullmatch(name) and (
                    limit is None or entry["LastModified"] <= limit
                ):
                    yield name


def open_storage(url: str) -> Storage:
    """The storage MEDIA_STORAGE_URL names: `file:///abs/dir` or `s3://bucket/prefix?…`.

    S3 options in the query: endpoint_url (for MinIO, R2, …) and region_name;
    credentials come from the usual AWS environment variables or instance role.
    """
    parts = urlsplit(url)
    if parts.scheme == "file":
        return LocalStorage(Path(unquote(parts.path)))
    if parts.scheme == "s3" and parts.netloc:
        options = {
            name: values[0]
            for name, values in parse_qs(parts.query).items()
            if name in {"endpoint_url", "region_name"}
        }
        return S3Storage(parts.netloc, parts.path, **options)
    raise ValueError(f"MEDIA_STORAGE_URL must be file:///… or s3://bucket/…, not {url!r}")
