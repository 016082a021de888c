"""The window's decided cases: every case that has left pre-review, newest decision first,
searchable by number, applicant and the day of the decision, scoped like the queue.

"Decided" is the last pre-review outcome on the case's timeline: accepted (by an officer or
deemed, Art. 32), supplements requested, declined, or withdrawn by the applicant. A case
sent back after supplements and awaiting review again is in the queue, not here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, false, func, or_, select

from portal.accounts.identity import normalize_identifier
from portal.accounts.models import Applicant
from portal.clock.beijing import BEIJING, day_of
from portal.extensions import db
from portal.filing.models import Application, ApplicationEvent, Status
from portal.filing.numbering import normalize_number
from portal.window.models import StaffMember
from portal.window.operations import AWAITING_REVIEW, _visible_to

DECISION_EVENTS = ("accepted", "deemed-accepted", "supplements-requested", "declined", "withdrawn")
PAGE_SIZE = 20
# Whole ID numbers stay out of search URLs (and so out of access logs): the last 4 match.
IDENTIFIER_TAIL = re.compile(r"[0-9A-Z]{4}")


@dataclass(frozen=True)
class HistorySearch:
    """What the officer searched for; empty parts match everything."""

    number: str = ""
    applicant: str = ""  # a name (or part of one), or the last 4 characters of its identifier
    decided_from: date | None = None
    decided_to: date | None = None


@dataclass(frozen=True)
class HistoryEntry:
    application: Application
    decision: str  # the kind of the decision's timeline event
    decided_at: datetime

    @property
    def decided_on(self) -> date:
        return day_of(self.decided_at)


@dataclass(frozen=True)
class HistoryPage:
    entries: list[HistoryEntry]
    page: int
    pages: int
    total: int


def decided_cases(member: StaffMember, search: HistorySearch, page: int = 1) -> HistoryPage:
    query = _search(_decided(member), search)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = db.session.execute(
        query.order_by(ApplicationEvent.created_at.desc(), ApplicationEvent.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    entries = [
        HistoryEntry(application, event.kind, event.created_at) for application, event in rows
    ]
    return HistoryPage(entries, page, pages, total)


def _decided(member: StaffMember) -> Select:
    """The member's cases (the queue's rule) with their latest pre-review decision."""
    latest = (
        select(ApplicationEvent.application_id, func.max(ApplicationEvent.id).label("event_id"))
        .where(ApplicationEvent.kind.in_(DECISION_EVENTS))
        .group_by(ApplicationEvent.application_id)
        .subquery()
    )
    return (
        _visible_to(member)
        .add_columns(ApplicationEvent)
        .join(latest, latest.c.application_id == Application.id)
        .join(ApplicationEvent, ApplicationEvent.id == latest.c.event_id)
        .join(Applicant, Applicant.id == Application.applicant_id)
        .where(Application.status.not_in((*AWAITING_REVIEW, Status.DRAFT)))
    )


def _search(query: Select, search: HistorySearch) -> Select:
    number = normalize_number(search.number)
    if number:
        query = query.where(Application.number.contains(number, autoescape=True))
    applicant = search.applicant.strip()
    if applicant:
        # The last characters of an ID number or credit code, as the masked lists show them.
        tail = normalize_identifier(applicant)
        query = query.where(
            or_(
                Applicant.name.contains(applicant, autoescape=True),
                Applicant.identifier.endswith(tail, autoescape=True)
                if IDENTIFIER_TAIL.fullmatch(tail)
                else false(),
            )
        )
    if search.decided_from:
        query = query.where(ApplicationEvent.created_at >= _start_of(search.decided_from))
    if search.decided_to:
        query = query.where(
            ApplicationEvent.created_at < _start_of(search.decided_to + timedelta(days=1))
        )
    return query


def _start_of(day: date) -> datetime:
    """The instant a Beijing day begins, in UTC as every time is stored."""
    return datetime.combine(day, time(), tzinfo=BEIJING).astimezone(UTC)
