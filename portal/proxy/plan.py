"""The permit plan of a proxy project: the service items the agent carries for the investor,
suggested from the project's life events, and which permit waits for which.

Who may change it: the project's agent and the proxy window's head, of the project's center
(anyone else of the proxy window reads it; another center's project is not found). Every
change is one conditional UPDATE of the project's ``plan_version`` from the version the agent
read, so two changes made at once cannot both pass the cycle check: the second is told the
plan changed and sees the new one. Every change is audited as a ``StaffAction``.
"""

from __future__ import annotations

import heapq
from graphlib import CycleError, TopologicalSorter

from sqlalchemy import select, update

from portal.catalog.models import LifeEvent, ServiceItem
from portal.clock import beijing
from portal.extensions import db
from portal.filing import assisted
from portal.filing.models import Application, Status
from portal.filing.numbering import normalize_number
from portal.proxy import project_code
from portal.proxy.models import ProxyPermit, ProxyProject, ProxyRequest
from portal.window.models import Role, StaffAction, StaffMember

# 工程建设 for what the project builds, 开办企业 for the business it opens. A local investor's
# qualifying rule is about the business it opens (source §五), so that comes first.
LIFE_EVENTS = {"local_cny_8m": ("start-business", "construction")}
DEFAULT_LIFE_EVENTS = ("construction", "start-business")


class PlanChanged(Exception):
    """Someone changed the plan since this agent read it (nothing of this change was kept)."""


class NotYours(Exception):
    """Only the project's agent or the proxy window's head changes a plan."""


class WouldCycle(Exception):
    """The permits would wait for each other in a ring; ``ring`` lists it, in order."""

    def __init__(self, ring: list[ProxyPermit]):
        super().__init__([p.id for p in ring])
        self.ring = ring


class NotLinkable(Exception):
    """No submitted case of the investor for this permit's item has that number, or it is
    linked to a permit already."""


class NotReady(Exception):
    """The permit waits for others not yet granted (``waiting``), or is filed already, or its
    item cannot be filed online."""

    def __init__(self, waiting: list[ProxyPermit]):
        super().__init__([p.id for p in waiting])
        self.waiting = waiting


class StillNeeded(Exception):
    """Other permits wait for this one, or it has been filed: it cannot leave the plan."""


def find(member: StaffMember, code: str) -> ProxyProject | None:
    """A project of this member's center by its code; another center's does not exist."""
    if not project_code.is_valid(code):
        return None
    return db.session.scalar(
        select(ProxyProject)
        .join(ProxyRequest)
        .where(ProxyProject.code == code, ProxyRequest.center_id == member.center_id)
    )


def find_for_investor(applicant_id: int, code: str) -> ProxyProject | None:
    if not project_code.is_valid(code):
        return None
    return db.session.scalar(
        select(ProxyProject)
        .join(ProxyRequest)
        .where(ProxyProject.code == code, ProxyRequest.applicant_id == applicant_id)
    )


def may_change(member: StaffMember, project: ProxyProject) -> bool:
    return member.id == project.agent_id or member.role == Role.PROXY_HEAD


def life_events(project: ProxyProject) -> list[LifeEvent]:
    slugs = LIFE_EVENTS.get(project.request.rule, DEFAULT_LIFE_EVENTS)
    found = {
        event.slug: event
        for event in db.session.scalars(
            select(LifeEvent).where(LifeEvent.slug.in_(slugs), LifeEvent.retired_at.is_(None))
        )
    }
    return [found[slug] for slug in slugs if slug in found]


def suggestions(project: ProxyProject) -> list[tuple[LifeEvent, list[ServiceItem]]]:
    """Each life event with its current items the plan does not hold yet (an item under two
    events is suggested under the first only)."""
    held = {permit.item_id for permit in project.permits}
    result = []
    for event in life_events(project):
        items = [i for i in event.items if i.retired_at is None and i.id not in held]
        held |= {i.id for i in items}
        if items:
            result.append((event, items))
    return result


def ordered(project: ProxyProject) -> list[ProxyPermit]:
    """The permits, each after every permit it waits for, otherwise in the order added (of
    the permits free to come next, the earliest added comes first)."""
    by_id = {permit.id: permit for permit in project.permits}
    waiting = {p.id: {w for w in p.waits_for if w in by_id} for p in by_id.values()}
    ready = [i for i, needs in waiting.items() if not needs]
    heapq.heapify(ready)
    order: list[ProxyPermit] = []
    while ready:
        done = heapq.heappop(ready)
        order.append(by_id[done])
        for other, needs in waiting.items():
            if done in needs:
                needs.discard(done)
                if not needs:
                    heapq.heappush(ready, other)
    return order


def _check(member: StaffMember, project: ProxyProject, version: int) -> None:
    """Before anything is judged: whose plan, and is it still the one the agent read."""
    if not may_change(member, project):
        raise NotYours(project.code)
    if project.plan_version != version:
        raise PlanChanged(project.code)


def _claim(project: ProxyProject, version: int) -> None:
    """After the change was judged on the plan as read: it stands only if nobody changed the
    plan meanwhile (a concurrent change makes this UPDATE match no row)."""
    won = db.session.execute(
        update(ProxyProject)
        .where(ProxyProject.id == project.id, ProxyProject.plan_version == version)
        .values(plan_version=version + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(project)
    if not won:
        raise PlanChanged(project.code)


def audit(member: StaffMember, action: str, project: ProxyProject, **detail) -> None:
    db.session.add(
        StaffAction(
            staff=member,
            action=action,
            created_at=beijing.now(),
            detail={"project_code": project.code} | detail,
        )
    )


def add(member: StaffMember, project: ProxyProject, version: int, item: ServiceItem) -> ProxyPermit:
    _check(member, project, version)
    if any(permit.item_id == item.id for permit in project.permits):
        raise PlanChanged(project.code)
    _claim(project, version)
    permit = ProxyPermit(
        project=project, item=item, waits_for=[], added_at=beijing.now(), added_by_id=member.id
    )
    db.session.add(permit)
    db.session.flush()
    audit(member, "proxy-plan-added", project, item=item.code)
    return permit


def _ring(project: ProxyProject, graph: dict[int, list[int]]) -> list[ProxyPermit] | None:
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as error:
        by_id = {permit.id: permit for permit in project.permits}
        # graphlib gives the ring with its first node repeated at the end.
        return [by_id[i] for i in error.args[1][:-1]]
    return None


def set_waits_for(
    member: StaffMember, project: ProxyProject, version: int, permit: ProxyPermit, waits: list[int]
) -> None:
    """What ``permit`` waits for, from the permits of the same project; a ring is refused."""
    _check(member, project, version)
    others = {p.id for p in project.permits if p.id != permit.id}
    waits = sorted(set(waits) & others)
    graph = {p.id: list(p.waits_for) for p in project.permits}
    graph[permit.id] = waits
    ring = _ring(project, graph)
    if ring:
        raise WouldCycle(ring)
    _claim(project, version)
    db.session.execute(
        update(ProxyPermit)
        .where(ProxyPermit.id == permit.id, ProxyPermit.project_id == project.id)
        .values(waits_for=waits)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(permit)
    audit(member, "proxy-plan-ordered", project, item=permit.item.code, waits_for=waits)


def remove(member: StaffMember, project: ProxyProject, version: int, permit: ProxyPermit) -> None:
    _check(member, project, version)
    if permit.application_id is not None or any(permit.id in p.waits_for for p in project.permits):
        raise StillNeeded(permit.id)
    _claim(project, version)
    code = permit.item.code
    db.session.delete(permit)
    db.session.flush()
    db.session.refresh(project)
    audit(member, "proxy-plan-removed", project, item=code)


def permit_of(project: ProxyProject, permit_id: int) -> ProxyPermit | None:
    return next((p for p in project.permits if p.id == permit_id), None)


def item_to_add(project: ProxyProject, code: str) -> ServiceItem | None:
    """Only a suggested item (current, of the project's life events, not yet in the plan)."""
    return next(
        (item for _event, items in suggestions(project) for item in items if item.code == code),
        None,
    )


def link(
    member: StaffMember, project: ProxyProject, version: int, permit: ProxyPermit, number: str
) -> Application:
    """Link the case filed for this permit: the investor is its applicant of record, the
    permit records the agent who filed it (the "filed by the proxy window" marker)."""
    _check(member, project, version)
    application = db.session.scalar(
        select(Application).where(
            Application.number == normalize_number(number),
            Application.applicant_id == project.request.applicant_id,
            Application.item_id == permit.item_id,
            Application.status != Status.DRAFT,
        )
    )
    taken = application is not None and db.session.scalar(
        select(ProxyPermit.id).where(ProxyPermit.application_id == application.id)
    )
    if application is None or taken or permit.application_id is not None:
        raise NotLinkable(number)
    _claim(project, version)
    db.session.execute(
        update(ProxyPermit)
        .where(ProxyPermit.id == permit.id, ProxyPermit.application_id.is_(None))
        .values(application_id=application.id, filed_by_id=member.id)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(permit)
    audit(
        member, "proxy-plan-filed", project, item=permit.item.code, application=application.number
    )
    return application


def permit_of_application(application_id: int) -> ProxyPermit | None:
    """The permit a case was filed for, if the proxy window filed it (for the case pages)."""
    return db.session.scalar(
        select(ProxyPermit).where(ProxyPermit.application_id == application_id)
    )


def proxy_agents(application_ids: list[int]) -> dict[int, str]:
    """The agent who filed each of these cases through the proxy window (only those it
    filed), in one query: the list of an applicant's cases asked once per case."""
    if not application_ids:
        return {}
    rows = db.session.execute(
        select(ProxyPermit.application_id, StaffMember.name)
        .join(StaffMember, StaffMember.id == ProxyPermit.filed_by_id)
        .where(ProxyPermit.application_id.in_(application_ids))
    )
    return dict(rows.all())


# A permit others wait for counts as done once granted: a refusal does not unblock them.
GRANTED = frozenset({Status.APPROVED, Status.COMPLETED})


def waiting_on(project: ProxyProject, permit: ProxyPermit) -> list[ProxyPermit]:
    """The permits this one waits for that are not yet approved or completed."""
    by_id = {p.id: p for p in project.permits}
    return [
        by_id[i]
        for i in permit.waits_for
        if i in by_id
        and (by_id[i].application is None or by_id[i].application.status not in GRANTED)
    ]


def may_file(project: ProxyProject, permit: ProxyPermit) -> bool:
    return (
        permit.application_id is None
        and permit.item.online
        and permit.item.retired_at is None
        and not waiting_on(project, permit)
    )


def letter_of_authorisation(project: ProxyProject) -> assisted.AuthorityDocument:
    """The investor's signed letter from the proxy request: the agent's authority (Art. 29)."""
    letter = project.request.letter
    return assisted.AuthorityDocument(
        kind=assisted.LETTER_OF_AUTHORISATION,
        storage_key=letter["key"],
        display_name=letter["name"],
        content_type=letter["content_type"],
        size=letter["size"],
        sha256=letter["sha256"],
        scan_status=letter["scan"],
    )


def file(
    member: StaffMember, project: ProxyProject, version: int, permit: ProxyPermit, keep_days: int
) -> Application:
    """Start the assisted draft of this permit for the investor (the applicant of record),
    with the letter of authorisation attached, and link it to the permit; audited."""
    _check(member, project, version)
    if not may_file(project, permit):
        raise NotReady(waiting_on(project, permit))
    _claim(project, version)
    application = assisted.start_assisted_application(
        member,
        project.request.applicant,
        permit.item,
        keep_days,
        authority=letter_of_authorisation(project),
    )
    won = db.session.execute(
        update(ProxyPermit)
        .where(ProxyPermit.id == permit.id, ProxyPermit.application_id.is_(None))
        .values(application_id=application.id, filed_by_id=member.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not won:
        raise PlanChanged(project.code)
    db.session.refresh(permit)
    audit(
        member,
        "proxy-plan-filing",
        project,
        item=permit.item.code,
        application=application.public_id,
    )
    return application
