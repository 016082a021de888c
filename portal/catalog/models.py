"""The published catalog: centers, departments, life events, fee items and service items.

Rows are written only by the content loader. Bilingual texts are JSON objects
``{"zh": ..., "en": ...}``. Nothing is deleted when it leaves guides/: it is
retired, because applications and disclosures already published refer to it.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Column, ForeignKey, Index, Numeric, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db

Bilingual = dict[str, str]


class Retirable:
    retired_at: Mapped[datetime | None] = mapped_column(default=None)

    @property
    def is_current(self) -> bool:
        return self.retired_at is None


item_life_events = Table(
    "item_life_events",
    db.metadata,
    Column("item_id", ForeignKey("service_items.id", ondelete="CASCADE"), primary_key=True),
    Column("life_event_id", ForeignKey("life_events.id", ondelete="CASCADE"), primary_key=True),
)

item_fees = Table(
    "item_fees",
    db.metadata,
    Column("item_id", ForeignKey("service_items.id", ondelete="CASCADE"), primary_key=True),
    Column("fee_item_id", ForeignKey("fee_items.id", ondelete="CASCADE"), primary_key=True),
)

item_windows = Table(
    "item_windows",
    db.metadata,
    Column("item_id", ForeignKey("service_items.id", ondelete="CASCADE"), primary_key=True),
    Column("window_id", ForeignKey("windows.id", ondelete="CASCADE"), primary_key=True),
)


class Center(Retirable, db.Model):
    __tablename__ = "centers"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    position: Mapped[int]
    name: Mapped[Bilingual] = mapped_column(JSON)
    address: Mapped[Bilingual] = mapped_column(JSON)
    hours: Mapped[Bilingual] = mapped_column(JSON)
    phone: Mapped[str] = mapped_column(String(20))

    windows: Mapped[list[Window]] = relationship(
        back_populates="center", order_by="Window.position", cascade="all, delete-orphan"
    )


class Window(db.Model):
    __tablename__ = "windows"
    __table_args__ = (UniqueConstraint("center_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"))
    code: Mapped[str] = mapped_column(String(64))
    position: Mapped[int]
    name: Mapped[Bilingual] = mapped_column(JSON)
    location: Mapped[Bilingual] = mapped_column(JSON)

    center: Mapped[Center] = relationship(back_populates="windows")
    items: Mapped[list[ServiceItem]] = relationship(
        secondary=item_windows, back_populates="windows", order_by="ServiceItem.code"
    )


class Department(Retirable, db.Model):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    position: Mapped[int]
    name: Mapped[Bilingual] = mapped_column(JSON)
    phone: Mapped[str] = mapped_column(String(20))

    items: Mapped[list[ServiceItem]] = relationship(
        back_populates="department", order_by="ServiceItem.code"
    )
    fee_items: Mapped[list[FeeItem]] = relationship(
        back_populates="department", order_by="FeeItem.code"
    )


class LifeEvent(Retirable, db.Model):
    __tablename__ = "life_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    position: Mapped[int]
    name: Mapped[Bilingual] = mapped_column(JSON)
    summary: Mapped[Bilingual] = mapped_column(JSON)
    audiences: Mapped[list[str]] = mapped_column(JSON)

    items: Mapped[list[ServiceItem]] = relationship(
        secondary=item_life_events, back_populates="life_events", order_by="ServiceItem.code"
    )


class FeeItem(Retirable, db.Model):
    __tablename__ = "fee_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    sector: Mapped[str] = mapped_column(String(16), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    institution: Mapped[Bilingual | None] = mapped_column(JSON)
    name: Mapped[Bilingual] = mapped_column(JSON)
    # Four places: utility tariffs are published to the tenth of a fen (0.588 元/kWh).
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 4))
    standard: Mapped[Bilingual] = mapped_column(JSON)
    unit: Mapped[Bilingual] = mapped_column(JSON)
    basis: Mapped[Bilingual] = mapped_column(JSON)
    collector: Mapped[Bilingual] = mapped_column(JSON)

    department: Mapped[Department | None] = relationship(back_populates="fee_items")
    items: Mapped[list[ServiceItem]] = relationship(
        secondary=item_fees, back_populates="fees", order_by="ServiceItem.code"
    )


class ServiceItem(Retirable, db.Model):
    __tablename__ = "service_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    mode: Mapped[str] = mapped_column(String(16))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    audiences: Mapped[list[str]] = mapped_column(JSON)
    popular: Mapped[bool]
    online: Mapped[bool]
    immediate: Mapped[bool]
    statutory_limit: Mapped[int]
    promised_limit: Mapped[int]
    visits: Mapped[int]
    consultation_phone: Mapped[str] = mapped_column(String(20))
    complaint_phone: Mapped[str] = mapped_column(String(20))
    name: Mapped[Bilingual] = mapped_column(JSON)
    summary: Mapped[Bilingual] = mapped_column(JSON)
    implementing_body: Mapped[Bilingual] = mapped_column(JSON)
    legal_basis: Mapped[list[dict]] = mapped_column(JSON)
    conditions: Mapped[list[Bilingual]] = mapped_column(JSON)
    process: Mapped[list[Bilingual]] = mapped_column(JSON)
    mode_note: Mapped[Bilingual | None] = mapped_column(JSON)
    keywords: Mapped[dict] = mapped_column(JSON)
    questions: Mapped[list[dict]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime]

    department: Mapped[Department] = relationship(back_populates="items")
    materials: Mapped[list[Material]] = relationship(
        back_populates="item", order_by="Material.position", cascade="all, delete-orphan"
    )
    fees: Mapped[list[FeeItem]] = relationship(
        secondary=item_fees, back_populates="items", order_by="FeeItem.code"
    )
    life_events: Mapped[list[LifeEvent]] = relationship(
        secondary=item_life_events, back_populates="items", order_by="LifeEvent.position"
    )
    windows: Mapped[list[Window]] = relationship(
        secondary=item_windows, back_populates="items", order_by="Window.id"
    )

    @property
    def is_free(self) -> bool:
        return not self.fees


class Material(db.Model):
    """A slot in an item's materials checklist (Art. 31: nothing outside this list)."""

    __tablename__ = "materials"
    __table_args__ = (UniqueConstraint("item_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("service_items.id"))
    code: Mapped[str] = mapped_column(String(64))
    position: Mapped[int]
    name: Mapped[Bilingual] = mapped_column(JSON)
    originals: Mapped[int]
    copies: Mapped[int]
    required: Mapped[bool]
    source: Mapped[Bilingual] = mapped_column(JSON)
    note: Mapped[Bilingual | None] = mapped_column(JSON)
    blank_form: Mapped[str | None] = mapped_column(String(200))
    sample: Mapped[str | None] = mapped_column(String(200))

    item: Mapped[ServiceItem] = relationship(back_populates="materials")


class SearchTerm(db.Model):
    """One term of the search index, weighted by where it occurs and how rare it is."""

    __tablename__ = "search_terms"
    __table_args__ = (Index("ix_search_terms_term_item", "term", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("service_items.id", ondelete="CASCADE"))
    term: Mapped[str] = mapped_column(String(64))
    weight: Mapped[float]


class CatalogState(db.Model):
    """One row: the content version, bumped by every load that changed something.

    Rendered public pages are cached per process under this version, so a
    content load reaches every app instance without any of them being told.
    """

    __tablename__ = "catalog_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int]
    loaded_at: Mapped[datetime]
