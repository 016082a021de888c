"""The permit plan: suggestions from the project's life events, ordering with cycles refused,
conditional updates, the audit trail, who may see and change it; the dashboard's figures on
three permits where one waits for another; and the dashboard as JSON."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import select

from portal.catalog.models import ServiceItem
from portal.clock import beijing
from portal.clock.calendar import load_calendar
from portal.config import PROJECT_ROOT
from portal.extensions import db
from portal.filing.models import Application, Status
from portal.proxy import dashboard
from portal.proxy.models import ProxyPermit, ProxyProject
from portal.window.models import StaffAction
from tests.factories import make_applicant, make_staff, sign_in_as, sign_in_staff
from tests.proxy.projects import (
    CONSTRUCTION,
    LAND,
    PLANNING,
    accepted_project,
    add,
    fixed_rates,
    permit_ids,
    staff_client,
    version_of,
    wait,
)

CALENDAR = load_calendar(PROJECT_ROOT / "guides" / "holidays")


@pytest.fixture
def project(app):
    """(code, the agent's client, the agent's id, the investor's client)"""
    fixed_rates(app)
    agent_id, agent = staff_client(app)
    code, investor = accepted_project(app, agent_id)
    return code, agent, agent_id, investor


def _planned(app, project):
    code, agent, *_ = project
    for item in (LAND, PLANNING, CONSTRUCTION):
        assert add(agent, app, code, item).status_code == 302, item
    return permit_ids(app, code)


def test_the_plan_suggests_the_items_of_the_projects_life_events(app, project):
    code, agent, *_ = project
    page = agent.get(f"/staff/proxy/projects/{code}/plan")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for item in (LAND, PLANNING, CONSTRUCTION):
        assert f'value="{item}"' in text, item
    assert "工程建设" in text and "开办企业" in text
    assert add(agent, app, code, LAND).status_code == 302
    text = agent.get(f"/staff/proxy/projects/{code}/plan").get_data(as_text=True)
    assert f'value="{LAND}"' not in text and "建设项目用地预审与选址意见书核发" in text


def test_only_a_suggested_item_can_be_added(app, project):
    code, agent, *_ = project
    with app.app_context():
        outside = db.session.scalar(
            select(ServiceItem.code).where(~ServiceItem.life_events.any()).limit(1)
        )
    page = add(agent, app, code, outside)
    assert page.status_code == 400 and "请选择要加入计划的事项。" in page.get_data(as_text=True)
    assert permit_ids(app, code) == {}


def test_ordering_puts_a_permit_after_what_it_waits_for_and_is_audited(app, project):
    code, agent, agent_id, _ = project
    ids = _planned(app, project)
    assert wait(agent, app, code, ids[LAND], [ids[PLANNING]]).status_code == 302
    assert wait(agent, app, code, ids[LAND], []).status_code == 302
    assert wait(agent, app, code, ids[CONSTRUCTION], [ids[PLANNING]]).status_code == 302
    assert wait(agent, app, code, ids[PLANNING], [ids[LAND]]).status_code == 302
    with app.app_context():
        project_row = db.session.scalar(select(ProxyProject).where(ProxyProject.code == code))
        from portal.proxy import plan

        order = [p.item.code for p in plan.ordered(project_row)]
        assert order == [LAND, PLANNING, CONSTRUCTION]
        actions = db.session.scalars(
            select(StaffAction.action).where(StaffAction.staff_id == agent_id)
        ).all()
        assert actions.count("proxy-plan-added") == 3
        assert actions.count("proxy-plan-ordered") == 4
        assert project_row.plan_version == 7


def test_a_cycle_is_refused_with_the_ring_named_and_nothing_changes(app, project):
    code, agent, *_ = project
    ids = _planned(app, project)
    assert wait(agent, app, code, ids[PLANNING], [ids[LAND]]).status_code == 302
    assert wait(agent, app, code, ids[CONSTRUCTION], [ids[PLANNING]]).status_code == 302
    before = version_of(app, code)
    page = wait(agent, app, code, ids[LAND], [ids[CONSTRUCTION]])
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert "互相等待" in text and "建筑工程施工许可证核发" in text
    assert version_of(app, code) == before
    with app.app_context():
        assert db.session.get(ProxyPermit, ids[LAND]).waits_for == []
    # Waiting for itself is no ring: a permit's own id is not one of its choices.
    assert wait(agent, app, code, ids[LAND], [ids[LAND]]).status_code == 302
    with app.app_context():
        assert db.session.get(ProxyPermit, ids[LAND]).waits_for == []


def test_a_change_from_a_stale_page_is_refused(app, project):
    code, agent, *_ = project
    ids = _planned(app, project)
    stale = str(int(version_of(app, code)) - 1)
    page = agent.post(
        f"/staff/proxy/projects/{code}/plan/{ids[PLANNING]}/waits",
        data={"waits_for": [str(ids[LAND])], "version": stale},
    )
    assert page.status_code == 409 and "计划已经被别人修改" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ProxyPermit, ids[PLANNING]).waits_for == []


def test_a_permit_others_wait_for_cannot_leave_the_plan(app, project):
    code, agent, *_ = project
    ids = _planned(app, project)
    assert wait(agent, app, code, ids[PLANNING], [ids[LAND]]).status_code == 302
    data = {"version": version_of(app, code)}
    refused = agent.post(f"/staff/proxy/projects/{code}/plan/{ids[LAND]}/remove", data=data)
    assert refused.status_code == 409
    data = {"version": version_of(app, code)}
    done = agent.post(f"/staff/proxy/projects/{code}/plan/{ids[CONSTRUCTION]}/remove", data=data)
    assert done.status_code == 302
    assert set(permit_ids(app, code)) == {LAND, PLANNING}


def test_who_may_see_and_change_the_plan(app, project):
    code, _agent, _agent_id, investor = project
    ids = _planned(app, project)
    plan_url = f"/staff/proxy/projects/{code}/plan"
    # Another agent of the proxy window reads the plan but cannot change it.
    _, colleague = staff_client(app, name="周代理员")
    assert colleague.get(plan_url).status_code == 200
    assert add(colleague, app, code, "430400-ZJ-XK-0002").status_code == 403
    assert wait(colleague, app, code, ids[PLANNING], [ids[LAND]]).status_code == 403
    # The head may change it.
    _, head = staff_client(app, role="proxy-head", name="吴负责")
    assert wait(head, app, code, ids[PLANNING], [ids[LAND]]).status_code == 302
    # Another center's proxy staff: not found. Other roles: forbidden.
    _, elsewhere = staff_client(app, role="proxy-head", center="hengyang-county", name="郑")
    assert elsewhere.get(plan_url).status_code == 404
    assert elsewhere.get(f"/staff/proxy/projects/{code}").status_code == 404
    assert add(elsewhere, app, code, "430400-ZJ-XK-0002").status_code == 404
    officer_id, *_ = make_staff(app)
    officer = app.test_client()
    sign_in_staff(officer, officer_id)
    assert officer.get(plan_url).status_code == 403
    assert officer.get(f"/staff/proxy/projects/{code}").status_code == 403
    # The investor sees the dashboard; another investor does not find it, on page or API.
    assert investor.get(f"/proxy/projects/{code}").status_code == 200
    stranger = app.test_client()
    sign_in_as(stranger, make_applicant(app, name="陈某", mobile="13700000000")[0])
    assert stranger.get(f"/proxy/projects/{code}").status_code == 404
    assert stranger.get(f"/api/v1/proxy/projects/{code}").status_code == 404
    assert app.test_client().get(f"/api/v1/proxy/projects/{code}").status_code == 401
    assert investor.get("/proxy/projects/not-a-code").status_code == 404


def _application(app, project_code: str, item_code: str, status: str, **dates) -> str:
    """A case of the investor for the item, as the filing engine leaves it at ``status``."""
    with app.app_context():
        project_row = db.session.scalar(
            select(ProxyProject).where(ProxyProject.code == project_code)
        )
        item = db.session.scalar(select(ServiceItem).where(ServiceItem.code == item_code))
        now = beijing.now()
        number = f"HY20261201{uuid.uuid4().int % 100000:05d}X"
        db.session.add(
            Application(
                public_id=uuid.uuid4().hex,
                applicant_id=project_row.request.applicant_id,
                item_id=item.id,
                status=status,
                answers={},
                number=number,
                created_at=now,
                updated_at=now,
                expires_at=now,
                submitted_at=now,
                **dates,
            )
        )
        db.session.commit()
        return number


def test_the_dashboard_figures_for_three_permits_one_waiting(app, project):
    code, agent, agent_id, investor = project
    ids = _planned(app, project)
    assert wait(agent, app, code, ids[PLANNING], [ids[LAND]]).status_code == 302
    # The land permit was filed and accepted at the window; the construction permit's case
    # is with the window for pre-review; the planning permit waits for the land permit.
    land = _application(
        app,
        code,
        LAND,
        Status.ACCEPTED,
        accepted_on=date(2026, 12, 2),
        decide_by=date(2026, 12, 11),
    )
    construction = _application(
        app, code, CONSTRUCTION, Status.SUBMITTED, pre_review_by=date(2026, 12, 8)
    )
    for item, number in ((LAND, land), (CONSTRUCTION, construction)):
        page = agent.post(
            f"/staff/proxy/projects/{code}/plan/{ids[item]}/link",
            data={"number": number, "version": version_of(app, code)},
        )
        assert page.status_code == 302, page.get_data(as_text=True)[:2000]
    with app.app_context():
        project_row = db.session.scalar(select(ProxyProject).where(ProxyProject.code == code))
        accepted = beijing.day_of(project_row.created_at)
        board = dashboard.build(project_row, CALENDAR, date(2026, 12, 10))
        rows = {row.permit.item.code: row for row in board.rows}
        assert [row.permit.item.code for row in board.rows] == [LAND, PLANNING, CONSTRUCTION]
        assert (rows[LAND].status, rows[LAND].step, rows[LAND].waits_on) == (
            "accepted",
            "decide",
            "back-office",
        )
        assert rows[LAND].deadline == date(2026, 12, 11)
        assert rows[LAND].permit.filed_by_id == agent_id
        assert (rows[PLANNING].status, rows[PLANNING].step) == ("not-filed", "wait-for-others")
        assert [p.item.code for p in rows[PLANNING].blocked_by] == [LAND]
        assert (rows[CONSTRUCTION].step, rows[CONSTRUCTION].waits_on) == ("pre-review", "window")
        assert rows[CONSTRUCTION].deadline == date(2026, 12, 8)
        assert board.elapsed_working_days == CALENDAR.working_days_between(
            accepted, date(2026, 12, 10)
        )
        # Once the land permit is granted, the planning permit is the agent's to file.
        db.session.scalar(
            select(Application).where(Application.number == land)
        ).status = Status.APPROVED
        db.session.commit()
        board = dashboard.build(project_row, CALENDAR, date(2026, 12, 10))
        planning = next(r for r in board.rows if r.permit.item.code == PLANNING)
        assert (planning.step, planning.blocked_by) == ("file", [])
    # The investor and the agent see the same page, with the deadline as a date.
    for client in (investor, agent):
        url = f"/proxy/projects/{code}" if client is investor else f"/staff/proxy/projects/{code}"
        text = client.get(url).get_data(as_text=True)
        assert "2026年12月8日" in text and "建设工程规划许可证核发" in text
        assert "代理窗口递交，代理员 孙代理员" in text
    # The investor's own case page says who filed it.
    with app.app_context():
        public_id = db.session.scalar(
            select(Application.public_id).where(Application.number == land)
        )
    progress = investor.get(f"/applications/{public_id}")
    assert progress.status_code == 200
    assert "代理窗口递交，代理员 孙代理员" in progress.get_data(as_text=True)
    # The same as JSON.
    body = investor.get(f"/api/v1/proxy/projects/{code}").get_json()
    assert body["code"] == code and body["agent"] == "孙代理员"
    permits = {p["item"]["code"]: p for p in body["permits"]}
    assert permits[CONSTRUCTION]["deadline"] == "2026-12-08"
    assert permits[CONSTRUCTION]["waits_on"] == "window"
    assert permits[LAND]["application"] == {"number": land, "filed_by_agent": "孙代理员"}
    assert permits[PLANNING]["waits_for"] == [ids[LAND]] and permits[PLANNING]["blocked_by"] == []
    assert isinstance(body["elapsed_working_days"], int)


def test_a_case_of_another_item_or_applicant_cannot_be_linked(app, project):
    code, agent, *_ = project
    ids = _planned(app, project)
    number = _application(app, code, LAND, Status.SUBMITTED)
    page = agent.post(
        f"/staff/proxy/projects/{code}/plan/{ids[PLANNING]}/link",
        data={"number": number, "version": version_of(app, code)},
    )
    assert page.status_code == 400 and "没有找到投资方名下" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ProxyPermit, ids[PLANNING]).application_id is None


def test_the_dashboard_is_in_the_openapi_document(app):
    document = app.test_client().get("/api/openapi.json").get_json()
    operation = document["paths"]["/api/v1/proxy/projects/{code}"]["get"]
    assert set(operation["responses"]) >= {"200", "401", "404"}
    schema = document["components"]["schemas"]["ProxyProject"]
    assert "permits" in schema["required"]


def test_the_elapsed_days_are_none_when_the_calendar_lacks_the_year(app, project):
    code, *_ = project
    with app.app_context():
        project_row = db.session.scalar(select(ProxyProject).where(ProxyProject.code == code))
        board = dashboard.build(project_row, CALENDAR, date(2099, 1, 5))
        assert board.elapsed_working_days is None


def test_the_windows_case_page_says_the_proxy_window_filed_it(app, project):
    from portal.catalog.models import Window

    code, agent, *_ = project
    ids = _planned(app, project)
    with app.app_context():
        item = db.session.scalar(select(ServiceItem).where(ServiceItem.code == LAND))
        window = db.session.scalar(select(Window).where(Window.items.contains(item)))
        window_id, window_code, center_id = window.id, window.code, window.center_id
    number = _application(app, code, LAND, Status.SUBMITTED)
    with app.app_context():
        application = db.session.scalar(select(Application).where(Application.number == number))
        application.window_id, application.center_id = window_id, center_id
        public_id = application.public_id
        db.session.commit()
    page = agent.post(
        f"/staff/proxy/projects/{code}/plan/{ids[LAND]}/link",
        data={"number": number, "version": version_of(app, code)},
    )
    assert page.status_code == 302
    officer_id, *_ = make_staff(app, windows=(window_code,), name="窗口员")
    officer = app.test_client()
    sign_in_staff(officer, officer_id)
    case = officer.get(f"/staff/cases/{public_id}")
    assert case.status_code == 200
    assert "代理窗口递交，代理员 孙代理员" in case.get_data(as_text=True)


def test_of_two_orderings_that_together_make_a_ring_exactly_one_wins(app, project, backend):
    """Each is fine alone (land waits for planning; planning waits for land): read at the same
    version, the second's conditional UPDATE matches no row, so no ring is ever stored."""
    if backend != "postgresql":
        pytest.skip("two connections changing at once need a server database")
    import threading

    from portal.proxy import plan
    from portal.window.models import StaffMember

    code, _agent, agent_id, _ = project
    ids = _planned(app, project)
    barrier = threading.Barrier(2)
    outcomes = []

    def order(permit, waits_for):
        with app.app_context():
            member = db.session.get(StaffMember, agent_id)
            row = db.session.scalar(select(ProxyProject).where(ProxyProject.code == code))
            version = row.plan_version
            barrier.wait()
            try:
                plan.set_waits_for(
                    member, row, version, plan.permit_of(row, ids[permit]), [ids[waits_for]]
                )
                db.session.commit()
                outcomes.append("won")
            except plan.PlanChanged:
                db.session.rollback()
                outcomes.append("lost")

    threads = [
        threading.Thread(target=order, args=(LAND, PLANNING)),
        threading.Thread(target=order, args=(PLANNING, LAND)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["lost", "won"], outcomes
    with app.app_context():
        stored = [db.session.get(ProxyPermit, ids[i]).waits_for for i in (LAND, PLANNING)]
        assert sorted(stored, key=len) in ([[], [ids[LAND]]], [[], [ids[PLANNING]]])


def test_a_form_not_sent_by_the_page_is_told_to_reload(app, project):
    code, agent, *_ = project
    ids = _planned(app, project)
    for path, data in (
        (f"plan/{ids[LAND]}/waits", {"waits_for": ["x"], "version": version_of(app, code)}),
        (f"plan/{ids[LAND]}/waits", {"version": "x"}),
        ("plan/add", {"item": LAND, "version": ""}),
        (f"plan/{ids[LAND]}/link", {"number": "HY1", "version": "-1"}),
        (f"plan/{ids[LAND]}/remove", {"version": "9" * 12}),
    ):
        page = agent.post(f"/staff/proxy/projects/{code}/{path}", data=data)
        assert page.status_code == 400, path
        assert "请刷新页面后重试。" in page.get_data(as_text=True), (path, data)
