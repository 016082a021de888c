"""The monthly figures kept as events happen, in each event's own transaction.

Every door that writes what the figures count calls one function here: the submission
(``filing/operations.submit``), the decision (``recording.record_decision``), the rating
(``ratings/rating.rate``), the follow-up done (``ratings/follow_up``) and the upheld appeal
(``ratings/appeal``, which takes the rating out again). Each is one
``INSERT … ON CONFLICT DO UPDATE SET n = n + 1`` on ``monthly_figures`` (PostgreSQL and
SQLite alike): concurrent events add up in the row, never overwrite each other.

``rebuild()`` (``flask performance rebuild``) recomputes every month from the record with
the figures' own queries (``figures.recorded_rows``): after data written outside these
doors (an import, a repair by hand), or to check them.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from portal.clock import beijing
from portal.extensions import db
from portal.performance.models import LEVEL_COLUMNS, CaseDecision, MonthlyFigures
from portal.ratings.models import Level

COUNTS = (
    "received",
    "decided",
    "due_decided",
    "on_time",
    "working_days_total",
    "working_days_cases",
    "promised_days_total",
    *LEVEL_COLUMNS.values(),
    "bad_fixed",
)


def month_of(day: date) -> date:
    return day.replace(day=1)


def add(day: date, center_id: int | None, item_id: int | None, **deltas: int) -> None:
    """Add ``deltas`` to the counts of ``day``'s month at (center, item); flushes nothing
    else, never commits."""
    if not deltas:
        return
    unknown = set(deltas) - set(COUNTS)
    if unknown:
        raise ValueError(f"not a monthly count: {sorted(unknown)}")
    table = MonthlyFigures.__table__
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(
        month=month_of(day), center_id=center_id or 0, item_id=item_id or 0, **deltas
    )
    statement = statement.on_conflict_do_update(
        index_elements=["month", "center_id", "item_id"],
        set_={name: table.c[name] + statement.excluded[name] for name in deltas},
    )
    db.session.execute(statement)


# The doors ---------------------------------------------------------------------------------


def count_received(application) -> None:
    """A filing submitted (its month: the Beijing day of ``submitted_at``)."""
    add(
        beijing.day_of(application.submitted_at),
        application.center_id,
        application.item_id,
        received=1,
    )


def count_decision(decision: CaseDecision) -> None:
    """A decision, in its month and, when it had a deadline, in the deadline's month."""
    add(decision.decided_on, decision.center_id, decision.item_id, decided=1)
    if decision.due_on is None:
        return
    due = {"due_decided": 1, "on_time": int(bool(decision.on_time))}
    if decision.working_days is not None:
        due |= {
            "working_days_total": decision.working_days,
            "working_days_cases": 1,
            "promised_days_total": decision.promised_days,
        }
    add(decision.due_on, decision.center_id, decision.item_id, **due)


def count_rating(rating, sign: int = 1) -> None:
    """A rating given (``sign`` -1: its appeal was upheld and it leaves the figures). Only a
    case's rating counts: the figures are per item, as ``sources.rated_cases`` reads them."""
    if _of_a_case(rating) and rating.level in LEVEL_COLUMNS:
        add(
            beijing.day_of(rating.rated_at),
            rating.center_id,
            rating.item_id,
            **{LEVEL_COLUMNS[rating.level]: sign},
        )


def _of_a_case(rating) -> bool:
    from portal.ratings.models import Subject

    return rating.subject == Subject.CASE


def count_fixed(rating) -> None:
    """A bad rating's follow-up done (fixed at once, explained, or a fix confirmed), unless
    its appeal was upheld. ``out_of_figures`` is read under the rating's row lock: an appeal
    upheld at the same moment holds it (its UPDATE), so one of the two sees the other."""
    from portal.ratings.models import Rating

    out = db.session.scalar(
        select(Rating.out_of_figures).where(Rating.id == rating.id).with_for_update()
    )
    if _of_a_case(rating) and rating.level in Level.BAD and not out:
        add(beijing.day_of(rating.rated_at), rating.center_id, rating.item_id, bad_fixed=1)


def take_out(rating) -> None:
    """An upheld appeal: called after the UPDATE that set ``out_of_figures`` (and holds the
    row lock), so a follow-up done at the same moment is either seen here or sees it."""
    from portal.ratings.models import FollowUp

    count_rating(rating, -1)
    done = db.session.scalars(
        select(FollowUp)
        .where(FollowUp.rating_id == rating.id)
        .execution_options(populate_existing=True)
    ).first()
    if rating.level in Level.BAD and follow_up_done(done):
        add(beijing.day_of(rating.rated_at), rating.center_id, rating.item_id, bad_fixed=-1)


def follow_up_done(follow_up) -> bool:
    """As ``sources.rated_cases`` counts it: fixed at once, explained, or a 限期整改 whose fix
    the office confirmed."""
    from portal.ratings.models import Outcome

    if follow_up is None:
        return False
    return follow_up.outcome in (Outcome.FIXED, Outcome.EXPLAINED) or (
        follow_up.outcome == Outcome.FIX_BY and follow_up.fixed_at is not None
    )


# Recomputing from the record ---------------------------------------------------------------


def _months_in_record() -> list[date]:
    from portal.filing.models import Application
    from portal.ratings.models import Rating

    """Every month from the earliest to the latest day any count is kept by."""
    days: list[date] = []
    for column in (CaseDecision.decided_on, CaseDecision.due_on):
        days += db.session.execute(select(func.min(column), func.max(column))).one()
    for column in (Application.submitted_at, Rating.rated_at):  # instants: their Beijing day
        bounds = db.session.execute(select(func.min(column), func.max(column))).one()
        days += [beijing.day_of(moment) for moment in bounds if moment is not None]
    days = [day for day in days if day is not None]
    if not days:
        return []
    month, last = month_of(min(days)), month_of(max(days))
    months = []
    while month <= last:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def rebuild() -> int:
    """Throw the counts away and recompute every month from the record; returns the rows
    written. Flushes, never commits (the command commits)."""
    from portal.performance.figures import Month, recorded_rows

    db.session.execute(delete(MonthlyFigures))
    rows: dict[tuple[date, int, int], dict[str, int]] = {}
    for first in _months_in_record():
        for center_id, item_id, counts in recorded_rows(Month.of(first)):
            row = rows.setdefault((first, center_id or 0, item_id or 0), dict.fromkeys(COUNTS, 0))
            for name, value in counts.items():
                row[name] += value
    kept = [
        {"month": month, "center_id": center, "item_id": item, **counts}
        for (month, center, item), counts in rows.items()
        if any(counts.values())
    ]
    if kept:
        db.session.execute(MonthlyFigures.__table__.insert(), kept)
    db.session.flush()
    return len(kept)
