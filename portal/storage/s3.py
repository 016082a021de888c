"""Application materials in an S3-compatible object store (SeaweedFS, MinIO, AWS).

Every boto3/botocore failure leaves this module as a :class:`StorageError`, so
callers never import botocore to handle "storage is down". The client is set
up to fail fast: short timeouts and one retry, because an upload form that
hangs for minutes is worse than a clear "try again later".
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
from collections.abc import Iterator
from typing import IO, Any, BinaryIO

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from portal.storage import (
    CHUNK_SIZE,
    Meter,
    Storage,
    StorageError,
    StoredObject,
    content_disposition,
    validate_key,
    validate_prefix,
)

log = logging.getLogger(__name__)

MIN_PART_SIZE = 5 * 1024 * 1024
DEFAULT_PART_SIZE = 8 * 1024 * 1024
MAX_PRESIGN_SECONDS = 7 * 24 * 3600
_BOTO_ERRORS = (BotoCoreError, ClientError)


class S3Storage(Storage):
    """One bucket; object keys are the storage keys unchanged.

    Uploads are spooled part by part through an anonymous temporary file, so
    memory stays at one read chunk whatever the upload size; a stream that
    fits in one part becomes a single PUT, a longer one a multipart upload
    that is aborted if anything goes wrong.
    """

    def __init__(
        self,
        *,
        bucket: str,
        access_key: str,
        secret_key: str,
        endpoint_url: str | None = None,
        region: str = "us-east-1",
        part_size: int = DEFAULT_PART_SIZE,
        connect_timeout: float = 3.0,
        read_timeout: float = 10.0,
        max_attempts: int = 2,
        session: boto3.session.Session | None = None,
    ) -> None:
        """``session`` lets many storages share one set of loaded service models.

        Building a client on a fresh session parses botocore's S3 model (about
        0.1 s); a process with one storage pays that once, a test suite with a
        storage per test shares a session instead.
        """
        if part_size < MIN_PART_SIZE:
            raise ValueError(f"part_size must be at least {MIN_PART_SIZE} bytes (an S3 rule)")
        self.bucket = bucket
        self.endpoint_url = endpoint_url
        self.region = region
        self.part_size = part_size
        config = Config(
            signature_version="s3v4",
            s3={"addressing_style": "path"},
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            retries={"max_attempts": max_attempts, "mode": "standard"},
        )
        self._client = (session or boto3.session.Session()).client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            config=config,
        )

    def __repr__(self) -> str:
        return f"S3Storage(bucket={self.bucket!r}, endpoint_url={self.endpoint_url!r})"

    def close(self) -> None:
        """Release pooled connections (tests run with ResourceWarning as an error)."""
        self._client.close()

    def save(
        self, key: str, stream: BinaryIO, *, max_bytes: int, content_type: str
    ) -> StoredObject:
        validate_key(key)
        meter = Meter(key, max_bytes)
        chunks = meter.chunks(stream)
        with (
            tempfile.TemporaryFile(prefix="portal-s3-part-") as part,
            self._translate(f"upload of {key!r}"),
        ):
            if _fill(part, chunks, self.part_size) < self.part_size:
                self._put(key, part, content_type)
            else:
                self._multipart(key, part, chunks, content_type)
        return meter.stored()

    def open(self, key: str) -> Iterator[bytes]:
        """Check for the key now, fetch lazily.

        The HEAD makes a missing key fail at the call, as callers expect; the
        GET waits for the first ``next()`` so an iterator that is dropped
        unread never holds a connection.
        """
        if not self.exists(key):
            raise KeyError(key)
        return self._read(key)

    def delete(self, key: str) -> None:
        validate_key(key)
        with self._translate(f"delete of {key!r}"):
            self._client.delete_object(Bucket=self.bucket, Key=key)

    def exists(self, key: str) -> bool:
        validate_key(key)
        try:
            self._client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if _status(exc) == 404:
                return False
            raise _failure(f"lookup of {key!r}", exc) from exc
        except BotoCoreError as exc:
            raise _failure(f"lookup of {key!r}", exc) from exc
        return True

    def keys(self, prefix: str = "") -> Iterator[str]:
        return self._list(validate_prefix(prefix))

    def _list(self, prefix: str) -> Iterator[str]:
        paginator = self._client.get_paginator("list_objects_v2")
        with self._translate(f"listing of {prefix!r}"):
            for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
                for entry in page.get("Contents", []):
                    yield entry["Key"]

    def presigned_url(self, key: str, *, filename: str, expires_seconds: int) -> str | None:
        """A GET URL that makes the browser save the file under its original name."""
        validate_key(key)
        if not 0 < expires_seconds <= MAX_PRESIGN_SECONDS:
            raise ValueError(f"expires_seconds must be between 1 and {MAX_PRESIGN_SECONDS}")
        params = {
            "Bucket": self.bucket,
            "Key": key,
            "ResponseContentDisposition": content_disposition(filename),
        }
        with self._translate(f"signing of {key!r}"):
            return self._client.generate_presigned_url(
                "get_object", Params=params, ExpiresIn=expires_seconds
            )

    def check(self) -> None:
        with self._translate("health check"):
            self._client.head_bucket(Bucket=self.bucket)

    def ensure_bucket(self) -> None:
        """Create the bucket if it is missing; for set-up commands and tests, never on upload."""
        try:
            self._client.head_bucket(Bucket=self.bucket)
            return
        except ClientError as exc:
            if _status(exc) != 404:
                raise _failure("bucket lookup", exc) from exc
        except BotoCoreError as exc:
            raise _failure("bucket lookup", exc) from exc
        arguments: dict[str, Any] = {"Bucket": self.bucket}
        if self.region != "us-east-1":
            arguments["CreateBucketConfiguration"] = {"LocationConstraint": self.region}
        try:
            self._client.create_bucket(**arguments)
        except ClientError as exc:
            if _code(exc) not in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}:
                raise _failure("bucket creation", exc) from exc
        except BotoCoreError as exc:
            raise _failure("bucket creation", exc) from exc

    def _put(self, key: str, part: IO[bytes], content_type: str) -> None:
        size = part.tell()
        part.seek(0)
        self._client.put_object(
            Bucket=self.bucket, Key=key, Body=part, ContentLength=size, ContentType=content_type
        )

    def _multipart(
        self, key: str, part: IO[bytes], chunks: Iterator[bytes], content_type: str
    ) -> None:
        upload = self._client.create_multipart_upload(
            Bucket=self.bucket, Key=key, ContentType=content_type
        )
        upload_id = upload["UploadId"]
        try:
            parts = self._upload_parts(key, upload_id, part, chunks)
            self._client.complete_multipart_upload(
                Bucket=self.bucket,
                Key=key,
                UploadId=upload_id,
                MultipartUpload={"Parts": parts},
            )
        except BaseException:
            self._abort(key, upload_id)
            raise

    def _upload_parts(
        self, key: str, upload_id: str, part: IO[bytes], chunks: Iterator[bytes]
    ) -> list[dict[str, Any]]:
        """Send the part already spooled, then spool and send the rest one at a time."""
        parts: list[dict[str, Any]] = []
        size = part.tell()
        while size:
            part.seek(0)
            response = self._client.upload_part(
                Bucket=self.bucket,
                Key=key,
                UploadId=upload_id,
                PartNumber=len(parts) + 1,
                Body=part,
                ContentLength=size,
            )
            parts.append({"PartNumber": len(parts) + 1, "ETag": response["ETag"]})
            size = _fill(part, chunks, self.part_size) if size >= self.part_size else 0
        return parts

    def _abort(self, key: str, upload_id: str) -> None:
        try:
            self._client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
        except _BOTO_ERRORS:
            log.warning(
                "could not abort multipart upload of %r in bucket %r; "
                "the bucket's lifecycle rule must remove it",
                key,
                self.bucket,
                exc_info=True,
            )

    def _read(self, key: str) -> Iterator[bytes]:
        with self._translate(f"download of {key!r}"):
            try:
                response = self._client.get_object(Bucket=self.bucket, Key=key)
            except ClientError as exc:
                if _status(exc) == 404:
                    raise KeyError(key) from exc
                raise
            body = response["Body"]
            try:
                yield from body.iter_chunks(CHUNK_SIZE)
            finally:
                body.close()

    @contextlib.contextmanager
    def _translate(self, action: str) -> Iterator[None]:
        try:
            yield
        except _BOTO_ERRORS as exc:
            raise _failure(f"{action} (bucket {self.bucket!r})", exc) from exc


def _fill(part: IO[bytes], chunks: Iterator[bytes], limit: int) -> int:
    """Empty ``part`` and refill it from ``chunks`` until it holds ``limit`` bytes or the end."""
    part.seek(0)
    part.truncate()
    for chunk in chunks:
        part.write(chunk)
        if part.tell() >= limit:
            break
    return part.tell()


def _failure(action: str, exc: Exception) -> StorageError:
    """A message naming the action and S3's error code, never the credentials."""
    if isinstance(exc, ClientError):
        return StorageError(f"S3 {action} failed: {_code(exc)} (HTTP {_status(exc)})")
    return StorageError(f"S3 {action} failed: {type(exc).__name__}: {exc}")


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", "Unknown"))


def _status(exc: ClientError) -> int | None:
    return exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
