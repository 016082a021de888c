"""Messages to people, kept until they are sent, and what each person was told.

A message is written in the transaction that decided to send it, so a request that rolls
back sends nothing, and a notifier that is down delays a message instead of losing it.

``SentMessage`` is the message as its recipient reads it in the message box (which case,
which notice, what it said); each channel it travels by (e-mail, SMS) is a
``QueuedMessage`` of its own, so an e-mail that went out is never sent again because the
SMS beside it failed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db


class SentMessage(db.Model):
    """One message to an applicant, as the message box shows it."""

    __tablename__ = "sent_messages"
    __table_args__ = (Index("ix_sent_messages_applicant", "applicant_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicants.id", ondelete="CASCADE"))
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE")
    )
    # The notice this message was sent for: the box links this one, never a later one.
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(Text)
    # As the box shows it: a one-time code in the message is masked here.
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]

    deliveries: Mapped[list[QueuedMessage]] = relationship(
        back_populates="sent_message", order_by="QueuedMessage.id"
    )


class QueuedMessage(db.Model):
    __tablename__ = "queued_messages"
    __table_args__ = (Index("ix_queued_messages_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(40))
    to_email: Mapped[str | None] = mapped_column(String(320))
    to_mobile: Mapped[str | None] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(Text)
    # Cleared once delivered: a body can hold a one-time code.
    body: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # pending, delivered, parked
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    leased_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)  # never addresses or content
    created_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]
    # email | sms: one row per channel. NULL only for rows queued before channels had rows.
    channel: Mapped[str | None] = mapped_column(String(8))
    # Random, fixed at queueing: the SMS gateway dedupes on it and the e-mail's Message-ID
    # is made from it, so a retry after a lost answer is the same message, not a second one.
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    sent_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("sent_messages.id", ondelete="CASCADE")
    )

    sent_message: Mapped[SentMessage | None] = relationship(back_populates="deliveries")
