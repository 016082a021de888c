"""Messages to people (application received, reset codes …), kept until they are sent.

A message is written in the transaction that decided to send it, so a request that rolls
back sends nothing, and a notifier that is down delays a message instead of losing it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


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
