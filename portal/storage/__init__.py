"""Where uploaded application materials live: one interface, two backends.

The filing code talks only to :class:`Storage`. A small deployment keeps files
on local disk; a larger one points at an S3-compatible server (SeaweedFS in
our tests and in production). Both backends stream in fixed-size chunks, so an
upload never sits whole in memory, and both compute the size and SHA-256 of
what they stored, so the caller records exactly what was kept.
"""

from __future__ import annotations

import abc
import hashlib
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote

from portal.config import ConfigurationError

__all__ = [
    "CHUNK_SIZE",
    "Meter",
    "ObjectTooLarge",
    "Storage",
    "StorageError",
    "StoredObject",
    "content_disposition",
    "storage_from_config",
    "validate_key",
    "validate_prefix",
]

CHUNK_SIZE = 1024 * 1024
MAX_KEY_BYTES = 1024
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_UNSAFE_FILENAME = re.compile(r'[\x00-\x1f\x7f/\\"]')
_ASCII_FALLBACK_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]")


class StorageError(Exception):
    """The storage backend is unreachable or failed; the message is safe to log."""


class ObjectTooLarge(StorageError):
    """The stream exceeded ``max_bytes``; nothing was left behind."""


@dataclass(frozen=True)
class StoredObject:
    """What a successful save kept: the caller records these next to the filing."""

    key: str
    size: int
    sha256: str


class Storage(abc.ABC):
    """Keyed, write-once blobs with streaming reads and writes."""

    @abc.abstractmethod
    def save(
        self, key: str, stream: BinaryIO, *, max_bytes: int, content_type: str
    ) -> StoredObject:
        """Store the stream under ``key``; all or nothing.

        Raises ObjectTooLarge (and keeps nothing) when more than ``max_bytes``
        arrive, StorageError when the backend fails, ValueError for a bad key.
        """

    @abc.abstractmethod
    def open(self, key: str) -> Iterator[bytes]:
        """Stream the stored bytes back in chunks; KeyError if there is no such key."""

    @abc.abstractmethod
    def delete(self, key: str) -> None:
        """Remove the object; deleting a missing key is not an error."""

    @abc.abstractmethod
    def exists(self, key: str) -> bool:
        """Whether an object is stored under ``key``."""

    @abc.abstractmethod
    def keys(self, prefix: str = "") -> Iterator[str]:
        """Every stored key starting with ``prefix``, in order; for orphan cleanup."""

    @abc.abstractmethod
    def presigned_url(self, key: str, *, filename: str, expires_seconds: int) -> str | None:
        """A time-limited download URL, or None when the app must stream the file itself."""

    @abc.abstractmethod
    def check(self) -> None:
        """Raise StorageError unless the backend can be reached; for health checks."""


def validate_key(key: str) -> str:
    """Refuse keys that could escape the storage root or confuse a backend.

    Keys come from our own code, so a bad one is a programming error
    (ValueError), never a user-facing message. Segments starting with a dot
    are refused too: they cover ``.`` and ``..`` and keep the local backend's
    temporary files out of the key space.
    """
    if not isinstance(key, str) or not key:
        raise ValueError("storage key must be a non-empty string")
    if ".." in key or key.startswith("/") or "\\" in key or _CONTROL.search(key):
        raise ValueError(f"storage key {key!r} is not allowed")
    if len(key.encode("utf-8")) > MAX_KEY_BYTES:
        raise ValueError(f"storage key is longer than {MAX_KEY_BYTES} bytes")
    if any(not part or part.startswith(".") for part in key.split("/")):
        raise ValueError(f"storage key {key!r} has an empty or hidden segment")
    return key


def validate_prefix(prefix: str) -> str:
    """A listing prefix obeys the key rules, except that it may be empty or end in '/'."""
    if prefix:
        validate_key(prefix.removesuffix("/"))
    return prefix


class Meter:
    """Counts and hashes the bytes of one upload, refusing to pass ``max_bytes``.

    Both backends pull their chunks through :meth:`chunks`, so the limit is
    enforced while streaming, before the excess is written anywhere.
    """

    def __init__(self, key: str, max_bytes: int) -> None:
        if max_bytes < 0:
            raise ValueError("max_bytes must not be negative")
        self.key = key
        self.max_bytes = max_bytes
        self.size = 0
        self._sha256 = hashlib.sha256()

    def chunks(self, stream: BinaryIO, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
        while chunk := stream.read(chunk_size):
            self.size += len(chunk)
            if self.size > self.max_bytes:
                raise ObjectTooLarge(f"upload for {self.key!r} exceeds {self.max_bytes} bytes")
            self._sha256.update(chunk)
            yield chunk

    def stored(self) -> StoredObject:
        return StoredObject(key=self.key, size=self.size, sha256=self._sha256.hexdigest())


def content_disposition(filename: str) -> str:
    """An ``attachment`` header value that keeps non-ASCII names (RFC 6266 / RFC 5987).

    Browsers that understand ``filename*`` get the exact UTF-8 name, e.g.
    ``申请表.pdf``; the plain ``filename`` is an ASCII stand-in for the rest.
    """
    cleaned = _UNSAFE_FILENAME.sub("_", unicodedata.normalize("NFC", filename))
    name = cleaned.strip(" .") or "download"
    return (
        f"attachment; filename=\"{_ascii_fallback(name)}\"; filename*=UTF-8''{quote(name, safe='')}"
    )


def _ascii_fallback(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    ascii_stem = _to_ascii(stem).strip(" _.-")
    ascii_extension = _to_ascii(extension).strip(" _.-")
    return (ascii_stem or "download") + (f".{ascii_extension}" if ascii_extension else "")


def _to_ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _ASCII_FALLBACK_UNSAFE.sub("_", decomposed)


def storage_from_config(config: Mapping[str, Any]) -> Storage:
    """Build the configured backend; a missing setting stops start-up with its name.

    Backends are imported here so a local-disk deployment never loads boto3.
    """
    backend = str(_setting(config, "STORAGE_BACKEND") or "local").strip().lower()
    if backend == "local":
        from portal.storage.local import LocalStorage

        return LocalStorage(Path(_required(config, "STORAGE_LOCAL_DIR", backend)))
    if backend == "s3":
        from portal.storage.s3 import S3Storage

        return S3Storage(
            bucket=_required(config, "S3_BUCKET", backend),
            endpoint_url=_setting(config, "S3_ENDPOINT_URL"),
            access_key=_required(config, "S3_ACCESS_KEY", backend),
            secret_key=_required(config, "S3_SECRET_KEY", backend),
            region=_setting(config, "S3_REGION") or "us-east-1",
        )
    raise ConfigurationError(f"STORAGE_BACKEND must be 'local' or 's3', not {backend!r}")


def _setting(config: Mapping[str, Any], name: str) -> Any:
    value = config.get(name)
    return None if value in (None, "") else value


def _required(config: Mapping[str, Any], name: str, backend: str) -> Any:
    value = _setting(config, name)
    if value is None:
        raise ConfigurationError(f"{name} must be set when STORAGE_BACKEND is {backend!r}")
    return value
