"""Applicants' accounts: individuals and companies who file online.

Identity numbers are stored as typed (normalised) because the window must match
them against originals; they are masked wherever they are shown and never logged.
"""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class Applicant(UserMixin, db.Model):
    __tablename__ = "applicants"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # individual | company
    # The sign-in name: a citizen ID number, or a company's unified social credit code.
    identifier: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    legal_representative: Mapped[str | None] = mapped_column(String(50))
    contact_name: Mapped[str | None] = mapped_column(String(50))
    mobile: Mapped[str] = mapped_column(String(11))
    email: Mapped[str | None] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(8), default="zh")
    password_hash: Mapped[str] = mapped_column(String(256))
    # Bumped by "sign out everywhere" and by a password change: older sessions stop working.
    session_epoch: Mapped[int] = mapped_column(default=0)
    failed_sign_ins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime]

    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch}"

    @property
    def is_company(self) -> bool:
        return self.kind == "company"


class PasswordResetCode(db.Model):
    """A one-time code sent through the notifier; only its hash is kept."""

    __tablename__ = "password_reset_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicants.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(256))
    expires_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[datetime | None]
