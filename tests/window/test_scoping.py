"""Each case belongs to the center and window it was filed at. Every staff route, walked
by every role of a foreign center (and an officer of another window of the same center),
answers 403 or 404 for that case and never shows it in a list; its own staff see it.

Company registration is offered at the city center's A01 window and at the Hengyang
County center's X01 window: the county officer's window offers the item, yet a city
filing is not theirs."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from portal.backoffice.models import OutboxMessage, OutboxStatus
from portal.extensions import db
from portal.filing.models import Application
from portal.filing.numbering import display_number
from portal.window.models import StaffMember
from tests.factories import make_applicant, make_staff, sign_in_as, sign_in_staff
from tests.filing.test_journey import CITY, COUNTY, filed

# How to reach a foreign case through each route parameter. A new staff route with a
# parameter not listed here fails the walk until it is taught how to aim at a case.
# ``staff_id`` (the administrator's pages) aims at a colleague who works on the case.
CASE_PARAMETERS = {"public_id", "attachment_id", "message_id", "notice_number", "staff_id"}
NOT_CASE_ROUTES = {"window.sign_in"}  # public: no case behind it


@dataclass
class Case:
    public_id: str
    number: str
    status: str
    attachment_id: str
    message_id: int | None
    notice_number: str | None
    staff_id: int | None = None  # an officer of the case's own center and window


@dataclass
class Center:
    awaiting: Case  # still in pre-review: decisions can be tried on it
    accepted: Case  # accepted, its delivery parked: notices and resends can be tried
    own: dict  # role → signed-in client of this center and window
    strangers: dict  # role/description → client that must not reach these cases


def _client_for(app, **staff):
    staff_id, *_ = make_staff(app, **staff)
    client = app.test_client()
    sign_in_staff(client, staff_id)
    return client


def _load(app, public_id: str) -> Case:
    with app.app_context():
        application = db.session.scalar(
            select(Application).where(Application.public_id == public_id)
        )
        message = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.application_id == application.id)
        )
        notices = getattr(application, "notices", [])
        return Case(
            public_id=public_id,
            number=application.number,
            status=application.status,
            attachment_id=application.attachments[0].public_id,
            message_id=message.id if message else None,
            notice_number=notices[0].number if notices else None,
        )


def _file(app, center) -> str:
    applicant_id, _ = make_applicant(app)
    client = app.test_client()
    sign_in_as(client, applicant_id)
    return filed(client, center)


@pytest.fixture(scope="module")
def centers(app) -> dict[str, Center]:
    staff = {
        "city": {"center": "city", "windows": ("A01",)},
        "county": {"center": "hengyang-county", "windows": ("X01",)},
    }
    own = {
        name: {
            role: _client_for(app, role=role, **place)
            if role in ("officer", "head")
            else _client_for(app, role=role, center=place["center"], windows=())
            for role in ("officer", "head", "supervisor", "supervision-head", "administrator")
        }
        for name, place in staff.items()
    }
    result = {}
    for name, center_names in (("city", CITY), ("county", COUNTY)):
        awaiting = _file(app, center_names)
        accepted = _file(app, center_names)
        response = own[name]["officer"].post(
            f"/staff/cases/{accepted}", data={"decision": "accept"}
        )
        assert response.status_code == 302
        with app.app_context():
            application = db.session.scalar(
                select(Application).where(Application.public_id == accepted)
            )
            for message in db.session.scalars(
                select(OutboxMessage).where(OutboxMessage.application_id == application.id)
            ):
                message.status, message.last_error = OutboxStatus.PARKED, "test: parked"
            db.session.commit()
        colleague, *_ = make_staff(app, **staff[name])
        cases = [_load(app, awaiting), _load(app, accepted)]
        for case in cases:
            case.staff_id = colleague
        result[name] = Center(*cases, own[name], {})
    result["city"].strangers = {
        **{f"county {role}": client for role, client in own["county"].items()},
        "city officer of window A07": _client_for(app, role="officer", windows=("A07",)),
        "city head of window A07": _client_for(app, role="head", windows=("A07",)),
    }
    result["county"].strangers = {f"city {role}": client for role, client in own["city"].items()}
    return result


def _staff_rules(app):
    return sorted(
        (
            rule
            for rule in app.url_map.iter_rules()
            if rule.endpoint.startswith("window.") and rule.endpoint not in NOT_CASE_ROUTES
        ),
        key=lambda rule: rule.rule,
    )


def _values(rule, case: Case) -> dict | None:
    values = {}
    for name in rule.arguments:
        value = getattr(case, name)
        if value is None:
            return None
        values[name] = value
    return values


def _mentions(page: str, case: Case) -> bool:
    return case.public_id in page or display_number(case.number) in page


@pytest.mark.parametrize("name", ["city", "county"])
def test_no_staff_route_reaches_a_case_of_another_center_or_window(app, centers, name):
    center = centers[name]
    leaks = []
    unknown = [
        (rule.rule, sorted(set(rule.arguments) - CASE_PARAMETERS))
        for rule in _staff_rules(app)
        if set(rule.arguments) - CASE_PARAMETERS
    ]
    assert not unknown, f"teach this walk how to aim these routes at a case: {unknown}"
    walked = 0
    for rule in _staff_rules(app):
        for method in sorted({"GET", "POST"} & rule.methods):
            if not rule.arguments and method == "POST":
                continue  # sign-out and the like: no case behind them
            for case in (center.awaiting, center.accepted):
                values = _values(rule, case)
                if values is None:
                    continue
                path = rule.build(values, append_unknown=False)[1]
                for who, client in center.strangers.items():
                    walked += 1
                    if method == "GET":
                        response = client.get(path)
                    else:
                        response = client.post(
                            path, data={"decision": "decline", "decline_reason": "不属本窗口"}
                        )
                    if rule.arguments:
                        if response.status_code not in (403, 404):
                            leaks.append((who, method, path, response.status_code))
                    elif _mentions(response.get_data(as_text=True), case):
                        leaks.append((who, method, path, "lists the case"))
    assert walked > 50
    assert not leaks, leaks
    # Nothing a stranger posted changed the cases or their deliveries.
    assert _load(app, center.awaiting.public_id).status == center.awaiting.status
    with app.app_context():
        message = db.session.get(OutboxMessage, center.accepted.message_id)
        assert message.status == OutboxStatus.PARKED
        colleague = db.session.get(StaffMember, center.awaiting.staff_id)
        assert colleague.active and not colleague.must_change_password


@pytest.mark.parametrize("name", ["city", "county"])
def test_the_cases_own_window_and_center_see_it(app, centers, name):
    center = centers[name]
    for role, client in center.own.items():
        page = client.get(f"/staff/cases/{center.awaiting.public_id}")
        assert page.status_code == 200, role
        assert "办理地点" in page.get_data(as_text=True)
    for role in ("officer", "head"):
        queue = center.own[role].get("/staff").get_data(as_text=True)
        assert center.awaiting.public_id in queue, role
    for role, client in center.own.items():  # the decided case is in its center's history
        history = client.get("/staff/history").get_data(as_text=True)
        assert center.accepted.public_id in history, role
    deliveries = center.own["administrator"].get("/staff/deliveries").get_data(as_text=True)
    assert display_number(center.accepted.number) in deliveries
    link = re.search(
        r'href="(/staff/cases/[0-9a-f]+/files/[0-9a-f]+)"', page.get_data(as_text=True)
    )
    with center.own["supervisor"].get(link.group(1)) as response:
        assert response.status_code == 200
