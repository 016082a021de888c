"""Cards, their history, and the notes that tell staff of them (staff have no e-mail or mobile
on record, so a note is read on the staff pages: ``/staff/supervision/notes``)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db


class Level:
    YELLOW = "yellow"  # the deadline is at most CARD_YELLOW_WORKING_DAYS working days away
    RED = "red"  # the deadline has passed
    # Not a card: the calendar does not know a year the deadline needs. Shown, never guessed.
    UNKNOWN = "unknown"

    CARDS = (YELLOW, RED)


class Subject:
    CASE = "case"
    COMPLAINT = "complaint"
    PROXY_REQUEST = "proxy-request"
    FOLLOW_UP = "follow-up"  # a bad rating's follow-up

    ALL = (CASE, COMPLAINT, PROXY_REQUEST, FOLLOW_UP)


class Step:
    PRE_REVIEW = "pre-review"
    DECISION = "decision"
    INSPECTION = "inspection"
    SIGN_OFF = "sign-off"
    COMPLAINT_ACCEPTANCE = "complaint-acceptance"
    COMPLAINT_REPLY = "complaint-reply"
    PROXY_ACCEPTANCE = "proxy-acceptance"
    CALL_BACK = "call-back"
    FIX = "fix"

    ALL = (
        PRE_REVIEW,
        DECISION,
        INSPECTION,
        SIGN_OFF,
        COMPLAINT_ACCEPTANCE,
        COMPLAINT_REPLY,
        PROXY_ACCEPTANCE,
        CALL_BACK,
        FIX,
    )


class Limit:
    PROMISED = "promised"  # the center's promise (承诺时限)
    STATUTORY = "statutory"  # the law's limit (法定时限)
    STEP = "step"  # a step's own limit (pre-review, inspection, a reply …)


class Card(db.Model):
    """One row per (subject, step, limit): its level now, and whether it is cleared."""

    __tablename__ = "supervision_cards"
    __table_args__ = (
        UniqueConstraint("subject", "subject_id", "step", "limit_kind"),
        Index("ix_supervision_cards_center_cleared", "center_id", "cleared_at"),
        Index("ix_supervision_cards_center_raised_on", "center_id", "raised_on"),
        # The dashboard lists only the open cards (a few percent of them), oldest first:
        # read in that order, it stops at the page's limit instead of sorting them all.
        Index(
            "ix_supervision_cards_open_raised",
            "center_id",
            "raised_at",
            "id",
            postgresql_where=text("cleared_at IS NULL"),
            sqlite_where=text("cleared_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[int]
    step: Mapped[str] = mapped_column(String(24))
    limit_kind: Mapped[str] = mapped_column(String(12))
    level: Mapped[str] = mapped_column(String(8))
    due: Mapped[date | None]
    # Where the subject is handled, as the dashboard groups it.
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"))
    window_id: Mapped[int | None] = mapped_column(ForeignKey("windows.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    # What the dashboard shows and links to (a case's number, a ticket …).
    label: Mapped[str] = mapped_column(String(40))
    public_ref: Mapped[str] = mapped_column(String(40))
    raised_on: Mapped[date]
    raised_at: Mapped[datetime]
    red_on: Mapped[date | None]
    head_told_at: Mapped[datetime | None]
    cleared_at: Mapped[datetime | None]
    cleared_on: Mapped[date | None]
    # Cleared after its deadline had passed (the step ended late).
    cleared_late: Mapped[bool | None]

    history: Mapped[list[CardHistory]] = relationship(
        back_populates="card", order_by="CardHistory.id"
    )

    @property
    def is_open(self) -> bool:
        return self.cleared_at is None


class CardHistory(db.Model):
    """What happened to a card: raised, escalated, told to the head, cleared — and by what."""

    __tablename__ = "supervision_card_history"
    __table_args__ = (
        Index("ix_supervision_card_history_card_id", "card_id"),
        Index("ix_supervision_card_history_on", "on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("supervision_cards.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # raised | escalated | head-told | cleared
    level: Mapped[str] = mapped_column(String(8))
    at: Mapped[datetime]
    on: Mapped[date]
    # The event that caused it (a sweep, or the step's ending event) and who acted.
    event: Mapped[str] = mapped_column(String(40))
    by_name: Mapped[str | None] = mapped_column(String(50))
    # For "cleared": whether the step ended after its deadline (the monthly report counts it).
    late: Mapped[bool | None]
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    card: Mapped[Card] = relationship(back_populates="history")


class CardNote(db.Model):
    """A card told to one member of staff. Written only by the statement that raised or
    escalated the card, so a change is told once however many sweeps ran."""

    __tablename__ = "supervision_card_notes"
    __table_args__ = (Index("ix_supervision_card_notes_staff_created", "staff_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id", ondelete="CASCADE"))
    card_id: Mapped[int] = mapped_column(ForeignKey("supervision_cards.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # raised | escalated | head-told
    level: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime]

    card: Mapped[Card] = relationship()
