"""The proxy service's tables: a draft kept with its sign-in session, the request submitted
to the proxy window, the project the window opens for it, and the request number counter.

No column can carry a fee for the proxy service (source §五: 一律不收委托代理服务费);
tests/proxy/test_request.py proves it for every table here. ``amount`` is the project's
investment, never money owed.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Applicant
from portal.catalog.models import Center, ServiceItem
from portal.extensions import db
from portal.filing.models import Application
from portal.window.models import StaffMember


class RequestStatus:
    RECEIVED = "received"  # waiting for the proxy window's acceptance
    ACCEPTED = "accepted"  # the project is open, an agent assigned
    REFUSED = "refused"  # with reasons

    ALL = (RECEIVED, ACCEPTED, REFUSED)


class ProxyDraft(db.Model):
    """A request being written: one per sign-in session, gone when the session row goes
    (ON DELETE CASCADE) and when the request is submitted or refused. Nothing of it is a
    request until submission: the window never sees a half-written one."""

    __tablename__ = "proxy_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    sign_in_session_id: Mapped[int] = mapped_column(
        ForeignKey("sign_in_sessions.id", ondelete="CASCADE"), unique=True
    )
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime]


class ProxyRequestCounter(db.Model):
    """One row a day; incremented in the submitting transaction (as application numbers)."""

    __tablename__ = "proxy_request_counters"

    day: Mapped[str] = mapped_column(String(8), primary_key=True)
    last: Mapped[int]


class ProxyRequest(db.Model):
    __tablename__ = "proxy_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicants.id"))
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"))
    status: Mapped[str] = mapped_column(String(16))
    project_name: Mapped[str] = mapped_column(String(100))
    investor_name: Mapped[str] = mapped_column(String(100))
    investor_type: Mapped[str] = mapped_column(String(16))
    origin: Mapped[str] = mapped_column(String(50))
    amount: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    currency: Mapped[str] = mapped_column(String(3))
    industry: Mapped[str] = mapped_column(String(50))
    location: Mapped[str] = mapped_column(String(16))
    key_project: Mapped[bool]
    key_document_number: Mapped[str | None] = mapped_column(String(60))
    # Uploaded files as stored: {"key", "name", "content_type", "size", "sha256", "scan"}.
    key_document: Mapped[dict | None] = mapped_column(JSON)
    letter: Mapped[dict] = mapped_column(JSON)
    needs: Mapped[str] = mapped_column(Text)
    contact_name: Mapped[str] = mapped_column(String(50))
    contact_mobile: Mapped[str] = mapped_column(String(11))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    # The rule the server applied at submission (portal.proxy.eligibility).
    rule: Mapped[str] = mapped_column(String(32))
    received_at: Mapped[datetime]
    # None only when the holiday calendar does not know the year yet (never guessed).
    accept_by: Mapped[date | None]
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    refusal_reasons: Mapped[str | None] = mapped_column(Text)

    applicant: Mapped[Applicant] = relationship()
    center: Mapped[Center] = relationship()
    decided_by: Mapped[StaffMember | None] = relationship(foreign_keys=[decided_by_id])
    project: Mapped[ProxyProject | None] = relationship(back_populates="request", uselist=False)


class ProxyProject(db.Model):
    """The project the proxy window carries, opened when it accepts the request."""

    __tablename__ = "proxy_projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("proxy_requests.id"), unique=True)
    # The portal's own code in the national structure (portal.proxy.project_code).
    code: Mapped[str] = mapped_column(String(24), unique=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    created_at: Mapped[datetime]
    # Bumped by every change of the permit plan, each a conditional UPDATE on the version the
    # agent read: two changes made at once cannot both pass the cycle check (portal.proxy.plan).
    plan_version: Mapped[int] = mapped_column(default=0, server_default="0")

    request: Mapped[ProxyRequest] = relationship(back_populates="project")
    agent: Mapped[StaffMember] = relationship()
    permits: Mapped[list[ProxyPermit]] = relationship(
        back_populates="project", order_by="ProxyPermit.id"
    )
    documents: Mapped[list[ProxyDocument]] = relationship(
        back_populates="project", order_by="ProxyDocument.id"
    )


class ProxyPermit(db.Model):
    """One service item of a project's permit plan, the permits it waits for, and, once filed,
    the application the proxy window filed for the investor (the link the dashboard reads)."""

    __tablename__ = "proxy_permits"
    __table_args__ = (UniqueConstraint("project_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("proxy_projects.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("service_items.id"))
    # Ids of permits of the same project this one waits for; acyclic (portal.proxy.plan).
    waits_for: Mapped[list[int]] = mapped_column(JSON, default=list)
    added_at: Mapped[datetime]
    added_by_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    # SET NULL: an assisted draft left to expire is deleted by the filing clean-up.
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="SET NULL"), unique=True
    )
    # The agent who filed it, for "filed by the proxy window, agent …".
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))

    project: Mapped[ProxyProject] = relationship(back_populates="permits")
    item: Mapped[ServiceItem] = relationship()
    filed_by: Mapped[StaffMember | None] = relationship(foreign_keys=[filed_by_id])
    application: Mapped[Application | None] = relationship()


class ProxyDocument(db.Model):
    """A document the agent uploaded once to the project (same checks and scan as a material),
    picked for a material slot of any of the project's assisted drafts without uploading it
    again: the attachment then shares this storage key. Kept under ``proxy/``, which the
    filing clean-up never sweeps, so a shared object is never deleted under an attachment."""

    __tablename__ = "proxy_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("proxy_projects.id"))
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    scan_status: Mapped[str] = mapped_column(String(16))
    uploaded_at: Mapped[datetime]
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))

    project: Mapped[ProxyProject] = relationship(back_populates="documents")
    uploaded_by: Mapped[StaffMember] = relationship()


class ProxyReadToken(db.Model):
    """A read token the investor made for one project's dashboard API, e.g. for their own
    staff. Only a SHA-256 of it is kept (as hotline tokens): it is shown once when made."""

    __tablename__ = "proxy_read_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("proxy_projects.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    project: Mapped[ProxyProject] = relationship()
