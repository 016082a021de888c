"""A county officer files a city-level item for an applicant (县市区代理, source §五): who the
applicant is, which item and city-level window, the applicant's letter of authorisation and
the day the county received the materials; then the ordinary assisted journey
(``portal/filing/assisted.py``), and at submission :func:`forward_at_submission` forwards the
case (``forwarding.forward_to_city``) in the same transaction.

Between the start and the submission the county's day is a :class:`CountyFiling` row beside
the draft (deleted with it); the forward turns it into the case's ``CountyForwarding``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.accounts.identity import (
    is_valid_citizen_id,
    is_valid_credit_code,
    normalize_identifier,
)
from portal.accounts.models import Applicant
from portal.catalog.models import ServiceItem, Window
from portal.clock.calendar import CalendarUnknown, WorkingCalendar
from portal.extensions import db
from portal.filing import assisted, forwarding, operations
from portal.filing.models import Application, CountyFiling, Status

# The earliest county receipt day allowed: this many working days before today. Art. 32
# gives the window 5 working days from receipt to tell the applicant everything to correct;
# materials the county held longer would reach the city with that time already spent (and
# the case deemed accepted on arrival): the county takes them in again instead.
EARLIEST_WORKING_DAYS = 5


class DayProblem:
    """Why a county receipt day is refused; the page turns each into a sentence."""

    FUTURE = "future"
    TOO_EARLY = "too-early"
    CALENDAR_UNKNOWN = "calendar-unknown"


def find_applicant(officer, identifier: str) -> Applicant | None:
    """The portal account of a citizen ID number or unified social credit code, if any.
    Audited (``county-applicant-looked-up``, the account's id or none): a look-up of a
    person's account by their number is a staff member reading personal data."""
    from portal.window.operations import audit  # the window's audit trail, its public writer

    number = normalize_identifier(identifier)
    found = db.session.scalar(select(Applicant).where(Applicant.identifier == number))
    audit(officer, "county-applicant-looked-up", applicant=found.id if found else None)
    return found


def is_identifier(value: str) -> bool:
    return is_valid_citizen_id(value) or is_valid_credit_code(value)


def city_level_items(search: str = "") -> list[ServiceItem]:
    """Current items filed online whose catalog offers a city-level window, by code; narrowed
    to those whose code or name (either language) contains ``search``."""
    items = db.session.scalars(
        select(ServiceItem)
        .where(ServiceItem.online.is_(True), ServiceItem.retired_at.is_(None))
        .order_by(ServiceItem.code)
        .options(selectinload(ServiceItem.windows).selectinload(Window.center))
    )
    needle = search.strip().casefold()
    return [
        item
        for item in items
        if forwarding.is_city_level(item)
        and (
            not needle
            or needle in item.code.casefold()
            or any(needle in str(name).casefold() for name in item.name.values())
        )
    ]


def city_level_item(code: str) -> ServiceItem | None:
    return next((item for item in city_level_items() if item.code == code), None)


def earliest_day(calendar: WorkingCalendar, today: date) -> date:
    """:data:`EARLIEST_WORKING_DAYS` working days before ``today``; raises CalendarUnknown."""
    day, counted = today, 0
    while counted < EARLIEST_WORKING_DAYS:
        day -= timedelta(days=1)
        if calendar.is_working_day(day):
            counted += 1
    return day


def day_problem(received_on: date, calendar: WorkingCalendar, today: date) -> str | None:
    if received_on > today:
        return DayProblem.FUTURE
    try:
        earliest = earliest_day(calendar, today)
    except CalendarUnknown:  # never a guess
        return DayProblem.CALENDAR_UNKNOWN
    if received_on < earliest:
        return DayProblem.TOO_EARLY
    return None


@dataclass(frozen=True)
class Start:
    """What the start pages gathered."""

    applicant: Applicant
    item: ServiceItem
    window: Window
    received_on: date


def start(
    officer, chosen: Start, authority: assisted.AuthorityDocument, keep_days: int
) -> Application:
    """The assisted draft at the chosen city-level window, its letter of authorisation and the
    county's day; flushes. The caller checked ``forwarding.may_forward(officer)``."""
    if chosen.window not in forwarding.city_level_windows(chosen.item):
        raise ValueError(f"{chosen.window.code} is not a city-level window of {chosen.item.code}")
    application = assisted.start_assisted_application(
        officer, chosen.applicant, chosen.item, keep_days, authority=authority
    )
    operations.choose_place(application, chosen.window.id, keep_days)
    db.session.add(
        CountyFiling(
            application_id=application.id,
            center_id=officer.center_id,
            received_on=chosen.received_on,
        )
    )
    db.session.flush()
    return application


def pending(application: Application) -> CountyFiling | None:
    """The county's day of a county draft not yet forwarded; None for any other case."""
    return db.session.get(CountyFiling, application.id)


def change_day(application: Application, received_on: date) -> None:
    row = pending(application)
    if row is None or application.status != Status.DRAFT:
        raise ValueError("not a county draft")
    row.received_on = received_on
    db.session.flush()


def forward_at_submission(officer, application: Application, calendar) -> None:
    """Right after the submission of a county draft: forward it with the county's day.
    Raises ``forwarding.NotForwardable``; the caller rolls the whole request back."""
    row = pending(application)
    if row is None:
        return
    forwarding.forward_to_city(application, officer, row.received_on, calendar)
    db.session.delete(row)
    db.session.flush()
