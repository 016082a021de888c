"""Filing a complaint and moving it through its statuses.

A complaint is written whole in one flush (ticket, query code, deadlines, findings, first
timeline line) or not at all; the request's transaction boundary commits it. Every status
change is one conditional UPDATE over the transition table, checked by its rowcount, so two
handlers acting at once cannot both win.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select, update

from portal.accounts.models import Applicant
from portal.catalog.models import Center, FeeItem, ServiceItem, Window
from portal.clock import beijing
from portal.clock.calendar import WorkingCalendar
from portal.complaints import hotline_callbacks, numbering
from portal.complaints.deadlines import ComplaintDeadlines
from portal.complaints.messages import note_complaint_event
from portal.complaints.models import Complaint, ComplaintEvent, ComplaintStatus, Kind
from portal.extensions import db
from portal.filing.models import Application
from portal.supervision.events import step_changed

S = ComplaintStatus

# status to move to → the statuses it may come from
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.ACCEPTED: (S.RECEIVED,),
    S.NOT_ACCEPTED: (S.RECEIVED,),
    S.INVESTIGATING: (S.ACCEPTED, S.REOPENED),
    S.REPLY_APPROVED: (S.INVESTIGATING,),
    S.REPLIED: (S.REPLY_APPROVED,),
    S.CLOSED: (S.REPLIED,),
    S.CLOSED_NOT_RATED: (S.REPLIED,),
    S.REOPENED: (S.REPLIED,),
}


class NotAllowed(Exception):
    """The complaint is not in a status this change can come from."""


@dataclass(frozen=True)
class Contact:
    name: str
    mobile: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class ComplaintDraft:
    """Everything the journey gathered, checked by its forms, before anything is written."""

    kind: str
    what_happened: str
    what_they_want: str
    application: Application | None = None
    item: ServiceItem | None = None
    center: Center | None = None
    window: Window | None = None
    happened_on: date | None = None
    fee_item: FeeItem | None = None
    fee_named: str | None = None
    fee_asked: Decimal | None = None
    contact: Contact | None = None  # None: anonymous
    applicant: Applicant | None = None  # signed in when filing
    language: str = "zh"  # of the filing request: "zh" or "en"

    def __post_init__(self) -> None:
        if self.kind not in Kind.ALL:
            raise ValueError(f"unknown complaint kind {self.kind!r}")
        if self.kind == Kind.FEE and (self.fee_asked is None or self.fee_asked < 0):
            raise ValueError("a fee complaint says how much was asked")
        if self.application is None and (self.item is None or self.center is None):
            raise ValueError("a complaint is about a case, or about an item at a center")

    @property
    def about_center(self) -> Center:
        """The office that handles it: the case's center, else the one named."""
        if self.application is not None and self.application.center is not None:
            return self.application.center
        if self.center is None:
            raise ValueError("the case has no center yet: name the center")
        return self.center


@dataclass(frozen=True)
class Filed:
    complaint: Complaint
    query_code: str  # shown once, on the acknowledgement; only its hash is kept


def record_event(complaint: Complaint, kind: str, actor: str, **detail) -> None:
    """The one door every line of a ticket's timeline passes; per-event hooks hang here."""
    event = ComplaintEvent(kind=kind, actor=actor, created_at=beijing.now(), detail=detail)
    complaint.events.append(event)
    note_complaint_event(complaint, event)  # the complainant is told when the step commits
    hotline_callbacks.event_recorded(complaint, kind, detail)  # back to the 12345 line
    step_changed(complaint)  # its supervision cards follow at the commit


def file_complaint(
    draft: ComplaintDraft,
    calendar: WorkingCalendar,
    deadlines: ComplaintDeadlines,
    findings: list[dict] | None = None,
) -> Filed:
    moment = beijing.now()
    received = beijing.day_of(moment)
    ticket = numbering.next_ticket(received)
    code = numbering.new_query_code()
    contact = draft.contact
    complaint = Complaint(
        ticket=ticket,
        query_code_hash=numbering.hash_code(ticket, code),
        kind=draft.kind,
        status=S.RECEIVED,
        application=draft.application,
        item=draft.item if draft.item is not None else _item_of(draft.application),
        center=draft.about_center,
        window=draft.window if draft.window is not None else _window_of(draft.application),
        happened_on=draft.happened_on,
        what_happened=draft.what_happened,
        what_they_want=draft.what_they_want,
        fee_item=draft.fee_item,
        fee_named=draft.fee_named,
        fee_asked=draft.fee_asked,
        anonymous=contact is None,
        # An anonymous complaint keeps nothing that says who filed it, not even the account.
        applicant=draft.applicant if contact is not None else None,
        contact_name=contact.name if contact else None,
        contact_mobile=contact.mobile if contact else None,
        contact_email=contact.email if contact else None,
        language=draft.language,
        received_at=moment,
        accept_by=deadlines.accept_by(calendar, received),
        reply_by=deadlines.reply_by(calendar, draft.kind, received),
        findings=findings or [],
    )
    db.session.add(complaint)
    record_event(complaint, S.RECEIVED, "complainant")
    db.session.flush()
    return Filed(complaint, code)


def _item_of(application: Application | None) -> ServiceItem | None:
    return application.item if application is not None else None


def _window_of(application: Application | None) -> Window | None:
    return application.window if application is not None else None


def change(model, row_id: int, where: tuple, values: dict) -> bool:
    """One conditional UPDATE of a row; True if this caller's condition still held."""
    return bool(
        db.session.execute(
            update(model)
            .where(model.id == row_id, *where)
            .values(**values)
            .execution_options(synchronize_session=False)
        ).rowcount
    )


def move(
    complaint: Complaint,
    to: str,
    actor: str,
    *,
    values: dict | None = None,
    where: tuple = (),
    **detail,
) -> None:
    """One transition of the table, won by exactly one caller; dated on the timeline.

    ``values`` are set in the same UPDATE (the handler, say) and ``where`` narrows its
    condition further (the draft the head read is still the draft)."""
    sources = TRANSITIONS.get(to)
    if sources is None:
        raise ValueError(f"nothing moves a complaint to {to!r}")
    condition = [Complaint.id == complaint.id, Complaint.status.in_(sources), *where]
    values = {**(values or {}), "status": to}
    if to == S.REOPENED:
        # Reopened once only: a second unsatisfied rating closes it for good.
        condition.append(Complaint.reopened_once.is_(False))
        values["reopened_once"] = True
    won = db.session.execute(
        update(Complaint)
        .where(*condition)
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(complaint)
    if not won:
        raise NotAllowed(f"complaint {complaint.ticket} is {complaint.status}: cannot become {to}")
    record_event(complaint, to, actor, **detail)
    db.session.flush()


def follow(ticket: str, code: str) -> Complaint | None:
    """The complaint for a ticket and its query code; None for either mistake alike."""
    # Full-width letters and digits (ＨＹＴＳ２０２６…) come from Chinese keyboards: fold them.
    normalized = numbering.normalize_ticket(unicodedata.normalize("NFKC", ticket or ""))
    code = unicodedata.normalize("NFKC", code or "")
    complaint = None
    if numbering.is_well_formed(normalized):
        complaint = db.session.scalar(select(Complaint).where(Complaint.ticket == normalized))
    # Hash even when nothing was found, so the answer takes the same time either way.
    stored = complaint.query_code_hash if complaint is not None else "0" * 64
    if not numbering.code_matches(normalized, code, stored):
        return None
    return complaint
