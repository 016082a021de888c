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
from portal.messaging.on_commit import when_committed_together

log = logging.getLogger(__name__)


# Case events after which every step is where it was: forwarding to the back office keeps
# an accepted case being decided (``steps.DECIDING`` holds both statuses) and no step reads
# the event. The dispatcher forwards hundreds of cases a second; a sweep for each was most
# of its work.
STEPLESS_CASE_EVENTS = frozenset({"forwarded"})


def step_changed(row, event: str | None = None) -> None:
    """``row``'s cards follow at the commit; ``event`` is the case event that moved it, if
    any (one that moves no step sweeps nothing)."""
    if event in STEPLESS_CASE_EVENTS:
        return
    when_committed_together(_sweep_at_commit, row)


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


def _sweep_at_commit(rows: list) -> None:
    """One sweep per kind of subject for every row whose step moved in the transaction
    (a row named twice is swept once)."""
    from portal.supervision.cards import Rules, sweep

    ids: dict[str, set[int]] = {}
    for row in rows:
        subject = subject_of(row)
        if subject is not None and row.id is not None:
            ids.setdefault(subject, set()).add(row.id)
    for subject, subject_ids in ids.items():
        try:
            with db.session.begin_nested():
                sweep(
                    current_app.extensions["calendar"],
                    beijing.today(),
                    Rules.from_config(current_app.config),
                    subject,
                    sorted(subject_ids),
                )
        except Exception:
            log.exception(
                "supervision: the cards of %s %s are left to the next sweep",
                subject,
                sorted(subject_ids),
            )
