"""Where the figures read ratings: ONE function, so that ratings of complaint replies and of
the proxy service (rated since migration 0023) would join the figures here alone."""

from __future__ import annotations

from sqlalchemy import Select, and_, false, or_, select

from portal.ratings.models import FollowUp, Level, Outcome, Rating, Subject


def rated_cases(*, bad_with_follow_up: bool = False) -> Select:
    """The ratings the public figures count, one row each: ``center_id``, ``item_id``,
    ``level`` and ``rated_at``.

    A rating whose appeal was upheld (``out_of_figures``) is left out; a case nobody rated
    has no row at all, so "not rated" is never counted, least of all as satisfied.

    ``bad_with_follow_up``: only the bad ratings, with ``fixed`` — the follow-up is done:
    fixed at once (立行立改), a 限期整改 whose fix the office confirmed, or an explanation
    given (解释说明); a 限期整改 not yet confirmed is not fixed. Asked apart, so counting the
    levels of a month's tens of thousands of ratings reads one index and no follow-up.
    """
    columns = [
        Rating.center_id.label("center_id"),
        Rating.item_id.label("item_id"),
        Rating.level.label("level"),
        Rating.rated_at.label("rated_at"),
    ]
    # "= false", not "IS FALSE": PostgreSQL answers it from the index on rated_at.
    # Only ratings of cases: a complaint's reply and the proxy service are rated too, but the
    # figures are per item, and neither has one.
    counted = (Rating.out_of_figures == false()) & (Rating.subject == Subject.CASE)
    if not bad_with_follow_up:
        return select(*columns).where(counted)
    fixed = or_(
        FollowUp.outcome.in_((Outcome.FIXED, Outcome.EXPLAINED)),
        and_(FollowUp.outcome == Outcome.FIX_BY, FollowUp.fixed_at.is_not(None)),
    )
    return (
        select(*columns, fixed.label("fixed"))
        .outerjoin(FollowUp, FollowUp.rating_id == Rating.id)
        .where(counted, Rating.level.in_(tuple(Level.BAD)))
    )
