"""What window staff do with an online filing: review it, accept it, ask for supplements
once, or decline it; and what the clock does when they do nothing (Art. 32).

Every decision records who and when, appears on the applicant's timeline and in the
audit trail; an acceptance writes the outbox row for the back office in the same
transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from portal.backoffice.models import OutboxMessage, OutboxStatus
from portal.clock import beijing
from portal.clock.calendar import CalendarUnknown, WorkingCalendar
from portal.clock.deadlines import Light, light, sign_off_deadline, site_inspection_deadline
from portal.extensions import db
from portal.filing import operations as filing
from portal.filing import received
from portal.filing.models import (
    Application,
    ApplicationEvent,
    CountyForwarding,
    NoticeKind,
    Status,
)
from portal.filing.notices import issue_notice
from portal.performance.recording import record_decision
from portal.window.models import Role, StaffAction, StaffMember

AWAITING_REVIEW = (Status.SUBMITTED, Status.RESUBMITTED)


def audit(
    member: StaffMember | None, action: str, application: Application | None = None, **detail
) -> None:
    # current_user is a proxy that signs out with the session; the row must keep the member.
    if member is not None and hasattr(member, "_get_current_object"):
        member = member._get_current_object()
    db.session.add(
        StaffAction(
            staff=member,
            action=action,
            application_id=application.id if application else None,
            created_at=beijing.now(),
            detail=detail,
        )
    )


# The queue --------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueEntry:
    application: Application
    due: date | None
    light: Light | None
    awaiting: bool = True  # False: closed without the window, shown so the window knows


# A case that left pre-review without the window (deemed accepted, withdrawn) stays in the
# queue this long, so the officers whose case it was notice what happened to it.
RECENTLY_CLOSED_DAYS = 7
CLOSED_WITHOUT_THE_WINDOW = ("deemed-accepted", "withdrawn")


def _visible_to(member: StaffMember):
    """Cases filed at the member's windows; a supervisor or administrator sees their center.

    The case's own center and window decide, not the item: a county window that also
    offers an item never sees a filing made at the city center.
    """
    query = select(Application)
    if member.role in Role.CENTER_WIDE:
        return query.where(Application.center_id == member.center_id)
    return query.where(Application.window_id.in_([w.id for w in member.windows]))


def visible_delivery(member: StaffMember, message_id: int) -> OutboxMessage | None:
    """An outbox message, if its case is one this member may see."""
    message = db.session.get(OutboxMessage, message_id)
    return message if message is not None and may_see(member, message.application) else None


def may_see(member: StaffMember, application: Application) -> bool:
    """The same rule as the queue, for a case reached another way (a delivery, a notice)."""
    if member.role in Role.CENTER_WIDE:
        return application.center_id is not None and application.center_id == member.center_id
    return application.window_id in {w.id for w in member.windows}


def review_queue(
    member: StaffMember, calendar: WorkingCalendar, today: date, warn_working_days: int = 1
) -> list[QueueEntry]:
    loading = (
        selectinload(Application.item),
        selectinload(Application.applicant),
        selectinload(Application.events),
        selectinload(Application.forwarding).selectinload(CountyForwarding.center),
    )
    applications = db.session.scalars(
        _visible_to(member).where(Application.status.in_(AWAITING_REVIEW)).options(*loading)
    ).all()
    entries = []
    for application in applications:
        due = application.pre_review_by
        entries.append(
            QueueEntry(application, due, _light(calendar, due, today, warn_working_days))
        )
    entries.sort(key=lambda e: (e.due is None, e.due or date.max, e.application.id))
    return entries + [QueueEntry(a, None, None, False) for a in _recently_closed(member, loading)]


def _recently_closed(member: StaffMember, loading) -> list[Application]:
    since = beijing.now() - timedelta(days=RECENTLY_CLOSED_DAYS)
    closed = select(ApplicationEvent.application_id).where(
        ApplicationEvent.kind.in_(CLOSED_WITHOUT_THE_WINDOW), ApplicationEvent.created_at >= since
    )
    return list(
        db.session.scalars(
            _visible_to(member)
            .where(Application.status.not_in(AWAITING_REVIEW), Application.id.in_(closed))
            .order_by(Application.updated_at.desc(), Application.id.desc())
            .options(*loading)
        ).all()
    )


def _light(calendar: WorkingCalendar, due: date | None, today: date, warn: int) -> Light | None:
    if due is None:
        return None
    try:
        return light(calendar, due, today, warn)
    except CalendarUnknown:
        return None


def find_case(member: StaffMember, public_id: str) -> Application | None:
    if len(public_id) != 32:
        return None
    return db.session.scalar(
        _visible_to(member)
        .where(Application.public_id == public_id, Application.status != Status.DRAFT)
        .options(selectinload(Application.attachments), selectinload(Application.events))
    )


# Decisions --------------------------------------------------------------------------------


class NotAllowed(Exception):
    """This case cannot take this decision now (already decided, or not this member's)."""


def _decidable(member: StaffMember, application: Application) -> None:
    if not member.decides:
        raise NotAllowed("only a window officer or head decides")
    if application.status not in AWAITING_REVIEW:
        raise NotAllowed(f"the case is {application.status}, not awaiting review")


def _claim(application: Application, status: str) -> None:
    """Move the case out of review with one conditional UPDATE, or raise NotAllowed.

    Two officers (or an officer and the deemed-acceptance job) deciding one filing at
    the same moment both read it as awaiting review; only one UPDATE still finds it
    so (PostgreSQL re-checks the WHERE after the first commits), and only the winner
    goes on to write the notice, the timeline and the outbox row.
    """
    won = db.session.execute(
        update(Application)
        .where(Application.id == application.id, Application.status.in_(AWAITING_REVIEW))
        .values(status=status, updated_at=beijing.now())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(application)
    if not won:
        raise NotAllowed(f"the case is {application.status}, not awaiting review")


def _record(application: Application, kind: str, member: StaffMember | None, **detail) -> None:
    filing.record_event(
        application,
        kind,
        "window" if member else "system",
        staff=member.name if member else None,
        **detail,
    )


def accept(
    member: StaffMember, application: Application, opinion: str, calendar: WorkingCalendar
) -> None:
    """受理: the decision clock starts, and the case goes into the outbox for the back office.

    An immediate item (即办件) is accepted and completed in the same step.
    """
    _decidable(member, application)
    _claim(application, Status.ACCEPTED)
    _accept(application, member, opinion, calendar, deemed=False)
    audit(member, "accepted", application, opinion_given=bool(opinion))


def _accept(
    application: Application,
    member: StaffMember | None,
    opinion: str,
    calendar: WorkingCalendar,
    deemed: bool,
) -> None:
    # Art. 32: a filing nobody answered in time counts as accepted from the day its
    # (completed) materials were received; the decision clock runs from that day.
    accepted_on = (
        received.materials_received_on(application) or beijing.today()
        if deemed
        else beijing.today()
    )
    application.status = Status.ACCEPTED
    application.accepted_on = accepted_on
    try:
        application.decide_by = calendar.add_working_days(
            accepted_on, application.item.promised_limit
        )
    except CalendarUnknown:
        application.decide_by = None
    application.review_opinion = opinion or None
    _record(application, "deemed-accepted" if deemed else "accepted", member)
    issue_notice(application, NoticeKind.DEEMED_ACCEPTANCE if deemed else NoticeKind.ACCEPTANCE)
    if application.item.immediate:
        application.status = Status.COMPLETED
        _record(application, "completed", member)
        record_decision(application, calendar)
    _queue_for_back_office(application, "case.accepted")
    application.updated_at = beijing.now()


def idempotency_key(application: Application, event: str) -> str:
    """The same for the same event of the same case, whoever writes it and however often."""
    return hashlib.sha256(f"{application.public_id}:{event}".encode()).hexdigest()


def _queue_for_back_office(application: Application, event: str) -> None:
    moment = beijing.now()
    db.session.add(
        OutboxMessage(
            application=application,
            event=event,
            idempotency_key=idempotency_key(application, event),
            payload={"number": application.number},
            status=OutboxStatus.PENDING,
            attempts=0,
            next_attempt_at=moment,
            created_at=moment,
        )
    )


def request_supplements(
    member: StaffMember, application: Application, reasons: dict[str, str]
) -> None:
    """补正: one notice that lists everything missing, with reasons, at once (Art. 32)."""
    _decidable(member, application)
    if not reasons or any(filing.material_of(application, code) is None for code in reasons):
        raise ValueError("supplements name materials of this item, each with its reason")
    _claim(application, Status.SUPPLEMENTS_REQUESTED)
    filing.request_supplements(application, reasons, actor="window")
    issue_notice(application, NoticeKind.SUPPLEMENTS, {"reasons": dict(reasons)})
    audit(member, "supplements-requested", application, materials=sorted(reasons))


def decline(
    member: StaffMember, application: Application, reason: str, right_authority: str
) -> None:
    """不予受理: reasons, the right authority where known; the notice tells the remedies."""
    _decidable(member, application)
    if not reason.strip():
        raise ValueError("a decline needs its reasons")
    _claim(application, Status.DECLINED)
    application.decline = {
        "reason": reason.strip(),
        "right_authority": right_authority.strip() or None,
    }
    application.updated_at = beijing.now()
    _record(application, "declined", member)
    issue_notice(application, NoticeKind.DECLINE, dict(application.decline))
    audit(member, "declined", application)


def deem_overdue_accepted(calendar: WorkingCalendar, today: date) -> list[Application]:
    """Filings nobody answered within 5 working days count as accepted (Art. 32).

    Each one is claimed with the same conditional UPDATE as a window decision, so a
    filing an officer decides while the job runs keeps the officer's decision.
    """
    waiting = db.session.scalars(
        select(Application).where(
            Application.status.in_(AWAITING_REVIEW), Application.pre_review_by < today
        )
    ).all()
    deemed = []
    for application in waiting:
        try:
            _claim(application, Status.ACCEPTED)
        except NotAllowed:
            continue
        _accept(application, None, "", calendar, deemed=True)
        audit(None, "deemed-accepted", application)
        deemed.append(application)
    return deemed


@dataclass(frozen=True)
class StepDeadlines:
    """Source §四: site inspection within 3 working days of acceptance, sign-off within 2."""

    inspection_by: date | None
    sign_off_by: date | None


def step_deadlines(calendar: WorkingCalendar, application: Application) -> StepDeadlines | None:
    if application.accepted_on is None:
        return None
    try:
        return StepDeadlines(
            site_inspection_deadline(calendar, application.accepted_on, application.decide_by),
            sign_off_deadline(calendar, application.accepted_on, application.decide_by),
        )
    except CalendarUnknown:
        return StepDeadlines(None, None)
