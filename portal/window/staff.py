"""Window staff accounts: creation, sign-in with the second factor, sessions, passwords, and
what an administrator does to a colleague's account. Every step is in the audit trail.

Plain functions over the session; they flush, the request (or the CLI command) commits.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select, update
from werkzeug.security import check_password_hash

from portal.accounts import sessions, throttle, totp
from portal.accounts.operations import MIN_PASSWORD_LENGTH, dummy_password_check, hash_secret
from portal.catalog.models import Center
from portal.clock import beijing
from portal.extensions import db
from portal.window.models import Role, StaffMember
from portal.window.operations import audit


class StaffError(ValueError):
    """A staff account cannot be created or changed as asked; the message says why."""


def _seal(secret: str) -> str:
    return totp.seal(secret, current_app.config["TOTP_ENCRYPTION_KEY"])


def totp_secret_of(member: StaffMember) -> str:
    """The authenticator secret in the clear: to check a code, or to print it once."""
    return totp.unseal(member.totp_secret_encrypted, current_app.config["TOTP_ENCRYPTION_KEY"])


def first_password() -> str:
    """A password to hand over in person; it must be changed at first sign-in."""
    return secrets.token_urlsafe(12)


def create_staff(
    username: str, name: str, role: str, center_slug: str, window_codes: list[str], password: str
) -> StaffMember:
    if role not in Role.ALL:
        raise StaffError(f"role must be one of {', '.join(Role.ALL)}")
    center = db.session.scalar(select(Center).where(Center.slug == center_slug))
    if center is None:
        raise StaffError(f"no center '{center_slug}'")
    windows = [w for w in center.windows if w.code in window_codes]
    unknown = set(window_codes) - {w.code for w in windows}
    if unknown:
        raise StaffError(f"center '{center_slug}' has no window {', '.join(sorted(unknown))}")
    if role in Role.DECIDING and not windows:
        raise StaffError("an officer or head needs at least one window")
    if find_staff(username) is not None:
        raise StaffError(f"username '{username}' is taken")
    member = StaffMember(
        username=username,
        name=name,
        role=role,
        center=center,
        windows=windows,
        password_hash=hash_secret(password),
        totp_secret_encrypted=_seal(totp.new_secret()),
        must_change_password=True,
        active=True,
        created_at=beijing.now(),
    )
    db.session.add(member)
    db.session.flush()
    audit(member, "staff-created", role=role)
    return member


def find_staff(username: str) -> StaffMember | None:
    return db.session.scalar(select(StaffMember).where(StaffMember.username == username.strip()))


# Signing in and out -----------------------------------------------------------------------


class SignIn:
    OK = "ok"
    WRONG = "wrong"  # unknown name, wrong password or code: never say which
    LOCKED = "locked"


@dataclass(frozen=True)
class SignInOutcome:
    result: str
    member: StaffMember | None = None


def staff_sign_in(
    username: str, password: str, code: str, client: str, policy: throttle.ThrottlePolicy
) -> SignInOutcome:
    """Password and the authenticator code together. Failures are counted per (account,
    client), so a stranger's guesses lock the stranger out, not the officer."""
    username = username.strip()
    key = throttle.account_key("staff", username)
    member = find_staff(username)
    if throttle.is_locked(key, client):
        dummy_password_check(password)
        return SignInOutcome(SignIn.LOCKED)
    if member is None or not member.active:
        dummy_password_check(password)
    elif check_password_hash(member.password_hash, password) and _use_code(member, code):
        throttle.clear_client(key, client)
        audit(member, "signed-in")
        return SignInOutcome(SignIn.OK, member)
    if member is not None:
        audit(member, "sign-in-failed")
    locked = throttle.record_failure(key, client, policy)
    return SignInOutcome(SignIn.LOCKED if locked else SignIn.WRONG)


def _use_code(member: StaffMember, code: str) -> bool:
    """Accept a code whose step is later than the last one used, exactly once: the
    conditional update decides between two simultaneous sign-ins with the same code."""
    step = totp.matching_step(totp_secret_of(member), code, after_step=member.totp_last_step)
    if step is None:
        return False
    claimed = db.session.execute(
        update(StaffMember)
        .where(
            StaffMember.id == member.id,
            (StaffMember.totp_last_step.is_(None)) | (StaffMember.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return False
    member.totp_last_step = step
    return True


def start_session(member: StaffMember) -> None:
    sessions.sign_in_user(member, sessions.STAFF)


def sign_out(member: StaffMember) -> None:
    audit(member, "signed-out")
    sessions.sign_out_user(member, sessions.STAFF)


def sign_out_everywhere(member: StaffMember) -> int:
    ended = sessions.end_all(sessions.STAFF, member.id)
    audit(member, "signed-out-everywhere", sessions=ended)
    sessions.sign_out_user(member, sessions.STAFF)
    return ended


def load_staff(token: str) -> StaffMember | None:
    """Flask-Login's loader for staff: an open session row and an active account."""
    member = sessions.find_user(sessions.STAFF, token, StaffMember)
    if member is None or not member.active:
        return None
    member.sign_in_token = token
    return member


# Passwords --------------------------------------------------------------------------------


def change_password(member: StaffMember, current: str, new: str) -> bool:
    """A new password of the member's own choosing; other sessions end, this one stays."""
    if not check_password_hash(member.password_hash, current):
        audit(member, "password-change-failed")
        return False
    if len(new) < MIN_PASSWORD_LENGTH or new == current:
        raise StaffError("the new password must be long enough and differ from the old one")
    member.password_hash = hash_secret(new)
    member.must_change_password = False
    ended = sessions.end_all(sessions.STAFF, member.id, keep=member.sign_in_token)
    audit(member, "password-changed", other_sessions_ended=ended)
    return True


# Administration ---------------------------------------------------------------------------


class NotFound(Exception):
    """No such staff member at the administrator's center."""


def colleagues(admin: StaffMember) -> list[StaffMember]:
    """The staff of the administrator's center, by username."""
    return list(
        db.session.scalars(
            select(StaffMember)
            .where(StaffMember.center_id == admin.center_id)
            .order_by(StaffMember.username)
        )
    )


def colleague(admin: StaffMember, staff_id: int) -> StaffMember:
    member = db.session.get(StaffMember, staff_id)
    if member is None or member.center_id != admin.center_id:
        raise NotFound(staff_id)
    return member


def deactivate(admin: StaffMember, member: StaffMember) -> bool:
    """Close the account and end its sessions; False if it was already closed."""
    if member.id == admin.id:
        raise StaffError("an administrator cannot deactivate their own account")
    changed = db.session.execute(
        update(StaffMember)
        .where(StaffMember.id == member.id, StaffMember.active.is_(True))
        .values(active=False)
        .execution_options(synchronize_session=False)
    ).rowcount
    member.active = False
    if changed != 1:
        return False
    ended = sessions.end_all(sessions.STAFF, member.id)
    audit(admin, "staff-deactivated", staff=member.id, sessions=ended)
    return True


def reset_password(admin: StaffMember | None, member: StaffMember) -> str:
    """A new first password (shown once to the administrator; ``admin`` is None from the
    command line); it must be changed at the next sign-in, every session ends and the
    sign-in locks go."""
    password = first_password()
    member.password_hash = hash_secret(password)
    member.must_change_password = True
    ended = sessions.end_all(sessions.STAFF, member.id)
    throttle.clear_all(throttle.account_key("staff", member.username))
    audit(
        admin,
        "staff-password-reset",
        staff=member.id,
        sessions=ended,
        via="web" if admin else "cli",
    )
    return password
