"""Which steps are running now, with their deadlines: supervision reads the areas' tables.

Nothing here writes. Each reader answers the open steps of one kind of subject (all of them
for the worker's sweep, or a few ids for a sweep at an event's commit). A step that is not
in the answer has ended; :func:`ended_by` says by which event and whom.

A deadline the calendar cannot count (a year it does not know) is an open step with
``due=None`` and the year named, never a guessed date.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import or_, select, true
from sqlalchemy.orm import selectinload

from portal.clock.calendar import CalendarUnknown, WorkingCalendar
from portal.clock.deadlines import CaseClock, stored_clock_changes
from portal.complaints.console import REPLY_OWED
from portal.complaints.models import Complaint, ComplaintStatus
from portal.complaints.numbering import display_ticket
from portal.extensions import db
from portal.filing.models import Application, Status
from portal.filing.numbering import display_number
from portal.proxy.models import ProxyRequest, RequestStatus
from portal.ratings.models import FollowUp, Outcome, Rating
from portal.ratings.subjects import describe
from portal.supervision.models import Limit, Step, Subject
from portal.window.models import Role, StaffAction, StaffMember, staff_windows
from portal.window.operations import AWAITING_REVIEW, step_deadlines

log = logging.getLogger(__name__)
DECIDING = (Status.ACCEPTED, Status.FORWARDED, Status.IN_REVIEW, Status.SUSPENDED)


@dataclass(frozen=True)
class OpenStep:
    subject: str
    subject_id: int
    step: str
    limit_kind: str
    due: date | None  # None: the calendar does not know ``unknown_year``
    center_id: int
    window_id: int | None
    department_id: int | None
    officer_id: int | None
    label: str  # the number a person reads (case number, ticket …)
    public_ref: str  # what the subject's page is addressed by
    paused: bool = False  # an Art. 45 procedure stops the clock: no card moves
    unknown_year: int | None = None

    @property
    def key(self) -> tuple[str, int, str, str]:
        return (self.subject, self.subject_id, self.step, self.limit_kind)


def _dated(base: OpenStep, compute) -> OpenStep:
    try:
        return replace(base, due=compute())
    except CalendarUnknown as unknown:
        return replace(base, due=None, unknown_year=unknown.year)


# Cases ------------------------------------------------------------------------------------


def _within(column, horizon: date | None):
    """The stored deadline could make a card by ``horizon`` (or cannot be counted at all)."""
    return true() if horizon is None else or_(column.is_(None), column <= horizon)


def case_steps(
    calendar: WorkingCalendar, ids: Collection[int] | None = None, horizon: date | None = None
) -> list[OpenStep]:
    query = (
        select(Application)
        .where(
            # A case being decided always: its inspection and sign-off run from acceptance.
            or_(
                Application.status.in_(DECIDING),
                Application.status.in_(AWAITING_REVIEW)
                & _within(Application.pre_review_by, horizon),
            ),
            Application.center_id.is_not(None),
        )
        .options(selectinload(Application.item), selectinload(Application.events))
        .order_by(Application.id)
    )
    if ids is not None:
        query = query.where(Application.id.in_(list(ids)))
    applications = db.session.scalars(query).all()
    officers = _accepting_officers([a.id for a in applications])
    steps: list[OpenStep] = []
    for application in applications:
        base = OpenStep(
            Subject.CASE,
            application.id,
            Step.PRE_REVIEW,
            Limit.STEP,
            None,
            application.center_id,
            application.window_id,
            application.item.department_id,
            officers.get(application.id),
            display_number(application.number or ""),
            application.public_id,
        )
        if application.status in AWAITING_REVIEW:
            steps.append(replace(base, due=application.pre_review_by))
            continue
        steps.extend(_decision_steps(calendar, application, base))
    return steps


def _decision_steps(
    calendar: WorkingCalendar, application: Application, base: OpenStep
) -> Iterable[OpenStep]:
    paused = application.status == Status.SUSPENDED
    base = replace(base, step=Step.DECISION, paused=paused)
    if application.decide_by is None and application.accepted_on is None:
        # Being decided with no acceptance day on record: nothing to count from. Said
        # loudly; the sweep goes on with every other case.
        log.error("supervision: no decision card for case %s: no acceptance day", base.label)
        return
    if application.decide_by is not None:
        yield replace(base, limit_kind=Limit.PROMISED, due=application.decide_by)
    else:  # the calendar could not count it at acceptance
        yield _dated(
            replace(base, limit_kind=Limit.PROMISED),
            lambda: calendar.add_working_days(
                application.accepted_on, application.item.promised_limit
            ),
        )
    if application.accepted_on is None:
        return
    statutory = application.item.statutory_limit
    try:
        extension, suspensions = stored_clock_changes(application.clock)
        clock = CaseClock(
            accepted_on=application.accepted_on,
            promised_days=statutory,
            statutory_days=statutory,
            extension=extension,
            suspensions=suspensions,
        )
        statutory_step = _dated(
            replace(base, limit_kind=Limit.STATUTORY), lambda: clock.decision_deadline(calendar)
        )
    except (ValueError, KeyError, TypeError) as error:
        # A stored clock the back office wrote wrong: said loudly, the other cards go on.
        log.error("supervision: no statutory card for case %s: %s", base.label, error)
    else:
        yield statutory_step
    kinds = {event.kind for event in application.events}
    deadlines = step_deadlines(calendar, application)
    if "backoffice-inspection-scheduled" in kinds and "backoffice-inspected" not in kinds:
        yield _step_due(base, Step.INSPECTION, deadlines and deadlines.inspection_by, application)
    if "backoffice-signed-off" not in kinds:
        yield _step_due(base, Step.SIGN_OFF, deadlines and deadlines.sign_off_by, application)


def _step_due(base: OpenStep, step: str, due: date | None, application: Application) -> OpenStep:
    step_base = replace(base, step=step, limit_kind=Limit.STEP, due=due)
    if due is None:
        # step_deadlines answers None for a year the calendar does not know.
        accepted_on = application.accepted_on
        return replace(step_base, unknown_year=accepted_on.year if accepted_on else None)
    return step_base


def _accepting_officers(ids: list[int]) -> dict[int, int]:
    """The officer who accepted each case: the one the dashboard names for it."""
    if not ids:
        return {}
    rows = db.session.execute(
        select(StaffAction.application_id, StaffAction.staff_id).where(
            StaffAction.application_id.in_(ids),
            StaffAction.action == "accepted",
            StaffAction.staff_id.is_not(None),
        )
    ).all()
    return dict(rows)


# Complaints -------------------------------------------------------------------------------


def complaint_steps(
    ids: Collection[int] | None = None, horizon: date | None = None
) -> list[OpenStep]:
    query = (
        select(Complaint)
        .where(
            or_(
                (Complaint.status == ComplaintStatus.RECEIVED)
                & _within(Complaint.accept_by, horizon),
                Complaint.status.in_(REPLY_OWED) & _within(Complaint.reply_by, horizon),
            )
        )
        .options(selectinload(Complaint.item))
        .order_by(Complaint.id)
    )
    if ids is not None:
        query = query.where(Complaint.id.in_(list(ids)))
    steps = []
    for complaint in db.session.scalars(query):
        receiving = complaint.status == ComplaintStatus.RECEIVED
        steps.append(
            OpenStep(
                Subject.COMPLAINT,
                complaint.id,
                Step.COMPLAINT_ACCEPTANCE if receiving else Step.COMPLAINT_REPLY,
                Limit.STEP,
                complaint.accept_by if receiving else complaint.reply_by,
                complaint.center_id,
                complaint.window_id,
                complaint.item.department_id if complaint.item else None,
                complaint.handler_id,
                display_ticket(complaint.ticket),
                complaint.ticket,
            )
        )
    return steps


# Proxy requests ---------------------------------------------------------------------------


def proxy_steps(ids: Collection[int] | None = None, horizon: date | None = None) -> list[OpenStep]:
    query = (
        select(ProxyRequest)
        .where(
            ProxyRequest.status == RequestStatus.RECEIVED,
            _within(ProxyRequest.accept_by, horizon),
        )
        .order_by(ProxyRequest.id)
    )
    if ids is not None:
        query = query.where(ProxyRequest.id.in_(list(ids)))
    return [
        OpenStep(
            Subject.PROXY_REQUEST,
            request.id,
            Step.PROXY_ACCEPTANCE,
            Limit.STEP,
            request.accept_by,
            request.center_id,
            None,
            None,
            None,
            request.number,
            request.public_id,
            # accept_by is None only when the calendar could not count it at filing.
            unknown_year=None if request.accept_by else request.received_at.year,
        )
        for request in db.session.scalars(query)
    ]


# Rating follow-ups ------------------------------------------------------------------------


def follow_up_steps(
    ids: Collection[int] | None = None, horizon: date | None = None
) -> list[OpenStep]:
    query = (
        select(FollowUp)
        .where(
            FollowUp.center_id.is_not(None),
            (FollowUp.called_back_at.is_(None) & _within(FollowUp.call_back_by, horizon))
            | (
                (FollowUp.outcome == Outcome.FIX_BY)
                & FollowUp.fixed_at.is_(None)
                & _within(FollowUp.fix_by, horizon)
            ),
        )
        .options(
            selectinload(FollowUp.rating)
            .selectinload(Rating.application)
            .selectinload(Application.item)
        )
        .order_by(FollowUp.id)
    )
    if ids is not None:
        query = query.where(FollowUp.id.in_(list(ids)))
    steps = []
    for follow_up in db.session.scalars(query):
        # A rating of a complaint's reply or of the proxy service has no case: no window,
        # no department; its number is the ticket's or the proxy request's.
        application = follow_up.rating.application
        calling = follow_up.called_back_at is None
        steps.append(
            OpenStep(
                Subject.FOLLOW_UP,
                follow_up.id,
                Step.CALL_BACK if calling else Step.FIX,
                Limit.STEP,
                follow_up.call_back_by if calling else follow_up.fix_by,
                follow_up.center_id,
                application.window_id if application else None,
                application.item.department_id if application else None,
                None if calling else follow_up.outcome_by_id,
                describe(follow_up.rating).number,
                follow_up.public_id,
            )
        )
    return steps


# Together ---------------------------------------------------------------------------------


def open_steps(
    calendar: WorkingCalendar,
    subject: str | None = None,
    ids: Collection[int] | None = None,
    horizon: date | None = None,
) -> list[OpenStep]:
    """The open steps of every subject, or of ``ids`` of one kind of ``subject``.

    With ``horizon``, steps whose stored deadline lies after it are left out in SQL (they
    cannot be yellow yet); every case being decided is read, as its inspection and sign-off
    deadlines are computed.
    """
    readers = {
        Subject.CASE: lambda: case_steps(calendar, ids, horizon),
        Subject.COMPLAINT: lambda: complaint_steps(ids, horizon),
        Subject.PROXY_REQUEST: lambda: proxy_steps(ids, horizon),
        Subject.FOLLOW_UP: lambda: follow_up_steps(ids, horizon),
    }
    if subject is not None:
        return readers[subject]()
    return [step for read in readers.values() for step in read()]


def ended_by(subject: str, subject_id: int, step: str) -> tuple[str, str | None]:
    """The event that ended the subject's step, and the name of whoever took it."""
    if subject == Subject.CASE:
        application = db.session.get(Application, subject_id)
        last = application.events[-1] if application and application.events else None
        if last is None:
            return "ended", None
        return last.kind, last.detail.get("staff") or _actor(last.actor)
    if subject == Subject.COMPLAINT:
        complaint = db.session.get(Complaint, subject_id)
        last = complaint.events[-1] if complaint and complaint.events else None
        if last is None:
            return "ended", None
        return last.kind, last.detail.get("staff") or _actor(last.actor)
    if subject == Subject.PROXY_REQUEST:
        request = db.session.get(ProxyRequest, subject_id)
        if request is None:
            return "ended", None
        return f"proxy-{request.status}", request.decided_by.name if request.decided_by else None
    follow_up = db.session.get(FollowUp, subject_id)
    if follow_up is None:
        return "ended", None
    if step == Step.CALL_BACK:
        return "rating-called-back", _name(follow_up.called_back_by_id)
    confirmed_by = db.session.scalar(
        select(StaffAction.staff_id)
        .where(
            StaffAction.action == "rating-fixed",
            StaffAction.application_id == follow_up.rating.application_id,
        )
        .order_by(StaffAction.id.desc())
    )
    return "rating-fixed", _name(confirmed_by)


def _actor(actor: str) -> str | None:
    return None if actor in ("window", "office") else actor


def _name(staff_id: int | None) -> str | None:
    member = db.session.get(StaffMember, staff_id) if staff_id else None
    return member.name if member else None


# Who is told ------------------------------------------------------------------------------


def responsible(
    subject: str, center_id: int, window_id: int | None, officer_id: int | None
) -> list[int]:
    """The staff a card is told to: the case's window officers and head; the complaint's
    handler (the office while it has none); the proxy window's head; the supervision office
    for a rating's follow-up."""
    members = select(StaffMember.id).where(
        StaffMember.center_id == center_id, StaffMember.active.is_(True)
    )
    if subject == Subject.CASE:
        if window_id is None:
            return []
        query = members.join(staff_windows, staff_windows.c.staff_id == StaffMember.id).where(
            staff_windows.c.window_id == window_id, StaffMember.role.in_(Role.DECIDING)
        )
    elif subject == Subject.COMPLAINT and officer_id is not None:
        query = members.where(StaffMember.id == officer_id)
    elif subject == Subject.PROXY_REQUEST:
        query = members.where(StaffMember.role == Role.PROXY_HEAD)
    else:
        query = members.where(StaffMember.role.in_(Role.SUPERVISION))
    return sorted(set(db.session.scalars(query)))


def office_heads(center_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(StaffMember.id).where(
                StaffMember.center_id == center_id,
                StaffMember.active.is_(True),
                StaffMember.role == Role.SUPERVISION_HEAD,
            )
        )
    )
