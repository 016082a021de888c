"""Parked hotline callbacks are shown to the administrators and the supervision office of
the complaint's center; an administrator sends one again once (a conditional update,
audited), and no one of another center sees or sends it."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select

from portal.complaints import hotline_callbacks, operations
from portal.complaints.hotline_models import HotlineCallback, HotlineWorkOrder
from portal.complaints.models import ComplaintStatus
from portal.extensions import db
from portal.window.models import StaffAction
from tests.complaints.test_api import CENTER
from tests.complaints.test_hotline import _complaint, add_source, send, work_order
from tests.factories import make_staff, sign_in_staff

PAGE = "/staff/hotline-callbacks"


def staff(app, role: str, center: str = CENTER):
    windows = ("V01",) if role in ("officer", "head") and center == CENTER else ()
    if role in ("officer", "head") and center != CENTER:
        windows = ("A01",)
    staff_id, *_ = make_staff(app, role=role, center=center, windows=windows)
    client = app.test_client()
    sign_in_staff(client, staff_id)
    return client, staff_id


def park_a_callback(app) -> tuple[str, str, int]:
    """A hotline complaint of the vehicle-plates center whose 'accepted' callback parked:
    the source has no callback URL. (source name, ticket, callback id)"""
    name = f"12345-{random.randrange(10**9)}"
    token = add_source(app, name)
    filed = send(app.test_client(), token, work_order()).get_json()
    with app.app_context():
        complaint = _complaint(app, filed["ticket"])
        operations.move(complaint, ComplaintStatus.ACCEPTED, "office")
        db.session.commit()
        hotline_callbacks.deliver_due_callbacks(batch=100)
        row = db.session.scalar(
            select(HotlineCallback)
            .join(HotlineWorkOrder)
            .where(HotlineWorkOrder.complaint_id == complaint.id)
        )
        assert row.status == "parked"
        return name, filed["ticket"], row.id


@pytest.fixture
def parked(app):
    return park_a_callback(app)


def _status(app, callback_id: int) -> tuple[str, int]:
    with app.app_context():
        row = db.session.get(HotlineCallback, callback_id)
        return row.status, row.attempts


def test_the_centers_administrators_and_office_see_it_and_no_one_else(app, parked):
    _, ticket, callback_id = parked
    for role in ("administrator", "supervisor", "supervision-head"):
        client, _ = staff(app, role)
        page = client.get(PAGE)
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and ticket in text, role
        assert ("重新发送" in text) == (role == "administrator"), role
        assert (f"/staff/complaints/{ticket.replace('-', '')}" in text) == (role != "administrator")
        # Never the complainant: not the name, not the mobile, whole or masked. (A bare "138"
        # could be part of a random work-order id.)
        for secret in ("王芳", "13812345678", "138 1234 5678", "138****5678"):
            assert secret not in text, (role, secret)
    for role in ("officer", "head"):
        assert staff(app, role)[0].get(PAGE).status_code == 403, role
    for role in ("administrator", "supervisor"):
        page = staff(app, role, center="city")[0].get(PAGE)
        assert page.status_code == 200 and ticket not in page.get_data(as_text=True), role
    for role in ("officer", "head", "supervisor", "supervision-head"):
        answer = staff(app, role)[0].post(f"{PAGE}/{callback_id}/resend")
        assert answer.status_code == 403, role
    assert (
        staff(app, "administrator", "city")[0].post(f"{PAGE}/{callback_id}/resend").status_code
        == 404
    )
    assert _status(app, callback_id)[0] == "parked"


def test_an_administrator_sends_it_again_once_and_it_is_audited(app, parked):
    callback_id = parked[2]
    admin, admin_id = staff(app, "administrator")
    answer = admin.post(f"{PAGE}/{callback_id}/resend")
    assert answer.status_code == 302 and answer.location.endswith(PAGE)
    assert _status(app, callback_id) == ("pending", 0)
    assert "已重新排队发送" in admin.get(PAGE).get_data(as_text=True)
    # Pressed again (or by a colleague at the same moment): it is no longer parked.
    admin.post(f"{PAGE}/{callback_id}/resend")
    assert "没有重新发送" in admin.get(PAGE).get_data(as_text=True)
    with app.app_context():
        actions = db.session.scalars(
            select(StaffAction).where(
                StaffAction.staff_id == admin_id, StaffAction.action == "resent-hotline-callback"
            )
        ).all()
        assert len(actions) == 1 and actions[0].detail["callback"] == callback_id
        assert actions[0].detail["event"] == "accepted"


def test_a_callback_of_a_revoked_source_is_not_sent_again(app, parked):
    name, ticket, callback_id = parked
    assert app.test_cli_runner().invoke(args=["hotline", "revoke", name]).exit_code == 0
    admin, _ = staff(app, "administrator")
    page = admin.get(PAGE).get_data(as_text=True)
    assert ticket in page and "已停用" in page
    admin.post(f"{PAGE}/{callback_id}/resend")
    assert _status(app, callback_id)[0] == "parked"


@pytest.mark.parametrize(
    ("language", "heading"),
    [("zh", "未送达 12345 热线的回告"), ("en", "Callbacks not delivered to the 12345 hotline")],
)
def test_the_page_is_in_the_readers_language(app, parked, language, heading):
    client, _ = staff(app, "supervisor")
    client.get(f"/language/{language}")
    assert heading in client.get(PAGE).get_data(as_text=True)
