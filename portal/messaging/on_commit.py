"""Work to do when the step's transaction commits: the door every message to a person
passes (a case's events, a complaint's events).

``when_committed(function, *args)`` remembers a call; it runs at the outermost
``before_commit`` (a savepoint's commit — numbering, a notice's counter — is not the
step's), so by then the step has finished its work, and the rows it writes (messages,
outbox rows) are part of the same commit. A step that rolls back runs nothing.

``when_committed_together(function, item)`` gathers items instead: ``function(items)``
runs once at the commit with every item noted in the transaction, in order (the
dispatcher forwards fifty cases in one commit, and their cards are swept in one pass).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from portal.extensions import db

_NOTED = "portal.messaging.on_commit"
_GATHERED = "portal.messaging.on_commit.gathered"


def when_committed(function: Callable, *args) -> None:
    db.session.info.setdefault(_NOTED, []).append((function, args))


def when_committed_together(function: Callable[[list], object], item) -> None:
    """Note ``item`` for ``function``, called once at the commit with all items noted
    (at the place of the first, among the other calls)."""
    gathered = db.session.info.setdefault(_GATHERED, {})
    items = gathered.get(function)
    if items is None:
        items = gathered[function] = []
        when_committed(function, items)
    items.append(item)


def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    noted = session.info.pop(_NOTED, None)
    session.info.pop(_GATHERED, None)
    for function, args in noted or ():
        function(*args)


def _after_soft_rollback(session: Session, previous) -> None:
    if previous.parent is None:  # the step itself rolled back, not a savepoint in it
        session.info.pop(_NOTED, None)
        session.info.pop(_GATHERED, None)


def init_app() -> None:
    # On the session class every app shares: register once.
    if not sa_event.contains(db.session, "before_commit", _before_commit):
        sa_event.listen(db.session, "before_commit", _before_commit)
        sa_event.listen(db.session, "after_soft_rollback", _after_soft_rollback)
