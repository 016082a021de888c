"""The storage interface as the filing code relies on it, on both backends.

The S3 backend runs against a real SeaweedFS (tests/fixtures/seaweedfs.py):
moto and other fakes accept tampered signatures and wrong keys.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import stat
import time
import tracemalloc
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pytest

from portal.config import ConfigurationError
from portal.storage import (
    ObjectTooLarge,
    Storage,
    StorageError,
    content_disposition,
    storage_from_config,
)
from portal.storage.local import LocalStorage
from portal.storage.s3 import S3Storage
from tests.fixtures.seaweedfs import S3Endpoint, SeaweedServer

MiB = 1024 * 1024
KEY = "applications/2026/ab12cd34/m01-5f0c8e1a"
PDF = "application/pdf"
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest) -> Storage:
    """Each backend in turn; SeaweedFS starts only when an S3 case runs."""
    return request.getfixturevalue(f"{request.param}_storage")


@pytest.fixture(params=["local", "s3"])
def broken_storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    """A backend that cannot work: a root below a regular file, or a closed port."""
    if request.param == "s3":
        return request.getfixturevalue("unreachable_s3_storage")
    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(b"")
    return LocalStorage(blocker / "storage")


def save_bytes(storage: Storage, key: str, data: bytes, max_bytes: int = 50 * MiB):
    return storage.save(key, io.BytesIO(data), max_bytes=max_bytes, content_type=PDF)


def read_all(storage: Storage, key: str) -> bytes:
    return b"".join(storage.open(key))


def write_file(path: Path, size: int) -> str:
    """A file of ``size`` varied bytes, written a block at a time; returns its SHA-256."""
    digest = hashlib.sha256()
    block = os.urandom(MiB)
    with path.open("wb") as file:
        for offset in range(0, size, MiB):
            piece = (offset.to_bytes(8, "big") + block[8:])[: size - offset]
            file.write(piece)
            digest.update(piece)
    return digest.hexdigest()


@dataclass
class Peak:
    bytes: int = 0


@contextlib.contextmanager
def traced_peak() -> Iterator[Peak]:
    """The peak of Python allocations (tracemalloc) inside the block."""
    peak = Peak()
    tracemalloc.start()
    try:
        yield peak
    finally:
        peak.bytes = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()


def test_round_trip_keeps_bytes_and_reports_sha256(storage):
    data = os.urandom(2 * MiB + 17)

    stored = save_bytes(storage, KEY, data)

    assert (stored.key, stored.size) == (KEY, len(data))
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert storage.exists(KEY)
    assert read_all(storage, KEY) == data


def test_open_streams_in_chunks(storage):
    save_bytes(storage, KEY, b"x" * (3 * MiB))

    chunks = list(storage.open(KEY))

    assert len(chunks) > 1
    assert max(len(chunk) for chunk in chunks) <= MiB


def test_empty_stream_is_stored(storage):
    stored = save_bytes(storage, KEY, b"", max_bytes=0)

    assert (stored.size, stored.sha256) == (0, hashlib.sha256(b"").hexdigest())
    assert storage.exists(KEY)
    assert read_all(storage, KEY) == b""


def test_stream_of_exactly_max_bytes_is_accepted(storage):
    assert save_bytes(storage, KEY, b"a" * 1000, max_bytes=1000).size == 1000


@pytest.mark.parametrize(
    ("max_bytes", "size"),
    [(10, 11), (9 * MiB, 10 * MiB)],
    ids=["single-part", "multipart"],
)
def test_too_large_stream_is_refused_and_leaves_nothing(storage, max_bytes, size):
    save_bytes(storage, "applications/2026/kept", b"k")

    with pytest.raises(ObjectTooLarge):
        save_bytes(storage, KEY, b"z" * size, max_bytes=max_bytes)

    assert not storage.exists(KEY)
    assert list(storage.keys()) == ["applications/2026/kept"]


def test_too_large_is_a_storage_error():
    assert issubclass(ObjectTooLarge, StorageError)


def test_large_stream_is_saved_and_read_with_bounded_memory(storage, tmp_path):
    size = 25 * MiB
    source = tmp_path / "upload.bin"
    expected = write_file(source, size)

    with source.open("rb") as stream, traced_peak() as peak:
        stored = storage.save(KEY, stream, max_bytes=size, content_type=PDF)
    assert peak.bytes < 8 * MiB
    assert (stored.size, stored.sha256) == (size, expected)

    digest = hashlib.sha256()
    with traced_peak() as peak:
        for chunk in storage.open(KEY):
            digest.update(chunk)
    assert peak.bytes < 8 * MiB
    assert digest.hexdigest() == expected


def test_delete_is_idempotent(storage):
    save_bytes(storage, KEY, b"data")

    storage.delete(KEY)
    storage.delete(KEY)

    assert not storage.exists(KEY)
    assert list(storage.keys()) == []


def test_open_of_missing_key_raises_key_error(storage):
    with pytest.raises(KeyError):
        storage.open("applications/2026/none/m01")


def test_keys_lists_by_prefix_in_order(storage):
    keys = [
        "applications/2027/c3/m01",
        "applications/2026/b2/m01",
        "other/x",
        "applications/2026/a1/m02",
        "applications/2026/a1/m01",
    ]
    for key in keys:
        save_bytes(storage, key, key.encode())

    assert list(storage.keys("applications/2026/")) == [
        "applications/2026/a1/m01",
        "applications/2026/a1/m02",
        "applications/2026/b2/m01",
    ]
    assert list(storage.keys()) == sorted(keys)
    assert list(storage.keys("nothing/")) == []


BAD_KEYS = [
    "",
    "../etc/passwd",
    "applications/../secret",
    "/absolute",
    "back\\slash",
    "nul\x00byte",
    "new\nline",
    "tab\tkey",
    "del\x7fkey",
    "double//slash",
    "trailing/",
    "applications/.hidden",
]


@pytest.mark.parametrize("key", BAD_KEYS)
def test_bad_keys_are_rejected(storage, key):
    with pytest.raises(ValueError):
        save_bytes(storage, key, b"x")
    for operation in (storage.open, storage.delete, storage.exists):
        with pytest.raises(ValueError):
            operation(key)
    with pytest.raises(ValueError):
        storage.presigned_url(key, filename="a.pdf", expires_seconds=60)
    assert list(storage.keys()) == []


def test_bad_prefix_is_rejected(storage):
    with pytest.raises(ValueError):
        storage.keys("../")


def test_check_passes_when_backend_is_up(storage):
    storage.check()


def test_storage_down_fails_fast_with_storage_error(broken_storage):
    started = time.monotonic()

    with pytest.raises(StorageError):
        broken_storage.check()
    with pytest.raises(StorageError):
        save_bytes(broken_storage, KEY, b"data")

    assert time.monotonic() - started < 10


# S3 only


def test_presigned_url_downloads_the_bytes_under_the_chinese_name(s3_storage):
    data = os.urandom(1000)
    save_bytes(s3_storage, KEY, data)

    url = s3_storage.presigned_url(KEY, filename="营业执照 副本.pdf", expires_seconds=60)

    with NO_PROXY.open(url, timeout=10) as response:
        body = response.read()
        disposition = response.headers["Content-Disposition"]
    assert body == data
    assert disposition.startswith("attachment;")
    encoded = disposition.split("filename*=UTF-8''", 1)[1]
    assert unquote(encoded, encoding="utf-8") == "营业执照 副本.pdf"


def test_tampered_presigned_url_is_refused(s3_storage):
    save_bytes(s3_storage, KEY, b"secret")
    url = s3_storage.presigned_url(KEY, filename="a.pdf", expires_seconds=60)
    tampered = url[:-1] + ("0" if url[-1] != "0" else "1")

    with pytest.raises(urllib.error.HTTPError) as refused:
        NO_PROXY.open(tampered, timeout=10)
    refused.value.close()

    assert refused.value.code == 403


def test_wrong_secret_key_is_a_storage_error(seaweedfs: S3Endpoint, s3_storage):
    wrong_secret = "not-the-secret-" + "x" * 20
    impostor = seaweedfs.with_bucket(s3_storage.bucket).storage(secret_key=wrong_secret)
    with contextlib.closing(impostor), pytest.raises(StorageError) as failed:
        save_bytes(impostor, KEY, b"data")

    assert "SignatureDoesNotMatch" in str(failed.value)
    assert wrong_secret not in str(failed.value)
    assert seaweedfs.secret_key not in str(failed.value)
    assert not s3_storage.exists(KEY)


def test_missing_bucket_fails_the_health_check(seaweedfs: S3Endpoint):
    storage = seaweedfs.with_bucket("no-such-bucket-here").storage()
    with contextlib.closing(storage), pytest.raises(StorageError, match="404"):
        storage.check()


def test_ensure_bucket_is_idempotent(s3_storage):
    s3_storage.ensure_bucket()
    s3_storage.check()


class OneWayStream(io.RawIOBase):
    """A stream that can only be read front to back, like a socket: no seek, no size."""

    def __init__(self, data: bytes) -> None:
        self._source = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._source.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def pending_uploads(seaweedfs: S3Endpoint, bucket: str) -> list:
    with seaweedfs.with_bucket(bucket).client() as client:
        return client.list_multipart_uploads(Bucket=bucket).get("Uploads", [])


def test_refused_multipart_upload_is_aborted(seaweedfs: S3Endpoint, s3_storage):
    # A one-way stream is found too large only after its first parts were sent.
    with pytest.raises(ObjectTooLarge):
        s3_storage.save(KEY, OneWayStream(b"z" * (20 * MiB)), max_bytes=17 * MiB, content_type=PDF)

    assert not s3_storage.exists(KEY)
    assert pending_uploads(seaweedfs, s3_storage.bucket) == []


def test_too_large_file_is_refused_before_anything_is_sent(seaweedfs: S3Endpoint, s3_storage):
    with pytest.raises(ObjectTooLarge):
        save_bytes(s3_storage, KEY, b"z" * (10 * MiB), max_bytes=9 * MiB)

    assert not s3_storage.exists(KEY)
    assert pending_uploads(seaweedfs, s3_storage.bucket) == []


def test_one_way_stream_is_stored_whole(s3_storage):
    data = os.urandom(18 * MiB + 5)

    stored = s3_storage.save(KEY, OneWayStream(data), max_bytes=len(data), content_type=PDF)

    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert read_all(s3_storage, KEY) == data


def test_parts_sent_side_by_side_keep_their_order(seaweedfs: S3Endpoint, s3_storage, tmp_path):
    # Parts of 5 MiB, four at a time, from a file: part n must hold bytes n, not a neighbour's.
    source = tmp_path / "upload.bin"
    write_file(source, 23 * MiB + 3)
    tail = source.read_bytes()[3:]
    storage = seaweedfs.with_bucket(s3_storage.bucket).storage(
        part_size=5 * MiB, upload_concurrency=4
    )
    try:
        with source.open("rb") as stream:
            stream.seek(3)  # from where the stream stands, as a caller may have read a header
            stored = storage.save(KEY, stream, max_bytes=30 * MiB, content_type=PDF)
        assert (stored.size, stored.sha256) == (len(tail), hashlib.sha256(tail).hexdigest())
        assert read_all(storage, KEY) == tail
    finally:
        storage.close()


# Local only


def test_local_files_are_private_and_no_temporary_files_remain(local_storage):
    save_bytes(local_storage, KEY, b"data")
    with pytest.raises(ObjectTooLarge):
        save_bytes(local_storage, "applications/2026/ab12cd34/m02", b"z" * 20, max_bytes=10)

    path = local_storage.root / KEY
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_local_storage_has_no_presigned_url(local_storage):
    assert local_storage.presigned_url(KEY, filename="a.pdf", expires_seconds=60) is None


# Configuration and helpers


def test_config_builds_local_storage_by_default(tmp_path):
    storage = storage_from_config({"STORAGE_LOCAL_DIR": str(tmp_path)})

    assert isinstance(storage, LocalStorage)
    assert storage.root == tmp_path


def test_config_builds_s3_storage(seaweedfs: S3Endpoint):
    with contextlib.closing(storage_from_config(seaweedfs.config())) as storage:
        assert isinstance(storage, S3Storage)
        storage.check()


@pytest.mark.parametrize(
    ("config", "missing"),
    [
        ({}, "STORAGE_LOCAL_DIR"),
        ({"STORAGE_BACKEND": "s3", "S3_ACCESS_KEY": "k", "S3_SECRET_KEY": "s"}, "S3_BUCKET"),
        ({"STORAGE_BACKEND": "s3", "S3_BUCKET": "b", "S3_ACCESS_KEY": "k"}, "S3_SECRET_KEY"),
        ({"STORAGE_BACKEND": "ftp"}, "STORAGE_BACKEND"),
    ],
)
def test_config_names_the_missing_setting(config, missing):
    with pytest.raises(ConfigurationError, match=missing):
        storage_from_config(config)


@pytest.mark.parametrize(
    ("filename", "fallback"),
    [
        ("申请表.pdf", "download.pdf"),
        ('report "final".pdf', "report _final.pdf"),
        ("../../etc/passwd", "download.etc_passwd"),
    ],
)
def test_content_disposition_keeps_the_name_and_an_ascii_fallback(filename, fallback):
    header = content_disposition(filename)

    assert header.isascii()
    assert f'filename="{fallback}"' in header
    encoded = header.split("filename*=UTF-8''", 1)[1]
    assert "/" not in unquote(encoded)


def test_s3_outage_fails_fast_and_recovers_after_restart(tmp_path):
    """A storage that worked, whose server then stops: errors quickly, works once it is back."""
    with SeaweedServer(tmp_path / "seaweedfs") as server:
        storage = server.endpoint("outage").storage()
        with contextlib.closing(storage):
            storage.ensure_bucket()
            save_bytes(storage, KEY, b"before")
            server.stop()

            started = time.monotonic()
            with pytest.raises(StorageError):
                storage.check()
            with pytest.raises(StorageError):
                save_bytes(storage, "applications/2026/during", b"during")
            assert time.monotonic() - started < 10

            server.start()
            storage.check()
            assert read_all(storage, KEY) == b"before"
