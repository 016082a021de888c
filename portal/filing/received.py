"""The day a case's materials were received: where every Art. 32 clock starts.

One answer for every caller (the pre-review deadline at submission and resubmission, deemed
acceptance, efficiency supervision's findings): a case a county center forwarded was
received at the county, and its clock never restarts at the city window
(``portal/filing/forwarding.py``).
"""

from __future__ import annotations

import logging
from datetime import date

from portal.clock import beijing
from portal.clock.calendar import CalendarUnknown, WorkingCalendar
from portal.clock.deadlines import pre_review_deadline
from portal.filing.models import Application

log = logging.getLogger("portal.filing")


def received_on(application: Application) -> date | None:
    """The first receipt: the county window's day for a forwarded case, else the day of the
    online submission; None for a draft."""
    if application.forwarding is not None:
        return application.forwarding.received_at_county
    if application.submitted_at is None:
        return None
    return beijing.day_of(application.submitted_at)


def materials_received_on(application: Application) -> date | None:
    """The day the materials the window now reviews were received: the latest resubmission
    after supplements (the completed filing, Art. 32), else the first receipt."""
    resubmitted = [e.created_at for e in application.events if e.kind == "resubmitted"]
    first = received_on(application)
    if resubmitted:
        latest = beijing.day_of(resubmitted[-1])
        return latest if first is None or latest > first else first
    return first


def pre_review_by(application: Application, calendar: WorkingCalendar) -> date | None:
    """Art. 32's 5 working days from the materials' receipt; None (logged) when the calendar
    does not know the year: never a guess."""
    received = materials_received_on(application)
    if received is None:
        return None
    try:
        return pre_review_deadline(calendar, received)
    except CalendarUnknown as error:
        log.warning("pre-review deadline not computed: %s", error)
        return None
