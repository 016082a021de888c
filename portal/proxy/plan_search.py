"""Items outside the project's life events, found by a search of the catalog
(``portal.catalog.search``) and added to the plan: current items that can be applied for
online only (the proxy window files them through the portal), not in the plan already."""

from __future__ import annotations

from sqlalchemy import select

from portal.catalog.models import ServiceItem
from portal.catalog.search import search
from portal.extensions import db
from portal.proxy.models import ProxyProject

RESULTS = 20


def found(project: ProxyProject, query: str) -> list[ServiceItem]:
    """The search's items, best first, that could join this plan."""
    held = {permit.item_id for permit in project.permits}
    hits = search(query, limit=RESULTS * 2) if query else []
    codes = [hit.item.code for hit in hits if hit.item.online and hit.item.id not in held]
    if not codes:
        return []
    # The search's items come from the per-process catalog snapshot: read them in this session.
    rows = {item.code: item for item in _current(codes)}
    return [rows[code] for code in codes if code in rows][:RESULTS]


def _current(codes: list[str]) -> list[ServiceItem]:
    return list(
        db.session.scalars(
            select(ServiceItem).where(
                ServiceItem.code.in_(codes),
                ServiceItem.retired_at.is_(None),
                ServiceItem.online.is_(True),
            )
        )
    )


def item_to_add(project: ProxyProject, code: str) -> ServiceItem | None:
    """Any current online item not in the plan yet (what the search may offer)."""
    if not code or len(code) > 64:
        return None
    rows = _current([code])
    if not rows or any(permit.item_id == rows[0].id for permit in project.permits):
        return None
    return rows[0]
