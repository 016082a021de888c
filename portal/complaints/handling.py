"""What the efficiency supervision office does with a complaint (GB/T 36113: accept →
investigate → resolve → reply → archive), as plain functions over the session.

Every step is one conditional UPDATE (``operations.move`` for a status, ``operations.change``
for the rest), so two handlers acting at once cannot both win; every step is audited as a
StaffAction (``complaint-…``, the complaint's id in its detail) and dated on the ticket's
timeline. The functions flush; the request or the job commits.

Who may do what:
- any member of the office of the complaint's center handles it;
- only the office head approves a reply (never their own draft) and an extension;
- a reopened complaint is handled by someone other than whoever replied the first time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from portal.clock import beijing
from portal.clock.calendar import WorkingCalendar
from portal.complaints import operations
from portal.complaints.deadlines import ComplaintDeadlines
from portal.complaints.models import Complaint, ComplaintEvent, ComplaintStatus
from portal.complaints.numbering import is_well_formed, normalize_ticket
from portal.complaints.office_models import IdentityView, StatementRequest
from portal.extensions import db
from portal.window.models import Role, StaffMember
from portal.window.operations import audit

S = ComplaintStatus
NotAllowed = operations.NotAllowed
OFFICE = "office"

# not-accepted reasons (the shared contract's codes)
OUTSIDE_REMIT, DUPLICATE, NO_CONTENT = "outside-remit", "duplicate", "no-content"
NOT_ACCEPTED_REASONS = (OUTSIDE_REMIT, DUPLICATE, NO_CONTENT)
# After the reply, the complainant has this long to rate it before it closes unrated.
RATING_DAYS = 15


class HandlingError(ValueError):
    """The step cannot be taken as asked; ``code`` says why (the view words it)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


# Who sees what ---------------------------------------------------------------------------


def office_complaints(member: StaffMember):
    """The complaints of the member's center, if the member is of its supervision office."""
    query = select(Complaint)
    if not member.supervises:
        return query.where(Complaint.id.is_(None))  # nothing, for everyone else
    return query.where(Complaint.center_id == member.center_id)


def _well_formed(ticket: str) -> str | None:
    # Anything else (typed wrong, or NUL bytes PostgreSQL refuses) finds nothing.
    normalized = normalize_ticket(ticket or "")
    return normalized if is_well_formed(normalized) else None


def find_for_office(member: StaffMember, ticket: str) -> Complaint | None:
    normalized = _well_formed(ticket)
    if normalized is None:
        return None
    return db.session.scalar(office_complaints(member).where(Complaint.ticket == normalized))


def statement_complaint(member: StaffMember, ticket: str) -> Complaint | None:
    """A complaint whose statement request the member may read: the office's own, or one
    about the member's window once a statement was asked of it (the facts, not who)."""
    if member.supervises:
        return find_for_office(member, ticket)
    windows = [w.id for w in member.windows]
    normalized = _well_formed(ticket)
    if normalized is None:
        return None
    return db.session.scalar(
        select(Complaint).where(
            Complaint.ticket == normalized,
            Complaint.window_id.in_(windows),
            Complaint.id.in_(select(StatementRequest.complaint_id)),
        )
    )


def about_case(member: StaffMember, application) -> list[Complaint]:
    """Complaints about a case, for the supervision office only (never the window's)."""
    if not member.supervises:
        return []
    return list(
        db.session.scalars(
            office_complaints(member)
            .where(Complaint.application_id == application.id)
            .order_by(Complaint.received_at)
        )
    )


def _office(member: StaffMember, complaint: Complaint) -> None:
    if not member.supervises or member.center_id != complaint.center_id:
        raise NotAllowed("only the supervision office of the complaint's center handles it")


def _head(member: StaffMember, complaint: Complaint) -> None:
    _office(member, complaint)
    if not member.heads_supervision:
        raise HandlingError("head-only")


def _log(member: StaffMember, complaint: Complaint, action: str, **detail) -> None:
    audit(member, f"complaint-{action}", complaint=complaint.id, **detail)


# Accepting -------------------------------------------------------------------------------


def accept(member: StaffMember, complaint: Complaint) -> None:
    _office(member, complaint)
    operations.move(complaint, S.ACCEPTED, OFFICE, staff=member.name)
    _log(member, complaint, "accepted")


def not_accept(
    member: StaffMember,
    complaint: Complaint,
    reason: str,
    contact: str | None = None,
    earlier_ticket: str | None = None,
) -> None:
    """Outside the remit (say who to contact), a duplicate (of an earlier ticket that exists
    at this office), or without content."""
    _office(member, complaint)
    if reason not in NOT_ACCEPTED_REASONS:
        raise HandlingError("reason")
    contact = (contact or "").strip() or None
    earlier = None
    if reason == OUTSIDE_REMIT and not contact:
        raise HandlingError("contact")
    if reason == DUPLICATE:
        earlier = find_for_office(member, earlier_ticket or "")
        if (
            earlier is None
            or earlier.id == complaint.id
            or earlier.received_at > complaint.received_at
        ):
            raise HandlingError("earlier-ticket")
    operations.move(
        complaint,
        S.NOT_ACCEPTED,
        OFFICE,
        reason=reason,
        contact=contact if reason == OUTSIDE_REMIT else None,
        earlier_ticket=earlier.ticket if earlier is not None else None,
    )
    _log(member, complaint, "not-accepted", reason=reason)


# Investigating ---------------------------------------------------------------------------


def handlers_for(member: StaffMember, complaint: Complaint) -> list[StaffMember]:
    """Who may be assigned: active office members, without whoever replied the first time
    when the complaint was reopened."""
    members = db.session.scalars(
        select(StaffMember)
        .where(
            StaffMember.center_id == complaint.center_id,
            StaffMember.role.in_(Role.SUPERVISION),
            StaffMember.active.is_(True),
        )
        .order_by(StaffMember.name, StaffMember.id)
    )
    return [m for m in members if not _replied_before(complaint, m)]


def _replied_before(complaint: Complaint, member: StaffMember) -> bool:
    return complaint.reopened_once and complaint.first_replied_by_id == member.id


def start_investigating(member: StaffMember, complaint: Complaint, handler: StaffMember) -> None:
    _office(member, complaint)
    _office(handler, complaint)
    if not handler.active:
        raise HandlingError("handler")
    if _replied_before(complaint, handler):
        raise HandlingError("same-handler")
    operations.move(
        complaint,
        S.INVESTIGATING,
        OFFICE,
        handler=handler.name,
        values={"handler_id": handler.id, "reply_draft": None, "reply_drafted_by_id": None},
    )
    _log(member, complaint, "investigating", handler=handler.id)


def ask_statement(
    member: StaffMember,
    complaint: Complaint,
    asked_of: str,
    question: str,
    calendar: WorkingCalendar,
    deadlines: ComplaintDeadlines,
) -> StatementRequest:
    """Ask the department or window for a written statement, due in its own working days."""
    _office(member, complaint)
    if complaint.status != S.INVESTIGATING:
        raise NotAllowed(f"complaint {complaint.ticket} is {complaint.status}, not investigating")
    moment = beijing.now()
    request = StatementRequest(
        complaint=complaint,
        asked_of=asked_of.strip(),
        question=question.strip(),
        asked_by_id=member.id,
        asked_at=moment,
        due_by=deadlines.statement_by(calendar, beijing.day_of(moment)),
    )
    db.session.add(request)
    operations.record_event(
        complaint,
        "statement-requested",
        OFFICE,
        staff=member.name,
        due_by=request.due_by.isoformat(),
    )
    db.session.flush()
    _log(member, complaint, "statement-requested", request=request.id)
    return request


def enter_statement(member: StaffMember, request: StatementRequest, statement: str) -> None:
    """The department's answer, entered by a handler; once."""
    complaint = request.complaint
    _office(member, complaint)
    won = operations.change(
        StatementRequest,
        request.id,
        (StatementRequest.statement.is_(None),),
        {"statement": statement.strip(), "answered_at": beijing.now(), "entered_by_id": member.id},
    )
    db.session.refresh(request)
    if not won:
        raise NotAllowed("the statement was already entered")
    operations.record_event(complaint, "statement-received", OFFICE, staff=member.name)
    db.session.flush()
    _log(member, complaint, "statement-received", request=request.id)


def statements(complaint: Complaint) -> list[StatementRequest]:
    return list(
        db.session.scalars(
            select(StatementRequest)
            .where(StatementRequest.complaint_id == complaint.id)
            .order_by(StatementRequest.id)
        )
    )


# Replying --------------------------------------------------------------------------------


def draft_reply(member: StaffMember, complaint: Complaint, text: str) -> None:
    _office(member, complaint)
    text = text.strip()
    if not text:
        raise HandlingError("reply")
    won = operations.change(
        Complaint,
        complaint.id,
        (Complaint.status == S.INVESTIGATING,),
        {"reply_draft": text, "reply_drafted_by_id": member.id},
    )
    db.session.refresh(complaint)
    if not won:
        raise NotAllowed(f"complaint {complaint.ticket} is {complaint.status}, not investigating")
    operations.record_event(complaint, "reply-drafted", OFFICE, staff=member.name)
    db.session.flush()
    _log(member, complaint, "reply-drafted")


def approve_reply(head: StaffMember, complaint: Complaint) -> None:
    """The head approves the draft (never their own) and the office replies with it."""
    _head(head, complaint)
    if not complaint.reply_draft:
        raise HandlingError("no-draft")
    if complaint.reply_drafted_by_id == head.id:
        raise HandlingError("own-draft")
    drafted_by = complaint.reply_drafted_by_id
    operations.move(
        complaint,
        S.REPLY_APPROVED,
        OFFICE,
        staff=head.name,
        # The draft approved is the one read: a draft changed meanwhile is not approved.
        where=(
            Complaint.reply_drafted_by_id == drafted_by,
            Complaint.reply_draft == complaint.reply_draft,
        ),
    )
    # Who replied: the handler the complaint was assigned to (else whoever drafted it).
    replier = complaint.handler_id or drafted_by
    values = (
        {}
        if complaint.first_replied_by_id
        else {"first_replied_by_id": replier, "first_replied_on": beijing.today()}
    )
    operations.move(complaint, S.REPLIED, OFFICE, reply=complaint.reply_draft, values=values)
    _log(head, complaint, "replied")


def replied_on(complaint: Complaint):
    """When the latest reply left: its ``replied`` event (no column needed)."""
    replies = [e for e in complaint.events if e.kind == S.REPLIED]
    return beijing.aware(replies[-1].created_at) if replies else None


# One extension ---------------------------------------------------------------------------


def ask_extension(
    member: StaffMember,
    complaint: Complaint,
    why: str,
    new_reply_by: date,
    calendar: WorkingCalendar,
    deadlines: ComplaintDeadlines,
) -> None:
    """Ask, before the deadline and once, for up to the kind's own length more."""
    _office(member, complaint)
    why = why.strip()
    if not why:
        raise HandlingError("why")
    if complaint.status not in (S.ACCEPTED, S.INVESTIGATING, S.REOPENED):
        raise NotAllowed(f"complaint {complaint.ticket} is {complaint.status}")
    if beijing.today() > complaint.reply_by:
        raise HandlingError("too-late")
    latest = deadlines.latest_extension(calendar, complaint.kind, complaint.reply_by)
    if not complaint.reply_by < new_reply_by <= latest:
        raise HandlingError("new-date")
    won = operations.change(
        Complaint,
        complaint.id,
        (Complaint.extended.is_(False), Complaint.extension_why.is_(None)),
        {
            "extension_why": why,
            "extension_reply_by": new_reply_by,
            "extension_asked_by_id": member.id,
        },
    )
    db.session.refresh(complaint)
    if not won:
        raise HandlingError("once")
    operations.record_event(
        complaint, "extension-asked", OFFICE, staff=member.name, reply_by=new_reply_by.isoformat()
    )
    db.session.flush()
    _log(member, complaint, "extension-asked")


def approve_extension(head: StaffMember, complaint: Complaint) -> None:
    """The head approves: reply_by moves, the complainant is told why and the new date."""
    _head(head, complaint)
    if complaint.extension_reply_by is None or complaint.extended:
        raise HandlingError("no-extension")
    new_date, why = complaint.extension_reply_by, complaint.extension_why
    won = operations.change(
        Complaint,
        complaint.id,
        (Complaint.extended.is_(False), Complaint.extension_reply_by == new_date),
        {"extended": True, "reply_by": new_date},
    )
    db.session.refresh(complaint)
    if not won:
        raise HandlingError("no-extension")
    operations.record_event(complaint, "extended", OFFICE, why=why, reply_by=new_date.isoformat())
    db.session.flush()
    _log(head, complaint, "extended")


def refuse_extension(head: StaffMember, complaint: Complaint) -> None:
    """The head refuses: the deadline stands, and the one extension is spent."""
    _head(head, complaint)
    if complaint.extension_reply_by is None or complaint.extended:
        raise HandlingError("no-extension")
    won = operations.change(
        Complaint,
        complaint.id,
        (Complaint.extended.is_(False), Complaint.extension_reply_by.is_not(None)),
        {"extended": True, "extension_reply_by": None},
    )
    db.session.refresh(complaint)
    if not won:
        raise HandlingError("no-extension")
    operations.record_event(complaint, "extension-refused", OFFICE, staff=head.name)
    db.session.flush()
    _log(head, complaint, "extension-refused")


# The complainant's identity --------------------------------------------------------------


def show_identity(member: StaffMember, complaint: Complaint) -> IdentityView:
    """Every opening is logged on the ticket: who and when, for the office head to see."""
    _office(member, complaint)
    view = IdentityView(complaint_id=complaint.id, staff_id=member.id, viewed_at=beijing.now())
    db.session.add(view)
    db.session.flush()
    _log(member, complaint, "identity-shown")
    return view


def identity_views(complaint: Complaint) -> list[IdentityView]:
    return list(
        db.session.scalars(
            select(IdentityView)
            .where(IdentityView.complaint_id == complaint.id)
            .order_by(IdentityView.id)
        )
    )


# The 15-day close ------------------------------------------------------------------------


@dataclass(frozen=True)
class Closed:
    rated: int
    not_rated: int


def close_unanswered(now=None) -> Closed:
    """Replied complaints 15 calendar days after the reply: closed if rated, else closed
    not rated (never counted as satisfied). The complainant's rating columns belong to the
    journey (migration 0014); without them every complaint counts as not rated."""
    now = now or beijing.now()
    cutoff = now - timedelta(days=RATING_DAYS)
    latest = (
        select(ComplaintEvent.complaint_id)
        .where(ComplaintEvent.kind == S.REPLIED)
        .group_by(ComplaintEvent.complaint_id)
        .having(db.func.max(ComplaintEvent.created_at) <= cutoff)
    )
    due = db.session.scalars(
        select(Complaint).where(Complaint.status == S.REPLIED, Complaint.id.in_(latest))
    ).all()
    rated = not_rated = 0
    for complaint in due:
        has_rating = complaint.rating is not None
        try:
            operations.move(complaint, S.CLOSED if has_rating else S.CLOSED_NOT_RATED, "system")
        except NotAllowed:
            continue  # rated and reopened meanwhile: not ours to close
        if has_rating:
            rated += 1
        else:
            not_rated += 1
    return Closed(rated, not_rated)
