"""The complainant's rating of a reply, and asking once for it to be looked at again.

Satisfied or basically satisfied closes the complaint. Unsatisfied leaves it replied and
offers, once and within 15 calendar days of the reply, to ask for it to be looked at again
with a reason (the console lane's 15-day job closes it, not rated, if nothing comes).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from portal.clock import beijing
from portal.complaints import operations
from portal.complaints.models import Complaint, ComplaintStatus, Rating
from portal.extensions import db

S = ComplaintStatus
RECONSIDER_DAYS = 15


class NotNow(Exception):
    """Not rateable, or too late or once too often to ask again."""


def replied_at(complaint: Complaint) -> datetime | None:
    """The reply's date: the latest `replied` event (RULES contract, no extra column)."""
    replies = [e.created_at for e in complaint.events if e.kind == S.REPLIED]
    return beijing.aware(max(replies)) if replies else None


def reconsider_until(complaint: Complaint) -> date | None:
    replied = replied_at(complaint)
    return beijing.day_of(replied) + timedelta(days=RECONSIDER_DAYS) if replied else None


def can_rate(complaint: Complaint) -> bool:
    return complaint.status == S.REPLIED and complaint.rating is None


def can_ask_again(complaint: Complaint) -> bool:
    until = reconsider_until(complaint)
    return (
        complaint.status == S.REPLIED
        and complaint.rating == Rating.UNSATISFIED
        and not complaint.reopened_once
        and until is not None
        and beijing.today() <= until
    )


def rate(complaint: Complaint, rating: str) -> None:
    if rating not in Rating.ALL:
        raise ValueError(f"unknown rating {rating!r}")
    if not can_rate(complaint):
        raise NotNow(complaint.ticket)
    complaint.rating = rating
    complaint.rated_at = beijing.now()
    # Written before the conditional UPDATE, whose refresh would otherwise drop it.
    db.session.flush()
    if rating == Rating.UNSATISFIED:
        operations.record_event(complaint, "rated", "complainant", rating=rating)
        return
    try:
        operations.move(complaint, S.CLOSED, "complainant", rating=rating)
    except operations.NotAllowed as refused:
        raise NotNow(complaint.ticket) from refused


def ask_again(complaint: Complaint, reason: str) -> None:
    if not can_ask_again(complaint):
        raise NotNow(complaint.ticket)
    complaint.reconsider_reason = reason
    # The rating is of the latest reply: the next reply is rated afresh, so the 15-day close
    # after it counts it as not rated unless it is. The first rating stays on the timeline.
    complaint.rating = None
    complaint.rated_at = None
    db.session.flush()
    try:
        operations.move(complaint, S.REOPENED, "complainant", reason=reason)
    except operations.NotAllowed as refused:
        raise NotNow(complaint.ticket) from refused
