"""The window console: staff sign in with a second factor, review filings at their windows,
and accept, ask for supplements once, or decline — each decision on the applicant's timeline,
in the audit trail, and (for acceptance) in the outbox in the same transaction."""

from __future__ import annotations

import io
import re
import time
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from portal.accounts import totp
from portal.backoffice.models import OutboxMessage
from portal.extensions import db
from portal.filing.models import Application, Status
from portal.window.models import StaffAction
from tests.factories import make_applicant, make_staff, sign_in_as, sign_in_staff
from tests.filing.test_journey import filed

COMPANY_WINDOW = "A01"  # the Market Regulation window, where company registration is handled


@pytest.fixture
def case(app):
    """A submitted company registration: (public id, the applicant's client)."""
    applicant_id, _ = make_applicant(app)
    client = app.test_client()
    sign_in_as(client, applicant_id)
    return filed(client), client


@pytest.fixture
def officer(app):
    staff_id, *_ = make_staff(app, windows=(COMPANY_WINDOW,))
    client = app.test_client()
    sign_in_staff(client, staff_id)
    return client


def _application(app, public_id: str) -> Application:
    with app.app_context():
        application = db.session.scalar(
            select(Application).where(Application.public_id == public_id)
        )
        db.session.expunge(application)
        return application


def test_staff_sign_in_needs_the_authenticator_code(app):
    _, username, password, secret = make_staff(app)
    client = app.test_client()
    wrong = client.post(
        "/staff/sign-in", data={"username": username, "password": password, "code": "000000"}
    )
    assert "动态验证码不正确" in wrong.get_data(as_text=True)
    right = client.post(
        "/staff/sign-in",
        data={
            "username": username,
            "password": password,
            "code": totp.code_at(secret, time.time()),
        },
    )
    assert right.headers["Location"] == "/staff"
    assert client.get("/staff").status_code == 200


def test_applicants_and_staff_keep_to_their_own_sides(app, case, officer):
    public_id, applicant = case
    assert "/staff/sign-in" in applicant.get("/staff").headers["Location"]
    assert "/account/sign-in" in officer.get(f"/applications/{public_id}").headers["Location"]


def test_the_queue_shows_this_windows_filings_by_deadline_with_lights(app, case, officer):
    public_id, _ = case
    page = officer.get("/staff").get_data(as_text=True)
    assert f"/staff/cases/{public_id}" in page
    assert re.search(r'class="light light-(green|yellow|red)"', page)
    other_id, *_ = make_staff(app, windows=("V01",), center="vehicle-plates", name="李娜")
    elsewhere = app.test_client()
    sign_in_staff(elsewhere, other_id)
    assert f"/staff/cases/{public_id}" not in elsewhere.get("/staff").get_data(as_text=True)
    assert elsewhere.get(f"/staff/cases/{public_id}").status_code == 404


def test_accepting_starts_the_clock_and_queues_the_case_for_the_back_office(app, case, officer):
    public_id, applicant = case
    response = officer.post(
        f"/staff/cases/{public_id}", data={"decision": "accept", "opinion": "材料齐全"}
    )
    assert response.status_code == 302
    application = _application(app, public_id)
    assert application.status == Status.ACCEPTED and application.decide_by is not None
    with app.app_context():
        [message] = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.application_id == application.id)
        ).all()
        assert message.status == "pending" and message.event == "case.accepted"
        actions = db.session.scalars(
            select(StaffAction.action).where(StaffAction.application_id == application.id)
        ).all()
        assert "accepted" in actions
    with officer.get(f"/staff/cases/{public_id}/notice.pdf") as pdf:
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "受理通知书" in text and application.number[2:10] in text.replace("-", "")
    assert "窗口受理" in applicant.get(f"/applications/{public_id}").get_data(as_text=True)
    with applicant.get(f"/applications/{public_id}/notice.pdf") as own_copy:
        assert own_copy.status_code == 200 and own_copy.data.startswith(b"%PDF")


def test_a_case_is_decided_once(app, case, officer):
    public_id, _ = case
    officer.post(f"/staff/cases/{public_id}", data={"decision": "accept"})
    again = officer.post(
        f"/staff/cases/{public_id}", data={"decision": "decline", "decline_reason": "x"}
    )
    assert again.status_code in (200, 400)
    assert _application(app, public_id).status == Status.ACCEPTED


def test_supplements_are_asked_once_with_reasons_and_the_applicant_sees_them(app, case, officer):
    public_id, applicant = case
    empty = officer.post(f"/staff/cases/{public_id}", data={"decision": "supplements"})
    assert empty.status_code == 400 and "至少给一份材料写明原因" in empty.get_data(as_text=True)
    hidden = officer.post(
        f"/staff/cases/{public_id}", data={"decision": "supplements", "reason-M02": "章程\x00未签"}
    )
    assert hidden.status_code == 400 and "控制字符" in hidden.get_data(as_text=True)
    assert _application(app, public_id).status != Status.SUPPLEMENTS_REQUESTED
    officer.post(
        f"/staff/cases/{public_id}",
        data={
            "decision": "supplements",
            "reason-M02": "章程未签字",
            "reason-M05": "租赁合同已过期",
        },
    )
    page = applicant.get(f"/applications/{public_id}/supplements").get_data(as_text=True)
    assert "章程未签字" in page and "租赁合同已过期" in page


def test_a_decline_gives_reasons_the_right_authority_and_the_remedies(app, case, officer):
    public_id, applicant = case
    without = officer.post(f"/staff/cases/{public_id}", data={"decision": "decline"})
    assert "必须写明理由" in without.get_data(as_text=True)
    officer.post(
        f"/staff/cases/{public_id}",
        data={
            "decision": "decline",
            "decline_reason": "经营范围含危险化学品，不属本机关受理范围",
            "right_authority": "衡阳市应急管理局",
        },
    )
    page = applicant.get(f"/applications/{public_id}").get_data(as_text=True)
    assert (
        "不属本机关受理范围" in page
        and "衡阳市应急管理局" in page
        and "行政复议" in page
        and "行政诉讼" in page
    )


def test_an_immediate_item_is_accepted_and_completed_in_one_step(app, officer):
    applicant_id, _ = make_applicant(app)
    client = app.test_client()
    sign_in_as(client, applicant_id)
    start = client.post("/items/430400-SC-DJ-0002/apply")  # individual business: an immediate item
    public_id = re.search(r"/applications/([0-9a-f]{32})/", start.headers["Location"]).group(1)
    with app.app_context():
        application = db.session.scalar(
            select(Application).where(Application.public_id == public_id)
        )
        from portal.filing import operations

        city_a01 = next(w for w in operations.places(application.item) if w.code == "A01")
        operations.choose_place(application, city_a01.id, 30)
        operations.submit(application, app.extensions["calendar"])
        db.session.commit()
    officer.post(f"/staff/cases/{public_id}", data={"decision": "accept"})
    assert _application(app, public_id).status == Status.COMPLETED


def test_a_filing_left_unanswered_for_5_working_days_is_deemed_accepted(app, case):
    public_id, applicant = case
    with app.app_context():
        application = db.session.scalar(
            select(Application).where(Application.public_id == public_id)
        )
        application.pre_review_by = application.pre_review_by - timedelta(days=30)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["window", "deem-accepted"])
    assert result.exit_code == 0 and "deemed accepted" in result.output
    application = _application(app, public_id)
    assert application.status == Status.ACCEPTED
    assert "依法视为受理" in applicant.get(f"/applications/{public_id}").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.application_id == application.id)
        )


def test_the_staff_create_command_prints_the_second_factor_once(app):
    result = app.test_cli_runner().invoke(
        args=[
            "staff",
            "create",
            "--username",
            "li.na",
            "--name",
            "李娜",
            "--role",
            "officer",
            "--center",
            "city",
            "--window",
            "A01",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "authenticator link: otpauth://totp/" in result.output
    bad = app.test_cli_runner().invoke(
        args=[
            "staff",
            "create",
            "--username",
            "x",
            "--name",
            "x",
            "--role",
            "officer",
            "--center",
            "city",
            "--window",
            "Z99",
        ]
    )
    assert bad.exit_code != 0 and "has no window Z99" in bad.output
    # The head of the efficiency supervision office: a center, no window.
    head = app.test_cli_runner().invoke(
        args=[
            "staff",
            "create",
            "--username",
            "zhou.jian",
            "--name",
            "周健",
            "--role",
            "supervision-head",
            "--center",
            "city",
        ]
    )
    assert head.exit_code == 0 and "(supervision-head) at city" in head.output, head.output


def test_an_officer_opens_a_material_and_the_audit_trail_says_so(app, case, officer):
    public_id, _ = case
    page = officer.get(f"/staff/cases/{public_id}").get_data(as_text=True)
    link = re.search(r'href="(/staff/cases/[0-9a-f]+/files/[0-9a-f]+)"', page).group(1)
    with officer.get(link) as response:
        assert response.status_code == 200 and response.data.startswith(b"%PDF")
    application = _application(app, public_id)
    with app.app_context():
        actions = db.session.scalars(
            select(StaffAction.action).where(StaffAction.application_id == application.id)
        ).all()
    assert "opened-material" in actions and "viewed-case" in actions


def test_the_console_is_linked_and_the_deliveries_page_is_for_the_roles_the_docs_name(app):
    from portal.config import PROJECT_ROOT

    home = app.test_client().get("/").get_data(as_text=True)
    footer = home.split('<footer class="site-footer">', 1)[1]
    # Signed out, straight to the console's sign-in (which then opens /staff); staff, /staff.
    assert 'href="/staff/sign-in"' in footer
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert "`/staff`" in readme and "/staff/history" in readme
    docs = (PROJECT_ROOT / "docs" / "backoffice.md").read_text(encoding="utf-8")
    assert "**Supervisors and administrators** see their center's parked" in docs
    for role, status in (
        ("officer", 403),
        ("head", 403),
        ("supervisor", 200),
        ("supervision-head", 200),
        ("administrator", 200),
    ):
        staff_id, *_ = make_staff(
            app, role=role, windows=("A01",) if role in ("officer", "head") else ()
        )
        client = app.test_client()
        sign_in_staff(client, staff_id)
        assert client.get("/staff/deliveries").status_code == status, role
        queue = client.get("/staff").get_data(as_text=True)
        assert ('href="/staff/deliveries"' in queue) == (status == 200), role
        assert 'href="/staff"' in queue.split('<footer class="site-footer">', 1)[1]


def test_the_decision_form_works_without_javascript_and_loads_it_as_a_file(app, case, officer):
    public_id, _ = case
    page = officer.get(f"/staff/cases/{public_id}").get_data(as_text=True)
    assert '<script src="/static/js/decision.js" defer></script>' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)  # no inline script (CSP)
    form = page.split('<form method="post" novalidate data-decision-form>', 1)[1]
    for group in ("accept", "supplements", "decline"):
        assert f'data-decision-fields="{group}"' in form
    # Without JavaScript nothing is hidden: every decision's fields are on the page.
    assert " hidden" not in form.split("</form>", 1)[0]
    for field in ('id="opinion"', 'id="reason-M01"', 'id="decline_reason"', 'id="right_authority"'):
        assert field in form
