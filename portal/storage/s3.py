"""Application materials in an S3-compatible object store (SeaweedFS, MinIO, AWS).

Every boto3/botocore failure leaves this module as a :class:`StorageError`, so
callers never import botocore to handle "storage is down". The client is set
up to fail fast: short timeouts and one retry, because an upload form that
hangs for minutes is worse than a clear "try again later".
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import IO, Any, BinaryIO

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from portal.storage import (
    CHUNK_SIZE,
    Meter,
    ObjectTooLarge,
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
# Parts in flight at once: a single connection to SeaweedFS stays well below what it takes in.
DEFAULT_UPLOAD_CONCURRENCY = 4
MAX_PRESIGN_SECONDS = 7 * 24 * 3600
_BOTO_ERRORS = (BotoCoreError, ClientError)


class S3Storage(Storage):
    """One bucket; object keys are the storage keys unchanged.

    An upload arrives as a seekable file (Werkzeug spools it while parsing the
    form), so it is sent from that file itself, with no copy: one read to
    measure and hash it, then a single PUT when it fits in one part, or a
    multipart upload whose parts go ``upload_concurrency`` at a time, each
    read from the file at its own offset. A stream that cannot seek is spooled
    part by part through an anonymous temporary file and sent one part at a
    time. Memory stays at a few read chunks whatever the upload size, and a
    multipart upload is aborted if anything goes wrong.
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
        upload_concurrency: int = DEFAULT_UPLOAD_CONCURRENCY,
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
        self.upload_concurrency = max(1, upload_concurrency)
        config = Config(
            signature_version="s3v4",
            s3={"addressing_style": "path"},
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            retries={"max_attempts": max_attempts, "mode": "standard"},
            # Every concurrent part needs its own connection, beside other requests' calls.
            max_pool_connections=max(10, 2 * self.upload_concurrency),
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
        if not _seekable(stream):
            return self._save_spooled(key, stream, max_bytes=max_bytes, content_type=content_type)
        start = stream.tell()
        if stream.seek(0, io.SEEK_END) - start > max_bytes:
            # Refused before a byte is sent: nothing to abort, nothing left behind.
            stream.seek(start)
            raise ObjectTooLarge(f"upload for {key!r} exceeds {max_bytes} bytes")
        stream.seek(start)
        stored = _measure(key, stream, max_bytes)
        stream.seek(start)
        with self._translate(f"upload of {key!r}"):
            descriptor = _descriptor(stream)
            if stored.size < self.part_size or descriptor is None:
                self._put_stream(key, stream, stored.size, content_type)
            else:
                self._multipart_from_file(key, descriptor, start, stored.size, content_type)
        return stored

    def _save_spooled(
        self, key: str, stream: BinaryIO, *, max_bytes: int, content_type: str
    ) -> StoredObject:
        """A stream read once, front to back: spooled one part at a time, sent in order."""
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

    def _put_stream(self, key: str, stream: BinaryIO, size: int, content_type: str) -> None:
        """One PUT read straight from the caller's file, from where it stands to its end."""
        self._client.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=_FileWindow(stream, stream.tell(), size),
            ContentLength=size,
            ContentType=content_type,
        )

    def _multipart_from_file(
        self, key: str, descriptor: int, start: int, size: int, content_type: str
    ) -> None:
        """Parts read by offset (``os.pread``), so threads share the file without a lock."""
        upload = self._client.create_multipart_upload(
            Bucket=self.bucket, Key=key, ContentType=content_type
        )
        upload_id = upload["UploadId"]
        offsets = range(start, start + size, self.part_size)

        def send(number: int, offset: int) -> dict[str, Any]:
            length = min(self.part_size, start + size - offset)
            response = self._client.upload_part(
                Bucket=self.bucket,
                Key=key,
                UploadId=upload_id,
                PartNumber=number,
                Body=_DescriptorWindow(descriptor, offset, length),
                ContentLength=length,
            )
            return {"PartNumber": number, "ETag": response["ETag"]}

        try:
            with ThreadPoolExecutor(self.upload_concurrency, thread_name_prefix="s3-part") as pool:
                futures = [
                    pool.submit(send, number, offset)
                    for number, offset in enumerate(offsets, start=1)
                ]
                try:
                    parts = [future.result() for future in futures]
                except BaseException:
                    for future in futures:
                        future.cancel()
                    raise
            self._client.complete_multipart_upload(
                Bucket=self.bucket,
                Key=key,
                UploadId=upload_id,
                MultipartUpload={"Parts": parts},
            )
        except BaseException:
            self._abort(key, upload_id)
            raise

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


def _seekable(stream: BinaryIO) -> bool:
    try:
        return bool(stream.seekable())
    except (AttributeError, ValueError, OSError):
        return False


def _descriptor(stream: BinaryIO) -> int | None:
    """The OS file behind ``stream``, its written bytes flushed, or None (an in-memory buffer)."""
    try:
        descriptor = stream.fileno()
        stream.flush()
    except (AttributeError, ValueError, OSError):
        return None
    return descriptor


def _measure(key: str, stream: BinaryIO, max_bytes: int) -> StoredObject:
    """The size and SHA-256 of what is about to be sent, in one read of the file."""
    meter = Meter(key, max_bytes)
    for _ in meter.chunks(stream):
        pass
    return meter.stored()


class _FileWindow:
    """``length`` bytes of a seekable file from ``offset``, as a body botocore can rewind."""

    def __init__(self, file: BinaryIO, offset: int, length: int) -> None:
        self._file, self._offset, self._length, self._position = file, offset, length, 0

    def read(self, size: int = -1) -> bytes:
        left = self._length - self._position
        wanted = left if size is None or size < 0 else min(size, left)
        if wanted <= 0:
            return b""
        data = self._read_at(self._offset + self._position, wanted)
        self._position += len(data)
        return data

    def _read_at(self, offset: int, size: int) -> bytes:
        self._file.seek(offset)
        return self._file.read(size)

    def seek(self, position: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._length}[whence]
        self._position = min(max(0, base + position), self._length)
        return self._position

    def tell(self) -> int:
        return self._position

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True


class _DescriptorWindow(_FileWindow):
    """The same window over a file descriptor, read with pread: safe to share across threads."""

    def __init__(self, descriptor: int, offset: int, length: int) -> None:
        super().__init__(None, offset, length)  # type: ignore[arg-type]
        self._descriptor = descriptor

    def _read_at(self, offset: int, size: int) -> bytes:
        return os.pread(self._descriptor, size, offset)


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
