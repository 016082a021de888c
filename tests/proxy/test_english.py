"""The pages this step added, in English, leave no Chinese but what people typed (names,
the project, the agents)."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.proxy.models import ProxyProject, ProxyRequest
from portal.window.models import StaffMember
from tests.pages import assert_no_chinese_left
from tests.proxy.journey import submitted_request
from tests.proxy.projects import accepted_project, fixed_rates, staff_client

TYPED = [
    "孙代理员",
    "周代理员",
    "钱负责",
    "衡阳新能源电池生产基地项目",
    "衡阳示例投资有限公司",
    "李明",
    "选址未定。",
    # The request's own answers (tests/proxy/journey.py), typed by the investor.
    "德国",
    "先进制造",
    "用地、规划许可、施工许可、开办企业。",
    "委托书.pdf",
]


def test_the_new_pages_in_english(app):
    fixed_rates(app)
    agent_id, agent = staff_client(app)
    staff_client(app, name="周代理员")
    _, head = staff_client(app, role="proxy-head", name="钱负责")
    code, investor = accepted_project(app, agent_id)
    other = app.test_client()
    refused = submitted_request(app, other)  # another company's request
    for client in (agent, head, investor, other):
        client.get("/language/en")
    head.post(f"/staff/proxy/{refused}/refuse", data={"reasons": "选址未定。"})
    head.get(f"/staff/proxy/{refused}")  # the flash of the refusal, read
    with app.app_context():
        name = db.session.scalar(
            select(ProxyRequest.project_name).join(ProxyProject).where(ProxyProject.code == code)
        )
        # Staff of other tests share the database: their names are typed too.
        staff = list(db.session.scalars(select(StaffMember.name)))
    typed = [*TYPED, name, *staff]
    pages = [
        (agent, "/staff/proxy/mine"),
        (agent, f"/staff/proxy/projects/{code}/plan/search?q=hygiene"),
        (head, f"/staff/proxy/projects/{code}/agent"),
        (other, f"/proxy/requests/{refused}"),
    ]
    investor.post(f"/proxy/projects/{code}/tokens", data={"name": "site"})
    for client, path in pages:
        page = client.get(path)
        assert page.status_code == 200, path
        assert_no_chinese_left(page, path, typed=typed)
    made = investor.post(f"/proxy/projects/{code}/tokens", data={"name": "office"})
    assert "Read tokens" in made.get_data(as_text=True)
    assert_no_chinese_left(made, "a token made", typed=typed)
