"""What only the supervision office keeps about a complaint: the written statements it asked
of the department or window complained about, and every opening of the complainant's identity.

Apart from ``ComplaintEvent`` on purpose: the timeline is read by the complainant's pages and
the API, and these rows are for the office alone.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.complaints.models import Complaint
from portal.extensions import db
from portal.window.models import StaffMember


class StatementRequest(db.Model):
    """A written statement (书面说明) asked of the department or window, with its own deadline."""

    __tablename__ = "complaint_statement_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(
        ForeignKey("complaints.id", ondelete="CASCADE"), index=True
    )
    asked_of: Mapped[str] = mapped_column(String(200))  # the department or window, by name
    question: Mapped[str] = mapped_column(Text)
    asked_by_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    asked_at: Mapped[datetime]
    due_by: Mapped[date]
    statement: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))

    complaint: Mapped[Complaint] = relationship()
    asked_by: Mapped[StaffMember] = relationship(foreign_keys=[asked_by_id])
    entered_by: Mapped[StaffMember | None] = relationship(foreign_keys=[entered_by_id])


class IdentityView(db.Model):
    """One opening of the complainant's identity and contact: who and when (for the head)."""

    __tablename__ = "complaint_identity_views"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(
        ForeignKey("complaints.id", ondelete="CASCADE"), index=True
    )
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    viewed_at: Mapped[datetime]

    staff: Mapped[StaffMember] = relationship()
