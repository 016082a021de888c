"""The 12345 hotline's tables: the systems that send work orders, the work orders received,
and the callbacks going back (an outbox, leased and retried by ``portal.outbox``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.complaints.models import Complaint
from portal.extensions import db


class HotlineSource(db.Model):
    """A system that sends work orders (工单): the city's 12345 platform, a county's.

    Only a SHA-256 of its bearer token is kept. The callback secret signs what goes back
    to it, so it must be kept as it is (as BACKOFFICE_SECRET is).
    """

    __tablename__ = "hotline_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    callback_url: Mapped[str | None] = mapped_column(String(500))
    callback_secret: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class HotlineWorkOrder(db.Model):
    """A work order received, kept by the hotline's own id: a repeat files nothing new."""

    __tablename__ = "hotline_work_orders"
    __table_args__ = (UniqueConstraint("source_id", "work_order_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("hotline_sources.id"))
    work_order_id: Mapped[str] = mapped_column(String(100))
    # SHA-256 of the body in canonical JSON: the same id with another body is a conflict.
    body_hash: Mapped[str] = mapped_column(String(64))
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), unique=True)
    received_at: Mapped[datetime]

    source: Mapped[HotlineSource] = relationship()
    complaint: Mapped[Complaint] = relationship()


class HotlineCallback(db.Model):
    """One status change or reply going back to the hotline, written in the transaction
    that made it and sent after the commit by the worker."""

    __tablename__ = "hotline_callbacks"
    __table_args__ = (Index("ix_hotline_callbacks_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    work_order_id: Mapped[int] = mapped_column(ForeignKey("hotline_work_orders.id"))
    event: Mapped[str] = mapped_column(String(40))
    # The same on every attempt, so a hotline that saw an earlier one keeps it once.
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    payload: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    leased_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]

    work_order: Mapped[HotlineWorkOrder] = relationship()
