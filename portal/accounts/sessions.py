"""Sign-in sessions kept on the server, for applicants and staff alike.

Flask's cookie holds ``<kind>:<token>`` (Flask-Login's user id); the server keeps the
token's SHA-256 with who it belongs to and when it was last used. The user loader accepts
a cookie only while its row is open and not idle, so signing out — here, or everywhere —
ends the session on the server: a copied cookie stops working at once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TypeVar

from flask import current_app, session
from flask_login import login_user, logout_user
from sqlalchemy import Select, delete, select, update

from portal.accounts.models import SignInSession
from portal.clock import beijing
from portal.extensions import db

APPLICANT = "applicant"
STAFF = "staff"
KINDS = (APPLICANT, STAFF)
# last_seen_at is written at most this often: one row update a minute, not one a request.
TOUCH_EVERY = timedelta(seconds=60)
T = TypeVar("T")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(kind: str, user_id: int) -> str:
    """Open a session row; returns the token for the cookie (shown nowhere else)."""
    token = secrets.token_urlsafe(32)
    moment = beijing.now()
    db.session.add(
        SignInSession(
            token_hash=_hash(token),
            user_kind=kind,
            user_id=user_id,
            created_at=moment,
            last_seen_at=moment,
        )
    )
    db.session.flush()
    return token


def find(kind: str, token: str) -> SignInSession | None:
    """The open, recently used session for this token, touched; None for anything else."""
    if kind not in KINDS or not token:
        return None
    return _still_open(db.session.scalar(_open_row(kind, token)))


def find_user(kind: str, token: str, user_model: type[T]) -> T | None:
    """The user (a ``user_model`` row) of the open, recently used session for this token,
    the session touched; None for anything else. One query for both rows: every signed-in
    request asks this before anything else."""
    if kind not in KINDS or not token:
        return None
    found = db.session.execute(
        _open_row(kind, token)
        .add_columns(user_model)
        .join(user_model, user_model.id == SignInSession.user_id)
    ).first()
    if found is None or _still_open(found[0]) is None:
        return None
    return found[1]


def _open_row(kind: str, token: str) -> Select:
    return select(SignInSession).where(
        SignInSession.token_hash == _hash(token),
        SignInSession.user_kind == kind,
        SignInSession.ended_at.is_(None),
    )


def _still_open(row: SignInSession | None) -> SignInSession | None:
    """The row if it was used recently enough, touched at most once a minute."""
    if row is None:
        return None
    moment = beijing.now()
    last_seen = beijing.aware(row.last_seen_at)
    if last_seen + current_app.config["PERMANENT_SESSION_LIFETIME"] < moment:
        return None
    if moment - last_seen > TOUCH_EVERY:
        row.last_seen_at = moment
    return row


def end(kind: str, token: str | None) -> None:
    if not token:
        return
    db.session.execute(
        update(SignInSession)
        .where(
            SignInSession.token_hash == _hash(token),
            SignInSession.user_kind == kind,
            SignInSession.ended_at.is_(None),
        )
        .values(ended_at=beijing.now())
    )


def end_all(kind: str, user_id: int, keep: str | None = None) -> int:
    """Sign a user out everywhere (but the session ``keep``); returns how many ended."""
    query = update(SignInSession).where(
        SignInSession.user_kind == kind,
        SignInSession.user_id == user_id,
        SignInSession.ended_at.is_(None),
    )
    if keep:
        query = query.where(SignInSession.token_hash != _hash(keep))
    result = db.session.execute(query.values(ended_at=beijing.now()))
    return result.rowcount or 0


def open_count(kind: str, user_id: int) -> int:
    return len(
        db.session.scalars(
            select(SignInSession.id).where(
                SignInSession.user_kind == kind,
                SignInSession.user_id == user_id,
                SignInSession.ended_at.is_(None),
            )
        ).all()
    )


def sign_in_user(user, kind: str) -> None:
    """Start a server session for ``user`` and put its token in the cookie."""
    user.sign_in_token = start(kind, user.id)
    login_user(user)
    # Permanent means "expires after the idle lifetime", refreshed on every request.
    session.permanent = True


def sign_out_user(user, kind: str) -> None:
    """End this browser's session on the server, then forget it in the cookie."""
    end(kind, getattr(user, "sign_in_token", None))
    logout_user()


def split_session_id(session_id: str) -> tuple[str, str]:
    kind, _, token = session_id.partition(":")
    return kind, token


# Ended sessions are kept a while: they answer "was this account signed in then?".
KEEP_ENDED = timedelta(days=30)


def forget_old() -> int:
    """Delete sessions ended (or idle past the limit) more than KEEP_ENDED ago."""
    cutoff = beijing.now() - KEEP_ENDED
    idle_cutoff = cutoff - current_app.config["PERMANENT_SESSION_LIFETIME"]
    result = db.session.execute(
        delete(SignInSession).where(
            (SignInSession.ended_at < cutoff) | (SignInSession.last_seen_at < idle_cutoff)
        )
    )
    return result.rowcount or 0
