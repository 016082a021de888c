"""The public door other areas call when a step starts or ends: ``step_changed(row)``.

The areas never import the card rules; they name the row whose step moved (a case, a
complaint, a proxy request, a rating's follow-up) and the subject's cards are brought in
line when the step's transaction commits (``portal.messaging.on_commit``), so the sweep
sees the finished step and a step that rolls back changes no card. The sweep runs in a
savepoint: a failure is logged and the worker's next sweep catches up, but the step itself
(an acceptance, a reply) is never lost because of a card.
"""

from __future__ import annotations

import logging

from flask import current_app

from portal.clock import beijing
from portal.extensions import db
from portal.messaging.on_commit import when_committed

log = logging.getLogger(__name__)


def step_changed(row) -> None:
    when_committed(_sweep_at_commit, row)


def subject_of(row) -> str | None:
    from portal.complaints.models import Complaint
    from portal.filing.models import Application
    from portal.proxy.models import ProxyRequest
    from portal.ratings.models import FollowUp
    from portal.supervision.models import Subject

    kinds = {
        Application: Subject.CASE,
        Complaint: Subject.COMPLAINT,
        ProxyRequest: Subject.PROXY_REQUEST,
        FollowUp: Subject.FOLLOW_UP,
    }
    return kinds.get(type(row))


def _sweep_at_commit(row) -> None:
    from portal.supervision.cards import Rules, sweep_one

    subject = subject_of(row)
    if subject is None or row.id is None:
        return
    try:
        with db.session.begin_nested():
            sweep_one(
                current_app.extensions["calendar"],
                beijing.today(),
                Rules.from_config(current_app.config),
                subject,
                row.id,
            )
    except Exception:
        log.exception("supervision: the cards of %s %s are left to the next sweep", subject, row.id)
