"""The outbox: every accepted case waiting to reach the back office, written in the
transaction that accepted it, so an acceptance and its delivery cannot part."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.filing.models import Application


class OutboxStatus:
    PENDING = "pending"
    DELIVERED = "delivered"
    PARKED = "parked"  # gave up after too many failures, or refused: shown to staff


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_messages_due", "status", "next_attempt_at"),
        # One message per (case, event): a decision taken twice can never send the case twice.
        UniqueConstraint("application_id", "event"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    event: Mapped[str] = mapped_column(String(40))
    # The back office keeps one record per key: a repeat delivery is harmless. The key is
    # derived from (case, event), so the same event of the same case always has the same key.
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    payload: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    # A dispatcher holds a message until this time; if it dies, another takes it over.
    leased_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]
    # The back-office system it was sent to: only that system may report on the case.
    system_id: Mapped[int | None] = mapped_column(ForeignKey("backoffice_systems.id"))

    application: Mapped[Application] = relationship()


class BackOfficeSystem(db.Model):
    """A back-office system: cases are delivered to it, and it reports on those cases only.

    Only a hash of its token is kept. A system named in BACKOFFICE_SYSTEM is recorded at
    its first delivery without a token (it cannot report yet); ``flask backoffice
    add-system NAME`` gives it one.
    """

    __tablename__ = "backoffice_systems"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]


class BackOfficeEvent(db.Model):
    """A progress report received, kept by its id so a repeat changes nothing.

    Event ids are each system's own: unique per system, not across systems.
    """

    __tablename__ = "backoffice_events"
    __table_args__ = (UniqueConstraint("system_id", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(100))
    system_id: Mapped[int] = mapped_column(ForeignKey("backoffice_systems.id"))
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    kind: Mapped[str] = mapped_column(String(40))
    received_at: Mapped[datetime]
    payload: Mapped[dict] = mapped_column(JSON)
