"""The investor rates the proxy service once it has ended (issue 11, 好差评), as a case is
rated (portal/ratings/rating.py): five levels, reasons for the bottom two, optional words,
once, and a bad rating followed up by the supervision office of the request's center.

The service has ENDED when the proxy window refused the request, or when it accepted it and
every permit of the project's plan has a case that went as far as it goes: approved,
completed, refused, declined or withdrawn (the dashboard's "nothing next"). A project with no
permit in its plan, or one permit not filed or still under way, has not ended.
"""

from __future__ import annotations

from portal.clock.calendar import WorkingCalendar
from portal.filing.models import Status
from portal.proxy.models import ProxyRequest, RequestStatus
from portal.ratings import rating
from portal.ratings.models import Rating, Subject

PERMIT_ENDED = frozenset(
    {Status.APPROVED, Status.COMPLETED, Status.REFUSED, Status.DECLINED, Status.WITHDRAWN}
)
COLUMN = rating.SUBJECT_COLUMNS[Subject.PROXY]


def ended(request: ProxyRequest) -> bool:
    if request.status == RequestStatus.REFUSED:
        return True
    project = request.project
    if request.status != RequestStatus.ACCEPTED or project is None or not project.permits:
        return False
    return all(
        permit.application is not None and permit.application.status in PERMIT_ENDED
        for permit in project.permits
    )


def rating_of(request: ProxyRequest) -> Rating | None:
    return rating.rating_for(COLUMN, request.id)


def may_rate(request: ProxyRequest) -> bool:
    return ended(request) and rating_of(request) is None


def rate(
    request: ProxyRequest,
    level: str,
    codes: tuple[str, ...],
    words: str | None,
    calendar: WorkingCalendar,
    call_back_days: int,
) -> Rating:
    """The investor's one rating of the service; rating.NotNow if it has not ended or is
    rated already."""
    if not ended(request):
        raise rating.NotNow(request.public_id)
    return rating.record(
        Subject.PROXY,
        COLUMN,
        request.id,
        rater_id=request.applicant_id,
        center_id=request.center_id,
        level=level,
        codes=codes,
        words=words,
        calendar=calendar,
        call_back_days=call_back_days,
    )
