"""An applicant deletes a draft or withdraws a filing the window has not yet decided."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.filing.models import Application, ApplicationEvent, Attachment, Status
from portal.filing.withdrawal import delete_draft, withdraw
from portal.window import operations as window
from portal.window.models import StaffMember
from tests.applying import file_an_application, start_application
from tests.factories import make_applicant, make_staff, pdf_bytes, sign_in_as, sign_in_staff, upload


def _application(app, public_id: str) -> Application:
    return db.session.scalar(select(Application).where(Application.public_id == public_id))


def test_a_draft_is_deleted_after_a_confirmation_and_leaves_no_rows(app, client):
    applicant_id, _ = make_applicant(app)
    sign_in_as(client, applicant_id)
    public_id = start_application(client)
    client.post(
        f"/applications/{public_id}/materials/M01",
        data=upload(pdf_bytes(), "申请书.pdf"),
        content_type="multipart/form-data",
    )
    mine = client.get("/applications").get_data(as_text=True)
    assert f"/applications/{public_id}/delete" in mine
    confirm = client.get(f"/applications/{public_id}/delete").get_data(as_text=True)
    assert "不能恢复" in confirm
    with app.app_context():
        draft_id = _application(app, public_id).id
    deleted = client.post(f"/applications/{public_id}/delete")
    assert deleted.headers["Location"].endswith("/applications")
    assert "的草稿。" in client.get("/applications").get_data(as_text=True)
    with app.app_context():
        assert _application(app, public_id) is None
        for model in (Attachment, ApplicationEvent):
            left = db.session.scalar(
                select(func.count()).select_from(model).where(model.application_id == draft_id)
            )
            assert left == 0, model
    assert client.get(f"/applications/{public_id}").status_code == 404


def test_a_submitted_application_cannot_be_deleted(app, client):
    applicant_id, _ = make_applicant(app)
    sign_in_as(client, applicant_id)
    public_id = file_an_application(client)
    assert client.post(f"/applications/{public_id}/delete").status_code == 302
    with app.app_context():
        assert _application(app, public_id).status == Status.SUBMITTED
    with app.app_context():
        application = _application(app, public_id)
        assert delete_draft(application) is False, "the conditional DELETE matches no draft"
        db.session.rollback()


def test_withdrawing_records_the_date_and_the_window_sees_it_withdrawn(app, client):
    applicant_id, _ = make_applicant(app)
    sign_in_as(client, applicant_id)
    public_id = file_an_application(client)
    progress = client.get(f"/applications/{public_id}").get_data(as_text=True)
    assert f"/applications/{public_id}/withdraw" in progress
    confirm = client.get(f"/applications/{public_id}/withdraw").get_data(as_text=True)
    assert "撤回不能取消" in confirm and "重新申请" in confirm
    assert client.post(f"/applications/{public_id}/withdraw").status_code == 302
    page = client.get(f"/applications/{public_id}").get_data(as_text=True)
    assert "已撤回" in page and "申请人撤回申请" in page
    assert re.search(r"撤回日期</dt><dd>\d{4}年\d{1,2}月\d{1,2}日</dd>", page)
    assert f"/applications/{public_id}/withdraw" not in page, "no second withdrawal"
    with app.app_context():
        application = _application(app, public_id)
        assert application.status == Status.WITHDRAWN
        event = application.events[-1]
        assert (event.kind, event.actor) == ("withdrawn", "applicant")
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", event.detail["on"])
        place = (application.window.code, application.center.slug)
    staff = app.test_client()
    sign_in_staff(staff, make_staff(app, windows=(place[0],), center=place[1])[0])
    queue = staff.get("/staff").get_data(as_text=True)
    # Still listed for a week, so the window learns of it, but as withdrawn and with no
    # deadline left to meet.
    row = queue[queue.index(f"/staff/cases/{public_id}") :].split("</tr>")[0]
    assert "申请人已撤回" in row and "<td>—</td>" in row
    console = staff.get(f"/staff/cases/{public_id}").get_data(as_text=True)
    assert "已撤回" in console
    assert 'name="decision"' not in console, "nothing left to decide"


def test_a_case_the_window_has_decided_cannot_be_withdrawn(app, client):
    applicant_id, _ = make_applicant(app)
    sign_in_as(client, applicant_id)
    public_id = file_an_application(client)
    with app.app_context():
        application = _application(app, public_id)
        application.status = Status.ACCEPTED
        db.session.commit()
    assert f"/applications/{public_id}/withdraw" not in client.get(
        f"/applications/{public_id}"
    ).get_data(as_text=True)
    client.post(f"/applications/{public_id}/withdraw")
    with app.app_context():
        assert _application(app, public_id).status == Status.ACCEPTED


def test_a_window_decision_after_the_withdrawal_loses(app, client):
    applicant_id, _ = make_applicant(app)
    sign_in_as(client, applicant_id)
    public_id = file_an_application(client)
    assert client.post(f"/applications/{public_id}/withdraw").status_code == 302
    with app.app_context():
        application = _application(app, public_id)
        place = (application.window.code, application.center.slug)
    staff_id = make_staff(app, windows=(place[0],), center=place[1])[0]
    with app.app_context():
        application = _application(app, public_id)
        member = db.session.get(StaffMember, staff_id)
        with pytest.raises(window.NotAllowed):
            window.accept(member, application, "材料齐全", app.extensions["calendar"])
        db.session.rollback()
        assert withdraw(_application(app, public_id)) is False, "withdrawn once"
        db.session.rollback()
        assert _application(app, public_id).status == Status.WITHDRAWN
