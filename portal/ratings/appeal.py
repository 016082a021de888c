"""The window's appeal (申诉复核) of a bad rating, decided by the supervision office's head.

Only staff of the window that handled the case appeal, once a rating, with their grounds.
The head of the case's center's supervision office decides with reasons; an upheld appeal
keeps the rating on record (the applicant still sees it, the follow-up goes on) but marks
it out of the figures. Both steps are conditional, audited writes.
"""

from __future__ import annotations

from sqlalchemy import false, select, update
from sqlalchemy.dialects import postgresql, sqlite

from portal.clock import beijing
from portal.extensions import db
from portal.performance import counters
from portal.ratings.models import Appeal, AppealDecision, Level, Rating
from portal.window.models import Role, StaffMember
from portal.window.operations import audit

MAX_TEXT = 1000


class NotNow(Exception):
    """Appealed already, decided already, or not this member's to do."""


def appeal_of(rating: Rating) -> Appeal | None:
    return db.session.scalars(select(Appeal).where(Appeal.rating_id == rating.id)).first()


def may_appeal(member: StaffMember, rating: Rating) -> bool:
    if rating.application is None:
        return False  # a window appeals the ratings of its cases only
    window_id = rating.application.window_id
    return (
        member.role in Role.DECIDING
        and rating.level in Level.BAD
        and any(w.id == window_id for w in member.windows)
        and appeal_of(rating) is None
    )


def lodge(member: StaffMember, rating: Rating, grounds: str) -> Appeal:
    if not may_appeal(member, rating):
        raise NotNow(str(rating.id))
    table = Appeal.__table__
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    # One appeal a rating, however many colleagues press the button at once.
    written = db.session.execute(
        dialect.insert(table)
        .values(rating_id=rating.id, by_id=member.id, grounds=grounds, created_at=beijing.now())
        .on_conflict_do_nothing(index_elements=["rating_id"])
        .returning(table.c.id)
    ).first()
    if written is None:
        raise NotNow(str(rating.id))
    audit(member, "rating-appealed", rating.application, rating=rating.id)
    return appeal_of(rating)


def may_decide(member: StaffMember, appeal: Appeal) -> bool:
    return (
        member.heads_supervision
        and member.center_id == appeal.rating.center_id
        and appeal.decision is None
    )


def decide(member: StaffMember, appeal: Appeal, decision: str, reasons: str) -> None:
    if decision not in AppealDecision.ALL:
        raise ValueError(f"unknown decision {decision!r}")
    if not may_decide(member, appeal):
        raise NotNow(str(appeal.id))
    won = db.session.execute(
        update(Appeal)
        .where(Appeal.id == appeal.id, Appeal.decision.is_(None))
        .values(
            decision=decision,
            decision_reasons=reasons,
            decided_by_id=member.id,
            decided_at=beijing.now(),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(appeal)
    if not won:
        raise NotNow(str(appeal.id))
    if decision == AppealDecision.UPHELD:
        rating = appeal.rating
        left = db.session.execute(
            update(Rating)
            .where(Rating.id == appeal.rating_id, Rating.out_of_figures == false())
            .values(out_of_figures=True)
            .execution_options(synchronize_session=False)
        ).rowcount
        if left:  # on record, out of the figures: taken out of the monthly counts too
            counters.take_out(rating)
        db.session.refresh(rating)
    audit(member, "rating-appeal-decided", appeal.rating.application, decision=decision)


def for_windows(member: StaffMember) -> list[Rating]:
    """The bad ratings of the member's windows' cases, newest first."""
    from portal.filing.models import Application

    window_ids = [w.id for w in member.windows]
    if not window_ids:
        return []
    return list(
        db.session.scalars(
            select(Rating)
            .join(Application, Application.id == Rating.application_id)
            .where(Application.window_id.in_(window_ids), Rating.level.in_(Level.BAD))
            .order_by(Rating.rated_at.desc(), Rating.id.desc())
        )
    )
