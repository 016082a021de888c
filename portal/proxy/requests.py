"""The proxy request: its draft (kept with the sign-in session), its number, and submission.

A draft is answers in a ``ProxyDraft`` row tied to the applicant's sign-in session; the
proxy window only ever sees a ``ProxyRequest``, made whole in the submitting transaction.
Eligibility is checked again here, on the server: an ineligible draft is refused with the
rule's reason and nothing of it is kept (its files are deleted too).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from portal.accounts import sessions
from portal.accounts.models import Applicant
from portal.catalog.models import Center
from portal.clock import beijing
from portal.clock.calendar import CalendarUnknown, WorkingCalendar
from portal.extensions import db
from portal.filing.numbering import check_character, normalize_number
from portal.messaging.sending import tell_applicant
from portal.proxy import eligibility
from portal.proxy.eligibility import FOREIGN, Answer
from portal.proxy.exchange_rates import RateTable
from portal.proxy.models import (
    ProxyDraft,
    ProxyRequest,
    ProxyRequestCounter,
    RequestStatus,
)
from portal.storage import Storage
from portal.supervision.events import step_changed

PREFIX = "DL"  # 代理
NUMBER_PATTERN = re.compile(r"DL(\d{8})(\d{5})([\dX])")
PUBLIC_ID = re.compile(r"[0-9a-f]{32}")
CITY_CENTER = "city"

# Every page of the request, in order, and the answers each must leave.
STEPS: dict[str, tuple[str, ...]] = {
    "project": ("project_name",),
    "investor": ("investor_name", "investor_type", "origin"),
    "amount": ("amount", "currency"),
    "industry": ("industry",),
    "location": ("location",),
    "key-project": ("key_project",),
    "needs": ("needs",),
    "contact": ("contact_name", "contact_mobile"),
    "letter": ("letter",),
}

# The counties and districts of Hengyang (GB/T 2260), where the project is.
LOCATIONS = (
    "430405",  # 珠晖区
    "430406",  # 雁峰区
    "430407",  # 石鼓区
    "430408",  # 蒸湘区
    "430412",  # 南岳区
    "430421",  # 衡阳县
    "430422",  # 衡南县
    "430423",  # 衡山县
    "430424",  # 衡东县
    "430426",  # 祁东县
    "430481",  # 耒阳市
    "430482",  # 常宁市
)


class NotAllowed(Exception):
    """This account may not request for this investor (a person only for a foreign one)."""


def may_request_for(applicant: Applicant, investor_type: str | None) -> bool:
    """A company account for any investor; a person only representing a foreign investor."""
    return applicant.is_company or investor_type == FOREIGN


# Drafts -----------------------------------------------------------------------------------


def _session_row(applicant: Applicant):
    row = sessions.find(sessions.APPLICANT, applicant.sign_in_token)
    if row is None or row.user_id != applicant.id:
        raise LookupError("no open sign-in session for this applicant")
    return row


def find_draft(applicant: Applicant) -> ProxyDraft | None:
    row = _session_row(applicant)
    return db.session.scalar(select(ProxyDraft).where(ProxyDraft.sign_in_session_id == row.id))


def draft_of(applicant: Applicant) -> ProxyDraft:
    """This session's draft, made on first use, with the contact prefilled from the account."""
    draft = find_draft(applicant)
    if draft is None:
        draft = ProxyDraft(
            sign_in_session_id=_session_row(applicant).id,
            answers={
                "contact_name": applicant.contact_name or applicant.name[:50],
                "contact_mobile": applicant.mobile,
                "contact_email": applicant.email or "",
            },
            updated_at=beijing.now(),
        )
        db.session.add(draft)
        db.session.flush()
    return draft


def record(draft: ProxyDraft, **answers) -> None:
    # A new dict: SQLAlchemy sees a JSON column change only when the value is replaced.
    draft.answers = {**draft.answers, **answers}
    draft.updated_at = beijing.now()
    db.session.flush()


def is_done(answers: dict, step: str) -> bool:
    return all(answers.get(key) not in (None, "") for key in STEPS[step])


def first_missing(answers: dict) -> str | None:
    return next((step for step in STEPS if not is_done(answers, step)), None)


def next_step(step: str) -> str | None:
    names = list(STEPS)
    index = names.index(step) + 1
    return names[index] if index < len(names) else None


def discard_draft(draft: ProxyDraft, storage: Storage) -> None:
    from portal.proxy.uploads import discard

    for slot in ("letter", "key_document"):
        discard(storage, draft.answers.get(slot))
    db.session.delete(draft)
    db.session.flush()


# Numbers ----------------------------------------------------------------------------------


def _increment(day_key: str) -> int | None:
    return db.session.execute(
        update(ProxyRequestCounter)
        .where(ProxyRequestCounter.day == day_key)
        .values(last=ProxyRequestCounter.last + 1)
        .returning(ProxyRequestCounter.last)
    ).scalar()


def next_number(day: date) -> str:
    """DL2026120100001X: the day, its sequence, the application number's check character."""
    day_key = day.strftime("%Y%m%d")
    sequence = _increment(day_key)
    if sequence is None:
        try:
            with db.session.begin_nested():
                db.session.add(ProxyRequestCounter(day=day_key, last=1))
            sequence = 1
        except IntegrityError:
            sequence = _increment(day_key)
    if sequence is None or sequence > 99_999:
        raise RuntimeError(f"the proxy request sequence for {day_key} is exhausted")
    digits = f"{day_key}{sequence:05d}"
    return f"{PREFIX}{digits}{check_character(digits)}"


def is_well_formed(number: str) -> bool:
    match = NUMBER_PATTERN.fullmatch(normalize_number(number))
    return bool(match) and check_character(match.group(1) + match.group(2)) == match.group(3)


def display_number(number: str) -> str:
    match = NUMBER_PATTERN.fullmatch(number)
    if not match:
        return number
    return f"{PREFIX}-{match.group(1)}-{match.group(2)}-{match.group(3)}"


# Submission -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Refused:
    """The server's answer was "not eligible": the draft is gone, this is what to say."""

    answer: Answer


def recheck(answers: dict, rates: RateTable, on: date) -> Answer:
    """The rule, as at submission; raises AmountError / NoUsableRate as the checker does."""
    return eligibility.check(
        answers["investor_type"],
        Decimal(answers["amount"]),
        answers["currency"],
        rates=rates,
        on=on,
        key_project=answers.get("key_project") == "yes",
    )


def accept_deadline(calendar: WorkingCalendar, received: date, working_days: int) -> date | None:
    try:
        return calendar.add_working_days(received, working_days)
    except CalendarUnknown:
        return None


def submit(
    applicant: Applicant,
    draft: ProxyDraft,
    *,
    rates: RateTable,
    calendar: WorkingCalendar,
    accept_working_days: int,
    storage: Storage,
) -> ProxyRequest | Refused:
    """Make the request from a complete draft, or refuse it and keep nothing.

    The caller has checked ``first_missing(draft.answers) is None``. The message to the
    applicant is queued in this transaction and leaves after the commit (the outbox)."""
    answers = draft.answers
    if not may_request_for(applicant, answers.get("investor_type")):
        raise NotAllowed(applicant.kind)
    moment = beijing.now()
    answer = recheck(answers, rates, beijing.day_of(moment))
    if not answer.eligible:
        discard_draft(draft, storage)
        return Refused(answer)
    center = db.session.scalar(select(Center).where(Center.slug == CITY_CENTER))
    key_project = answers.get("key_project") == "yes"
    request = ProxyRequest(
        public_id=uuid.uuid4().hex,
        number=next_number(beijing.day_of(moment)),
        applicant=applicant,
        center=center,
        status=RequestStatus.RECEIVED,
        project_name=answers["project_name"],
        investor_name=answers["investor_name"],
        investor_type=answers["investor_type"],
        origin=answers["origin"],
        amount=Decimal(answers["amount"]),
        currency=answers["currency"],
        industry=answers["industry"],
        location=answers["location"],
        key_project=key_project,
        key_document_number=(answers.get("key_document_number") or None) if key_project else None,
        key_document=answers.get("key_document") if key_project else None,
        letter=answers["letter"],
        needs=answers["needs"],
        contact_name=answers["contact_name"],
        contact_mobile=answers["contact_mobile"],
        contact_email=answers.get("contact_email") or None,
        rule=answer.rule,
        received_at=moment,
        accept_by=accept_deadline(calendar, beijing.day_of(moment), accept_working_days),
    )
    db.session.add(request)
    if not key_project:
        from portal.proxy.uploads import discard

        # A document uploaded before the answer changed to "no" is not part of the request.
        discard(storage, answers.get("key_document"))
    db.session.execute(delete(ProxyDraft).where(ProxyDraft.id == draft.id))
    db.session.flush()
    step_changed(request)  # its acceptance deadline is watched from now on
    tell_applicant(applicant, "proxy-request-received", message_context(request))
    return request


def message_context(request: ProxyRequest) -> dict:
    return {
        "number": display_number(request.number),
        "public_id": request.public_id,
        "project": request.project_name,
        "accept_by": request.accept_by,
    }


def is_public_id(text: str) -> bool:
    """Only what ``uuid4().hex`` makes reaches the database (a NUL would be a server error)."""
    return bool(PUBLIC_ID.fullmatch(text))


def find_own(applicant: Applicant, public_id: str) -> ProxyRequest | None:
    if not is_public_id(public_id):
        return None
    return db.session.scalar(
        select(ProxyRequest).where(
            ProxyRequest.public_id == public_id, ProxyRequest.applicant_id == applicant.id
        )
    )


def my_requests(applicant: Applicant) -> list[ProxyRequest]:
    return list(
        db.session.scalars(
            select(ProxyRequest)
            .where(ProxyRequest.applicant_id == applicant.id)
            .order_by(ProxyRequest.received_at.desc())
        )
    )
