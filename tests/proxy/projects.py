"""Helpers for the permit plan and dashboard tests: an accepted project and its staff."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from portal.extensions import db
from portal.proxy.exchange_rates import Rate, RateTable
from portal.proxy.models import ProxyProject, ProxyRequest
from tests.factories import make_staff, sign_in_staff
from tests.proxy.journey import FixedRates, submitted_request

# Three items of 工程建设 that a building project needs in this order.
LAND = "430400-ZR-XK-0001"
PLANNING = "430400-ZR-XK-0003"
CONSTRUCTION = "430400-ZJ-XK-0001"


def fixed_rates(app) -> None:
    table = RateTable(15, {"USD": [Rate("USD", date(2026, 12, 1), Decimal("7.0785"))]})
    app.extensions["exchange_rates"] = FixedRates(table)


def staff_client(app, role="proxy-agent", center="city", name="孙代理员"):
    staff_id, *_ = make_staff(app, role=role, center=center, windows=(), name=name)
    client = app.test_client()
    sign_in_staff(client, staff_id)
    return staff_id, client


def accepted_project(app, agent_id: int, investor=None):
    """A request submitted by a new company (or ``investor``, a client) and accepted by a
    head with ``agent_id`` as agent; returns (project code, the investor's client)."""
    investor = investor or app.test_client()
    public_id = submitted_request(app, investor)
    _head_id, head = staff_client(app, role="proxy-head", name="钱负责")
    done = head.post(
        f"/staff/proxy/{public_id}/accept",
        data={"agent": str(agent_id), "department": "04", "project_type": "01"},
    )
    assert done.status_code == 302, done.get_data(as_text=True)[:2000]
    with app.app_context():
        code = db.session.scalar(
            select(ProxyProject.code).join(ProxyRequest).where(ProxyRequest.public_id == public_id)
        )
    return code, investor


def version_of(app, code: str) -> str:
    with app.app_context():
        return str(
            db.session.scalar(select(ProxyProject.plan_version).where(ProxyProject.code == code))
        )


def add(client, app, code: str, item: str):
    return client.post(
        f"/staff/proxy/projects/{code}/plan/add",
        data={"item": item, "version": version_of(app, code)},
    )


def permit_ids(app, code: str) -> dict[str, int]:
    with app.app_context():
        project = db.session.scalar(select(ProxyProject).where(ProxyProject.code == code))
        return {permit.item.code: permit.id for permit in project.permits}


def wait(client, app, code: str, permit: int, waits_for: list[int]):
    return client.post(
        f"/staff/proxy/projects/{code}/plan/{permit}/waits",
        data={"waits_for": [str(i) for i in waits_for], "version": version_of(app, code)},
    )
