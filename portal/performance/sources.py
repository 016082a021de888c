"""Where the figures read ratings: ONE function, so that ratings of complaint replies and of
the proxy service (planned) join the figures by changing this place alone."""

from __future__ import annotations

from sqlalchemy import Select, and_, false, or_, select

from portal.ratings.models import FollowUp, Outcome, Rating


def rated_cases() -> Select:
    """The ratings the public figures count, one row each: ``center_id``, ``item_id``,
    ``level``, ``rated_at`` and ``fixed`` (the bad rating's follow-up is done).

    A rating whose appeal was upheld (``out_of_figures``) is left out; a case nobody rated
    has no row at all, so "not rated" is never counted, least of all as satisfied.
    ``fixed``: fixed at once (立行立改), a 限期整改 whose fix the office confirmed, or an
    explanation given (解释说明); a 限期整改 not yet confirmed is not fixed.
    """
    fixed = or_(
        FollowUp.outcome.in_((Outcome.FIXED, Outcome.EXPLAINED)),
        and_(FollowUp.outcome == Outcome.FIX_BY, FollowUp.fixed_at.is_not(None)),
    )
    return (
        select(
            Rating.center_id.label("center_id"),
            Rating.item_id.label("item_id"),
            Rating.level.label("level"),
            Rating.rated_at.label("rated_at"),
            fixed.label("fixed"),
        )
        .outerjoin(FollowUp, FollowUp.rating_id == Rating.id)
        # "= false", not "IS FALSE": PostgreSQL answers it from the index on rated_at.
        .where(Rating.out_of_figures == false())
    )
