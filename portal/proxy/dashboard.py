"""The project dashboard the investor and the agent both read: every permit of the plan with
its status (from its application once filed), the next step, its deadline as a date, who it
waits on, which unfinished permits block it, and the project's elapsed working days.

Plain Python over the rows: the pages and ``GET /api/v1/proxy/projects/{code}`` present the
same :class:`Dashboard`. Deadlines are the case's own dates (set by portal.clock.deadlines
when the window received and accepted it); nothing is recomputed or guessed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from portal.clock import beijing
from portal.clock.calendar import CalendarUnknown, WorkingCalendar
from portal.filing.models import Application, Status
from portal.proxy import plan
from portal.proxy.models import ProxyPermit, ProxyProject


class WaitsOn:
    PROXY_WINDOW = "proxy-window"  # the agent files it
    INVESTOR = "investor"  # supplements the window asked for
    WINDOW = "window"  # the window's pre-review (Art. 32)
    BACK_OFFICE = "back-office"  # the decision (Art. 42)
    NOBODY = "nobody"  # finished


class Step:
    WAIT_FOR_OTHERS = "wait-for-others"
    FILE = "file"
    PRE_REVIEW = "pre-review"
    SUPPLEMENT = "supplement"
    DECIDE = "decide"
    NONE = "none"


# A permit others wait for counts as finished once granted: a refusal does not unblock them.
FINISHED = frozenset({Status.APPROVED, Status.COMPLETED})
PRE_REVIEW = frozenset({Status.SUBMITTED, Status.RESUBMITTED})
DECIDING = frozenset({Status.ACCEPTED, Status.FORWARDED, Status.IN_REVIEW, Status.SUSPENDED})


@dataclass(frozen=True)
class PermitRow:
    permit: ProxyPermit
    application: Application | None
    status: str  # "not-filed" or the application's status
    step: str
    waits_on: str
    deadline: date | None
    blocked_by: list[ProxyPermit]


@dataclass(frozen=True)
class Dashboard:
    project: ProxyProject
    rows: list[PermitRow]
    accepted_on: date
    # None when the holiday calendar does not know a year of the span (never guessed).
    elapsed_working_days: int | None


def _finished(permit: ProxyPermit) -> bool:
    application = permit.application
    return application is not None and application.status in FINISHED


def _row(permit: ProxyPermit, by_id: dict[int, ProxyPermit]) -> PermitRow:
    blocked_by = [by_id[i] for i in permit.waits_for if i in by_id and not _finished(by_id[i])]
    application = permit.application
    if application is None or application.status == Status.DRAFT:
        status = "not-filed" if application is None else Status.DRAFT
        step = Step.WAIT_FOR_OTHERS if blocked_by else Step.FILE
        return PermitRow(permit, application, status, step, WaitsOn.PROXY_WINDOW, None, blocked_by)
    current = application.status
    if current in PRE_REVIEW:
        step, who, deadline = Step.PRE_REVIEW, WaitsOn.WINDOW, application.pre_review_by
    elif current == Status.SUPPLEMENTS_REQUESTED:
        step, who, deadline = Step.SUPPLEMENT, WaitsOn.INVESTOR, None
    elif current in DECIDING:
        step, who, deadline = Step.DECIDE, WaitsOn.BACK_OFFICE, application.decide_by
    else:
        step, who, deadline = Step.NONE, WaitsOn.NOBODY, None
    return PermitRow(permit, application, current, step, who, deadline, blocked_by)


def build(project: ProxyProject, calendar: WorkingCalendar, today: date) -> Dashboard:
    by_id = {permit.id: permit for permit in project.permits}
    accepted_on = beijing.day_of(project.created_at)
    try:
        elapsed = calendar.working_days_between(accepted_on, today)
    except CalendarUnknown:
        elapsed = None
    return Dashboard(
        project=project,
        rows=[_row(permit, by_id) for permit in plan.ordered(project)],
        accepted_on=accepted_on,
        elapsed_working_days=elapsed,
    )
