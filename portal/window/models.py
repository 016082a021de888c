"""Window staff, their roles and windows, and the audit trail of everything they do."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.catalog.models import Center, Window
from portal.extensions import db


class Role:
    OFFICER = "officer"  # 窗口工作人员: reviews and decides filings at their windows
    HEAD = "head"  # 窗口负责人: as an officer, and signs off
    # 效能监察室: sees every case of the center, decides none; handles the center's complaints
    SUPERVISOR = "supervisor"
    # 效能监察室负责人: as a supervisor, and approves replies and extensions of complaints
    SUPERVISION_HEAD = "supervision-head"
    ADMINISTRATOR = "administrator"  # manages deliveries to the back office

    ALL = (OFFICER, HEAD, SUPERVISOR, SUPERVISION_HEAD, ADMINISTRATOR)
    DECIDING = frozenset({OFFICER, HEAD})
    # The efficiency supervision office: the only staff who see complaints and complainants.
    SUPERVISION = (SUPERVISOR, SUPERVISION_HEAD)
    # Who sees every case of their center (the others see their windows' cases only).
    CENTER_WIDE = (SUPERVISOR, SUPERVISION_HEAD, ADMINISTRATOR)
    # Who sees the center's stuck deliveries to the back office (docs/backoffice.md);
    # only an administrator sends one again.
    SEEING_DELIVERIES = (SUPERVISOR, SUPERVISION_HEAD, ADMINISTRATOR)
    # The proxy window at the city center (issue 10): decides proxy requests, no filings.
    PROXY_AGENT = "proxy-agent"  # 代理员: carries a project's permits for the investor
    PROXY_HEAD = "proxy-head"  # 代理窗口负责人: accepts or refuses requests, assigns agents
    PROXY = (PROXY_AGENT, PROXY_HEAD)
    ALL = (*ALL, *PROXY)


staff_windows = Table(
    "staff_windows",
    db.metadata,
    Column("staff_id", ForeignKey("staff_members.id", ondelete="CASCADE"), primary_key=True),
    Column("window_id", ForeignKey("windows.id", ondelete="CASCADE"), primary_key=True),
)


class StaffMember(db.Model):
    __tablename__ = "staff_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(50))
    role: Mapped[str] = mapped_column(String(16))
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"))
    password_hash: Mapped[str] = mapped_column(String(256))
    # Sealed with TOTP_ENCRYPTION_KEY (portal.accounts.totp.seal); never stored in the clear.
    totp_secret_encrypted: Mapped[str] = mapped_column(String(255))
    # The last 30-s step whose code was accepted: a code works once.
    totp_last_step: Mapped[int | None]
    # A first or reset password: every staff page asks for a new one until it is changed.
    must_change_password: Mapped[bool] = mapped_column(default=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]

    center: Mapped[Center] = relationship()
    windows: Mapped[list[Window]] = relationship(secondary=staff_windows)

    # Flask-Login: staff and applicants share one login manager; the prefix keeps them apart.
    is_authenticated = True
    is_anonymous = False
    # The token of the sign-in session this object was loaded for (portal.accounts.sessions).
    sign_in_token = None

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"staff:{self.sign_in_token}"

    @property
    def decides(self) -> bool:
        return self.role in Role.DECIDING

    @property
    def sees_deliveries(self) -> bool:
        return self.role in Role.SEEING_DELIVERIES

    @property
    def supervises(self) -> bool:
        """A member of the efficiency supervision office (handles complaints)."""
        return self.role in Role.SUPERVISION

    @property
    def works_at_proxy_window(self) -> bool:
        return self.role in Role.PROXY

    @property
    def watches_cards(self) -> bool:
        """Sees the supervision dashboard of the center (docs/supervision.md)."""
        return self.role in Role.CENTER_WIDE

    @property
    def heads_supervision(self) -> bool:
        return self.role == Role.SUPERVISION_HEAD


class StaffAction(db.Model):
    """One line of the audit trail. ``detail`` holds codes and ids, never personal data."""

    __tablename__ = "staff_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    action: Mapped[str] = mapped_column(String(40))
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"))
    created_at: Mapped[datetime]
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    staff: Mapped[StaffMember | None] = relationship()
