"""A complaint's attachments: the same checks, scanning and storage as a case's materials.

Files are uploaded while the journey is still a draft in the session, so their bytes are
stored at once under the draft's own key prefix (``complaints/<draft>/…``) and only the
row that points to them waits for the submit. An abandoned journey leaves bytes no row
points to: ``delete_orphans`` removes them after a grace period longer than any session
(the hourly cleanup job), exactly as the filing cleanup removes unreferenced materials.
Holding the bytes in the session instead would make it large; holding them in memory
until submit would lose them between requests.
"""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import BinaryIO

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column

from portal.clock import beijing
from portal.complaints.models import Complaint
from portal.extensions import db
from portal.filing import filetypes
from portal.filing.operations import Rejection, UploadLimits, UploadRejected
from portal.filing.uploads import safe_display_name, stream_size
from portal.scanning import Scanner, ScannerUnavailable
from portal.storage import ObjectTooLarge, Storage, StorageError

log = logging.getLogger("portal.complaints.attachments")
PREFIX = "complaints/"
MAX_FILES = 5
KEY = re.compile(r"^complaints/[0-9a-f]{32}/(\d{10})-[0-9a-f]{32}$")
# Longer than any session lives, so a draft still being written keeps its files.
GRACE = timedelta(days=1)


class ComplaintAttachment(db.Model):
    __tablename__ = "complaint_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"))
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(80))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    scan_status: Mapped[str] = mapped_column(String(16))
    uploaded_at: Mapped[datetime]


@dataclass(frozen=True)
class DraftFile:
    """A stored file of a draft, small enough to keep in the session."""

    key: str
    name: str
    content_type: str
    size: int
    sha256: str
    scan_status: str
    uploaded_at: str  # ISO, Beijing time

    def as_dict(self) -> dict:
        return asdict(self)


def store_draft_file(
    draft_id: str,
    already: list[DraftFile],
    stream: BinaryIO,
    filename: str | None,
    *,
    storage: Storage,
    scanner: Scanner,
    limits: UploadLimits,
) -> DraftFile:
    """Check, scan and store one file for a draft; on refusal nothing is kept."""
    if len(already) >= MAX_FILES:
        raise UploadRejected(Rejection.APPLICATION_FULL)
    size = stream_size(stream)
    if size == 0:
        raise UploadRejected(Rejection.EMPTY)
    if size > limits.max_file_bytes:
        raise UploadRejected(Rejection.TOO_LARGE)
    if sum(f.size for f in already) + size > limits.max_application_bytes:
        raise UploadRejected(Rejection.APPLICATION_FULL)
    # A virus is reported as a virus whatever it pretends to be: scan before judging the type.
    scan_status = scan(stream, size, scanner, limits)
    try:
        content_type = filetypes.judge(stream)
    except filetypes.NotAccepted as refused:
        raise UploadRejected(Rejection(refused.refusal.value)) from refused
    moment = beijing.now()
    key = f"{PREFIX}{draft_id}/{int(moment.timestamp())}-{uuid.uuid4().hex}"
    try:
        stored = storage.save(
            key, stream, max_bytes=limits.max_file_bytes, content_type=content_type
        )
    except ObjectTooLarge as error:
        raise UploadRejected(Rejection.TOO_LARGE) from error
    except StorageError as error:
        log.error("storage refused a complaint attachment: %s", error)
        raise UploadRejected(Rejection.STORAGE_DOWN) from error
    return DraftFile(
        key=stored.key,
        name=safe_display_name(filename, content_type),
        content_type=content_type,
        size=stored.size,
        sha256=stored.sha256,
        scan_status=scan_status,
        uploaded_at=moment.isoformat(),
    )


def scan(stream: BinaryIO, size: int, scanner: Scanner, limits: UploadLimits) -> str:
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
        log.warning("a complaint attachment was refused: infected with %s", result.signature)
        raise UploadRejected(Rejection.INFECTED)
    return "clean"


def attach(complaint: Complaint, files: list[DraftFile]) -> None:
    """The rows for a draft's stored files, in the filing's transaction."""
    for file in files:
        db.session.add(
            ComplaintAttachment(
                complaint_id=complaint.id,
                storage_key=file.key,
                display_name=file.name,
                content_type=file.content_type,
                size=file.size,
                sha256=file.sha256,
                scan_status=file.scan_status,
                uploaded_at=datetime.fromisoformat(file.uploaded_at),
            )
        )
    db.session.flush()


def attachments_of(complaint: Complaint) -> list[ComplaintAttachment]:
    return list(
        db.session.scalars(
            select(ComplaintAttachment)
            .where(ComplaintAttachment.complaint_id == complaint.id)
            .order_by(ComplaintAttachment.id)
        )
    )


def delete_orphans(storage: Storage, grace: timedelta = GRACE) -> int:
    """Stored files of drafts nobody submitted, once no session can still hold them."""
    keep = set(db.session.scalars(select(ComplaintAttachment.storage_key)))
    cutoff, deleted = beijing.now() - grace, 0
    for key in storage.keys(PREFIX):
        match = KEY.match(key)
        if key in keep or match is None:
            continue
        if datetime.fromtimestamp(int(match.group(1)), tz=cutoff.tzinfo) > cutoff:
            continue
        storage.delete(key)
        deleted += 1
    return deleted
