"""What an applicant's account can do: register, sign in, reset a password, sign out everywhere.

Plain functions over the session; they flush, the request commits. Nothing here answers
differently for a number that is registered and one that is not — not in what it returns
to the page, and not in the work it does (one password hash each way) — so nobody learns
who has an account.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from portal.accounts import sessions, throttle
from portal.accounts.identity import normalize_identifier
from portal.accounts.models import Applicant, PasswordResetCode
from portal.clock import beijing
from portal.extensions import db
from portal.messaging import channels

# scrypt: memory-hard, the Werkzeug default; the parameters travel inside the hash, so a
# check costs what the hash was made with. The app's PASSWORD_METHOD (portal/config.py) is
# this everywhere but in tests.
PASSWORD_METHOD = "scrypt"
MIN_PASSWORD_LENGTH = 10
RESET_CODE_ATTEMPTS = 5
# Checked against when the account does not exist, so both paths cost the same time: one
# per method, made with the method the real hashes are made with.
_DUMMY_HASHES = {PASSWORD_METHOD: generate_password_hash("not-a-password", method=PASSWORD_METHOD)}


def _password_method() -> str:
    return current_app.config["PASSWORD_METHOD"]


def hash_secret(value: str) -> str:
    """Every password and reset code goes through here (one scrypt hash)."""
    return generate_password_hash(value, method=_password_method())


def dummy_password_check(password: str) -> None:
    """Spend what checking a real password costs, for a name nobody has."""
    method = _password_method()
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash("not-a-password", method=method)
    check_password_hash(_DUMMY_HASHES[method], password)


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
    message_channels: str | None = None  # sms, email or both; None: every channel given


class AccountExists(Exception):
    """Someone has already registered with this ID number or credit code."""


def find_applicant(identifier: str) -> Applicant | None:
    return db.session.scalar(
        select(Applicant).where(Applicant.identifier == normalize_identifier(identifier))
    )


def register(registration: Registration) -> Applicant:
    """Create the account; AccountExists if the number is taken (also when a simultaneous
    registration took it first: the unique constraint decides)."""
    identifier = normalize_identifier(registration.identifier)
    password_hash = hash_secret(registration.password)
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
        message_channels=registration.message_channels or channels.default_for(registration.email),
        password_hash=password_hash,
        created_at=beijing.now(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(applicant)
    except IntegrityError as error:
        raise AccountExists(identifier) from error
    return applicant


@dataclass(frozen=True)
class RegistrationOutcome:
    """Exactly one of the two is set; the page shows the same answer for both."""

    created: Applicant | None = None
    existing: Applicant | None = None


def register_or_find(registration: Registration) -> RegistrationOutcome:
    """Register, or — for a number already registered — return its owner, to be told by
    message. Both paths hash the password once, so they take the same time."""
    try:
        return RegistrationOutcome(created=register(registration))
    except AccountExists:
        return RegistrationOutcome(existing=find_applicant(registration.identifier))


class SignInResult(Enum):
    OK = "ok"
    WRONG = "wrong"  # unknown account or wrong password: never say which
    LOCKED = "locked"  # too many failures for this number from this client (or everywhere)


def applicant_key(identifier: str) -> str:
    return throttle.account_key(sessions.APPLICANT, normalize_identifier(identifier))


def sign_in(
    identifier: str, password: str, client: str, policy: throttle.ThrottlePolicy
) -> tuple[SignInResult, Applicant | None]:
    """Known and unknown numbers are counted and locked alike, per (number, client)."""
    key = applicant_key(identifier)
    if throttle.is_locked(key, client):
        dummy_password_check(password)
        return SignInResult.LOCKED, None
    applicant = find_applicant(identifier)
    if applicant is None:
        dummy_password_check(password)
    elif check_password_hash(applicant.password_hash, password):
        throttle.clear_client(key, client)
        return SignInResult.OK, applicant
    if throttle.record_failure(key, client, policy):
        return SignInResult.LOCKED, None
    return SignInResult.WRONG, None


def start_session(applicant: Applicant) -> None:
    sessions.sign_in_user(applicant, sessions.APPLICANT)


def sign_out(applicant: Applicant) -> None:
    sessions.sign_out_user(applicant, sessions.APPLICANT)


def sign_out_everywhere(applicant: Applicant) -> int:
    ended = sessions.end_all(sessions.APPLICANT, applicant.id)
    sessions.sign_out_user(applicant, sessions.APPLICANT)
    return ended


def load_applicant(token: str) -> Applicant | None:
    """The applicant of an open server-side session with this token, or nothing."""
    applicant = sessions.find_user(sessions.APPLICANT, token, Applicant)
    if applicant is not None:
        applicant.sign_in_token = token
    return applicant


def new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def issue_reset_code(applicant: Applicant, valid_minutes: int) -> str:
    """A six-digit code; earlier unused codes stop working."""
    for old in db.session.scalars(
        select(PasswordResetCode).where(
            PasswordResetCode.applicant_id == applicant.id, PasswordResetCode.used_at.is_(None)
        )
    ):
        old.used_at = beijing.now()
    code = new_code()
    db.session.add(
        PasswordResetCode(
            applicant_id=applicant.id,
            code_hash=hash_secret(code),
            expires_at=beijing.now() + timedelta(minutes=valid_minutes),
            attempts=0,
        )
    )
    db.session.flush()
    return code


def request_reset(identifier: str, valid_minutes: int) -> tuple[Applicant | None, str]:
    """A reset code for the number's owner. For a number nobody has, a code is made and
    hashed all the same and then dropped, so both paths do the same work."""
    applicant = find_applicant(identifier)
    if applicant is None:
        code = new_code()
        hash_secret(code)
        return None, code
    return applicant, issue_reset_code(applicant, valid_minutes)


def reset_password(applicant: Applicant, code: str, new_password: str) -> bool:
    """Set a new password if the code is right; every session ends and every sign-in lock
    on the account goes (the reset code is the owner's way back in)."""
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
    applicant.password_hash = hash_secret(new_password)
    throttle.clear_all(applicant_key(applicant.identifier))
    sessions.end_all(sessions.APPLICANT, applicant.id)
    return True


def reset_password_for(identifier: str, code: str, new_password: str) -> bool:
    """As reset_password, by number; an unknown number costs the same hash check."""
    applicant = find_applicant(identifier)
    if applicant is None:
        dummy_password_check(code)
        return False
    return reset_password(applicant, code, new_password)
