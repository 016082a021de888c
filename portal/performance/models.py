"""What the figures keep of a decided case, and the indexes their queries read.

A case's decision is recorded once, when it is made (``recording.record_decision``): the
day, the deadline it was held to, whether it was kept and the working days it took. The
working days need the holiday calendar, which SQL does not have; storing them at the
decision means the figures are plain GROUP BY queries over this narrow table.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from portal.complaints.models import Complaint
from portal.extensions import db
from portal.filing.models import Application, Notice
from portal.ratings.models import Level, Rating


class CaseDecision(db.Model):
    """One row per decided case (approved or refused by the back office, or an immediate
    item completed at acceptance)."""

    __tablename__ = "case_decisions"
    __table_args__ = (
        # Everything the on-time query reads, so it never visits the table.
        Index(
            "ix_case_decisions_due_on",
            "due_on",
            "center_id",
            "item_id",
            "on_time",
            "working_days",
            "promised_days",
        ),
        Index("ix_case_decisions_decided_on", "decided_on", "center_id", "item_id"),
    )

    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    center_id: Mapped[int | None] = mapped_column(ForeignKey("centers.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("service_items.id"))
    accepted_on: Mapped[date]
    decided_on: Mapped[date]
    # The decision deadline the case was held to (decide_by on the day of the decision,
    # with any extension and suspension); None if the calendar did not know its year.
    due_on: Mapped[date | None]
    on_time: Mapped[bool | None]
    # Working days after acceptance up to the decision (Art. 82 counting); None if the
    # calendar did not know a year in between.
    working_days: Mapped[int | None]
    promised_days: Mapped[int]


# The figures' range scans (one month at a time), beside the tables they read.
Index(
    "ix_applications_submitted_at",
    Application.submitted_at,
    Application.center_id,
    Application.item_id,
)
Index("ix_applications_status_decide_by", Application.status, Application.decide_by)
Index("ix_notices_kind_issued_on", Notice.kind, Notice.issued_on)
Index(
    "ix_ratings_rated_at",
    Rating.rated_at,
    Rating.center_id,
    Rating.item_id,
    Rating.level,
    Rating.out_of_figures,
)
Index("ix_complaints_reply_by", Complaint.reply_by)
Index("ix_complaints_received_at", Complaint.received_at)


# A rating level's column in ``monthly_figures``.
LEVEL_COLUMNS = {
    Level.VERY_SATISFIED: "very_satisfied",
    Level.SATISFIED: "satisfied",
    Level.BASICALLY_SATISFIED: "basically_satisfied",
    Level.UNSATISFIED: "unsatisfied",
    Level.VERY_UNSATISFIED: "very_unsatisfied",
}


class MonthlyFigures(db.Model):
    """What only grows, counted per (month, center, item) as it happens
    (``performance/counters.py``), so the page adds up a few hundred rows instead of
    hashing a month's tens of thousands of index entries.

    Each column has its own month: ``received`` the month of submission, ``decided`` the
    month of the decision, the ``due_*`` columns the month of the decision deadline,
    the ratings the month they were given (a rating whose appeal was upheld is taken out
    again; ``bad_fixed`` counts its month's bad ratings whose follow-up is done). No
    center or no item is 0 (a key column cannot be NULL), so there are no foreign keys.
    "Open and already late" changes with the date alone and is not kept here.
    """

    __tablename__ = "monthly_figures"

    month: Mapped[date] = mapped_column(primary_key=True)  # its first day
    center_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    item_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    received: Mapped[int] = mapped_column(default=0, server_default="0")
    decided: Mapped[int] = mapped_column(default=0, server_default="0")
    due_decided: Mapped[int] = mapped_column(default=0, server_default="0")
    on_time: Mapped[int] = mapped_column(default=0, server_default="0")
    working_days_total: Mapped[int] = mapped_column(default=0, server_default="0")
    working_days_cases: Mapped[int] = mapped_column(default=0, server_default="0")
    promised_days_total: Mapped[int] = mapped_column(default=0, server_default="0")
    very_satisfied: Mapped[int] = mapped_column(default=0, server_default="0")
    satisfied: Mapped[int] = mapped_column(default=0, server_default="0")
    basically_satisfied: Mapped[int] = mapped_column(default=0, server_default="0")
    unsatisfied: Mapped[int] = mapped_column(default=0, server_default="0")
    very_unsatisfied: Mapped[int] = mapped_column(default=0, server_default="0")
    bad_fixed: Mapped[int] = mapped_column(default=0, server_default="0")
