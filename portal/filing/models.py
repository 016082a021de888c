"""Online applications, their attached materials and their timeline."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Applicant
from portal.catalog.models import Center, Material, ServiceItem, Window
from portal.extensions import db

if TYPE_CHECKING:  # window.models builds on this module; the mapper resolves the name
    from portal.window.models import StaffMember


class Status:
    """Where a case stands. The window issue adds its steps after SUBMITTED."""

    DRAFT = "draft"
    SUBMITTED = "submitted"  # waiting for the window's pre-review
    SUPPLEMENTS_REQUESTED = "supplements-requested"
    RESUBMITTED = "resubmitted"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    FORWARDED = "forwarded"
    IN_REVIEW = "in-review"
    SUSPENDED = "suspended"
    APPROVED = "approved"
    REFUSED = "refused"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"  # by the applicant, before the window decided

    OPEN_FOR_EDITING = frozenset({DRAFT})
    OPEN_FOR_SUPPLEMENTS = frozenset({SUPPLEMENTS_REQUESTED})
    # The window has not yet accepted or declined: the applicant may still withdraw.
    WITHDRAWABLE = frozenset({SUBMITTED, RESUBMITTED, SUPPLEMENTS_REQUESTED})


class Application(db.Model):
    __tablename__ = "applications"
    __table_args__ = (Index("ix_applications_applicant_status", "applicant_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The id in URLs: random, so one case's address says nothing about another's.
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicants.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("service_items.id"))
    # Where the case is handled: the applicant's choice, or the guide's only window.
    # Set at submission at the latest; only staff of this window (and supervisors of
    # this center) see the case.
    center_id: Mapped[int | None] = mapped_column(ForeignKey("centers.id"))
    window_id: Mapped[int | None] = mapped_column(ForeignKey("windows.id"))
    status: Mapped[str] = mapped_column(String(32))
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    number: Mapped[str | None] = mapped_column(String(24), unique=True)
    query_code: Mapped[str | None] = mapped_column(String(12))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    expires_at: Mapped[datetime]  # a draft is deleted after this
    submitted_at: Mapped[datetime | None]
    pre_review_by: Mapped[date | None]  # Art. 32: the window answers by then
    # The decision deadline: set at acceptance (promised limit counted from it), moved by
    # the back office's extension and suspensions; never set before acceptance.
    decide_by: Mapped[date | None]
    supplement_request: Mapped[dict | None] = mapped_column(JSON)
    accepted_on: Mapped[date | None]
    review_opinion: Mapped[str | None] = mapped_column(Text)
    decline: Mapped[dict | None] = mapped_column(JSON)
    # The back office's Art. 42 extension and Art. 45 suspensions, as reported.
    clock: Mapped[dict | None] = mapped_column(JSON)
    # Staff-assisted filing (代办, Art. 29): the staff member who filed it for the applicant
    # of record (portal.filing.assisted); None when the applicant filed it themself.
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))

    applicant: Mapped[Applicant] = relationship()
    filed_by: Mapped[StaffMember | None] = relationship("StaffMember")
    item: Mapped[ServiceItem] = relationship()
    center: Mapped[Center | None] = relationship()
    window: Mapped[Window | None] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="application", order_by="Attachment.id", cascade="all, delete-orphan"
    )
    events: Mapped[list[ApplicationEvent]] = relationship(
        back_populates="application",
        order_by="ApplicationEvent.id",
        cascade="all, delete-orphan",
    )

    notices: Mapped[list[Notice]] = relationship(
        back_populates="application", order_by="Notice.id", cascade="all, delete-orphan"
    )
    # A city-level case a county center took in and forwarded (portal/filing/forwarding.py).
    forwarding: Mapped[CountyForwarding | None] = relationship(
        back_populates="application", cascade="all, delete-orphan"
    )
    authority: Mapped[Authority | None] = relationship(
        back_populates="application", cascade="all, delete-orphan", uselist=False
    )

    def current_attachment(self, material: Material) -> Attachment | None:
        for attachment in reversed(self.attachments):
            if attachment.material_id == material.id and attachment.replaced_at is None:
                return attachment
        return None


class Attachment(db.Model):
    """An uploaded file in one material slot. The bytes live in storage under ``storage_key``."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    material_id: Mapped[int] = mapped_column(ForeignKey("materials.id"))
    # Not unique: a proxy project's document picked for several of its applications backs
    # an attachment of each (portal.proxy.documents); clean-up only deletes objects under
    # ``applications/`` that no attachment refers to, so a shared object stays.
    storage_key: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    scan_status: Mapped[str] = mapped_column(String(16))  # clean | unscanned | not-scanned
    uploaded_at: Mapped[datetime]
    replaced_at: Mapped[datetime | None]

    application: Mapped[Application] = relationship(back_populates="attachments")
    material: Mapped[Material] = relationship()


class Authority(db.Model):
    """The document that gives whoever filed for the applicant their authority (Art. 29), e.g.
    the proxy window's letter of authorisation (委托书). Not one of the item's material slots
    (Art. 31): it is about who acts, not about the licence. The bytes are the document the
    applicant gave (its storage key may be shared with the record it came from, e.g. the
    proxy request; nothing here deletes them)."""

    __tablename__ = "application_authorities"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), unique=True
    )
    kind: Mapped[str] = mapped_column(String(32))  # letter-of-authorisation
    storage_key: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    scan_status: Mapped[str] = mapped_column(String(16))
    attached_at: Mapped[datetime]

    application: Mapped[Application] = relationship(back_populates="authority")


class ApplicationEvent(db.Model):
    """One line of the timeline the applicant sees."""

    __tablename__ = "application_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(16))  # applicant | window | system | back-office
    created_at: Mapped[datetime]
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    application: Mapped[Application] = relationship(back_populates="events")


class NumberCounter(db.Model):
    """The last sequence number handed out on a day; one row per day."""

    __tablename__ = "number_counters"

    day: Mapped[str] = mapped_column(String(8), primary_key=True)
    last: Mapped[int]


class NoticeKind:
    """The written notices a case can receive (Art. 32, 38, 42, 45)."""

    ACCEPTANCE = "acceptance"  # 受理通知书
    DEEMED_ACCEPTANCE = "deemed-acceptance"  # 受理通知书 (unanswered for 5 working days)
    SUPPLEMENTS = "supplements"  # 补正材料通知书
    DECLINE = "decline"  # 不予受理通知书
    EXTENSION = "extension"  # 延长审批期限通知书 (Art. 42)
    SUSPENSION = "suspension"  # 暂停计时告知书 (Art. 45)
    REFUSAL = "refusal"  # 不予许可决定书 (Art. 38)

    ALL = (ACCEPTANCE, DEEMED_ACCEPTANCE, SUPPLEMENTS, DECLINE, EXTENSION, SUSPENSION, REFUSAL)


class Notice(db.Model):
    """A written notice as issued: its own number, its issue date and the PDF bytes sent.

    Nothing re-renders a notice: what the applicant downloads years later is byte for
    byte what was issued, whatever happened to the case since.
    """

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(20), unique=True)  # 文书编号 HYTZ-2026-000123
    kind: Mapped[str] = mapped_column(String(24))
    issued_on: Mapped[date]  # the Beijing day printed on it
    issued_at: Mapped[datetime]
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    application: Mapped[Application] = relationship(back_populates="notices")


class NoticeCounter(db.Model):
    """The last notice number handed out in a year; one row per year."""

    __tablename__ = "notice_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int]


class CountyForwarding(db.Model):
    """A city-level case a county center took in and forwarded to the city's window
    (县市区政务服务中心代理的需市级许可项目, source §五/§九). At most one per case.

    The county's receipt starts the case's clock (``portal/filing/received.py``); the city
    window decides as usual, and the county's staff follow the case read-only. No column
    carries a fee: forwarding is part of the free proxy service (一律不收委托代理服务费).
    """

    __tablename__ = "county_forwardings"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), unique=True
    )
    forwarded_by_center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"), index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    received_at_county: Mapped[date]  # the Beijing day the county window received the materials
    forwarded_at: Mapped[datetime]

    application: Mapped[Application] = relationship(back_populates="forwarding")
    center: Mapped[Center] = relationship()
    officer: Mapped[StaffMember] = relationship()


class CountyFiling(db.Model):
    """A county officer's assisted draft of a city-level item: the day the county received the
    materials, kept until the submission forwards the case (``portal/filing/county_filing.py``),
    which then records it as a :class:`CountyForwarding` and drops this row. Deleted with the
    draft."""

    __tablename__ = "county_filings"

    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"))
    received_on: Mapped[date]  # the Beijing day the county window received the materials
