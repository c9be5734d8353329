"""Where recordings live once FreeSWITCH is done with them: an S3 bucket or a local folder.

Keys are ``r<retention days>/t<tenant id>/<yyyy>/<mm>/<dd>/<file name>``. In S3 one lifecycle
rule per retention (prefix ``r<days>/``) expires objects after that many days, but only objects
tagged ``legal-hold=off``: putting a recording under legal hold re-tags it ``on`` and the rule
no longer matches it. A local folder has no lifecycle; the expiry job deletes from both.
"""
from __future__ import annotations

import base64
import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

HOLD_TAG = "legal-hold"


class StorageError(Exception):
    """The storage is unreachable or did not keep what we gave it; try again later."""


@dataclass(frozen=True)
class Stored:
    key: str
    size: int
    sha256: str


def file_digest(path: str | Path) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def object_key(retention_days: int, tenant_id: int, created: datetime, file_name: str) -> str:
    return f"r{retention_days}/t{tenant_id}/{created:%Y/%m/%d}/{file_name}"


class LocalStorage:
    """A folder (the embedded default); writes are atomic (temporary file, fsync, rename)."""

    def __init__(self, root: str):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / key

    def put(self, path: str, key: str, hold: bool = False) -> Stored:
        size, sha = file_digest(path)
        target = self._path(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as temporary, open(path, "rb") as source:
                shutil.copyfileobj(source, temporary)
                temporary.flush()
                os.fsync(temporary.fileno())
            os.replace(temporary.name, target)
            stored = file_digest(target)
        except OSError as error:
            raise StorageError(str(error)) from error
        if stored != (size, sha):
            raise StorageError(f"{key}: stored copy differs from the recording")
        return Stored(key, size, sha)

    def read(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except OSError as error:
            raise StorageError(str(error)) from error

    def chunks(self, key: str, size: int = 1 << 16):
        """The stored file piece by piece, for a download of any size."""
        try:
            handle = self._path(key).open("rb")
        except OSError as error:
            raise StorageError(str(error)) from error
        with handle:
            while chunk := handle.read(size):
                yield chunk

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def set_hold(self, key: str, hold: bool) -> None:
        """Nothing expires a local file but the expiry job, which skips held recordings."""

    def apply_retention(self, retentions: set[int]) -> None:
        """A folder has no lifecycle rules."""


class S3Storage:
    """An S3-compatible bucket (AWS, MinIO, Ceph ...) through boto3."""

    def __init__(self, bucket: str, endpoint_url: str | None = None, region: str | None = None, client=None):
        import boto3
        from botocore.config import Config as BotoConfig

        self.bucket = bucket
        self.client = client or boto3.client(
            "s3", endpoint_url=endpoint_url, region_name=region,
            config=BotoConfig(retries={"max_attempts": 2}, connect_timeout=3, read_timeout=30))

    def _call(self, method: str, **kwargs):
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return getattr(self.client, method)(Bucket=self.bucket, **kwargs)
        except (BotoCoreError, ClientError) as error:
            raise StorageError(f"{method}: {error}") from error

    def put(self, path: str, key: str, hold: bool = False) -> Stored:
        size, sha = file_digest(path)
        checksum = base64.b64encode(bytes.fromhex(sha)).decode()
        with open(path, "rb") as body:
            # S3 checks the body against ChecksumSHA256 and refuses a damaged upload.
            self._call("put_object", Key=key, Body=body, ChecksumSHA256=checksum,
                       Tagging=f"{HOLD_TAG}={'on' if hold else 'off'}", Metadata={"sha256": sha})
        head = self._call("head_object", Key=key, ChecksumMode="ENABLED")
        remote_sha = head.get("ChecksumSHA256") or base64.b64encode(
            bytes.fromhex(head.get("Metadata", {}).get("sha256", ""))).decode()
        if head["ContentLength"] != size or remote_sha != checksum:
            raise StorageError(f"{key}: stored object differs from the recording")
        return Stored(key, size, sha)

    def read(self, key: str) -> bytes:
        return self._call("get_object", Key=key)["Body"].read()

    def chunks(self, key: str, size: int = 1 << 16):
        """The stored object piece by piece, for a download of any size."""
        yield from self._call("get_object", Key=key)["Body"].iter_chunks(size)

    def delete(self, key: str) -> None:
        self._call("delete_object", Key=key)

    def set_hold(self, key: str, hold: bool) -> None:
        self._call("put_object_tagging", Key=key,
                   Tagging={"TagSet": [{"Key": HOLD_TAG, "Value": "on" if hold else "off"}]})

    def apply_retention(self, retentions: set[int]) -> None:
        """One expiry rule per retention in use; the bucket's rules are ours alone."""
        rules = [{
            "ID": f"centralka-expire-{days}d", "Status": "Enabled",
            "Filter": {"And": {"Prefix": f"r{days}/", "Tags": [{"Key": HOLD_TAG, "Value": "off"}]}},
            "Expiration": {"Days": days},
        } for days in sorted(retentions)]
        self._call("put_bucket_lifecycle_configuration", LifecycleConfiguration={"Rules": rules})


def storage_from_config(config) -> LocalStorage | S3Storage:
    if config.get("S3_BUCKET"):
        return S3Storage(config["S3_BUCKET"], config.get("S3_ENDPOINT_URL"), config.get("S3_REGION"))
    return LocalStorage(config["STORAGE_DIR"])
