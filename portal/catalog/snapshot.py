"""The published catalog read once per content version and kept per process.

Catalog rows change only when content is loaded, and a load raises the content
version (``page_cache.PageCache.content_version``), so the lists every public page
shows (life events, departments and their fees, centers, the current items) and each
guide need reading only once per version, for signed-in readers as much as for
visitors. The page cache keeps whole pages for visitors; this keeps the rows, so a
page whose header is the reader's own still renders without a query for the catalog.

The rows are read in a session of their own and kept detached: pages only read them.
Nothing may attach them to a request's session (a filing loads its own item), and
what a page reads of them must be loaded here, or it raises DetachedInstanceError.
"""

from __future__ import annotations

import threading

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session, load_only, selectinload

from portal.catalog import queries
from portal.catalog.models import (
    Center,
    Department,
    FeeItem,
    LifeEvent,
    SearchTerm,
    ServiceItem,
    Window,
)
from portal.extensions import db

# Search terms remembered per version: the common ones of a few thousand searches.
MAX_REMEMBERED_TERMS = 20_000


# What item cards, search hits and the API's item summaries read (queries.LIST_LOADING's
# columns and a few more), and not the guides' long texts.
ITEM_LOADING = (
    load_only(
        ServiceItem.code,
        ServiceItem.name,
        ServiceItem.kind,
        ServiceItem.mode,
        ServiceItem.department_id,
        ServiceItem.audiences,
        ServiceItem.immediate,
        ServiceItem.statutory_limit,
        ServiceItem.promised_limit,
        ServiceItem.online,
        ServiceItem.popular,
        ServiceItem.retired_at,
    ),
    selectinload(ServiceItem.department),
    selectinload(ServiceItem.fees).load_only(FeeItem.code, FeeItem.name, FeeItem.standard),
)


class CatalogSnapshot:
    def __init__(self, version: int) -> None:
        self.version = version
        self._lock = threading.Lock()
        self._guides: dict[str, ServiceItem | None] = {}
        self._terms: dict[str, list[tuple[int, float]]] = {}
        with Session(db.engine) as session:
            self.life_events = list(
                session.scalars(
                    select(LifeEvent)
                    .where(LifeEvent.retired_at.is_(None))
                    .order_by(LifeEvent.position)
                )
            )
            self.departments = list(
                session.scalars(
                    select(Department)
                    .where(Department.retired_at.is_(None))
                    .order_by(Department.position)
                    .options(selectinload(Department.fee_items))
                )
            )
            self.centers = list(
                session.scalars(
                    select(Center)
                    .where(Center.retired_at.is_(None))
                    .order_by(Center.position)
                    .options(selectinload(Center.windows))
                )
            )
            self.items = list(
                session.scalars(
                    select(ServiceItem)
                    .where(ServiceItem.retired_at.is_(None))
                    .order_by(ServiceItem.code)
                    .options(*ITEM_LOADING)
                )
            )
        self.items_by_id = {item.id: item for item in self.items}
        self.popular = [item for item in self.items if item.popular]

    def guide_item(self, code: str) -> ServiceItem | None:
        """The current item with everything its guide shows, or None."""
        with self._lock:
            if code in self._guides:
                return self._guides[code]
        if not queries.plausible_code(code):
            return None
        with Session(db.engine) as session:
            item = session.scalar(
                select(ServiceItem)
                .where(ServiceItem.code == code, ServiceItem.retired_at.is_(None))
                .options(
                    selectinload(ServiceItem.department),
                    selectinload(ServiceItem.materials),
                    selectinload(ServiceItem.fees),
                    selectinload(ServiceItem.life_events),
                    selectinload(ServiceItem.windows).selectinload(Window.center),
                )
            )
        with self._lock:
            # Only codes that exist are kept: made-up codes cannot fill the memory.
            if item is not None:
                self._guides[code] = item
        return item

    def term_weights(self, terms: list[str]) -> list[tuple[int, str, float]]:
        """(item id, term, weight) of the index rows for ``terms``; each term read once."""
        with self._lock:
            known = {term: self._terms[term] for term in terms if term in self._terms}
        missing = [term for term in terms if term not in known]
        if missing:
            found: dict[str, list[tuple[int, float]]] = {term: [] for term in missing}
            for item_id, term, weight in db.session.execute(
                select(SearchTerm.item_id, SearchTerm.term, SearchTerm.weight).where(
                    SearchTerm.term.in_(missing)
                )
            ):
                found[term].append((item_id, weight))
            with self._lock:
                if len(self._terms) < MAX_REMEMBERED_TERMS:
                    self._terms.update(found)
            known.update(found)
        return [(item_id, term, weight) for term in terms for item_id, weight in known[term]]


_build_lock = threading.Lock()


def current() -> CatalogSnapshot:
    """The snapshot of the current content version (read from the database when stale)."""
    version = current_app.extensions["onewindow_page_cache"].content_version()
    snapshot = current_app.extensions.get("onewindow_catalog_snapshot")
    if snapshot is not None and snapshot.version == version:
        return snapshot
    with _build_lock:
        snapshot = current_app.extensions.get("onewindow_catalog_snapshot")
        if snapshot is None or snapshot.version != version:
            snapshot = CatalogSnapshot(version)
            current_app.extensions["onewindow_catalog_snapshot"] = snapshot
    return snapshot
