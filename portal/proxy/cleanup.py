"""Proxy drafts nobody can resume any more, and their files.

A draft belongs to a sign-in session; once that session has ended or gone idle past the
session lifetime, ``sessions.find`` refuses it and the draft is unreachable. The hourly job
deletes such drafts and the files they hold (the filing clean-up only looks under
``applications/``). Files are deleted before the rows: a row whose file is already gone is
harmless, a file without a row is what this job exists to prevent.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import or_, select

from portal.accounts.models import SignInSession
from portal.clock import beijing
from portal.extensions import db
from portal.proxy.models import ProxyDraft
from portal.proxy.uploads import SLOTS, discard
from portal.storage import Storage
from portal.worker import Hourly, periodic


def abandoned_drafts() -> list[ProxyDraft]:
    idle_before = beijing.now() - current_app.config["PERMANENT_SESSION_LIFETIME"]
    return list(
        db.session.scalars(
            select(ProxyDraft)
            .outerjoin(SignInSession, SignInSession.id == ProxyDraft.sign_in_session_id)
            .where(
                or_(
                    SignInSession.id.is_(None),
                    SignInSession.ended_at.is_not(None),
                    SignInSession.last_seen_at < idle_before,
                )
            )
        )
    )


def forget_abandoned_drafts(storage: Storage) -> int:
    drafts = abandoned_drafts()
    for draft in drafts:
        for slot in SLOTS:
            discard(storage, draft.answers.get(slot))
        db.session.delete(draft)
    db.session.flush()
    return len(drafts)


@periodic("proxy-drafts", Hourly())
def proxy_drafts(period: str) -> str:
    deleted = forget_abandoned_drafts(current_app.extensions["storage"])
    db.session.commit()
    return f"{deleted} abandoned proxy drafts deleted"
