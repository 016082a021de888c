"""One rating of each rated subject (一事一评) and the follow-up a bad one opens.

A rating is of exactly one SUBJECT (``Subject``): an ended case (``application_id``), one
reply to a complaint (``complaint_event_id``, the ``replied`` line of its timeline: a reply
given again after the complaint was reopened is rated afresh), or a proxy request's service
(``proxy_request_id``). Each of the three is unique, so each subject is rated once; a CHECK
keeps a row to exactly one of them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.complaints.models import ComplaintEvent
from portal.extensions import db
from portal.filing.models import Application
from portal.proxy.models import ProxyRequest


class Level:
    """The five levels, best first. Never a default: a case not rated has no Rating row."""

    VERY_SATISFIED = "very-satisfied"  # 非常满意
    SATISFIED = "satisfied"  # 满意
    BASICALLY_SATISFIED = "basically-satisfied"  # 基本满意
    UNSATISFIED = "unsatisfied"  # 不满意
    VERY_UNSATISFIED = "very-unsatisfied"  # 非常不满意

    ALL = (VERY_SATISFIED, SATISFIED, BASICALLY_SATISFIED, UNSATISFIED, VERY_UNSATISFIED)
    # The bottom two: reasons required, and a follow-up by the supervision office.
    BAD = frozenset({UNSATISFIED, VERY_UNSATISFIED})


class Subject:
    """What is rated. Cases are the first and most; the others came with migration 0023."""

    CASE = "case"
    COMPLAINT_REPLY = "complaint-reply"  # a reply of the supervision office to a complaint
    PROXY = "proxy"  # the proxy service of one proxy request (全程委托代理)

    ALL = (CASE, COMPLAINT_REPLY, PROXY)


class Outcome:
    FIXED = "fixed"  # 立行立改
    FIX_BY = "fix-by"  # 限期整改
    EXPLAINED = "explained"  # 解释说明

    ALL = (FIXED, FIX_BY, EXPLAINED)


class Rating(db.Model):
    __tablename__ = "ratings"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN application_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN complaint_event_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN proxy_request_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_subject",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(16), default=Subject.CASE, server_default="case")
    # Each unique: the database, not the page, keeps a subject to one rating.
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), unique=True
    )
    complaint_event_id: Mapped[int | None] = mapped_column(
        ForeignKey("complaint_events.id", ondelete="CASCADE"), unique=True
    )
    proxy_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("proxy_requests.id", ondelete="CASCADE"), unique=True
    )
    # The rater's account; None for a complainant without one.
    applicant_id: Mapped[int | None] = mapped_column(ForeignKey("applicants.id"))
    center_id: Mapped[int | None] = mapped_column(ForeignKey("centers.id"))
    # The case's item, copied like its center: the public figures group ratings by item
    # without joining a million cases (migration 0025).
    item_id: Mapped[int | None] = mapped_column(ForeignKey("service_items.id"))
    level: Mapped[str] = mapped_column(String(24))
    reasons: Mapped[list] = mapped_column(JSON, default=list)  # codes from guides/ratings.yaml
    words: Mapped[str | None] = mapped_column(Text)
    rated_at: Mapped[datetime]
    # 追评: once, after the office told the rater the follow-up's outcome.
    later_level: Mapped[str | None] = mapped_column(String(24))
    later_words: Mapped[str | None] = mapped_column(Text)
    later_at: Mapped[datetime | None]
    # An upheld appeal (申诉复核) keeps the rating on record but out of the figures.
    out_of_figures: Mapped[bool] = mapped_column(default=False)

    application: Mapped[Application | None] = relationship()
    complaint_event: Mapped[ComplaintEvent | None] = relationship()
    proxy_request: Mapped[ProxyRequest | None] = relationship()


class FollowUp(db.Model):
    """The supervision office's handling of one bad rating."""

    __tablename__ = "rating_follow_ups"
    __table_args__ = (Index("ix_rating_follow_ups_center_outcome", "center_id", "outcome"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    rating_id: Mapped[int] = mapped_column(
        ForeignKey("ratings.id", ondelete="CASCADE"), unique=True
    )
    center_id: Mapped[int | None] = mapped_column(ForeignKey("centers.id"))
    call_back_by: Mapped[date]
    called_back_at: Mapped[datetime | None]
    called_back_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    call_note: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(16))
    fix_by: Mapped[date | None]
    outcome_note: Mapped[str | None] = mapped_column(Text)
    outcome_at: Mapped[datetime | None]
    outcome_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    # 限期整改: when the office confirmed the fix was made.
    fixed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]

    rating: Mapped[Rating] = relationship()


class AppealDecision:
    UPHELD = "upheld"  # the rating stays on record, out of the figures
    DISMISSED = "dismissed"

    ALL = (UPHELD, DISMISSED)


class Appeal(db.Model):
    """The window's appeal (申诉复核) of a bad rating it believes mistaken or malicious."""

    __tablename__ = "rating_appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    # One appeal a rating: the head's decision is final here.
    rating_id: Mapped[int] = mapped_column(
        ForeignKey("ratings.id", ondelete="CASCADE"), unique=True
    )
    by_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    grounds: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    decision: Mapped[str | None] = mapped_column(String(16))
    decision_reasons: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    decided_at: Mapped[datetime | None]

    rating: Mapped[Rating] = relationship()
