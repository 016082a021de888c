"""Read tokens for one project's dashboard API (``GET /api/v1/proxy/projects/{code}``).

The investor makes one or several on the project's dashboard, each with a name (whose it
is: "our site office"), sees it once, and revokes it there. Only a SHA-256 of the token is
kept, as for the hotline's tokens: the token is 32 random bytes, so a plain hash keeps a
leaked table from being usable. A token reads its own project only; a revoked one nothing.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select, update

from portal.clock import beijing
from portal.extensions import db
from portal.proxy import project_code
from portal.proxy.models import ProxyProject, ProxyReadToken

MAX_TOKENS = 20  # open ones a project may hold; a list of hundreds is a mistake
MAX_LENGTH = 200  # a real token is 43 characters


class TooMany(Exception):
    """The project holds MAX_TOKENS open tokens already."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def tokens_of(project: ProxyProject) -> list[ProxyReadToken]:
    """Every token the project had, the open ones first, newest first within each."""
    return list(
        db.session.scalars(
            select(ProxyReadToken)
            .where(ProxyReadToken.project_id == project.id)
            .order_by(
                ProxyReadToken.revoked_at.is_not(None),
                ProxyReadToken.created_at.desc(),
                ProxyReadToken.id.desc(),
            )
        )
    )


def make(project: ProxyProject, name: str) -> tuple[ProxyReadToken, str]:
    """A new token for ``project``: the row, and the token itself (shown once, never kept)."""
    open_ones = [t for t in tokens_of(project) if t.revoked_at is None]
    if len(open_ones) >= MAX_TOKENS:
        raise TooMany(project.code)
    token = secrets.token_urlsafe(32)
    row = ProxyReadToken(
        project=project, name=name, token_hash=hash_token(token), created_at=beijing.now()
    )
    db.session.add(row)
    db.session.flush()
    return row, token


def revoke(project: ProxyProject, token_id: int) -> bool:
    """Stops the token at once; False when it is not this project's or was revoked already."""
    if not 0 < token_id < 2**31:
        return False  # no row has such an id (and PostgreSQL's integer would refuse it)
    done = db.session.execute(
        update(ProxyReadToken)
        .where(
            ProxyReadToken.id == token_id,
            ProxyReadToken.project_id == project.id,
            ProxyReadToken.revoked_at.is_(None),
        )
        .values(revoked_at=beijing.now())
        .execution_options(synchronize_session=False)
    ).rowcount
    return bool(done)


def bearer(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer …`` header, or None."""
    scheme, _, token = (header or "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > MAX_LENGTH:
        return None
    return token


def project_for(token: str, code: str) -> ProxyProject | None:
    """The project ``code`` if ``token`` is one of its open tokens; None otherwise (another
    project's token, a revoked or unknown one: the caller cannot tell which)."""
    if not project_code.is_valid(code):
        return None  # nothing to look up (and a NUL would be PostgreSQL's error, not ours)
    return db.session.scalar(
        select(ProxyProject)
        .join(ProxyReadToken, ProxyReadToken.project_id == ProxyProject.id)
        .where(
            ProxyProject.code == code,
            ProxyReadToken.token_hash == hash_token(token),
            ProxyReadToken.revoked_at.is_(None),
        )
    )
