"""Remove what nobody will come back for: expired drafts, and stored files no record points to.

An object can outlive its record when a request saved the bytes and then failed
before committing, or when an upload replaced an earlier file. Objects younger
than the grace period are left alone: their upload may still be committing.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from portal.clock import beijing
from portal.extensions import db
from portal.filing.models import Application, Attachment, Status
from portal.storage import Storage

log = logging.getLogger("portal.filing.cleanup")
KEY_STAMP = re.compile(r"^applications/[0-9a-f]{32}/[a-z0-9-]+?-(\d{10})-[0-9a-f]{32}$")


@dataclass(frozen=True)
class CleanupReport:
    drafts_deleted: int
    objects_deleted: int


def _uploaded_at(key: str) -> datetime | None:
    match = KEY_STAMP.match(key)
    return datetime.fromtimestamp(int(match.group(1)), tz=beijing.now().tzinfo) if match else None


def delete_expired_drafts() -> int:
    expired = list(
        db.session.scalars(
            select(Application.id).where(
                Application.status == Status.DRAFT, Application.expires_at < beijing.now()
            )
        )
    )
    if expired:
        _let_go_of(expired)
        db.session.execute(delete(Attachment).where(Attachment.application_id.in_(expired)))
        db.session.execute(delete(Application).where(Application.id.in_(expired)))
    return len(expired)


def _let_go_of(application_ids: list[int]) -> None:
    """Do what the foreign keys towards these applications declare, as PostgreSQL would:
    clear ``ON DELETE SET NULL`` columns (a proxy permit's link to its assisted draft), delete
    ``ON DELETE CASCADE`` rows (its events, its letter of authorisation). SQLite enforces no
    foreign keys and reuses a deleted row's id, so a leftover would belong to the next
    application given that id."""
    for table in db.metadata.sorted_tables:
        for key in table.foreign_keys:
            if key.column.table.name != "applications" or table.name == "attachments":
                continue
            if key.ondelete == "SET NULL":
                db.session.execute(
                    update(table)
                    .where(key.parent.in_(application_ids))
                    .values({key.parent.name: None})
                )
            elif key.ondelete == "CASCADE":
                db.session.execute(delete(table).where(key.parent.in_(application_ids)))


def live_keys() -> set[str]:
    return set(
        db.session.scalars(select(Attachment.storage_key).where(Attachment.replaced_at.is_(None)))
    )


def delete_orphans(storage: Storage, grace: timedelta) -> int:
    keep, cutoff, deleted = live_keys(), beijing.now() - grace, 0
    for key in storage.keys("applications/"):
        uploaded = _uploaded_at(key)
        if key in keep or uploaded is None or uploaded > cutoff:
            continue
        storage.delete(key)
        deleted += 1
    return deleted


def clean_up(storage: Storage, grace: timedelta = timedelta(hours=1)) -> CleanupReport:
    """Delete expired drafts (committing), then the objects left without a record."""
    drafts = delete_expired_drafts()
    db.session.commit()
    objects = delete_orphans(storage, grace)
    # Replaced attachments' rows go once their bytes are gone.
    db.session.execute(delete(Attachment).where(Attachment.replaced_at.is_not(None)))
    db.session.commit()
    log.info("cleanup: %d expired drafts, %d orphaned objects", drafts, objects)
    return CleanupReport(drafts, objects)
