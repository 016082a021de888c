"""Failed sign-ins counted per (account, client), with a much higher ceiling per account.

Five wrong guesses from one address lock that address out of that account for a while;
the owner signing in from anywhere else is not affected. Only a spread-out attack that
reaches the per-account ceiling locks the account everywhere, and then the owner's way in
is a password reset, which clears every lock. Unknown sign-in names are counted exactly
like known ones, so the lockout answer says nothing about who is registered.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, request
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import SignInThrottle
from portal.clock import beijing
from portal.extensions import db

EVERYWHERE = "*"


@dataclass(frozen=True)
class ThrottlePolicy:
    client_failures: int  # per account and client, before that client is locked out
    account_failures: int  # per account from all clients, before the account is locked
    lock_minutes: int  # how long a lock lasts, and the window failures are counted in

    @classmethod
    def from_config(cls, config) -> ThrottlePolicy:
        return cls(
            client_failures=config["SIGN_IN_MAX_FAILURES"],
            account_failures=config["SIGN_IN_ACCOUNT_MAX_FAILURES"],
            lock_minutes=config["SIGN_IN_LOCK_MINUTES"],
        )


def account_key(kind: str, name: str) -> str:
    """A keyed hash of the sign-in name: the table never holds an ID number or a username."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"{kind}:{name}".encode(), hashlib.sha256).hexdigest()


def current_client() -> str:
    """The client's address (behind TRUSTED_PROXIES, the one they report)."""
    return (request.remote_addr or "unknown")[:64]


def is_locked(key: str, client: str) -> bool:
    moment = beijing.now()
    rows = db.session.scalars(
        select(SignInThrottle).where(
            SignInThrottle.account_key == key,
            SignInThrottle.client.in_((client, EVERYWHERE)),
        )
    ).all()
    return any(
        row.locked_until is not None and beijing.aware(row.locked_until) > moment for row in rows
    )


def record_failure(key: str, client: str, policy: ThrottlePolicy) -> bool:
    """Count one failure for this client and for everywhere; True if now locked."""
    locked = False
    for who, limit in ((client, policy.client_failures), (EVERYWHERE, policy.account_failures)):
        locked = _count(key, who, limit, policy.lock_minutes) or locked
    return locked


def _count(key: str, client: str, limit: int, lock_minutes: int) -> bool:
    moment = beijing.now()
    window = timedelta(minutes=lock_minutes)
    row = _row(key, client, moment)
    if beijing.aware(row.window_started_at) + window < moment:
        # The last failures are old: start counting again.
        row.failures, row.window_started_at, row.locked_until = 0, moment, None
        db.session.flush()
    # Counted in SQL so two simultaneous failures both count.
    db.session.execute(
        update(SignInThrottle)
        .where(SignInThrottle.id == row.id)
        .values(failures=SignInThrottle.failures + 1)
    )
    db.session.refresh(row)
    if row.failures >= limit:
        row.locked_until = moment + window
        row.failures, row.window_started_at = 0, moment
        db.session.flush()
        return True
    return False


def _row(key: str, client: str, moment) -> SignInThrottle:
    query = select(SignInThrottle).where(
        SignInThrottle.account_key == key, SignInThrottle.client == client
    )
    row = db.session.scalar(query)
    if row is not None:
        return row
    try:
        with db.session.begin_nested():
            row = SignInThrottle(
                account_key=key, client=client, failures=0, window_started_at=moment
            )
            db.session.add(row)
    except IntegrityError:
        # A simultaneous failure made the row first: use it.
        row = db.session.scalar(query)
    return row


def clear_client(key: str, client: str) -> None:
    """A right password from this client: its own count starts again (the ceiling stays)."""
    db.session.execute(
        delete(SignInThrottle).where(
            SignInThrottle.account_key == key, SignInThrottle.client == client
        )
    )


def clear_all(key: str) -> None:
    """A password reset proves the owner: every lock on the account goes."""
    db.session.execute(delete(SignInThrottle).where(SignInThrottle.account_key == key))


def forget_old(lock_minutes: int) -> int:
    """Delete counts whose window and lock have both run out: they no longer count."""
    cutoff = beijing.now() - timedelta(minutes=lock_minutes)
    result = db.session.execute(
        delete(SignInThrottle).where(
            SignInThrottle.window_started_at < cutoff,
            (SignInThrottle.locked_until.is_(None)) | (SignInThrottle.locked_until < cutoff),
        )
    )
    return result.rowcount or 0
