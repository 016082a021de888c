"""Proxy drafts nobody can resume any more, and their files; then every file under ``proxy/``
that no draft or request references.

A draft belongs to a sign-in session; once that session has ended or gone idle past the
session lifetime, ``sessions.find`` refuses it and the draft is unreachable. The hourly job
deletes such drafts and the files they hold (the filing clean-up only looks under
``applications/``). Files are deleted before the rows: a row whose file is already gone is
harmless, a file without a row is what this job exists to prevent.

The sweep catches the files that lost their row another way: an upload stored whose request
then failed before its commit, a draft's file replaced by a later upload. A file younger than
the grace period (its upload may still be committing) is left for the next hour's run; a key
whose name carries no upload time is never touched (it is not one of ours).
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select

from portal.accounts.models import SignInSession
from portal.clock import beijing
from portal.extensions import db
from portal.filing.models import Attachment, Authority
from portal.proxy.models import ProxyDocument, ProxyDraft, ProxyRequest
from portal.proxy.uploads import SLOTS, discard
from portal.storage import Storage
from portal.worker import Hourly, periodic


def abandoned_drafts() -> list[ProxyDraft]:
    idle_before = beijing.now() - current_app.config["PERMANENT_SESSION_LIFETIME"]
    return list(
        db.session.scalars(
            select(ProxyDraft)
            .outerjoin(SignInSession, SignInSession.id == ProxyDraft.sign_in_session_id)
            .where(
                or_(
                    SignInSession.id.is_(None),
                    SignInSession.ended_at.is_not(None),
                    SignInSession.last_seen_at < idle_before,
                )
            )
        )
    )


def forget_abandoned_drafts(storage: Storage) -> int:
    drafts = abandoned_drafts()
    for draft in drafts:
        for slot in SLOTS:
            discard(storage, draft.answers.get(slot))
        db.session.delete(draft)
    db.session.flush()
    return len(drafts)


log = logging.getLogger("portal.proxy.cleanup")
# portal.proxy.uploads.store: proxy/<slot>-<unix seconds>-<uuid4 hex>
KEY_STAMP = re.compile(r"^proxy/[a-z-]+-(\d{10})-[0-9a-f]{32}$")
GRACE = timedelta(hours=1)


def _uploaded_at(key: str) -> datetime | None:
    match = KEY_STAMP.match(key)
    return datetime.fromtimestamp(int(match.group(1)), tz=beijing.now().tzinfo) if match else None


def referenced_keys() -> set[str]:
    """Every ``proxy/`` key a draft or a request holds (its slots are JSON descriptions)."""
    held: set[str] = set()
    for answers in db.session.scalars(select(ProxyDraft.answers)):
        held.update(
            (answers or {}).get(slot, {}).get("key") for slot in SLOTS if (answers or {}).get(slot)
        )
    for letter, key_document in db.session.execute(
        select(ProxyRequest.letter, ProxyRequest.key_document)
    ):
        held.update(d["key"] for d in (letter, key_document) if d and d.get("key"))
    # A project's documents, and the cases that share their bytes or a request's letter
    # (staff-assisted filing attaches both by key, never by copy).
    for column in (ProxyDocument.storage_key, Attachment.storage_key, Authority.storage_key):
        held.update(db.session.scalars(select(column).where(column.startswith("proxy/"))))
    return held


def sweep_unreferenced(storage: Storage, grace: timedelta = GRACE) -> int:
    """Delete the ``proxy/`` files nothing references, older than ``grace``."""
    keep, cutoff, deleted = referenced_keys(), beijing.now() - grace, 0
    for key in storage.keys("proxy/"):
        uploaded = _uploaded_at(key)
        if key in keep or uploaded is None or uploaded > cutoff:
            continue
        storage.delete(key)
        deleted += 1
    return deleted


@periodic("proxy-drafts", Hourly())
def proxy_drafts(period: str) -> str:
    storage = current_app.extensions["storage"]
    deleted = forget_abandoned_drafts(storage)
    db.session.commit()
    # After the commit: the drafts just forgotten no longer hold their keys.
    swept = sweep_unreferenced(storage)
    log.info("proxy cleanup: %d abandoned drafts, %d unreferenced files", deleted, swept)
    return f"{deleted} abandoned proxy drafts deleted, {swept} unreferenced proxy files deleted"
