"""The message box: what a person was told, newest first, and whether it reached them.

Presenters shape rows for the page (templates never see outbox rows): each message
with the case it is about, the notice it was sent for (by its own number), and one
plain-words status per channel it travelled by.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.filing.models import Application, Notice
from portal.filing.numbering import display_number
from portal.messaging import channels
from portal.messaging.models import QueuedMessage, SentMessage
from portal.outbox import DELIVERED, PARKED

STATUS_WORDS = {
    "sending": _l("正在发送"),
    "retrying": _l("暂时没有发出去，正在重试"),
    "delivered": _l("已发出"),
    "failed": _l("没能发出"),
}


@dataclass(frozen=True)
class Delivery:
    channel: str  # the channel's name, in the reader's language
    state: str  # sending, retrying, delivered, failed
    words: str


@dataclass(frozen=True)
class BoxEntry:
    id: int
    subject: str
    body: str
    sent_at: str
    case_number: str | None
    case_public_id: str | None
    notice_number: str | None
    deliveries: list[Delivery]


def delivery_state(row: QueuedMessage) -> str:
    if row.status == DELIVERED:
        return "delivered"
    if row.status == PARKED:
        return "failed"
    return "retrying" if row.attempts else "sending"


def _delivery(row: QueuedMessage) -> Delivery:
    state = delivery_state(row)
    label = channels.CHANNEL_LABELS.get(row.channel or "", row.channel or "")
    return Delivery(str(label), state, str(STATUS_WORDS[state]))


def _sent_at(moment: datetime) -> str:
    return format_datetime(moment, "medium")


def messages_for(applicant_id: int, application_id: int | None = None) -> list[BoxEntry]:
    """Every message to the applicant (about one case, if given), newest first."""
    query = (
        select(SentMessage, Application.number, Application.public_id, Notice.number)
        .outerjoin(Application, Application.id == SentMessage.application_id)
        .outerjoin(Notice, Notice.id == SentMessage.notice_id)
        .where(SentMessage.applicant_id == applicant_id)
        .options(selectinload(SentMessage.deliveries))
        .order_by(SentMessage.created_at.desc(), SentMessage.id.desc())
    )
    if application_id is not None:
        query = query.where(SentMessage.application_id == application_id)
    return [
        BoxEntry(
            id=message.id,
            subject=message.subject,
            body=message.body,
            sent_at=_sent_at(message.created_at),
            case_number=display_number(number) if number else None,
            case_public_id=public_id,
            notice_number=notice_number,
            deliveries=[_delivery(row) for row in message.deliveries],
        )
        for message, number, public_id, notice_number in db.session.execute(query)
    ]
