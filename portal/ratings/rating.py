"""Rating a subject once (一事一评), by its rater, never by default: an ended case here; a
complaint's reply (portal/complaints/rating.py) and a proxy request's service
(portal/proxy/rating.py) through the same ``record``.

A case ends when the window declines it or the decision is a refusal or a completion. The
rating is one row per subject, written by a conditional insert, so two submits at once (two
tabs, a double click) leave exactly one rating. A bad rating (the bottom two levels) opens
the supervision office's follow-up in the same transaction (portal/ratings/follow_up.py).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from portal.clock import beijing
from portal.clock.calendar import WorkingCalendar
from portal.extensions import db
from portal.filing.models import Application, Status
from portal.performance import counters
from portal.ratings import follow_up
from portal.ratings.models import Level, Rating, Subject
from portal.ratings.reasons import reasons

ENDED = frozenset({Status.DECLINED, Status.REFUSED, Status.COMPLETED})
MAX_WORDS = 500


class NotNow(Exception):
    """The case has not ended, is not the rater's, or is rated already."""


def problems_with(level: str | None, codes: tuple[str, ...], words: str | None) -> list[str]:
    """What makes a rating invalid, as codes the form turns into messages."""
    found = []
    if level not in Level.ALL:
        found.append("level")
    if any(code not in reasons() for code in codes):
        found.append("reasons-unknown")
    elif level in Level.BAD and not codes:
        found.append("reasons-required")
    if words is not None and len(words) > MAX_WORDS:
        found.append("words-too-long")
    return found


def rating_of(application: Application) -> Rating | None:
    return db.session.scalars(select(Rating).where(Rating.application_id == application.id)).first()


def may_rate(application: Application) -> bool:
    return application.status in ENDED and rating_of(application) is None


def rate(
    application: Application,
    level: str,
    codes: tuple[str, ...],
    words: str | None,
    calendar: WorkingCalendar,
    call_back_days: int,
) -> Rating:
    """The applicant's rating of their ended case; NotNow if it is not theirs to give now."""
    if application.status not in ENDED:
        raise NotNow(application.public_id)
    return record(
        Subject.CASE,
        "application_id",
        application.id,
        rater_id=application.applicant_id,
        center_id=application.center_id,
        item_id=application.item_id,  # the public figures group a case's rating by item
        level=level,
        codes=codes,
        words=words,
        calendar=calendar,
        call_back_days=call_back_days,
    )


# The column that names each subject (each unique in ``ratings``).
SUBJECT_COLUMNS = {
    Subject.CASE: "application_id",
    Subject.COMPLAINT_REPLY: "complaint_event_id",
    Subject.PROXY: "proxy_request_id",
}


def record(
    subject: str,
    column: str,
    subject_id: int,
    *,
    rater_id: int | None,
    center_id: int | None,
    level: str,
    codes: tuple[str, ...],
    words: str | None,
    calendar: WorkingCalendar,
    call_back_days: int,
    follow_up_wanted: bool = True,
    item_id: int | None = None,
) -> Rating:
    """Write the one rating of a subject; NotNow when it is rated already. A bad rating opens
    the follow-up unless ``follow_up_wanted`` is False (nobody to call back: an anonymous
    complainant)."""
    if SUBJECT_COLUMNS.get(subject) != column:
        raise ValueError(f"{column} does not name a {subject!r} rating")
    words = words or None
    if problems_with(level, codes, words):
        raise ValueError(f"invalid rating of {subject} {subject_id}")
    values = {
        "subject": subject,
        column: subject_id,
        "applicant_id": rater_id,
        "center_id": center_id,
        "item_id": item_id,
        "level": level,
        "reasons": list(codes),
        "words": words,
        "rated_at": beijing.now(),
        "out_of_figures": False,
    }
    # INSERT … ON CONFLICT DO NOTHING on the subject's unique column: of two submits at once,
    # the second inserts nothing and is told so, in either database.
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    table = Rating.__table__
    statement = (
        dialect.insert(table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=[column])
        .returning(table.c.id)
    )
    # RETURNING, not rowcount: the drivers disagree on the count of a skipped insert.
    written = db.session.execute(statement).first()
    if written is None:
        raise NotNow(f"{subject} {subject_id}")
    rating = db.session.get(Rating, written[0])
    counters.count_rating(rating)
    if level in Level.BAD and follow_up_wanted:
        follow_up.open_for(rating, calendar, call_back_days)
    return rating


def rating_for(column: str, subject_id: int) -> Rating | None:
    return db.session.scalars(select(Rating).where(getattr(Rating, column) == subject_id)).first()
