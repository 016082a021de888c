"""The complainant's journey: which pages it asks, in what order, and the draft they fill.

The draft lives in the Flask session (a signed cookie, kept small: texts are bounded and
attachments are only their stored keys), so an abandoned journey leaves no row behind.
Submitting turns it into one ``file_complaint`` call plus its attachment rows, in the
request's one transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import session, url_for
from sqlalchemy import select

from portal.accounts.models import Applicant
from portal.catalog import queries
from portal.catalog.models import Center, FeeItem, ServiceItem, Window
from portal.clock import beijing
from portal.clock.calendar import WorkingCalendar
from portal.complaints import attachments, findings, operations
from portal.complaints.deadlines import ComplaintDeadlines
from portal.complaints.models import Complaint, Kind
from portal.extensions import db
from portal.filing.models import Application
from portal.i18n import current_language
from portal.storage import Storage

KEY = "complaint_draft"
FILED_KEY = "complaint_filed"
FOLLOWED_KEY = "complaints_followed"

KIND, ABOUT, CASE, ITEM, PLACE, WHAT, WANT, FEE, FILES, CONTACT = (
    "kind",
    "about",
    "case",
    "item",
    "place",
    "what",
    "want",
    "fee",
    "files",
    "contact",
)
QUESTION_STEPS = (KIND, ABOUT, CASE, ITEM, PLACE, WHAT, WANT, FEE, CONTACT)


class Draft:
    """The answers so far, read from and written to the session."""

    def __init__(self, data: dict):
        self.data = data

    @classmethod
    def begin(cls, case: str | None = None, item: str | None = None, number: str | None = None):
        data: dict = {"id": uuid.uuid4().hex}
        if case:
            data.update(about="case", case=case[:32])
        elif number:
            data.update(about="case", number=number[:40])
        elif item:
            data.update(about="item", item=item[:64])
        session[KEY] = data
        session.pop(FILED_KEY, None)
        return cls(data)

    @classmethod
    def current(cls) -> Draft | None:
        data = session.get(KEY)
        return cls(data) if isinstance(data, dict) and "id" in data else None

    def get(self, name: str, default=None):
        return self.data.get(name, default)

    def save(self, **answers) -> None:
        self.data.update(answers)
        session[KEY] = self.data
        session.modified = True

    def forget(self, *names: str) -> None:
        for name in names:
            self.data.pop(name, None)
        session[KEY] = self.data
        session.modified = True

    @property
    def id(self) -> str:
        return self.data["id"]

    @property
    def files(self) -> list[attachments.DraftFile]:
        return [attachments.DraftFile(**f) for f in self.data.get("files", [])]

    # Which pages, in which order -------------------------------------------------------

    def steps(self) -> list[str]:
        steps = [KIND, ABOUT]
        steps += [CASE] if self.get("about") == "case" else [ITEM, PLACE]
        steps += [WHAT, WANT]
        if self.get("kind") == Kind.FEE:
            steps.append(FEE)
        return [*steps, FILES, CONTACT]

    def answered(self, step: str) -> bool:
        needed = {
            KIND: ("kind",),
            ABOUT: ("about",),
            CASE: ("case_id",),
            ITEM: ("item",),
            PLACE: ("center",),
            WHAT: ("what",),
            WANT: ("want",),
            FEE: ("fee", "fee_asked"),
            FILES: (),
            CONTACT: ("way",),
        }[step]
        return all(self.get(name) for name in needed)

    def first_unanswered(self) -> str | None:
        return next((step for step in self.steps() if not self.answered(step)), None)

    def after(self, step: str) -> str:
        """The next page: the check page once everything is answered (a change link's return)."""
        if self.get("checking") or step == CONTACT:
            missing = self.first_unanswered()
            return url_for_step(missing) if missing else url_for("complaints.check")
        steps = self.steps()
        following = steps[steps.index(step) + 1] if step in steps else None
        return url_for_step(following) if following else url_for("complaints.check")

    def back(self, step: str) -> str:
        steps = self.steps()
        if step not in steps or steps.index(step) == 0:
            return url_for("complaints.start_page")
        return url_for_step(steps[steps.index(step) - 1])

    def progress(self, step: str) -> tuple[int, int]:
        steps = self.steps()
        return (steps.index(step) + 1 if step in steps else 1), len(steps) + 1


def url_for_step(step: str) -> str:
    if step == FILES:
        return url_for("complaints.files")
    return url_for("complaints.step", step=step)


# What the draft points to ---------------------------------------------------------------


def own_cases(applicant: Applicant) -> list[Application]:
    """The applicant's submitted cases, newest first: a draft has nothing to complain about."""
    return list(
        db.session.scalars(
            select(Application)
            .where(Application.applicant_id == applicant.id, Application.number.is_not(None))
            .order_by(Application.submitted_at.desc())
            .limit(50)
        )
    )


def case_of(draft: Draft) -> Application | None:
    case_id = draft.get("case_id")
    return db.session.get(Application, case_id) if isinstance(case_id, int) else None


def item_of(draft: Draft) -> ServiceItem | None:
    case = case_of(draft) if draft.get("about") == "case" else None
    if case is not None:
        return case.item
    code = draft.get("item")
    return queries.fetch_item(code) if isinstance(code, str) else None


def places(item: ServiceItem) -> list[Window]:
    return [w for w in item.windows if w.center.is_current]


def fee_items(item: ServiceItem | None) -> list[FeeItem]:
    return list(item.fees) if item is not None else []


def place_of(draft: Draft) -> tuple[Center | None, Window | None]:
    center = db.session.get(Center, draft.get("center")) if draft.get("center") else None
    window = db.session.get(Window, draft.get("window")) if draft.get("window") else None
    return center, window


def fee_item_of(draft: Draft) -> FeeItem | None:
    code = draft.get("fee")
    item = item_of(draft)
    return next((f for f in fee_items(item) if f.code == code), None)


# Submitting -----------------------------------------------------------------------------


class Incomplete(Exception):
    """The draft misses an answer (or points to something that is gone); go to that page."""

    def __init__(self, step: str):
        self.step = step
        super().__init__(step)


@dataclass(frozen=True)
class Submitted:
    ticket: str
    query_code: str
    reply_by: date


def to_complaint_draft(draft: Draft, applicant: Applicant | None) -> operations.ComplaintDraft:
    missing = draft.first_unanswered()
    if missing:
        raise Incomplete(missing)
    case = case_of(draft) if draft.get("about") == "case" else None
    if draft.get("about") == "case" and case is None:
        raise Incomplete(CASE)
    item = item_of(draft)
    if item is None:
        raise Incomplete(ITEM)
    center, window = place_of(draft) if case is None else (None, None)
    if case is None and center is None:
        raise Incomplete(PLACE)
    named = draft.get("way") == "named"
    fee = draft.get("kind") == Kind.FEE
    return operations.ComplaintDraft(
        kind=draft.get("kind"),
        what_happened=draft.get("what"),
        what_they_want=draft.get("want"),
        application=case,
        item=item if case is None else None,
        center=center,
        window=window,
        happened_on=date.fromisoformat(draft.get("day")) if draft.get("day") else None,
        fee_item=fee_item_of(draft) if fee else None,
        fee_named=draft.get("fee_named") if fee else None,
        fee_asked=Decimal(draft.get("fee_asked")) if fee else None,
        contact=operations.Contact(
            draft.get("name"), draft.get("mobile") or None, draft.get("email") or None
        )
        if named
        else None,
        applicant=applicant if named else None,
        language=current_language(),
    )


def findings_for(
    complaint: operations.ComplaintDraft, calendar: WorkingCalendar, today: date
) -> list[dict]:
    """What the record shows on the day of filing: the case's deadlines, the fee asked."""
    found: list[dict] = []
    if complaint.application is not None:
        record = findings.case_record(complaint.application)
        if record is not None:
            found += findings.deadline_findings(calendar, record, today)
    if complaint.kind == Kind.FEE and complaint.fee_asked is not None:
        item = complaint.item or complaint.application.item
        found.append(
            findings.fee_finding(
                findings.schedule_of(item),
                complaint.fee_asked,
                fee_code=complaint.fee_item.code if complaint.fee_item else None,
                fee_named=complaint.fee_named,
            )
        )
    return found


def submit(
    draft: Draft,
    applicant: Applicant | None,
    *,
    calendar: WorkingCalendar,
    deadlines: ComplaintDeadlines,
    storage: Storage,
) -> Submitted:
    """The ticket with all its parts, flushed in the request's transaction; or Incomplete."""
    complaint = to_complaint_draft(draft, applicant)
    files = draft.files
    if any(not storage.exists(f.key) for f in files):
        # Cleaned up after a very long pause: ask for the files again rather than lose them.
        draft.save(files=[f.as_dict() for f in files if storage.exists(f.key)])
        raise Incomplete(FILES)
    found = findings_for(complaint, calendar, beijing.today())
    filed = operations.file_complaint(complaint, calendar, deadlines, found)
    attachments.attach(filed.complaint, files)
    return Submitted(filed.complaint.ticket, filed.query_code, filed.complaint.reply_by)


def remember_filed(submitted: Submitted) -> None:
    """The acknowledgement is shown from the session: the query code is kept nowhere else."""
    session.pop(KEY, None)
    session[FILED_KEY] = {
        "ticket": submitted.ticket,
        "code": submitted.query_code,
        "reply_by": submitted.reply_by.isoformat(),
    }


def just_filed() -> dict | None:
    value = session.get(FILED_KEY)
    return value if isinstance(value, dict) else None


def remember_followed(ticket: str) -> None:
    """An anonymous complainant rates with the ticket they just followed with its code."""
    followed = [t for t in session.get(FOLLOWED_KEY, []) if t != ticket][-4:]
    session[FOLLOWED_KEY] = [*followed, ticket]


def followed_in_session(ticket: str) -> bool:
    return ticket in session.get(FOLLOWED_KEY, [])


def find_complaint(ticket: str) -> Complaint | None:
    return db.session.scalar(select(Complaint).where(Complaint.ticket == ticket[:24]))


def complaints_of(applicant: Applicant) -> list[Complaint]:
    """The applicant's real-name complaints (an anonymous one keeps no account), newest first."""
    return list(
        db.session.scalars(
            select(Complaint)
            .where(Complaint.applicant_id == applicant.id)
            .order_by(Complaint.received_at.desc())
            .limit(100)
        )
    )
