"""The proxy request's two files (the letter of authorisation, the key-project document):
checked, scanned and stored by the filing rules (size limit, virus scan before the type is
judged from the content, display name only for display).

A refused file leaves nothing behind; the caller records the returned description.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import BinaryIO

from portal.clock import beijing
from portal.filing import filetypes
from portal.filing.operations import Rejection, UploadLimits, UploadRejected
from portal.filing.uploads import safe_display_name, stream_size
from portal.scanning import Scanner, ScannerUnavailable
from portal.storage import ObjectTooLarge, Storage, StorageError

log = logging.getLogger("portal.proxy")
SLOTS = ("letter", "key_document")  # a request draft's files
PROJECT_DOCUMENT = "project_document"  # a project's document (portal.proxy.documents)


def store(
    slot: str,
    stream: BinaryIO,
    filename: str | None,
    *,
    storage: Storage,
    scanner: Scanner,
    limits: UploadLimits,
) -> dict:
    """Check, scan and store one file; raises ``UploadRejected`` with the filing's reasons."""
    if slot not in (*SLOTS, PROJECT_DOCUMENT):
        raise UploadRejected(Rejection.NOT_IN_LIST)
    size = stream_size(stream)
    if size == 0:
        raise UploadRejected(Rejection.EMPTY)
    if size > limits.max_file_bytes:
        raise UploadRejected(Rejection.TOO_LARGE)
    scan = scan_status(stream, size, scanner, limits)
    try:
        content_type = filetypes.judge(stream)
    except filetypes.NotAccepted as refused:
        raise UploadRejected(Rejection(refused.refusal.value)) from refused
    stamp = int(beijing.now().timestamp())
    key = f"proxy/{slot.replace('_', '-')}-{stamp}-{uuid.uuid4().hex}"
    try:
        stored = storage.save(
            key, stream, max_bytes=limits.max_file_bytes, content_type=content_type
        )
    except ObjectTooLarge as error:
        raise UploadRejected(Rejection.TOO_LARGE) from error
    except StorageError as error:
        log.error("storage refused a proxy upload: %s", error)
        raise UploadRejected(Rejection.STORAGE_DOWN) from error
    return {
        "key": stored.key,
        "name": safe_display_name(filename, content_type),
        "content_type": content_type,
        "size": stored.size,
        "sha256": stored.sha256,
        "scan": scan,
    }


def scan_status(stream: BinaryIO, size: int, scanner: Scanner, limits: UploadLimits) -> str:
    """As the filing's scan: an infected file is refused whatever type it claims."""
    if not scanner.enabled:
        return "not-scanned"
    try:
        result = scanner.scan(stream, size=size)
    except ScannerUnavailable as error:
        log.error("virus scanner unavailable: %s", error)
        if limits.hold_when_scanner_down:
            return "unscanned"
        raise UploadRejected(Rejection.SCANNER_DOWN) from error
    finally:
        stream.seek(0)
    if result.is_infected:
        log.warning("a proxy upload was refused: infected with %s", result.signature)
        raise UploadRejected(Rejection.INFECTED)
    return "clean"


def discard(storage: Storage, described: dict | None) -> None:
    """Delete a stored file nobody will keep (a replaced or refused draft's)."""
    if not described:
        return
    try:
        storage.delete(described["key"])
    except StorageError as error:
        # An orphan costs space, not correctness: log it and go on.
        log.warning("a discarded proxy upload stays in storage: %s", error)


@dataclass(frozen=True)
class StoredFile:
    """A stored description in the shape ``filing.downloads.attachment_response`` hands out
    (presigned link on S3, streamed bytes otherwise), so both files leave the same way."""

    storage_key: str
    display_name: str
    content_type: str
    size: int


def as_download(described: dict) -> StoredFile:
    return StoredFile(
        described["key"], described["name"], described["content_type"], described["size"]
    )
