"""The applicant takes an application back: a draft is deleted, a filing the window has not
yet decided is withdrawn (and stays on record, dated).

Both are conditional statements, so a window decision made at the same moment and the
applicant's request cannot both win: whichever UPDATE or DELETE matches first does.
"""

from __future__ import annotations

from sqlalchemy import delete, update

from portal.clock import beijing
from portal.extensions import db
from portal.filing.models import Application, ApplicationEvent, Attachment, Status
from portal.filing.operations import record_event


def withdraw(application: Application) -> bool:
    """Withdraw a filing still waiting for the window; False if the window decided first."""
    moment = beijing.now()
    won = db.session.execute(
        update(Application)
        .where(Application.id == application.id, Application.status.in_(Status.WITHDRAWABLE))
        .values(status=Status.WITHDRAWN, updated_at=moment)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(application)
    if won:
        record_event(application, "withdrawn", "applicant", on=beijing.day_of(moment).isoformat())
        db.session.flush()
    return bool(won)


def delete_draft(application: Application) -> bool:
    """Delete a draft and its rows; False if it was submitted meanwhile. The uploaded bytes
    are left to ``flask filing cleanup``, which deletes objects no record points to: deleting
    them here would lose them if this transaction then rolled back."""
    application_id = application.id
    won = db.session.execute(
        delete(Application)
        .where(Application.id == application_id, Application.status == Status.DRAFT)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not won:
        db.session.refresh(application)
        return False
    # PostgreSQL cascades; SQLite does not enforce foreign keys, so say it for both.
    db.session.execute(delete(Attachment).where(Attachment.application_id == application_id))
    db.session.execute(
        delete(ApplicationEvent).where(ApplicationEvent.application_id == application_id)
    )
    db.session.expunge(application)
    return True
