"""County centers forwarding city-level items (县市区政务服务中心代理的需市级许可项目).

An officer or head of a county center takes an applicant's materials for an item the city
decides, files it through the ordinary filing engine to a city-level window (the assisted
filing journey does that part), and then calls :func:`forward_to_city` in the same
transaction. From then on:

- the case's clock starts on the day the county received the materials
  (``portal/filing/received.py``): the pre-review deadline and deemed acceptance count from
  it, never from the day the city saw the case;
- the city window finds it in its queue marked "forwarded by <county center>" and decides it
  as any other case;
- the applicant's timeline shows the county's receipt and the forwarding first;
- the county center's staff follow it read-only (``portal/window/forwarded_views.py``).

Forwarding is part of the free proxy service (``eligibility.check(..., county_forwarded=True)``,
source §五): nothing here carries or computes a fee.
"""

from __future__ import annotations

from datetime import date
from enum import Enum

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal.catalog.models import Center, ServiceItem, Window
from portal.clock import beijing
from portal.clock.calendar import WorkingCalendar
from portal.extensions import db
from portal.filing import received
from portal.filing.models import Application, CountyForwarding, Status
from portal.filing.operations import record_event
from portal.window.models import Role, StaffMember

COUNTY = "county"
# The centers whose windows decide city-level items: the city center and its sub-centers.
CITY_LEVEL = frozenset({"city", "sub"})


def city_level_windows(item: ServiceItem) -> list[Window]:
    """The item's windows at a current city center or sub-center: where a forward may go."""
    return [w for w in item.windows if w.center.kind in CITY_LEVEL and w.center.is_current]


def is_city_level(item: ServiceItem) -> bool:
    """A city-level item: the catalog offers it at a window of the city center or a sub-center
    (it may also be offered at county windows, such as the counties' X11 proxy windows)."""
    return bool(city_level_windows(item))


def may_forward(member: StaffMember) -> bool:
    """An active officer or head of a county center."""
    return member.active and member.role in Role.DECIDING and member.center.kind == COUNTY


class Refusal(Enum):
    """Why a forward was refused; the assisted filing's page turns each into a sentence."""

    NOT_COUNTY_OFFICER = "not-county-officer"
    NOT_CITY_LEVEL = "not-city-level"  # the case is not placed at a city-level window
    NOT_SUBMITTED = "not-submitted"  # a draft, or the window has already answered it
    ALREADY_FORWARDED = "already-forwarded"
    RECEIVED_LATER = "received-later"  # the county's day is after the filing or in the future


class NotForwardable(Exception):
    def __init__(self, refusal: Refusal):
        self.refusal = refusal
        super().__init__(refusal.value)


def forward_to_city(
    application: Application,
    officer: StaffMember,
    received_on: date,
    calendar: WorkingCalendar,
) -> CountyForwarding:
    """Record that ``officer``'s county center received ``application``'s materials on
    ``received_on`` (a Beijing date) and forwarded it to its city-level window.

    Called for a submitted filing the window has not answered yet. The pre-review deadline is
    counted again from the county's day (a conditional UPDATE, so a window that answered
    meanwhile keeps its answer); one forwarding per case (a unique index backs it); audited.
    Raises :class:`NotForwardable`; flushes, never commits.
    """
    if not may_forward(officer):
        raise NotForwardable(Refusal.NOT_COUNTY_OFFICER)
    window = application.window
    if window is None or window not in city_level_windows(application.item):
        raise NotForwardable(Refusal.NOT_CITY_LEVEL)
    if application.status != Status.SUBMITTED or application.submitted_at is None:
        raise NotForwardable(Refusal.NOT_SUBMITTED)
    if application.forwarding is not None:
        raise NotForwardable(Refusal.ALREADY_FORWARDED)
    if received_on > min(beijing.day_of(application.submitted_at), beijing.today()):
        raise NotForwardable(Refusal.RECEIVED_LATER)
    forwarding = CountyForwarding(
        forwarded_by_center_id=officer.center_id,
        officer_id=officer.id,
        received_at_county=received_on,
        forwarded_at=beijing.now(),
    )
    try:
        with db.session.begin_nested():
            application.forwarding = forwarding
            db.session.flush()
    except IntegrityError as error:  # another request forwarded it meanwhile
        raise NotForwardable(Refusal.ALREADY_FORWARDED) from error
    due = received.pre_review_by(application, calendar)
    won = db.session.execute(
        update(Application)
        .where(Application.id == application.id, Application.status == Status.SUBMITTED)
        .values(pre_review_by=due, updated_at=beijing.now())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not won:
        raise NotForwardable(Refusal.NOT_SUBMITTED)
    db.session.refresh(application)
    record_event(
        application,
        "county-received",
        "window",
        staff=officer.name,
        center=officer.center.slug,
        on=received_on.isoformat(),
    )
    record_event(application, "forwarded-to-city", "window", staff=officer.name)
    from portal.window.operations import audit  # the window's audit trail, its public writer

    audit(
        officer,
        "county-forwarded",
        application,
        center=officer.center.slug,
        window=window.code,
        received_on=received_on.isoformat(),
    )
    db.session.flush()
    return forwarding


# Following: the county center's staff --------------------------------------------------------

FOLLOW_LIST_LIMIT = 200


def follows_forwarded(member: StaffMember) -> bool:
    """Every staff member of a county center follows the cases the center forwarded."""
    return member.center.kind == COUNTY


def forwarded_by_center(member: StaffMember) -> list[Application]:
    """The cases ``member``'s county center forwarded, latest first (at most 200)."""
    return list(
        db.session.scalars(
            select(Application)
            .join(CountyForwarding, CountyForwarding.application_id == Application.id)
            .where(CountyForwarding.forwarded_by_center_id == member.center_id)
            .order_by(CountyForwarding.forwarded_at.desc(), Application.id.desc())
            .limit(FOLLOW_LIST_LIMIT)
            .options(
                selectinload(Application.item),
                selectinload(Application.events),
                selectinload(Application.window).selectinload(Window.center),
                selectinload(Application.forwarding),
            )
        )
    )


def find_forwarded(member: StaffMember, public_id: str) -> Application | None:
    """A case ``member``'s center forwarded; None (a 404) for any other case."""
    if len(public_id) != 32 or not follows_forwarded(member):
        return None
    return db.session.scalar(
        select(Application)
        .join(CountyForwarding, CountyForwarding.application_id == Application.id)
        .where(
            Application.public_id == public_id,
            CountyForwarding.forwarded_by_center_id == member.center_id,
        )
        .options(selectinload(Application.events), selectinload(Application.forwarding))
    )


def county_of(application: Application) -> Center | None:
    return application.forwarding.center if application.forwarding else None
