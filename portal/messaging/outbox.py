"""The message outbox: queue in the transaction, send after the commit, retry, park.

``queue_message`` writes a row in the current transaction and nothing else. Once a
request's transaction has committed, its messages are tried at once (so a reset code
arrives while the applicant waits); whatever fails, and whatever a command queued, is
sent by ``deliver_due_messages``, which the worker and ``flask messages deliver`` call.
Rows are leased (``SKIP LOCKED`` on PostgreSQL) and retried on the back office's
schedule (``portal.outbox``), so two workers never send one message and an SMTP outage
delays messages instead of losing them.

Each row is one message by one channel (e-mail or SMS) with its own idempotency key:
an e-mail that went out is never sent again because the SMS beside it failed, and a
retry after a lost answer carries the same key (``Message.key``), which the SMS gateway
dedupes and the e-mail's Message-ID is made of. Messages to an applicant come through
``portal.messaging.sending.tell_applicant``; ``queue_message`` is for an address.

A delivered message's body is cleared: it can hold a one-time code (the message box
keeps its own copy, codes masked). Nothing here logs a recipient or a body; failures are
logged by id and purpose.
"""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from flask import Flask, Response, current_app, request
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.clock import beijing
from portal.extensions import db
from portal.messaging.models import QueuedMessage, SentMessage
from portal.notify import Message, NotificationFailed, Notifier
from portal.outbox import (
    DEFAULT_LEASE,
    DELIVERED,
    PENDING,
    RetrySchedule,
    claim_due,
    record_failure,
    retry_schedule_from_config,
)

log = logging.getLogger("portal.messaging")

_QUEUED = "portal.messaging.queued"  # ids queued in the session's open transaction
_COMMITTED = "portal.messaging.committed"  # ids whose transaction has committed


def queue_message(message: Message) -> None:
    """Send ``message`` once the current transaction commits (never if it rolls back).

    For a message to an address rather than to an account's choice of channels (a code
    sent to a new e-mail address or mobile number): one row per address it names.
    """
    if message.to_email:
        queue_channel("email", message.to_email, message.subject, message.body, message.purpose)
    if message.to_mobile:
        queue_channel("sms", message.to_mobile, message.subject, message.body, message.purpose)


def queue_channel(
    channel: str,
    address: str,
    subject: str,
    body: str,
    purpose: str,
    sent_message: SentMessage | None = None,
) -> QueuedMessage:
    """One outbox row: one message by one channel to one address, with its own key."""
    moment = beijing.now()
    row = QueuedMessage(
        purpose=purpose,
        channel=channel,
        to_email=address if channel == "email" else None,
        to_mobile=address if channel == "sms" else None,
        subject=subject,
        body=body,
        status=PENDING,
        attempts=0,
        next_attempt_at=moment,
        created_at=moment,
        idempotency_key=uuid.uuid4().hex,
        sent_message=sent_message,
    )
    db.session.add(row)
    db.session.flush()
    db.session.info.setdefault(_QUEUED, []).append(row.id)
    return row


def message_retry_schedule(config: Mapping[str, Any]) -> RetrySchedule:
    """The back office's schedule over ``MESSAGE_RETRY_HOURS``: a message to a person may
    be worth retrying for a different time than a case document."""
    shared = retry_schedule_from_config(config)
    hours = float(config.get("MESSAGE_RETRY_HOURS", shared.horizon.total_seconds() / 3600))
    return RetrySchedule(horizon=timedelta(hours=hours), cap_seconds=shared.cap_seconds)


def deliver_due_messages(
    notifier: Notifier,
    batch: int = 20,
    *,
    lease: timedelta = DEFAULT_LEASE,
    schedule: RetrySchedule | None = None,
    rng: random.Random | None = None,
    ids: Iterable[int] | None = None,
) -> int:
    """Send up to ``batch`` due messages (only ``ids``, if given); how many were tried."""
    schedule = schedule or message_retry_schedule(current_app.config)
    leased = claim_due(QueuedMessage, batch, lease, ids)
    for message_id in leased:
        _deliver_one(message_id, notifier, schedule, rng)
    return len(leased)


def _deliver_one(
    message_id: int, notifier: Notifier, schedule: RetrySchedule, rng: random.Random | None
) -> None:
    row = db.session.get(QueuedMessage, message_id)
    if row is None or row.status != PENDING:
        db.session.rollback()
        return
    message = Message(
        row.to_email, row.to_mobile, row.subject, row.body or "", row.purpose, row.idempotency_key
    )
    row.attempts += 1
    if not notifier.applies_to(message):
        # Marked delivered, it would be a lie in the message box: parked, staff see it.
        record_failure(row, schedule, f"no {row.channel} channel configured", refused=True)
        log.error("message %s (%s) parked: no %s channel", row.id, row.purpose, row.channel)
        db.session.commit()
        return
    try:
        notifier.send(message)
    except NotificationFailed as error:  # its text holds no address and no content
        if record_failure(row, schedule, str(error), rng=rng):
            log.error("message %s (%s) parked: %s", row.id, row.purpose, error)
        else:
            log.warning("message %s (%s) not sent yet: %s", row.id, row.purpose, error)
    else:
        row.status = DELIVERED
        row.delivered_at = beijing.now()
        row.body = None  # the message box keeps its own copy, with any code masked
        row.leased_until = None
        row.last_error = None
    db.session.commit()


def _after_commit(session: Session) -> None:
    queued = session.info.pop(_QUEUED, None)
    if queued:
        session.info.setdefault(_COMMITTED, []).extend(queued)


def _after_rollback(session: Session) -> None:
    session.info.pop(_QUEUED, None)


def send_committed(notifier: Notifier, ids: list[int]) -> None:
    """Try the messages whose transaction has committed, now; the worker retries failures."""
    if not ids:
        return
    try:
        deliver_due_messages(notifier, batch=len(ids), ids=ids)
    except Exception:  # the request is answered already; the worker will send them
        db.session.rollback()
        log.exception("messages %s left for the worker", ids)


def init_app(app: Flask) -> None:
    # The listeners go on the session class that every app shares: register them once.
    if not event.contains(db.session, "after_commit", _after_commit):
        event.listen(db.session, "after_commit", _after_commit)
        event.listen(db.session, "after_rollback", _after_rollback)

    @app.after_request
    def _send_once_answered(response: Response) -> Response:
        # Sent when the server closes the response, after the body has gone: a page answers
        # in the same time whether it queued a message or not (no account enumeration by
        # timing), and never waits on a mail server.
        committed = request.environ.setdefault(_COMMITTED, [])
        response.call_on_close(lambda: _send_in_own_context(app, committed))
        return response

    @app.teardown_request
    def _collect_committed(error: BaseException | None) -> None:
        # Teardown runs after the transaction boundary (portal/transactions.py) committed.
        request.environ.setdefault(_COMMITTED, []).extend(db.session.info.pop(_COMMITTED, []))


def _send_in_own_context(app: Flask, ids: list[int]) -> None:
    if ids:
        with app.app_context():
            send_committed(app.extensions["notifier"], list(ids))
