"""The complainant's rating of a reply, and asking once for it to be looked at again.

The reply is rated as a case is (好差评, portal/ratings): five levels, reasons for the bottom
two, optional words, once per reply (the ``replied`` line of the timeline is the rated
subject, unique in ``ratings``), and a bad rating under a real name is followed up by the
supervision office (an anonymous complainant cannot be called back: no follow-up).

The complaint's own flow keeps its three answers, mapped from the five levels (``FLOW``):
非常满意 and 满意 → satisfied, 基本满意 → basically satisfied, both close the complaint;
不满意 and 非常不满意 → unsatisfied, which leaves it replied and offers, once and within 15
calendar days of the reply, to ask for it to be looked at again with a reason (the console
lane's 15-day job closes it, not rated, if nothing comes). A reply given after that is a new
subject, rated afresh.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app

from portal.clock import beijing
from portal.complaints import operations
from portal.complaints.models import Complaint, ComplaintEvent, ComplaintStatus, Rating
from portal.extensions import db
from portal.ratings import rating as ratings
from portal.ratings.models import Level, Subject

S = ComplaintStatus
RECONSIDER_DAYS = 15
# The five levels of 好差评 → the complaint's own three, which close or keep it open.
FLOW = {
    Level.VERY_SATISFIED: Rating.SATISFIED,
    Level.SATISFIED: Rating.SATISFIED,
    Level.BASICALLY_SATISFIED: Rating.BASICALLY_SATISFIED,
    Level.UNSATISFIED: Rating.UNSATISFIED,
    Level.VERY_UNSATISFIED: Rating.UNSATISFIED,
}
COLUMN = ratings.SUBJECT_COLUMNS[Subject.COMPLAINT_REPLY]


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


def latest_reply(complaint: Complaint) -> ComplaintEvent | None:
    """The ``replied`` line being rated: the latest one."""
    replies = [e for e in complaint.events if e.kind == S.REPLIED]
    return max(replies, key=lambda e: e.id) if replies else None


def rating_of_reply(complaint: Complaint):
    """The 好差评 row of the latest reply, or None."""
    reply = latest_reply(complaint)
    return ratings.rating_for(COLUMN, reply.id) if reply is not None else None


def rate(
    complaint: Complaint,
    level: str,
    codes: tuple[str, ...] = (),
    words: str | None = None,
) -> None:
    """Rate the latest reply (five levels) and move the complaint by its mapped answer."""
    if level not in FLOW:
        raise ValueError(f"unknown level {level!r}")
    reply = latest_reply(complaint)
    if not can_rate(complaint) or reply is None:
        raise NotNow(complaint.ticket)
    try:
        ratings.record(
            Subject.COMPLAINT_REPLY,
            COLUMN,
            reply.id,
            rater_id=complaint.applicant_id,
            center_id=complaint.center_id,
            level=level,
            codes=codes,
            words=words,
            calendar=current_app.extensions["calendar"],
            call_back_days=current_app.config["RATING_CALL_BACK_DAYS"],
            follow_up_wanted=not complaint.anonymous,
        )
    except ratings.NotNow as rated:
        raise NotNow(complaint.ticket) from rated
    rating = FLOW[level]
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
