"""Applicants' accounts: individuals and companies who file online.

Identity numbers are stored as typed (normalised) because the window must match
them against originals; they are masked wherever they are shown and never logged.
"""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
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
    # How messages reach them: sms, email or both (portal/messaging/channels.py).
    message_channels: Mapped[str] = mapped_column(String(8), default="sms", server_default="sms")
    password_hash: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime]

    # The token of the sign-in session this object was loaded for (never stored: only its
    # hash is, in sign_in_sessions). Set by portal.accounts.sessions.
    sign_in_token = None

    def get_id(self) -> str:
        return f"applicant:{self.sign_in_token}"

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


class SignInSession(db.Model):
    """One signed-in browser, applicant or staff. The cookie carries a random token; only its
    SHA-256 is kept, so a database reader cannot take over a session. Signing out ends the
    row, and the user loader refuses an ended row: a copied cookie stops working."""

    __tablename__ = "sign_in_sessions"
    __table_args__ = (Index("ix_sign_in_sessions_user", "user_kind", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_kind: Mapped[str] = mapped_column(String(16))  # applicant | staff
    user_id: Mapped[int]
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class SignInThrottle(db.Model):
    """Failed sign-ins for one account from one client (``client`` is an address), and from
    everywhere (``client`` is ``*``). An attacker's guesses lock only their own client out of
    that account; the much higher ceiling for everywhere stops a spread-out attack.
    ``account_key`` is a keyed hash of the sign-in name, known or not, never the name itself."""

    __tablename__ = "sign_in_throttles"
    __table_args__ = (UniqueConstraint("account_key", "client"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_key: Mapped[str] = mapped_column(String(64))
    client: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[datetime]
    locked_until: Mapped[datetime | None]


class ContactChangeCode(db.Model):
    """A code sent to a NEW mobile number or e-mail address; the address replaces the old
    one only when the code comes back, so nobody moves an account to an address they do not
    hold. Only the code's hash is kept; it works once, for a short time, a few tries."""

    __tablename__ = "contact_change_codes"
    __table_args__ = (Index("ix_contact_change_codes_applicant", "applicant_id", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicants.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(8))  # mobile | email
    new_value: Mapped[str] = mapped_column(String(254))
    code_hash: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[datetime | None]
