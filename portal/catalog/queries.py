"""Read access to the published catalog. Retired rows never leave this module."""

from __future__ import annotations

import re

from sqlalchemy import Select, select
from sqlalchemy.orm import load_only, selectinload

from portal.catalog.models import (
    Center,
    Department,
    FeeItem,
    LifeEvent,
    ServiceItem,
    Window,
)
from portal.extensions import db

AUDIENCES = ("individual", "company")
# What a slug or code can look like; anything else cannot exist, so it never reaches
# the database (PostgreSQL refuses a NUL byte in a query parameter, for one).
SLUG = re.compile(r"[a-z0-9-]{1,64}")
CODE = re.compile(r"[A-Z0-9-]{1,64}")


def _plausible(pattern: re.Pattern[str], value: str) -> bool:
    return pattern.fullmatch(value) is not None


# What a list of item cards shows, loaded up front rather than one query per card.
# Only the card's columns: the guide's long JSON texts are not parsed for a list.
LIST_LOADING = (
    load_only(
        ServiceItem.code,
        ServiceItem.name,
        ServiceItem.department_id,
        ServiceItem.audiences,
        ServiceItem.immediate,
        ServiceItem.promised_limit,
        ServiceItem.online,
        ServiceItem.retired_at,
    ),
    selectinload(ServiceItem.department),
    selectinload(ServiceItem.fees).load_only(FeeItem.code, FeeItem.name, FeeItem.standard),
)


def plausible_code(code: str) -> bool:
    return _plausible(CODE, code)


def _current_items() -> Select[tuple[ServiceItem]]:
    return (
        select(ServiceItem)
        .where(ServiceItem.retired_at.is_(None))
        .order_by(ServiceItem.code)
        .options(*LIST_LOADING)
    )


def fetch_item(code: str) -> ServiceItem | None:
    if not _plausible(CODE, code):
        return None
    return db.session.scalar(
        select(ServiceItem)
        .where(ServiceItem.code == code, ServiceItem.retired_at.is_(None))
        .options(
            selectinload(ServiceItem.materials),
            selectinload(ServiceItem.fees),
            selectinload(ServiceItem.life_events),
            selectinload(ServiceItem.windows).selectinload(Window.center),
        )
    )


def fetch_items(
    audience: str | None = None,
    department: Department | None = None,
    center: Center | None = None,
    online: bool = False,
) -> list[ServiceItem]:
    """Current items, narrowed by audience, department, center and (``online``) to those
    that can be filed on this portal."""
    query = _current_items()
    if online:
        query = query.where(ServiceItem.online.is_(True))
    if department is not None:
        query = query.where(ServiceItem.department_id == department.id)
    if center is not None:
        query = query.where(ServiceItem.windows.any(Window.center_id == center.id))
    items = list(db.session.scalars(query))
    if audience in AUDIENCES:
        # Audiences are a short JSON list; filtering here keeps SQLite and PostgreSQL alike.
        items = [item for item in items if audience in item.audiences]
    return items


def count_items() -> int:
    return len(
        db.session.scalars(select(ServiceItem.id).where(ServiceItem.retired_at.is_(None))).all()
    )


def fetch_items_page(page: int, per_page: int) -> list[ServiceItem]:
    return list(db.session.scalars(_current_items().offset((page - 1) * per_page).limit(per_page)))


def fetch_popular_items() -> list[ServiceItem]:
    return list(db.session.scalars(_current_items().where(ServiceItem.popular.is_(True))))


def fetch_life_events() -> list[LifeEvent]:
    return list(
        db.session.scalars(
            select(LifeEvent).where(LifeEvent.retired_at.is_(None)).order_by(LifeEvent.position)
        )
    )


def fetch_life_event(slug: str) -> LifeEvent | None:
    if not _plausible(SLUG, slug):
        return None
    return db.session.scalar(
        select(LifeEvent).where(LifeEvent.slug == slug, LifeEvent.retired_at.is_(None))
    )


def fetch_departments() -> list[Department]:
    return list(
        db.session.scalars(
            select(Department).where(Department.retired_at.is_(None)).order_by(Department.position)
        )
    )


def fetch_department(slug: str) -> Department | None:
    if not _plausible(SLUG, slug):
        return None
    return db.session.scalar(
        select(Department).where(Department.slug == slug, Department.retired_at.is_(None))
    )


def fetch_centers() -> list[Center]:
    return list(
        db.session.scalars(
            select(Center)
            .where(Center.retired_at.is_(None))
            .order_by(Center.position)
            .options(selectinload(Center.windows))
        )
    )


def fetch_center(slug: str) -> Center | None:
    if not _plausible(SLUG, slug):
        return None
    return db.session.scalar(select(Center).where(Center.slug == slug, Center.retired_at.is_(None)))


def fetch_fee_items(sectors: tuple[str, ...] | None = None) -> list[FeeItem]:
    query = (
        select(FeeItem)
        .where(FeeItem.retired_at.is_(None))
        .order_by(FeeItem.sector, FeeItem.code)
        .options(selectinload(FeeItem.items), selectinload(FeeItem.department))
    )
    if sectors:
        query = query.where(FeeItem.sector.in_(sectors))
    return list(db.session.scalars(query))


def current_items_of(rows: list[ServiceItem]) -> list[ServiceItem]:
    return [item for item in rows if item.retired_at is None]
