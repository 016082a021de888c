"""Changing an applicant's mobile number or e-mail address, and their password.

A new address is confirmed by a six-digit code sent to it: the change applies only when the
code comes back, within ``valid_minutes``, in at most RESET_CODE_ATTEMPTS tries, once (the
same rules as the reset code). The old address is then told, so a taken-over session cannot
move the account away quietly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from werkzeug.security import check_password_hash

from portal.accounts import sessions
from portal.accounts.models import Applicant, ContactChangeCode
from portal.accounts.operations import RESET_CODE_ATTEMPTS, hash_secret, new_code
from portal.clock import beijing
from portal.extensions import db

MOBILE = "mobile"
EMAIL = "email"
CHANNELS = (MOBILE, EMAIL)


def change_password(applicant: Applicant, current: str, new: str) -> bool:
    """Set a new password if ``current`` is right; every other sign-in session ends (this
    browser stays signed in). False, and nothing changes, for a wrong current password."""
    if not check_password_hash(applicant.password_hash, current):
        return False
    applicant.password_hash = hash_secret(new)
    sessions.end_all(sessions.APPLICANT, applicant.id, keep=applicant.sign_in_token)
    db.session.flush()
    return True


def _open_codes(applicant: Applicant, channel: str):
    return (
        ContactChangeCode.applicant_id == applicant.id,
        ContactChangeCode.channel == channel,
        ContactChangeCode.used_at.is_(None),
    )


def issue_code(applicant: Applicant, channel: str, new_value: str, valid_minutes: int) -> str:
    """A code for ``new_value``; any earlier unused code for this channel stops working."""
    if channel not in CHANNELS:
        raise ValueError(channel)
    moment = beijing.now()
    db.session.execute(
        update(ContactChangeCode)
        .where(*_open_codes(applicant, channel))
        .values(used_at=moment)
        .execution_options(synchronize_session=False)
    )
    code = new_code()
    db.session.add(
        ContactChangeCode(
            applicant_id=applicant.id,
            channel=channel,
            new_value=new_value,
            code_hash=hash_secret(code),
            created_at=moment,
            expires_at=moment + timedelta(minutes=valid_minutes),
            attempts=0,
        )
    )
    db.session.flush()
    return code


def pending(applicant: Applicant, channel: str) -> ContactChangeCode | None:
    """The latest code still waiting to be entered, if it has not run out."""
    row = db.session.scalar(
        select(ContactChangeCode)
        .where(*_open_codes(applicant, channel))
        .order_by(ContactChangeCode.id.desc())
    )
    if row is None or beijing.aware(row.expires_at) < beijing.now():
        return None
    if row.attempts >= RESET_CODE_ATTEMPTS:
        return None
    return row


@dataclass(frozen=True)
class Changed:
    """What changed, so the view can tell the old address."""

    channel: str
    old_value: str | None
    new_value: str


def confirm(applicant: Applicant, channel: str, code: str) -> Changed | None:
    """Apply the pending change if ``code`` is right; None for a wrong, used or old code.

    Each try counts before the check. The code is claimed by a conditional UPDATE, so two
    simultaneous right answers apply the change once."""
    row = pending(applicant, channel)
    if row is None:
        return None
    row.attempts += 1
    db.session.flush()
    if not check_password_hash(row.code_hash, code.strip()):
        return None
    claimed = db.session.execute(
        update(ContactChangeCode)
        .where(ContactChangeCode.id == row.id, ContactChangeCode.used_at.is_(None))
        .values(used_at=beijing.now())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        return None
    old_value = applicant.mobile if channel == MOBILE else applicant.email
    if channel == MOBILE:
        applicant.mobile = row.new_value
    else:
        applicant.email = row.new_value
    db.session.flush()
    return Changed(channel, old_value, row.new_value)
