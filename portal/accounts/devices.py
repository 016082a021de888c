"""Recognising the devices an applicant signs in from, to tell them of a new one.

A device is a browser holding a long-lived random cookie (``DEVICE_COOKIE``, one token
per browser, nothing else in it). Per applicant we keep only the token's SHA-256 and
when it was first and last seen: no address, no browser fingerprint, nothing that says
where the person is. A sign-in from a browser whose token this applicant has not used
before is a new device, and they are told (``new-device`` message), unless it is the
account's first sign-in ever: a new account has no device to compare with, and telling
someone "you just signed in" the first time they do is noise.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from portal.clock import beijing
from portal.extensions import db

DEVICE_COOKIE = "device"
COOKIE_DAYS = 400  # browsers cap cookie lifetimes at about 400 days


class KnownDevice(db.Model):
    __tablename__ = "known_devices"
    __table_args__ = (UniqueConstraint("applicant_id", "token_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicants.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64))
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def device_token(cookie: str | None) -> str:
    """The browser's token: the one its cookie holds, or a new one for a browser without."""
    if cookie and 20 <= len(cookie) <= 100 and cookie.isascii():
        return cookie
    return secrets.token_urlsafe(32)


def sign_in_from(applicant, token: str) -> bool:
    """Record that ``applicant`` signed in from the browser with ``token``; True if that is
    a device they have not used before (and not their first sign-in ever)."""
    moment = beijing.now()
    token_hash = _hash(token)
    known = db.session.scalars(
        select(KnownDevice).where(KnownDevice.applicant_id == applicant.id)
    ).all()
    match = next((device for device in known if device.token_hash == token_hash), None)
    if match is not None:
        match.last_seen_at = moment
        return False
    db.session.add(
        KnownDevice(
            applicant_id=applicant.id,
            token_hash=token_hash,
            first_seen_at=moment,
            last_seen_at=moment,
        )
    )
    db.session.flush()
    return bool(known)
