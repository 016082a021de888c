"""Deliver the outbox to the back office: signed, retried, never lost, never doubled in effect.

Several dispatchers may run at once (``flask backoffice dispatch``). Each claims a
message by leasing it in a short transaction (``portal.outbox.claim_due``; on
PostgreSQL ``FOR UPDATE SKIP LOCKED`` keeps two dispatchers from claiming the same
row). A dispatcher that dies mid-delivery leaves a lease that runs out, and another
one delivers the message again with the same idempotency key, which the back office
keeps only once. Failures are retried over ``BACKOFFICE_RETRY_HOURS`` (capped,
jittered backoff: ``portal.outbox.RetrySchedule``), then parked for staff.

Each attempt records which back-office system (``BACKOFFICE_SYSTEM``) the case went
to; only that system may report on the case (``inbound.apply_event``).

A dispatcher leases a batch at once, sends ``in_flight`` documents at a time over kept
connections, and commits the batch's outcomes together once every answer is in; a crash
before that commit resends with the same keys. On PostgreSQL an outbox INSERT notifies
``CHANNEL`` at its commit and an idle dispatcher waits on it (``portal.outbox.Wakeup``),
with ``idle_seconds`` as the poll that still catches retries; SQLite only polls.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal.backoffice.delivery import Backend, Delivery, DeliveryOutcome, DeliveryResult
from portal.backoffice.models import BackOfficeSystem, OutboxMessage, OutboxStatus
from portal.clock import beijing
from portal.extensions import db
from portal.filing.models import Application, Attachment, Status
from portal.i18n import localized
from portal.outbox import (
    DEFAULT_LEASE,
    RetrySchedule,
    Wakeup,
    claim_due,
    notify_on_insert,
    record_failure,
    retry_schedule_from_config,
    run_until,
)
from portal.window import file_links
from portal.window.answers import answers_document

log = logging.getLogger("portal.backoffice")

# The system BACKOFFICE_URL delivers to, when BACKOFFICE_SYSTEM does not name it.
DEFAULT_SYSTEM = "back-office"
DEFAULT_BATCH = 20
# Deliveries in flight at once per dispatcher: the back office's answer, not our CPU, is
# what a delivery mostly waits for.
DEFAULT_IN_FLIGHT = 4
# Each acceptance's transaction notifies this channel (PostgreSQL), at its commit.
CHANNEL = "onewindow_backoffice_outbox"
notify_on_insert(OutboxMessage, CHANNEL)


def claim(batch: int, lease: timedelta = DEFAULT_LEASE) -> list[int]:
    """Lease up to ``batch`` due messages to this dispatcher and commit the lease."""
    return claim_due(OutboxMessage, batch, lease)


def system_named(name: str) -> BackOfficeSystem:
    """The back-office system called ``name``, recorded (without a token) if new.

    Two dispatchers may record it at once: the unique name lets one win, and the other
    reads the winner's row.
    """
    query = select(BackOfficeSystem).where(BackOfficeSystem.name == name)
    system = db.session.scalar(query)
    if system is None:
        try:
            with db.session.begin_nested():
                system = BackOfficeSystem(name=name, active=True, created_at=beijing.now())
                db.session.add(system)
        except IntegrityError:
            system = db.session.scalars(query).one()
    return system


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
        "answers": answers_document(application.item.questions, application.answers),
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
                )
                or file_links.signed_url(attachment, download_seconds),
            }
            for attachment in application.attachments
            if attachment.replaced_at is None
        ],
        # Not a material (Art. 31): the authority of whoever filed it for the applicant (Art. 29).
        "filed_by": _filed_by(application, storage, download_seconds),
        # A county center took the materials in and forwarded the case: every clock starts on
        # its day (docs/proxy.md, "County forwarding").
        "forwarded_by": _forwarded_by(application),
    }


def _forwarded_by(application) -> dict | None:
    forwarding = application.forwarding
    if forwarding is None:
        return None
    return {
        "center": forwarding.center.slug,
        "center_name": forwarding.center.name,
        "received_on": forwarding.received_at_county.isoformat(),
        "forwarded_at": forwarding.forwarded_at.isoformat(),
    }


def _filed_by(application, storage, download_seconds: int) -> dict | None:
    member, authority = application.filed_by, application.authority
    if member is None:
        return None
    return {
        "staff_name": member.name,
        "center": member.center.slug,
        "authority": None
        if authority is None
        else {
            "kind": authority.kind,
            "file_name": authority.display_name,
            "content_type": authority.content_type,
            "size": authority.size,
            "sha256": authority.sha256,
            "download_url": storage.presigned_url(
                authority.storage_key,
                filename=authority.display_name,
                expires_seconds=download_seconds,
            )
            or file_links.signed_url(authority, download_seconds),
        },
    }


def deliver_one(
    message_id: int,
    backend: Backend,
    schedule: RetrySchedule,
    rng: random.Random | None = None,
    system_id: int | None = None,
) -> str:
    """Deliver one leased message and commit its outcome; its status afterwards."""
    statuses = deliver_batch([message_id], backend, schedule, rng, system_id)
    return statuses.get(message_id, "skipped")


def deliver_batch(
    message_ids: list[int],
    backend: Backend,
    schedule: RetrySchedule,
    rng: random.Random | None = None,
    system_id: int | None = None,
    *,
    in_flight: int = 1,
) -> dict[int, str]:
    """Deliver leased messages, ``in_flight`` at a time, and commit all their outcomes at
    once; each message's status afterwards (those no longer pending are left alone).

    Exactly once in effect: outcomes are committed only after every attempt came back.
    A dispatcher that dies before that commit leaves the leases to run out, and the
    messages are sent again with their same keys, which the back office keeps once.
    """
    messages = _pending(message_ids)
    if not messages:
        db.session.rollback()
        return {}
    seconds = current_app.config["DOWNLOAD_URL_SECONDS"] * 12
    send = _sender(backend, in_flight)
    # Each document goes out as soon as it is built: the next is built while it travels.
    pending = [
        send(
            Delivery(
                "",
                json.dumps(case_document(m, seconds), ensure_ascii=False, sort_keys=True).encode(),
                m.idempotency_key,
                m.event,
            )
        )
        for m in messages
    ]
    results = [outcome() for outcome in pending]
    statuses = {}
    delivered = []
    for message, result in zip(messages, results, strict=True):
        if result.outcome is DeliveryOutcome.DELIVERED:
            delivered.append(message)
            continue
        _record_failure(message, result, schedule, rng, system_id)
        statuses[message.id] = message.status  # read now: the commit expires every row
    statuses |= _record_delivered(delivered, system_id)
    db.session.commit()
    return statuses


def _record_delivered(messages: list[OutboxMessage], system_id: int | None) -> dict[int, str]:
    """Mark the batch's delivered messages delivered and their accepted cases forwarded:
    one conditional UPDATE each rather than a row at a time through the unit of work.

    A message no longer pending (its lease ran out and another dispatcher recorded it)
    is left alone, and its case gets no second "forwarded" line.
    """
    if not messages:
        return {}
    done = set(
        db.session.scalars(
            update(OutboxMessage)
            .where(
                OutboxMessage.id.in_([m.id for m in messages]),
                OutboxMessage.status == OutboxStatus.PENDING,
            )
            .values(
                status=OutboxStatus.DELIVERED,
                attempts=OutboxMessage.attempts + 1,
                delivered_at=beijing.now(),
                leased_until=None,
                last_error=None,
                system_id=system_id,
            )
            .returning(OutboxMessage.id)
            .execution_options(synchronize_session=False)
        )
    )
    cases = [m.application for m in messages if m.id in done]
    accepted = [a.id for a in cases if a.status == Status.ACCEPTED]
    if accepted:
        db.session.execute(
            update(Application)
            .where(Application.id.in_(accepted), Application.status == Status.ACCEPTED)
            .values(status=Status.FORWARDED)
            .execution_options(synchronize_session=False)
        )
    _forwarded(cases)
    return {m.id: OutboxStatus.DELIVERED for m in messages if m.id in done}


def _forwarded(cases: list[Application]) -> None:
    from portal.filing.operations import record_event

    for application in cases:
        record_event(application, "forwarded", "system")


def _pending(message_ids: list[int]) -> list[OutboxMessage]:
    """The still-pending messages among ``message_ids``, in that order, with what their
    case documents read loaded in a few queries rather than a few per message."""
    rows = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.id.in_(message_ids))
        .options(
            selectinload(OutboxMessage.application).options(
                selectinload(Application.item),
                selectinload(Application.applicant),
                selectinload(Application.attachments).selectinload(Attachment.material),
                # Who filed it for the applicant, if anyone: a query per case otherwise.
                selectinload(Application.authority),
                selectinload(Application.filed_by),
                # Not the timelines: "forwarded" is added without reading them
                # (filing.operations.record_event).
            )
        )
    ).all()
    by_id = {row.id: row for row in rows if row.status == OutboxStatus.PENDING}
    return [by_id[i] for i in message_ids if i in by_id]


def _sender(backend: Backend, in_flight: int) -> Callable[[Delivery], Callable[[], DeliveryResult]]:
    """Starts a delivery and hands back how to wait for its result: on up to ``in_flight``
    threads, or right here when one at a time."""
    if in_flight <= 1:

        def now(delivery: Delivery) -> Callable[[], DeliveryResult]:
            result = _send(backend, delivery)
            return lambda: result

        return now
    pool = _senders(in_flight)
    return lambda delivery: pool.submit(_send, backend, delivery).result


def _send(backend: Backend, delivery: Delivery) -> DeliveryResult:
    """One attempt; a backend that raises after all costs only this message a retry."""
    try:
        return backend.deliver(delivery)
    except Exception as error:
        log.exception("delivery %s: the backend failed", delivery.idempotency_key)
        return DeliveryResult(DeliveryOutcome.RETRY, None, f"not sent: {type(error).__name__}")


_SENDERS: dict[int, ThreadPoolExecutor] = {}


def _senders(in_flight: int) -> ThreadPoolExecutor:
    """Threads kept for the process's life, so each keeps its keep-alive connection."""
    if in_flight not in _SENDERS:
        _SENDERS[in_flight] = ThreadPoolExecutor(in_flight, thread_name_prefix="dispatch")
    return _SENDERS[in_flight]


def _record_failure(
    message: OutboxMessage,
    result: DeliveryResult,
    schedule: RetrySchedule,
    rng: random.Random | None,
    system_id: int | None,
) -> None:
    """A failed attempt: tried again later, or parked."""
    # Recorded on every attempt, even one whose answer is lost: the system may have the case.
    message.system_id = system_id
    message.attempts += 1
    if record_failure(
        message,
        schedule,
        result.detail,
        refused=result.outcome is DeliveryOutcome.REJECTED,
        rng=rng,
    ):
        log.error(
            "delivery %s parked after %d attempts: %s", message.id, message.attempts, result.detail
        )


def dispatch_once(
    backend: Backend,
    *,
    batch: int = DEFAULT_BATCH,
    lease: timedelta = DEFAULT_LEASE,
    schedule: RetrySchedule | None = None,
    rng: random.Random | None = None,
    system: str | None = None,
    in_flight: int = DEFAULT_IN_FLIGHT,
) -> int:
    """Deliver what is due now, ``in_flight`` at a time; how many messages were tried.

    One transaction leases the batch, one records all its outcomes. The retry schedule
    and the system's name default to the app's configuration (BACKOFFICE_RETRY_HOURS,
    BACKOFFICE_RETRY_CAP_SECONDS, BACKOFFICE_SYSTEM).
    """
    config = current_app.config
    schedule = schedule or retry_schedule_from_config(config)
    system = system or config.get("BACKOFFICE_SYSTEM") or DEFAULT_SYSTEM
    ids = claim(batch, lease)
    if ids:
        system_id = system_named(system).id
        db.session.commit()
        deliver_batch(ids, backend, schedule, rng, system_id, in_flight=in_flight)
    return len(ids)


def wakeup() -> Wakeup:
    """An idle dispatcher's rest: on PostgreSQL it ends when an acceptance commits."""
    return Wakeup(db.engine.url, CHANNEL)


def run(
    backend: Backend, *, idle_seconds: float = 1.0, stop_after: float | None = None, **options
) -> None:
    """The dispatcher loop; ``stop_after`` seconds bound it for tests and benchmarks.

    Idle, it waits up to ``idle_seconds`` for the next acceptance (PostgreSQL LISTEN; a
    plain poll on SQLite), and looks again at once when nothing woke it: retries fall due
    without a notification.
    """
    rest = wakeup()
    try:
        run_until(
            lambda: dispatch_once(backend, **options),
            idle_seconds=idle_seconds,
            stop_after=stop_after,
            wait=rest.wait,
        )
    finally:
        rest.close()


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
