"""Deliver the outbox to the back office: signed, retried, never lost, never doubled in effect.

Several dispatchers may run at once (``flask backoffice dispatch``). Each claims a
message by leasing it in a short transaction; on PostgreSQL ``FOR UPDATE SKIP
LOCKED`` keeps two dispatchers from claiming the same row. A dispatcher that dies
mid-delivery leaves a lease that runs out, and another one delivers the message
again with the same idempotency key, which the back office keeps only once.
"""

from __future__ import annotations

import json
import logging
import random
import time
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select

from portal.backoffice.delivery import Backend, Delivery, DeliveryOutcome, backoff_seconds
from portal.backoffice.models import OutboxMessage, OutboxStatus
from portal.clock import beijing
from portal.extensions import db
from portal.filing.models import Application, Status
from portal.i18n import localized

log = logging.getLogger("portal.backoffice")


def claim(batch: int, lease: timedelta) -> list[int]:
    """Lease up to ``batch`` due messages to this dispatcher and commit the lease."""
    moment = beijing.now()
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= moment,
            or_(OutboxMessage.leased_until.is_(None), OutboxMessage.leased_until < moment),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(batch)
    )
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    messages = list(db.session.scalars(query))
    for message in messages:
        message.leased_until = moment + lease
    ids = [message.id for message in messages]
    db.session.commit()
    return ids


def case_document(message: OutboxMessage, download_seconds: int) -> dict:
    """What the back office receives (docs/backoffice.md): built at delivery time, so the
    material links are fresh."""
    application: Application = message.application
    storage = current_app.extensions["storage"]
    applicant = application.applicant
    return {
        "event": message.event,
        "case": {
            "number": application.number,
            "status": application.status,
            "submitted_at": application.submitted_at.isoformat()
            if application.submitted_at
            else None,
            "accepted_on": application.accepted_on.isoformat() if application.accepted_on else None,
            "pre_review_by": application.pre_review_by.isoformat()
            if application.pre_review_by
            else None,
            "decide_by": application.decide_by.isoformat() if application.decide_by else None,
            "review_opinion": application.review_opinion,
        },
        "item": {
            "code": application.item.code,
            "name": application.item.name,
            "promised_limit_working_days": application.item.promised_limit,
            "statutory_limit_working_days": application.item.statutory_limit,
        },
        "applicant": {
            "kind": applicant.kind,
            "name": applicant.name,
            "identifier": applicant.identifier,
            "mobile": applicant.mobile,
            "email": applicant.email,
            "legal_representative": applicant.legal_representative,
            "contact_name": applicant.contact_name,
        },
        "answers": application.answers,
        "materials": [
            {
                "material": attachment.material.code,
                "name": localized(attachment.material.name),
                "file_name": attachment.display_name,
                "content_type": attachment.content_type,
                "size": attachment.size,
                "sha256": attachment.sha256,
                "download_url": storage.presigned_url(
                    attachment.storage_key,
                    filename=attachment.display_name,
                    expires_seconds=download_seconds,
                ),
            }
            for attachment in application.attachments
            if attachment.replaced_at is None
        ],
    }


def deliver_one(message_id: int, backend: Backend, max_attempts: int, rng: random.Random) -> str:
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.status != OutboxStatus.PENDING:
        db.session.rollback()
        return "skipped"
    body = json.dumps(
        case_document(message, current_app.config["DOWNLOAD_URL_SECONDS"] * 12),
        ensure_ascii=False,
        sort_keys=True,
    ).encode()
    result = backend.deliver(Delivery("", body, message.idempotency_key, message.event))
    message.attempts += 1
    message.leased_until = None
    if result.outcome is DeliveryOutcome.DELIVERED:
        message.status = OutboxStatus.DELIVERED
        message.delivered_at = beijing.now()
        message.last_error = None
        _mark_forwarded(message.application)
    elif result.outcome is DeliveryOutcome.REJECTED or message.attempts >= max_attempts:
        message.status = OutboxStatus.PARKED
        message.last_error = result.detail
        log.error(
            "delivery %s parked after %d attempts: %s", message.id, message.attempts, result.detail
        )
    else:
        message.last_error = result.detail
        message.next_attempt_at = beijing.now() + timedelta(
            seconds=backoff_seconds(message.attempts, rng=rng)
        )
    db.session.commit()
    return message.status


def _mark_forwarded(application: Application) -> None:
    from portal.filing.operations import _record

    if application.status == Status.ACCEPTED:
        application.status = Status.FORWARDED
    _record(application, "forwarded", "system")


def dispatch_once(
    backend: Backend,
    *,
    batch: int = 20,
    lease: timedelta = timedelta(minutes=2),
    max_attempts: int = 8,
    rng: random.Random | None = None,
) -> int:
    """Deliver what is due now; how many messages were tried."""
    rng = rng or random.Random()
    ids = claim(batch, lease)
    for message_id in ids:
        deliver_one(message_id, backend, max_attempts, rng)
    return len(ids)


def run(
    backend: Backend, *, idle_seconds: float = 1.0, stop_after: float | None = None, **options
) -> None:
    """The dispatcher loop; ``stop_after`` seconds bound it for tests and benchmarks."""
    started = time.monotonic()
    while stop_after is None or time.monotonic() - started < stop_after:
        if not dispatch_once(backend, **options):
            time.sleep(idle_seconds)


def stuck_deliveries() -> list[OutboxMessage]:
    """Parked messages, and pending ones that have failed at least once: for staff to see."""
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(
                or_(
                    OutboxMessage.status == OutboxStatus.PARKED,
                    (OutboxMessage.status == OutboxStatus.PENDING) & (OutboxMessage.attempts > 0),
                )
            )
            .order_by(OutboxMessage.created_at)
        )
    )


def resend(message_id: int) -> bool:
    """An administrator puts a parked message back in the queue, with its same key."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.status == OutboxStatus.DELIVERED:
        return False
    message.status = OutboxStatus.PENDING
    message.attempts = 0
    message.next_attempt_at = beijing.now()
    message.leased_until = None
    return True
