"""The proxy window at the city center: its list of requests with their acceptance deadline,
and the two decisions, accept (opening the project with its code and assigning an agent)
or refuse with reasons.

Each decision is one conditional UPDATE from ``received``: of two decisions made at once,
exactly one wins and the other is told the request is already decided. Each is audited as a
``StaffAction`` and tells the investor through the outbox (after the commit).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from portal.clock import beijing
from portal.clock.calendar import CalendarUnknown, WorkingCalendar
from portal.clock.deadlines import Light, light
from portal.extensions import db
from portal.messaging.sending import tell_applicant
from portal.proxy import project_code
from portal.proxy.models import ProxyProject, ProxyRequest, RequestStatus
from portal.proxy.requests import is_public_id, message_context
from portal.supervision.events import step_changed
from portal.window.models import Role, StaffAction, StaffMember

RECENTLY_DECIDED = 50


class AlreadyDecided(Exception):
    """Someone decided this request first (or it was never this member's to decide)."""


class NoSuchAgent(Exception):
    """The agent chosen is not an active proxy-window member of this center (or is the
    project's agent already)."""


class NotYours(Exception):
    """Only the proxy window's head of the project's center reassigns its agent."""


class AgentChanged(Exception):
    """Someone reassigned the project's agent since this head read the page."""


@dataclass(frozen=True)
class Entry:
    request: ProxyRequest
    light: Light | None  # None once decided, or when the calendar lacks the year


def _at_center(member: StaffMember):
    return select(ProxyRequest).where(ProxyRequest.center_id == member.center_id)


def queue(member: StaffMember, calendar: WorkingCalendar, today: date) -> list[Entry]:
    """Waiting requests first, the nearest deadline first; then the latest decided ones."""
    waiting = db.session.scalars(
        _at_center(member)
        .where(ProxyRequest.status == RequestStatus.RECEIVED)
        .order_by(ProxyRequest.accept_by.is_(None), ProxyRequest.accept_by, ProxyRequest.id)
    ).all()
    decided = db.session.scalars(
        _at_center(member)
        .where(ProxyRequest.status != RequestStatus.RECEIVED)
        .order_by(ProxyRequest.decided_at.desc())
        .limit(RECENTLY_DECIDED)
    ).all()
    return [Entry(r, _light(calendar, r, today)) for r in waiting] + [
        Entry(r, None) for r in decided
    ]


def _light(calendar: WorkingCalendar, request: ProxyRequest, today: date) -> Light | None:
    if request.accept_by is None:
        return None
    try:
        return light(calendar, request.accept_by, today)
    except CalendarUnknown:
        return None


def find(member: StaffMember, public_id: str) -> ProxyRequest | None:
    """A request of this member's center; another center's is as if it did not exist."""
    if not is_public_id(public_id):
        return None
    return db.session.scalar(_at_center(member).where(ProxyRequest.public_id == public_id))


def agents(member: StaffMember) -> list[StaffMember]:
    """Who can be assigned: active proxy-window staff of the member's center."""
    return list(
        db.session.scalars(
            select(StaffMember)
            .where(
                StaffMember.center_id == member.center_id,
                StaffMember.role.in_(Role.PROXY),
                StaffMember.active.is_(True),
            )
            .order_by(StaffMember.name, StaffMember.id)
        )
    )


def _claim(member: StaffMember, request: ProxyRequest, status: str, **values) -> None:
    moment = beijing.now()
    won = db.session.execute(
        update(ProxyRequest)
        .where(
            ProxyRequest.id == request.id,
            ProxyRequest.center_id == member.center_id,
            ProxyRequest.status == RequestStatus.RECEIVED,
        )
        .values(status=status, decided_at=moment, decided_by_id=member.id, **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(request)
    if not won:
        raise AlreadyDecided(request.status)
    step_changed(request)  # its acceptance card is cleared at the commit


def _audit(member: StaffMember, action: str, **detail) -> None:
    db.session.add(
        StaffAction(staff=member, action=action, created_at=beijing.now(), detail=detail)
    )


def accept(
    member: StaffMember,
    request: ProxyRequest,
    agent_id: int,
    department: str,
    project_type: str,
) -> ProxyProject:
    """Accept, open the project with a new unique code, assign the agent, tell the investor."""
    agent = next((a for a in agents(member) if a.id == agent_id), None)
    if agent is None:
        raise NoSuchAgent(agent_id)
    _claim(member, request, RequestStatus.ACCEPTED)
    project = _open_project(request, agent, department, project_type)
    _audit(
        member,
        "proxy-accepted",
        proxy_request=request.number,
        project_code=project.code,
        agent=agent.id,
    )
    tell_applicant(
        request.applicant,
        "proxy-request-accepted",
        message_context(request) | {"code": project.code, "agent": agent.name},
    )
    return project


def _taken(code: str) -> bool:
    return db.session.scalar(select(ProxyProject.id).where(ProxyProject.code == code)) is not None


def _open_project(request, agent, department: str, project_type: str) -> ProxyProject:
    moment = beijing.now()
    for _attempt in range(3):
        code = project_code.generate(beijing.day_of(moment), department, project_type, taken=_taken)
        try:
            # A savepoint: a code another acceptance took in the same instant is retried,
            # the unique index being what finally decides.
            with db.session.begin_nested():
                project = ProxyProject(request=request, code=code, agent=agent, created_at=moment)
                db.session.add(project)
            return project
        except IntegrityError:
            continue
    raise RuntimeError("no free project code after 3 tries")


def refuse(member: StaffMember, request: ProxyRequest, reasons: str) -> None:
    _claim(member, request, RequestStatus.REFUSED, refusal_reasons=reasons)
    _audit(member, "proxy-refused", proxy_request=request.number)
    tell_applicant(
        request.applicant, "proxy-request-refused", message_context(request) | {"reasons": reasons}
    )


# Reassigning the agent and the agent's own projects ---------------------------------------


def reassign(member: StaffMember, project: ProxyProject, agent_id: int, seen_agent_id: int) -> None:
    """The proxy-window head gives the project another agent: one conditional UPDATE from the
    agent the head saw (two heads at once: the second is told it changed), audited, and the
    investor told the new agent's name. Raises NotYours, NoSuchAgent or AgentChanged."""
    if member.role != Role.PROXY_HEAD or project.request.center_id != member.center_id:
        raise NotYours(project.code)
    agent = next((a for a in agents(member) if a.id == agent_id), None)
    if agent is None or agent.id == seen_agent_id:
        raise NoSuchAgent(agent_id)
    won = db.session.execute(
        update(ProxyProject)
        .where(ProxyProject.id == project.id, ProxyProject.agent_id == seen_agent_id)
        .values(agent_id=agent.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(project)
    if not won:
        raise AgentChanged(project.code)
    _audit(
        member,
        "proxy-agent-changed",
        project_code=project.code,
        agent=agent.id,
        previous_agent=seen_agent_id,
    )
    tell_applicant(
        project.request.applicant,
        "proxy-agent-changed",
        message_context(project.request) | {"code": project.code, "agent": agent.name},
    )


def my_projects(member: StaffMember) -> list[ProxyProject]:
    """The projects this member is the agent of, at their center, the newest first."""
    return list(
        db.session.scalars(
            select(ProxyProject)
            .join(ProxyRequest)
            .where(
                ProxyProject.agent_id == member.id,
                ProxyRequest.center_id == member.center_id,
            )
            .order_by(ProxyProject.created_at.desc(), ProxyProject.id.desc())
        )
    )
