"""The supervision office's follow-up of a bad rating: a call-back, then an outcome.

The call-back is due within ``RATING_CALL_BACK_DAYS`` working days (1) of the rating; the
outcome is fixed at once (立行立改), a fix by a date at most 15 working days away (限期整改),
or an explanation (解释说明). Each step is a conditional UPDATE won by one member, audited,
and the outcome is told to the rater, who may then add one follow-up rating (追评).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update

from portal.clock import beijing
from portal.clock.calendar import WorkingCalendar
from portal.extensions import db
from portal.performance import counters
from portal.ratings.models import FollowUp, Level, Outcome, Rating
from portal.ratings.subjects import describe, tell_rater
from portal.supervision.events import step_changed
from portal.window.models import StaffMember
from portal.window.operations import audit

MAX_FIX_WORKING_DAYS = 15
MAX_NOTE = 1000


class NotNow(Exception):
    """This step was taken already (by someone else, perhaps) or is not yet due."""


def open_for(rating: Rating, calendar: WorkingCalendar, call_back_days: int) -> FollowUp:
    opened = beijing.now()
    follow_up = FollowUp(
        public_id=uuid.uuid4().hex,
        rating_id=rating.id,
        center_id=rating.center_id,
        call_back_by=calendar.add_working_days(beijing.day_of(opened), call_back_days),
        created_at=opened,
    )
    db.session.add(follow_up)
    db.session.flush()
    step_changed(follow_up)  # a call-back due tomorrow is a yellow card today
    return follow_up


def latest_fix_date(calendar: WorkingCalendar, today: date | None = None) -> date:
    return calendar.add_working_days(today or beijing.today(), MAX_FIX_WORKING_DAYS)


def _claim(follow_up: FollowUp, condition, **values) -> None:
    won = db.session.execute(
        update(FollowUp)
        .where(FollowUp.id == follow_up.id, *condition)
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(follow_up)
    if not won:
        raise NotNow(follow_up.public_id)
    step_changed(follow_up)


def record_call(follow_up: FollowUp, member: StaffMember, note: str) -> None:
    _claim(
        follow_up,
        (FollowUp.called_back_at.is_(None),),
        called_back_at=beijing.now(),
        called_back_by_id=member.id,
        call_note=note,
    )
    _audit(member, "rating-called-back", follow_up)


def record_outcome(
    follow_up: FollowUp,
    member: StaffMember,
    outcome: str,
    note: str,
    calendar: WorkingCalendar,
    fix_by: date | None = None,
) -> None:
    """The outcome, after the call-back; a fix-by date is required for 限期整改 and bounded."""
    if outcome not in Outcome.ALL:
        raise ValueError(f"unknown outcome {outcome!r}")
    if outcome == Outcome.FIX_BY:
        if fix_by is None or not beijing.today() < fix_by <= latest_fix_date(calendar):
            raise ValueError("a fix-by date within 15 working days is required")
    else:
        fix_by = None
    _claim(
        follow_up,
        (FollowUp.called_back_at.is_not(None), FollowUp.outcome.is_(None)),
        outcome=outcome,
        fix_by=fix_by,
        outcome_note=note,
        outcome_at=beijing.now(),
        outcome_by_id=member.id,
    )
    if counters.follow_up_done(follow_up):  # fixed at once or explained
        counters.count_fixed(follow_up.rating)
    _audit(member, "rating-outcome", follow_up, outcome=outcome)
    tell_rater(
        follow_up.rating, "rating-follow-up", {"outcome": outcome, "fix_by": fix_by, "note": note}
    )


def record_fixed(follow_up: FollowUp, member: StaffMember) -> None:
    """限期整改: the office confirms the fix was made (on time or late, the date says)."""
    _claim(
        follow_up,
        (FollowUp.outcome == Outcome.FIX_BY, FollowUp.fixed_at.is_(None)),
        fixed_at=beijing.now(),
    )
    counters.count_fixed(follow_up.rating)
    _audit(member, "rating-fixed", follow_up)


def _audit(member: StaffMember, action: str, follow_up: FollowUp, **detail) -> None:
    """On the case's audit trail for a case; with the subject and its number for the others."""
    described = describe(follow_up.rating)
    if described.application is None:
        detail = {"subject": described.subject, "number": described.number, **detail}
    audit(member, action, described.application, follow_up=follow_up.id, **detail)


def follow_up_of(rating: Rating) -> FollowUp | None:
    return db.session.scalars(select(FollowUp).where(FollowUp.rating_id == rating.id)).first()


def may_rate_again(rating: Rating) -> bool:
    """追评: once, after the office has told the rater its outcome."""
    follow_up = follow_up_of(rating)
    return follow_up is not None and follow_up.outcome is not None and rating.later_level is None


def rate_again(rating: Rating, level: str, words: str | None) -> None:
    if level not in Level.ALL:
        raise ValueError(f"unknown level {level!r}")
    if not may_rate_again(rating):
        raise NotNow(str(rating.id))
    won = db.session.execute(
        update(Rating)
        .where(Rating.id == rating.id, Rating.later_level.is_(None))
        .values(later_level=level, later_words=words or None, later_at=beijing.now())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(rating)
    if not won:
        raise NotNow(str(rating.id))


# The office's list -------------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    step: str  # "call-back" | "outcome" | "fix" | "done"
    by: date | None
    light: str  # "green" | "yellow" | "red" | "done"


def due(follow_up: FollowUp, calendar: WorkingCalendar, today: date | None = None) -> Due:
    """What the office owes next and by when, as a traffic light: yellow on the day it is due."""
    today = today or beijing.today()
    if follow_up.called_back_at is None:
        step, by = "call-back", follow_up.call_back_by
    elif follow_up.outcome is None:
        # The outcome follows the call-back; it is due as soon as the call is made.
        step, by = "outcome", follow_up.call_back_by
    elif follow_up.outcome == Outcome.FIX_BY and follow_up.fixed_at is None:
        # Done only when the office confirms the fix: past its date it shows red, so a
        # late fix is never hidden.
        step, by = "fix", follow_up.fix_by
    else:
        return Due("done", None, "done")
    if today > by:
        return Due(step, by, "red")
    return Due(step, by, "yellow" if today == by else "green")


def for_center(center_id: int) -> list[FollowUp]:
    """The center's follow-ups, open ones first, oldest first."""
    return list(
        db.session.scalars(
            select(FollowUp)
            .where(FollowUp.center_id == center_id)
            .order_by(FollowUp.outcome.is_not(None), FollowUp.call_back_by, FollowUp.id)
        )
    )


def find(center_id: int, public_id: str) -> FollowUp | None:
    if len(public_id) != 32:
        return None
    return db.session.scalars(
        select(FollowUp).where(FollowUp.public_id == public_id, FollowUp.center_id == center_id)
    ).first()
