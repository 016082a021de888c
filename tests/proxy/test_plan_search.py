"""Items outside the project's life events: a catalog search on the plan page offers current
online items not in the plan, and the agent adds one through the plan's conditional change."""

from __future__ import annotations

import pytest

from tests.proxy.projects import accepted_project, fixed_rates, permit_ids, staff_client, version_of

HYGIENE = "430400-WJ-XK-0001"  # 公共场所卫生许可: under 餐饮零售 and 医疗卫生, online
MINING = "430400-ZR-XK-0004"  # 采矿权转让审批: not applied for online


@pytest.fixture
def project(app):
    fixed_rates(app)
    agent_id, agent = staff_client(app)
    code, _ = accepted_project(app, agent_id)
    return code, agent


def test_the_plan_finds_an_item_outside_its_life_events_and_adds_it(app, project):
    code, agent = project
    plan_page = agent.get(f"/staff/proxy/projects/{code}/plan").get_data(as_text=True)
    assert f'action="/staff/proxy/projects/{code}/plan/search"' in plan_page
    assert f'value="{HYGIENE}"' not in plan_page  # not suggested by the life events
    found = agent.get(f"/staff/proxy/projects/{code}/plan/search?q=公共场所卫生许可")
    text = found.get_data(as_text=True)
    assert found.status_code == 200 and f'value="{HYGIENE}"' in text
    added = agent.post(
        f"/staff/proxy/projects/{code}/plan/add-found",
        data={"item": HYGIENE, "version": version_of(app, code), "q": "公共场所卫生许可"},
    )
    assert added.status_code == 302
    assert HYGIENE in permit_ids(app, code)
    # Once in the plan it is no longer offered.
    again = agent.get(f"/staff/proxy/projects/{code}/plan/search?q=公共场所卫生许可")
    assert f'value="{HYGIENE}"' not in again.get_data(as_text=True)


def test_an_item_not_applied_for_online_is_neither_offered_nor_added(app, project):
    code, agent = project
    found = agent.get(f"/staff/proxy/projects/{code}/plan/search?q=采矿权转让审批")
    assert f'value="{MINING}"' not in found.get_data(as_text=True)
    forced = agent.post(
        f"/staff/proxy/projects/{code}/plan/add-found",
        data={"item": MINING, "version": version_of(app, code)},
    )
    assert forced.status_code == 400 and "请选择要加入计划的事项。" in forced.get_data(as_text=True)
    assert permit_ids(app, code) == {}


def test_a_stale_page_and_other_staff_change_nothing(app, project):
    code, agent = project
    stale = agent.post(
        f"/staff/proxy/projects/{code}/plan/add-found",
        data={"item": HYGIENE, "version": str(int(version_of(app, code)) + 1)},
    )
    assert stale.status_code == 409
    _, colleague = staff_client(app, name="另一代理员")
    page = colleague.get(f"/staff/proxy/projects/{code}/plan/search?q=卫生许可")
    assert page.status_code == 200 and "只有本项目的代理员" in page.get_data(as_text=True)
    refused = colleague.post(
        f"/staff/proxy/projects/{code}/plan/add-found",
        data={"item": HYGIENE, "version": version_of(app, code)},
    )
    assert refused.status_code == 403
    too_long = agent.get(f"/staff/proxy/projects/{code}/plan/search?q={'许' * 101}")
    assert too_long.status_code == 400 and "搜索内容太长了" in too_long.get_data(as_text=True)
    assert permit_ids(app, code) == {}
