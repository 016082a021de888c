"""Recording a case's decision for the figures, in the decision's own transaction.

Called where a decision is made: the back office's ``approved`` and ``refused`` reports
(``backoffice/inbound.py``) and the acceptance of an immediate item, which is completed in
the same step (``window/operations.py``). "Decided" means exactly these: a licence granted
or refused (Art. 38, 42), or an immediate item done. A decline at pre-review is not a
decision on the licence (the case was never accepted and has no decision deadline), and a
withdrawal is the applicant's.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from portal.clock import beijing
from portal.clock.calendar import CalendarUnknown, WorkingCalendar
from portal.extensions import db
from portal.filing.models import Application
from portal.performance import counters
from portal.performance.models import CaseDecision


def record_decision(
    application: Application, calendar: WorkingCalendar, decided_on: date | None = None
) -> CaseDecision | None:
    """Keep the day, the deadline held to, whether it was kept and the working days taken.

    Once per case: a second call (a repeated report) changes nothing. A case never
    accepted has nothing to measure and is not recorded.
    """
    if application.accepted_on is None:
        return None
    existing = db.session.scalar(
        select(CaseDecision).where(CaseDecision.application_id == application.id)
    )
    if existing is not None:
        return existing
    decided_on = decided_on or beijing.today()
    try:
        working_days = calendar.working_days_between(application.accepted_on, decided_on)
    except CalendarUnknown:
        working_days = None  # a year the calendar does not know: left out, never guessed
    due_on = application.decide_by
    decision = CaseDecision(
        application_id=application.id,
        center_id=application.center_id,
        item_id=application.item_id,
        accepted_on=application.accepted_on,
        decided_on=decided_on,
        due_on=due_on,
        on_time=None if due_on is None else decided_on <= due_on,
        working_days=working_days,
        promised_days=application.item.promised_limit,
    )
    db.session.add(decision)
    db.session.flush()
    counters.count_decision(decision)
    return decision
