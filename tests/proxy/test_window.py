"""The proxy window: its list with the acceptance deadline (2 working days, across the 2026
National Day holidays), accepting (project code, agent) and refusing, exactly one of two
decisions winning, the audit trail and the investor's messages, and who may see what."""

from __future__ import annotations

import io
import re
import threading
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.clock.calendar import load_calendar
from portal.config import PROJECT_ROOT
from portal.extensions import db
from portal.messaging.models import SentMessage
from portal.proxy import project_code, requests
from portal.proxy import window as proxy_window
from portal.proxy.exchange_rates import Rate, RateTable
from portal.proxy.models import ProxyProject, ProxyRequest
from portal.window.models import Role, StaffAction, StaffMember
from tests.factories import make_staff, pdf_bytes, sign_in_staff
from tests.proxy.journey import FixedRates, submitted_request
from tests.proxy.projects import LAND, accepted_project, add, permit_ids

CALENDAR = load_calendar(Path(PROJECT_ROOT / "guides" / "holidays"))


@pytest.fixture
def rates(app, monkeypatch):
    table = RateTable(15, {"USD": [Rate("USD", date(2026, 12, 1), Decimal("7.0785"))]})
    monkeypatch.setitem(app.extensions, "exchange_rates", FixedRates(table))


def _staff(app, role="proxy-head", center="city", name="赵代理"):
    staff_id, *_ = make_staff(app, role=role, center=center, windows=(), name=name)
    client = app.test_client()
    sign_in_staff(client, staff_id)
    return staff_id, client


def _load(app, public_id) -> ProxyRequest:
    with app.app_context():
        request = db.session.scalar(select(ProxyRequest).where(ProxyRequest.public_id == public_id))
        db.session.expunge(request)
        return request


@pytest.mark.parametrize(
    ("received", "deadline"),
    [
        (date(2026, 9, 29), date(2026, 10, 8)),  # the 30th, then the first day after the holidays
        (date(2026, 9, 30), date(2026, 10, 9)),  # the eve: the 1st-7th are holidays
        (date(2026, 10, 3), date(2026, 10, 9)),  # received during the holidays
        (date(2026, 10, 9), date(2026, 10, 12)),  # Saturday the 10th is a make-up working day
    ],
)
def test_the_acceptance_deadline_counts_working_days_across_national_day(received, deadline):
    assert requests.accept_deadline(CALENDAR, received, 2) == deadline


def test_the_number_of_working_days_is_configurable():
    assert requests.accept_deadline(CALENDAR, date(2026, 9, 30), 3) == date(2026, 10, 10)


def test_a_year_the_calendar_does_not_know_has_no_deadline_rather_than_a_guess():
    assert requests.accept_deadline(CALENDAR, date(2099, 12, 30), 2) is None


def test_the_proxy_roles_can_be_created_with_flask_staff_create(app):
    assert {Role.PROXY_AGENT, Role.PROXY_HEAD} <= set(Role.ALL)
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "staff",
            "create",
            "--username",
            "proxyhead1",
            "--name",
            "钱负责",
            "--role",
            "proxy-head",
            "--center",
            "city",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "created proxyhead1 (proxy-head) at city" in result.output


def test_the_proxy_window_finds_its_list_from_the_console_it_lands_on(app):
    for role in ("proxy-head", "proxy-agent"):
        _, client = _staff(app, role=role, name=f"代理{role}")
        assert 'href="/staff/proxy"' in client.get("/staff").get_data(as_text=True), role
    _, officer = _staff(app, role="supervisor", name="监察")
    assert 'href="/staff/proxy"' not in officer.get("/staff").get_data(as_text=True)


def test_the_list_shows_the_deadline_as_a_date_with_its_light(app, rates):
    public_id = submitted_request(app)
    _, head = _staff(app)
    page = head.get("/staff/proxy")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    request = _load(app, public_id)
    assert requests.display_number(request.number) in text
    assert f"{request.accept_by.year}年{request.accept_by.month}月{request.accept_by.day}日" in text
    assert 'class="light light-' in text


def test_the_window_light_turns_red_after_the_deadline(app, rates):
    public_id = submitted_request(app)
    staff_id, _ = _staff(app)
    request = _load(app, public_id)
    with app.app_context():
        member = db.session.get(StaffMember, staff_id)
        late = proxy_window.queue(member, CALENDAR, date(2027, 1, 30))
        entry = next(e for e in late if e.request.public_id == public_id)
        assert entry.light == "red"
        ontime = proxy_window.queue(member, CALENDAR, request.received_at.date())
        assert next(e for e in ontime if e.request.public_id == public_id).light != "red"


def test_accepting_opens_the_project_assigns_the_agent_audits_and_tells(app, rates):
    public_id = submitted_request(app)
    agent_id, _ = _staff(app, role="proxy-agent", name="孙代理员")
    head_id, head = _staff(app)
    page = head.get(f"/staff/proxy/{public_id}")
    assert page.status_code == 200 and "孙代理员" in page.get_data(as_text=True)
    with head.get(f"/staff/proxy/{public_id}/files/letter") as letter:
        assert letter.status_code == 200 and letter.data.startswith(b"%PDF")
    data = {"agent": str(agent_id), "department": "04", "project_type": "01"}
    done = head.post(f"/staff/proxy/{public_id}/accept", data=data)
    assert done.status_code == 302
    with app.app_context():
        request = db.session.scalar(select(ProxyRequest).where(ProxyRequest.public_id == public_id))
        assert request.status == "accepted" and request.decided_by_id == head_id
        project = request.project
        assert project.agent_id == agent_id and project_code.is_valid(project.code)
        assert project.code[5:18] == "430400-04-01-"
        action = db.session.scalar(
            select(StaffAction)
            .where(StaffAction.action == "proxy-accepted")
            .order_by(StaffAction.id.desc())
        )
        assert action.staff_id == head_id and action.detail["project_code"] == project.code
        kinds = db.session.scalars(
            select(SentMessage.kind)
            .where(SentMessage.applicant_id == request.applicant_id)
            .order_by(SentMessage.id)
        ).all()
        assert kinds == ["proxy-request-received", "proxy-request-accepted"]
    # The investor's own page shows the agent and the code.
    investor = app.test_client()
    from tests.factories import sign_in_as

    sign_in_as(investor, _load(app, public_id).applicant_id)
    text = investor.get(f"/proxy/requests/{public_id}").get_data(as_text=True)
    assert "孙代理员" in text and project.code in text and "已受理" in text
    # A second decision on a decided request is refused and changes nothing.
    again = head.post(f"/staff/proxy/{public_id}/refuse", data={"reasons": "重复"})
    assert again.status_code == 409
    assert _load(app, public_id).status == "accepted"


def test_refusing_needs_reasons_and_tells_the_investor_them(app, rates):
    public_id = submitted_request(app)
    _, agent = _staff(app, role="proxy-agent")
    empty = agent.post(f"/staff/proxy/{public_id}/refuse", data={"reasons": ""})
    assert empty.status_code == 400 and "请写明不予受理的理由。" in empty.get_data(as_text=True)
    done = agent.post(f"/staff/proxy/{public_id}/refuse", data={"reasons": "项目尚未确定选址。"})
    assert done.status_code == 302
    request = _load(app, public_id)
    assert request.status == "refused" and request.refusal_reasons == "项目尚未确定选址。"
    with app.app_context():
        sent = db.session.scalars(
            select(SentMessage)
            .where(SentMessage.applicant_id == request.applicant_id)
            .order_by(SentMessage.id)
        ).all()
        assert sent[-1].kind == "proxy-request-refused" and "项目尚未确定选址。" in sent[-1].body
        assert (
            db.session.scalar(select(ProxyProject).where(ProxyProject.request_id == request.id))
            is None
        )


def test_acceptance_validates_the_agent_and_the_codes(app, rates):
    public_id = submitted_request(app)
    _, head = _staff(app)
    other_center_agent, _ = _staff(app, role="proxy-agent", center="hengyang-county")
    officer, *_ = make_staff(app)
    for data in (
        {"agent": str(other_center_agent), "department": "04", "project_type": "01"},
        {"agent": str(officer), "department": "04", "project_type": "01"},
        {"agent": "", "department": "00", "project_type": "1"},
    ):
        page = head.post(f"/staff/proxy/{public_id}/accept", data=data)
        assert page.status_code == 400, data
    assert _load(app, public_id).status == "received"


def test_of_two_decisions_at_once_exactly_one_wins(app, rates, backend):
    if backend != "postgresql":
        pytest.skip("two connections deciding at once need a server database")
    public_id = submitted_request(app)
    agent_id, _ = _staff(app, role="proxy-agent")
    head_id, _ = _staff(app)
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(kind):
        with app.app_context():
            member = db.session.get(StaffMember, head_id)
            request = db.session.scalar(
                select(ProxyRequest).where(ProxyRequest.public_id == public_id)
            )
            barrier.wait()
            try:
                if kind == "accept":
                    proxy_window.accept(member, request, agent_id, "04", "01")
                else:
                    proxy_window.refuse(member, request, "同时")
                db.session.commit()
                outcomes.append(kind)
            except proxy_window.AlreadyDecided:
                db.session.rollback()
                outcomes.append("lost")

    threads = [threading.Thread(target=decide, args=(k,)) for k in ("accept", "refuse")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes).count("lost") == 1, outcomes
    request = _load(app, public_id)
    winner = next(o for o in outcomes if o != "lost")
    assert request.status == {"accept": "accepted", "refuse": "refused"}[winner]
    with app.app_context():
        actions = db.session.scalars(
            select(StaffAction).where(StaffAction.action.in_(("proxy-accepted", "proxy-refused")))
        ).all()
        mine = [a.action for a in actions if a.detail["proxy_request"] == request.number]
        assert mine == ["proxy-accepted" if winner == "accept" else "proxy-refused"]


def test_other_centers_and_other_roles_cannot_reach_a_request(app, rates):
    public_id = submitted_request(app)
    strangers = {
        "county proxy head": _staff(app, center="hengyang-county")[1],
        "county proxy agent": _staff(app, role="proxy-agent", center="hengyang-county")[1],
    }
    for role in ("officer", "head", "supervisor", "administrator"):
        windows = ("A01",) if role in ("officer", "head") else ()
        staff_id, *_ = make_staff(app, role=role, windows=windows)
        client = app.test_client()
        sign_in_staff(client, staff_id)
        strangers[f"city {role}"] = client
    number = requests.display_number(_load(app, public_id).number)
    leaks = []
    # A city project with a permit in its plan, for the plan's and the dashboard's routes.
    agent_id, agent = _staff(app, role="proxy-agent", name="孙代理员")
    code, _investor = accepted_project(app, agent_id)
    assert add(agent, app, code, LAND).status_code == 302
    values = {"public_id": public_id, "slot": "letter", "code": code}
    values["permit_id"] = permit_ids(app, code)[LAND]
    # A document of the project, for the routes of the project's documents.
    uploaded = agent.post(
        f"/staff/proxy/projects/{code}/documents",
        data={"file": (io.BytesIO(pdf_bytes()), "执照.pdf")},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 302
    plan_page = agent.get(f"/staff/proxy/projects/{code}/plan").get_data(as_text=True)
    values["document_id"] = re.search(r"/documents/([0-9a-f]{32})", plan_page).group(1)
    values["material_code"] = "M01"
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("proxy_window.")]
    assert len(rules) >= 5
    for rule in rules:
        path = rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]
        for who, client in strangers.items():
            for method in sorted({"GET", "POST"} & rule.methods):
                response = (
                    client.get(path)
                    if method == "GET"
                    else client.post(path, data={"reasons": "不属本中心", "agent": "1"})
                )
                if rule.arguments and response.status_code not in (403, 404):
                    leaks.append((who, method, path, response.status_code))
                if not rule.arguments and (
                    response.status_code == 200 and number in response.get_data(as_text=True)
                ):
                    leaks.append((who, method, path, "lists it"))
                if who.startswith("city") and response.status_code != 403:
                    leaks.append((who, method, path, f"{response.status_code}, not 403"))
    assert not leaks, leaks
    assert _load(app, public_id).status == "received"
    applicant = app.test_client()
    assert applicant.get("/staff/proxy").status_code == 302  # to the staff sign-in


def test_the_window_pages_in_english(app, rates):
    public_id = submitted_request(app)
    _, head = _staff(app)
    head.get("/language/en")
    page = head.get(f"/staff/proxy/{public_id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Accept and assign an agent" in text and "Acceptance deadline" in text
