"""Status changes and the reply, back to the hotline that sent the work order.

Every public event of a complaint that came from the hotline (``public.is_public``) is
written to ``hotline_callbacks`` in the transaction that recorded it
(``operations.record_event`` calls ``event_recorded``), so a change and its callback cannot
part. The worker sends due rows after the commit, exactly as back-office deliveries go:
leased (``portal.outbox.claim_due``), POSTed by ``WebhookBackend`` with the same
``X-OneWindow-Signature`` (HMAC-SHA256 with the source's own callback secret),
``Idempotency-Key`` and ``X-OneWindow-Event`` headers, retried on the back office's
schedule (``BACKOFFICE_RETRY_HOURS``, capped jittered backoff), then parked.
"""

from __future__ import annotations

import json
import logging
import random
import uuid
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from portal.backoffice.delivery import (
    Backend,
    Delivery,
    DeliveryOutcome,
    DeliveryResult,
    WebhookBackend,
)
from portal.clock import beijing
from portal.complaints import public
from portal.complaints.hotline_models import HotlineCallback, HotlineWorkOrder
from portal.complaints.models import Complaint
from portal.complaints.numbering import display_ticket
from portal.extensions import db
from portal.outbox import (
    DEFAULT_LEASE,
    DELIVERED,
    PENDING,
    RetrySchedule,
    claim_due,
    record_failure,
    retry_schedule_from_config,
)

log = logging.getLogger("portal.complaints")
EVENT_PREFIX = "complaint-"


def event_recorded(complaint: Complaint, kind: str, detail: dict) -> None:
    """Queue the callback for a public event of a hotline complaint; nothing otherwise."""
    if not public.is_public(kind):
        return
    work_order = work_order_of(complaint)
    if work_order is None:
        return
    moment = beijing.now()
    db.session.add(
        HotlineCallback(
            work_order_id=work_order.id,
            event=kind,
            idempotency_key=uuid.uuid4().hex,
            payload=callback_document(complaint, work_order, kind, detail, moment),
            status=PENDING,
            attempts=0,
            next_attempt_at=moment,
            created_at=moment,
        )
    )


def work_order_of(complaint: Complaint) -> HotlineWorkOrder | None:
    """The work order a complaint came from (its source is then the hotline), if any."""
    if complaint.id is None:
        return None  # not yet written (its filing): the hotline has the answer to its POST
    with db.session.no_autoflush:  # called while an event is being added
        return db.session.scalar(
            select(HotlineWorkOrder).where(HotlineWorkOrder.complaint_id == complaint.id)
        )


def callback_document(complaint, work_order, kind: str, detail: dict, moment) -> dict:
    """What the hotline receives (docs/complaints.md, "The outbound document")."""
    return {
        "work_order_id": work_order.work_order_id,
        "ticket": display_ticket(complaint.ticket),
        "event": kind,
        "status": complaint.status,
        "at": beijing.aware(moment).astimezone(beijing.BEIJING).isoformat(),
        "accept_by": complaint.accept_by.isoformat(),
        "reply_by": complaint.reply_by.isoformat(),
        "detail": public.public_detail(kind, detail),
    }


_BACKENDS: dict[tuple[str, str], WebhookBackend] = {}


def _backend(url: str, secret: str) -> WebhookBackend:
    """One backend per callback target, kept so its keep-alive connections are reused."""
    key = (url, secret)
    if key not in _BACKENDS:
        timeout = float(current_app.config.get("BACKOFFICE_TIMEOUT") or 10)
        _BACKENDS[key] = WebhookBackend(url, secret.encode(), timeout=timeout)
    return _BACKENDS[key]


def deliver_due_callbacks(
    batch: int = 20,
    *,
    lease: timedelta = DEFAULT_LEASE,
    schedule: RetrySchedule | None = None,
    rng: random.Random | None = None,
    backend: Backend | None = None,
) -> int:
    """Send up to ``batch`` due callbacks, each outcome committed; how many were tried.

    ``backend`` replaces each source's webhook (tests); normally the source's callback URL
    and secret make it.
    """
    schedule = schedule or retry_schedule_from_config(current_app.config)
    leased = claim_due(HotlineCallback, batch, lease)
    for row_id in leased:
        _deliver_one(row_id, schedule, rng, backend)
    return len(leased)


def _deliver_one(
    row_id: int, schedule: RetrySchedule, rng: random.Random | None, backend: Backend | None
) -> None:
    row = db.session.get(HotlineCallback, row_id)
    if row is None or row.status != PENDING:
        db.session.rollback()
        return
    source = row.work_order.source
    row.attempts += 1
    if not source.active or not source.callback_url:
        why = "the source is revoked" if not source.active else "the source has no callback URL"
        record_failure(row, schedule, why, refused=True)
        log.error("hotline callback %s parked: %s", row.id, why)
        db.session.commit()
        return
    sender = backend or _backend(source.callback_url, source.callback_secret)
    body = json.dumps(row.payload, ensure_ascii=False, sort_keys=True).encode()
    delivery = Delivery(source.callback_url, body, row.idempotency_key, EVENT_PREFIX + row.event)
    try:
        result = sender.deliver(delivery)
    except Exception as error:  # a backend that raises costs this callback a retry, no more
        log.exception("hotline callback %s: the backend failed", row.id)
        result = DeliveryResult(DeliveryOutcome.RETRY, None, f"not sent: {type(error).__name__}")
    if result.outcome is DeliveryOutcome.DELIVERED:
        row.status = DELIVERED
        row.delivered_at = beijing.now()
        row.leased_until = None
        row.last_error = None
    elif record_failure(
        row, schedule, result.detail, refused=result.outcome is DeliveryOutcome.REJECTED, rng=rng
    ):
        log.error("hotline callback %s parked after %d attempts", row.id, row.attempts)
    db.session.commit()
