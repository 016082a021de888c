"""Complaints (投诉): kept apart from the cases they are about, with their own ticket,
status, deadlines and timeline (as Signals, FixMyStreet and DIGIT PGR keep them)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Applicant
from portal.catalog.models import Center, FeeItem, ServiceItem, Window
from portal.extensions import db
from portal.filing.models import Application
from portal.window.models import StaffMember


class Kind:
    """What went wrong, in the source's words (§五 不作为、乱作为、慢作为; §六 乱收费)."""

    SLOW = "slow"  # 超时限: slow service, over the time limit
    INACTION = "inaction"  # 推诿、不作为
    MISCONDUCT = "misconduct"  # 态度、乱作为、吃拿卡要
    FEE = "fee"  # 乱收费: a fee outside the published schedule or above its standard
    OTHER = "other"

    ALL = (SLOW, INACTION, MISCONDUCT, FEE, OTHER)


class ComplaintStatus:
    """GB/T 36113: accept → investigate → resolve → report back → archive."""

    RECEIVED = "received"
    ACCEPTED = "accepted"
    NOT_ACCEPTED = "not-accepted"  # outside remit, a duplicate, or no content
    INVESTIGATING = "investigating"
    REPLY_APPROVED = "reply-approved"  # by the office head
    REPLIED = "replied"
    CLOSED = "closed"  # after the complainant's rating
    CLOSED_NOT_RATED = "closed-not-rated"  # 15 days after the reply: never counted as satisfied
    REOPENED = "reopened"  # once, on an unsatisfied rating

    ALL = (
        RECEIVED,
        ACCEPTED,
        NOT_ACCEPTED,
        INVESTIGATING,
        REPLY_APPROVED,
        REPLIED,
        CLOSED,
        CLOSED_NOT_RATED,
        REOPENED,
    )
    FINAL = frozenset({NOT_ACCEPTED, CLOSED, CLOSED_NOT_RATED})


class Rating:
    """How the complainant found the reply (满意 / 基本满意 / 不满意)."""

    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically-satisfied"
    UNSATISFIED = "unsatisfied"

    ALL = (SATISFIED, BASICALLY_SATISFIED, UNSATISFIED)


class Complaint(db.Model):
    __tablename__ = "complaints"
    __table_args__ = (Index("ix_complaints_center_status", "center_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket: Mapped[str] = mapped_column(String(24), unique=True)  # 工单编号
    # Only a hash: a leaked table does not let anyone follow someone else's complaint.
    query_code_hash: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(24))
    # What it is about: a case, or an item at a center (window and day when known).
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("service_items.id"))
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"))
    window_id: Mapped[int | None] = mapped_column(ForeignKey("windows.id"))
    happened_on: Mapped[date | None]
    what_happened: Mapped[str] = mapped_column(Text)
    what_they_want: Mapped[str] = mapped_column(Text)
    # For a fee: which fee (as published, or in the complainant's words) and how much.
    fee_item_id: Mapped[int | None] = mapped_column(ForeignKey("fee_items.id"))
    fee_named: Mapped[str | None] = mapped_column(String(200))
    fee_asked: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    # Real name or anonymous: an anonymous complaint keeps no contact details at all.
    anonymous: Mapped[bool]
    applicant_id: Mapped[int | None] = mapped_column(ForeignKey("applicants.id"))
    contact_name: Mapped[str | None] = mapped_column(String(50))
    contact_mobile: Mapped[str | None] = mapped_column(String(20))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    # The language of the filing request ("zh" or "en"): a complainant without an account
    # is messaged in it at the address they gave. Migration 0017.
    language: Mapped[str] = mapped_column(String(8), default="zh")
    received_at: Mapped[datetime]
    accept_by: Mapped[date]
    reply_by: Mapped[date]
    reopened_once: Mapped[bool] = mapped_column(default=False)
    # The supervision office's handling (portal/complaints/handling.py), migration 0015.
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    reply_draft: Mapped[str | None] = mapped_column(Text)
    reply_drafted_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    # Who replied the first time: a reopened complaint goes to someone else.
    first_replied_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    # The Beijing day of the first reply: the public figures' on-time reply rate (0025).
    first_replied_on: Mapped[date | None]
    # One extension: asked (why, new date) by a handler, approved by the office head.
    extension_why: Mapped[str | None] = mapped_column(Text)
    extension_reply_by: Mapped[date | None]
    extension_asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    extended: Mapped[bool] = mapped_column(default=False)
    # What the record showed on the day of filing (portal.complaints.findings), kept as filed.
    findings: Mapped[list] = mapped_column(JSON, default=list)
    # The complainant's rating of the reply (Rating); None until they rate it.
    rating: Mapped[str | None] = mapped_column(String(24))
    rated_at: Mapped[datetime | None]
    # Why they asked, once, for an unsatisfying reply to be looked at again.
    reconsider_reason: Mapped[str | None] = mapped_column(Text)

    application: Mapped[Application | None] = relationship()
    item: Mapped[ServiceItem | None] = relationship()
    center: Mapped[Center] = relationship()
    window: Mapped[Window | None] = relationship()
    fee_item: Mapped[FeeItem | None] = relationship()
    applicant: Mapped[Applicant | None] = relationship()
    handler: Mapped[StaffMember | None] = relationship(foreign_keys=[handler_id])
    events: Mapped[list[ComplaintEvent]] = relationship(
        back_populates="complaint", order_by="ComplaintEvent.id", cascade="all, delete-orphan"
    )


class ComplaintEvent(db.Model):
    """One dated line of the ticket's timeline: every transition and why."""

    __tablename__ = "complaint_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))
    actor: Mapped[str] = mapped_column(String(16))  # complainant | office | system
    created_at: Mapped[datetime]
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    complaint: Mapped[Complaint] = relationship(back_populates="events")


class TicketCounter(db.Model):
    """The last ticket sequence handed out on a day; one row per day."""

    __tablename__ = "complaint_ticket_counters"

    day: Mapped[str] = mapped_column(String(8), primary_key=True)
    last: Mapped[int]
