"""What an applicant's account can do: register, sign in, reset a password, sign out everywhere.

Plain functions over the session; they flush, the request commits.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from portal.accounts.identity import normalize_identifier
from portal.accounts.models import Applicant, PasswordResetCode
from portal.clock import beijing
from portal.extensions import db

# scrypt: memory-hard, the Werkzeug default; the parameters travel inside the hash.
PASSWORD_METHOD = "scrypt"
MIN_PASSWORD_LENGTH = 10
RESET_CODE_ATTEMPTS = 5
# Checked against when the account does not exist, so both paths cost the same time.
_DUMMY_HASH = generate_password_hash("not-a-password", method=PASSWORD_METHOD)


@dataclass(frozen=True)
class Registration:
    kind: str
    identifier: str
    name: str
    mobile: str
    password: str
    email: str | None = None
    legal_representative: str | None = None
    contact_name: str | None = None
    language: str = "zh"


class AccountExists(Exception):
    """Someone has already registered with this ID number or credit code."""


def find_applicant(identifier: str) -> Applicant | None:
    return db.session.scalar(
        select(Applicant).where(Applicant.identifier == normalize_identifier(identifier))
    )


def register(registration: Registration) -> Applicant:
    identifier = normalize_identifier(registration.identifier)
    if find_applicant(identifier) is not None:
        raise AccountExists(identifier)
    applicant = Applicant(
        kind=registration.kind,
        identifier=identifier,
        name=registration.name,
        mobile=normalize_identifier(registration.mobile),
        email=registration.email or None,
        legal_representative=registration.legal_representative,
        contact_name=registration.contact_name,
        language=registration.language,
        password_hash=generate_password_hash(registration.password, method=PASSWORD_METHOD),
        session_epoch=0,
        failed_sign_ins=0,
        created_at=beijing.now(),
    )
    db.session.add(applicant)
    db.session.flush()
    return applicant


class SignInResult(Enum):
    OK = "ok"
    WRONG = "wrong"  # unknown account or wrong password: never say which
    LOCKED = "locked"


@dataclass(frozen=True)
class SignInPolicy:
    max_failures: int
    lock_minutes: int


def sign_in(
    identifier: str, password: str, policy: SignInPolicy
) -> tuple[SignInResult, Applicant | None]:
    applicant = find_applicant(identifier)
    if applicant is None:
        check_password_hash(_DUMMY_HASH, password)
        return SignInResult.WRONG, None
    locked_until = beijing.aware(applicant.locked_until)
    if locked_until and locked_until > beijing.now():
        return SignInResult.LOCKED, applicant
    if not check_password_hash(applicant.password_hash, password):
        applicant.failed_sign_ins += 1
        if applicant.failed_sign_ins >= policy.max_failures:
            applicant.locked_until = beijing.now() + timedelta(minutes=policy.lock_minutes)
            applicant.failed_sign_ins = 0
            return SignInResult.LOCKED, applicant
        return SignInResult.WRONG, applicant
    applicant.failed_sign_ins = 0
    applicant.locked_until = None
    return SignInResult.OK, applicant


def sign_out_everywhere(applicant: Applicant) -> None:
    applicant.session_epoch += 1


def load_session_user(session_id: str):
    """Flask-Login's loader: the id carries the epoch, so old sessions fail."""
    if session_id.startswith("staff:"):
        from portal.window.operations import load_staff

        return load_staff(session_id)
    user_id, _, epoch = session_id.partition(":")
    if not user_id.isdigit() or not epoch.isdigit():
        return None
    applicant = db.session.get(Applicant, int(user_id))
    if applicant is None or applicant.session_epoch != int(epoch):
        return None
    return applicant


def issue_reset_code(applicant: Applicant, valid_minutes: int) -> str:
    """A six-digit code; earlier unused codes stop working."""
    for old in db.session.scalars(
        select(PasswordResetCode).where(
            PasswordResetCode.applicant_id == applicant.id, PasswordResetCode.used_at.is_(None)
        )
    ):
        old.used_at = beijing.now()
    code = f"{secrets.randbelow(10**6):06d}"
    db.session.add(
        PasswordResetCode(
            applicant_id=applicant.id,
            code_hash=generate_password_hash(code, method=PASSWORD_METHOD),
            expires_at=beijing.now() + timedelta(minutes=valid_minutes),
            attempts=0,
        )
    )
    db.session.flush()
    return code


def reset_password(applicant: Applicant, code: str, new_password: str) -> bool:
    """Set a new password if the code is right; every session is signed out."""
    reset = db.session.scalar(
        select(PasswordResetCode)
        .where(PasswordResetCode.applicant_id == applicant.id, PasswordResetCode.used_at.is_(None))
        .order_by(PasswordResetCode.id.desc())
    )
    if (
        reset is None
        or beijing.aware(reset.expires_at) < beijing.now()
        or reset.attempts >= RESET_CODE_ATTEMPTS
    ):
        return False
    reset.attempts += 1
    if not check_password_hash(reset.code_hash, code.strip()):
        return False
    reset.used_at = beijing.now()
    applicant.password_hash = generate_password_hash(new_password, method=PASSWORD_METHOD)
    applicant.failed_sign_ins = 0
    applicant.locked_until = None
    sign_out_everywhere(applicant)
    return True
