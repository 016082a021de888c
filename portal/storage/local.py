"""Application materials on the local disk, for single-server deployments."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from portal.storage import (
    CHUNK_SIZE,
    Meter,
    Storage,
    StorageError,
    StoredObject,
    validate_key,
    validate_prefix,
)

_TEMP_PREFIX = ".tmp-"


class LocalStorage(Storage):
    """Files under one root folder, one file per key.

    A save writes a private temporary file beside its target and renames it
    into place, so readers see either nothing or the whole file, even after a
    crash. Files are readable by the portal's own user only.
    """

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"LocalStorage({str(self.root)!r})"

    def save(
        self, key: str, stream: BinaryIO, *, max_bytes: int, content_type: str
    ) -> StoredObject:
        target = self._path(key)
        meter = Meter(key, max_bytes)
        try:
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=_TEMP_PREFIX)
        except OSError as exc:
            raise StorageError(f"cannot write under {self.root}: {exc.strerror}") from exc
        written: str | Path = temp_name
        try:
            with os.fdopen(fd, "wb") as temp:
                for chunk in meter.chunks(stream):
                    temp.write(chunk)
                temp.flush()
                os.fsync(temp.fileno())
            os.replace(temp_name, target)
            written = target
            _fsync_directory(target.parent)
        except BaseException as exc:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(written)
            if isinstance(exc, OSError):
                raise StorageError(f"cannot store {key!r}: {exc.strerror}") from exc
            raise
        return meter.stored()

    def open(self, key: str) -> Iterator[bytes]:
        path = self._path(key)
        if not path.is_file():
            raise KeyError(key)
        return self._read(key, path)

    def delete(self, key: str) -> None:
        try:
            self._path(key).unlink(missing_ok=True)
        except OSError as exc:
            raise StorageError(f"cannot delete {key!r}: {exc.strerror}") from exc

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def keys(self, prefix: str = "") -> Iterator[str]:
        validate_prefix(prefix)
        if not self.root.is_dir():
            return iter(())
        found = (
            path.relative_to(self.root).as_posix()
            for path in self.root.rglob("*")
            if path.is_file() and not path.name.startswith(_TEMP_PREFIX)
        )
        return iter(sorted(key for key in found if key.startswith(prefix)))

    def presigned_url(self, key: str, *, filename: str, expires_seconds: int) -> str | None:
        """None: local files have no URL of their own; the app streams them after its checks."""
        validate_key(key)
        return None

    def check(self) -> None:
        """Create and remove a probe file, which catches a missing, full or read-only disk."""
        try:
            self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=self.root, prefix=_TEMP_PREFIX) as probe:
                probe.write(b"ok")
                probe.flush()
        except OSError as exc:
            raise StorageError(f"local storage {self.root} is not writable: {exc}") from exc

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*validate_key(key).split("/"))

    def _read(self, key: str, path: Path) -> Iterator[bytes]:
        """Opened lazily so an iterator that is never consumed holds no file open."""
        try:
            with path.open("rb") as file:
                while chunk := file.read(CHUNK_SIZE):
                    yield chunk
        except FileNotFoundError as exc:
            raise KeyError(key) from exc
        except OSError as exc:
            raise StorageError(f"cannot read {key!r}: {exc.strerror}") from exc


def _fsync_directory(folder: Path) -> None:
    """Make the rename itself durable, not only the file's contents."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
