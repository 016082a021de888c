"""Load checked content into the catalog tables: all of it, or none of it.

``load_content`` reads and checks every file before it writes a row, then
upserts by slug or code inside the caller's transaction. Whatever has left
guides/ is retired, never deleted. Running it twice changes nothing the second
time. The caller (the CLI command) commits or rolls back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import delete, insert, select

from portal.catalog import models, schema
from portal.catalog.content import Content, read_content
from portal.catalog.search import build_index
from portal.clock import beijing
from portal.extensions import db

Row = TypeVar("Row", bound=models.Retirable)


@dataclass
class LoadReport:
    """What a load did, by kind of content, as sets of slugs or codes."""

    added: dict[str, set[str]] = field(default_factory=dict)
    changed: dict[str, set[str]] = field(default_factory=dict)
    retired: dict[str, set[str]] = field(default_factory=dict)

    def mark(self, bucket: dict[str, set[str]], kind: str, identifier: str) -> None:
        bucket.setdefault(kind, set()).add(identifier)

    def summary(self) -> str:
        kinds = sorted(set(self.added) | set(self.changed) | set(self.retired))
        if not kinds:
            return "nothing changed"
        return "; ".join(
            f"{kind}: {len(self.added.get(kind, ()))} added, "
            f"{len(self.changed.get(kind, ()))} changed, "
            f"{len(self.retired.get(kind, ()))} retired"
            for kind in kinds
        )


def _text(value: schema.Text | None) -> dict[str, str] | None:
    return value.model_dump() if value is not None else None


def _assign(row: Any, values: dict[str, Any]) -> bool:
    """Set the values that differ; say whether any did."""
    changed = False
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed = True
    return changed


def _assign_links(row: Any, links: dict[str, list[Any]]) -> bool:
    """Replace many-to-many links that differ; their order is the relationship's own."""
    changed = False
    for key, targets in links.items():
        if set(getattr(row, key)) != set(targets):
            setattr(row, key, targets)
            changed = True
    return changed


def _sync(
    kind: str,
    model: type[Row],
    key: str,
    entries: Iterable[Any],
    values_of: Callable[[Any, int], dict[str, Any]],
    report: LoadReport,
) -> dict[str, Row]:
    """Upsert ``entries`` by ``key``, retire rows no longer present; return rows by key."""
    existing = {getattr(row, key): row for row in db.session.scalars(select(model))}
    current: dict[str, Row] = {}
    for position, entry in enumerate(entries):
        identifier = getattr(entry, key)
        values = values_of(entry, position) | {"retired_at": None}
        row = existing.get(identifier)
        if row is None:
            row = model(**{key: identifier})
            _assign(row, values)
            db.session.add(row)
            report.mark(report.added, kind, identifier)
        elif _assign(row, values):
            report.mark(report.changed, kind, identifier)
        current[identifier] = row
    now = beijing.now()
    for identifier, row in existing.items():
        if identifier not in current and row.retired_at is None:
            row.retired_at = now
            report.mark(report.retired, kind, identifier)
    return current


def _sync_windows(center: models.Center, windows: list[schema.Window]) -> None:
    by_code = {window.code: window for window in center.windows}
    kept = []
    for position, entry in enumerate(windows):
        row = by_code.get(entry.code) or models.Window(code=entry.code)
        _assign(
            row,
            {"position": position, "name": _text(entry.name), "location": _text(entry.location)},
        )
        kept.append(row)
    center.windows = kept


def _sync_materials(item: models.ServiceItem, materials: list[schema.Material]) -> bool:
    by_code = {material.code: material for material in item.materials}
    kept, changed = [], len(materials) != len(by_code)
    for position, entry in enumerate(materials):
        row = by_code.get(entry.code) or models.Material(code=entry.code)
        changed |= _assign(
            row,
            {
                "position": position,
                "name": _text(entry.name),
                "originals": entry.originals,
                "copies": entry.copies,
                "required": entry.required,
                "source": _text(entry.source),
                "note": _text(entry.note),
                "blank_form": entry.blank_form,
                "sample": entry.sample,
            },
        )
        kept.append(row)
    item.materials = kept
    return changed


def _item_values(
    content_item: schema.ServiceItem,
    departments: dict[str, models.Department],
) -> dict[str, Any]:
    return {
        "kind": content_item.kind.value,
        "mode": content_item.mode.value,
        "department": departments[content_item.department],
        "audiences": [audience.value for audience in content_item.audiences],
        "popular": content_item.popular,
        "online": content_item.online,
        "immediate": content_item.immediate,
        "statutory_limit": content_item.statutory_limit,
        "promised_limit": content_item.promised_limit,
        "visits": content_item.visits,
        "consultation_phone": content_item.consultation_phone,
        "complaint_phone": content_item.complaint_phone,
        "name": _text(content_item.name),
        "summary": _text(content_item.summary),
        "implementing_body": _text(content_item.implementing_body),
        "legal_basis": [basis.model_dump(exclude_none=True) for basis in content_item.legal_basis],
        "conditions": [_text(text) for text in content_item.conditions],
        "process": [_text(text) for text in content_item.process],
        "mode_note": _text(content_item.mode_note),
        "keywords": content_item.keywords.model_dump(),
        "questions": [q.model_dump(mode="json", exclude_none=True) for q in content_item.questions],
    }


def _link_items(
    content: Content,
    items: dict[str, models.ServiceItem],
    centers: dict[str, models.Center],
    events: dict[str, models.LifeEvent],
    fees: dict[str, models.FeeItem],
    report: LoadReport,
) -> None:
    windows = {
        (window.center.slug, window.code): window
        for center in centers.values()
        for window in center.windows
    }
    added = report.added.get("service items", set())
    now = beijing.now()
    for entry in content.items:
        item = items[entry.code]
        links = {
            "life_events": [events[slug] for slug in entry.life_events],
            "fees": [fees[code] for code in entry.fees],
            "windows": [windows[(place.center, place.window)] for place in entry.locations],
        }
        linked_differently = _assign_links(item, links)
        materials_differ = _sync_materials(item, entry.materials)
        if (linked_differently or materials_differ) and entry.code not in added:
            report.mark(report.changed, "service items", entry.code)
        if entry.code in added or entry.code in report.changed.get("service items", ()):
            item.updated_at = now


def load_content(guides_dir: Path) -> LoadReport:
    """Check everything in ``guides_dir``, then write it; raises ContentError first if wrong."""
    content = read_content(guides_dir)
    report = LoadReport()
    # Autoflush would insert half-filled rows mid-sync; flush once, when all is set.
    with db.session.no_autoflush:
        departments = _sync(
            "departments",
            models.Department,
            "slug",
            content.departments,
            lambda d, i: {"position": i, "name": _text(d.name), "phone": d.phone},
            report,
        )
        centers = _sync(
            "centers",
            models.Center,
            "slug",
            content.centers,
            lambda c, i: {
                "position": i,
                "kind": c.kind.value,
                "name": _text(c.name),
                "address": _text(c.address),
                "hours": _text(c.hours),
                "phone": c.phone,
            },
            report,
        )
        for entry in content.centers:
            _sync_windows(centers[entry.slug], entry.windows)
        events = _sync(
            "life events",
            models.LifeEvent,
            "slug",
            content.life_events,
            lambda e, i: {
                "position": i,
                "name": _text(e.name),
                "summary": _text(e.summary),
                "audiences": [audience.value for audience in e.audiences],
            },
            report,
        )
        fees = _sync(
            "fee items",
            models.FeeItem,
            "code",
            content.fees,
            lambda f, i: {
                "sector": f.sector.value,
                "department": departments[f.department] if f.department else None,
                "institution": _text(f.institution),
                "name": _text(f.name),
                "amount": f.amount,
                "standard": _text(f.standard),
                "unit": _text(f.unit),
                "basis": _text(f.basis),
                "collector": _text(f.collector),
            },
            report,
        )
        items = _sync(
            "service items",
            models.ServiceItem,
            "code",
            content.items,
            lambda item, i: _item_values(item, departments),
            report,
        )
        _link_items(content, items, centers, events, fees, report)
    db.session.flush()
    if report.added or report.changed or report.retired:
        _rebuild_search_index(list(items.values()))
        _bump_content_version()
    return report


def _bump_content_version() -> None:
    state = db.session.get(models.CatalogState, 1)
    if state is None:
        state = models.CatalogState(id=1, version=0)
        db.session.add(state)
    state.version += 1
    state.loaded_at = beijing.now()


def _rebuild_search_index(items: list[models.ServiceItem]) -> None:
    db.session.execute(delete(models.SearchTerm))
    # Tens of thousands of rows: one executemany, not an ORM object each.
    rows = build_index(items)
    if rows:
        db.session.execute(insert(models.SearchTerm), rows)
