"""Reassigning a project's agent (the proxy-window head only, conditional, audited, the
investor told the new agent's name) and each agent's own projects."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.messaging.models import SentMessage
from portal.proxy.models import ProxyProject
from portal.window.models import StaffAction
from tests.factories import make_staff
from tests.proxy.projects import accepted_project, fixed_rates, staff_client


@pytest.fixture
def project(app):
    fixed_rates(app)
    first_id, first = staff_client(app, name="孙代理员")
    second_id, second = staff_client(app, name="周代理员")
    head_id, head = staff_client(app, role="proxy-head", name="钱负责")
    code, _investor = accepted_project(app, first_id)
    return code, (first_id, first), (second_id, second), (head_id, head)


def _project(app, code: str) -> ProxyProject:
    with app.app_context():
        found = db.session.scalar(select(ProxyProject).where(ProxyProject.code == code))
        db.session.expunge(found)
        return found


def test_the_head_reassigns_the_agent_audited_and_the_investor_is_told(app, project):
    code, (first_id, _first), (second_id, _second), (head_id, head) = project
    page = head.get(f"/staff/proxy/projects/{code}/agent")
    assert page.status_code == 200 and "周代理员" in page.get_data(as_text=True)
    done = head.post(
        f"/staff/proxy/projects/{code}/agent", data={"agent": str(second_id), "seen": str(first_id)}
    )
    assert done.status_code == 302
    found = _project(app, code)
    assert found.agent_id == second_id
    with app.app_context():
        action = db.session.scalar(
            select(StaffAction).where(StaffAction.action == "proxy-agent-changed")
        )
        assert action.staff_id == head_id
        assert action.detail == {
            "project_code": code,
            "agent": second_id,
            "previous_agent": first_id,
        }
        told = db.session.scalars(
            select(SentMessage)
            .where(SentMessage.kind == "proxy-agent-changed")
            .order_by(SentMessage.id)
        ).all()
        assert told and all("周代理员" in m.body and code in m.body for m in told)
    # A head whose page still showed the first agent changes nothing: it changed meanwhile.
    third_id, _third = staff_client(app, name="吴代理员")
    stale = head.post(
        f"/staff/proxy/projects/{code}/agent", data={"agent": str(third_id), "seen": str(first_id)}
    )
    assert stale.status_code == 409 and "代理员刚刚已被别人更换" in stale.get_data(as_text=True)
    assert _project(app, code).agent_id == second_id


def test_only_the_head_reassigns_and_only_to_a_proxy_member_of_the_center(app, project):
    code, (first_id, first), (second_id, _), (_head_id, head) = project
    # The agent themselves: 403, nothing changed.
    assert first.get(f"/staff/proxy/projects/{code}/agent").status_code == 403
    refused = first.post(
        f"/staff/proxy/projects/{code}/agent", data={"agent": str(second_id), "seen": str(first_id)}
    )
    assert refused.status_code == 403
    # Another center's head does not find the project.
    _, far_head = staff_client(app, role="proxy-head", center="hengnan", name="远负责")
    assert far_head.get(f"/staff/proxy/projects/{code}/agent").status_code == 404
    # A window officer of the center, and nobody chosen: a message at the field.
    officer_id, *_ = make_staff(app, name="窗口员")
    wrong = head.post(
        f"/staff/proxy/projects/{code}/agent",
        data={"agent": str(officer_id), "seen": str(first_id)},
    )
    assert wrong.status_code == 400 and "请选择新的代理员。" in wrong.get_data(as_text=True)
    empty = head.post(f"/staff/proxy/projects/{code}/agent", data={"seen": str(first_id)})
    assert empty.status_code == 400 and 'href="#agent"' in empty.get_data(as_text=True)
    assert _project(app, code).agent_id == first_id


def test_an_agent_sees_their_own_projects(app, project):
    code, (_first_id, first), (_second_id, second), _ = project
    mine = first.get("/staff/proxy/mine").get_data(as_text=True)
    assert code in mine and "许可计划（0 项）" in mine
    theirs = second.get("/staff/proxy/mine").get_data(as_text=True)
    assert code not in theirs
    assert 'href="/staff/proxy/mine"' in first.get("/staff/proxy").get_data(as_text=True)
