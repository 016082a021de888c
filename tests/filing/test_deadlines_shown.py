"""Deadlines that add up, shown as dates: the decision deadline runs from acceptance to
the decision only, an extension shows its new date, the steps of a short item end by its
decision deadline, and a refusal and a certificate say what a person needs to know."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.filing.models import Application
from portal.i18n import long_date
from tests.backoffice.test_inbound import _report, accepted, token  # noqa: F401
from tests.factories import make_applicant, make_staff, sign_in_as, sign_in_staff
from tests.filing.test_journey import filed


def _application(app, public_id: str) -> Application:
    with app.app_context():
        application = db.session.scalar(
            select(Application).where(Application.public_id == public_id)
        )
        db.session.expunge(application)
        return application


def _date(app, day) -> str:
    with app.test_request_context():
        return long_date(day)


def _applicant_page(app, public_id: str) -> str:
    client = app.test_client()
    sign_in_as(client, _application(app, public_id).applicant_id)
    return client.get(f"/applications/{public_id}").get_data(as_text=True)


def _officer(app):
    staff_id, *_ = make_staff(app, windows=("A01",))
    client = app.test_client()
    sign_in_staff(client, staff_id)
    return client


def test_the_decision_deadline_exists_only_from_acceptance(app):
    applicant_id, _ = make_applicant(app)
    applicant = app.test_client()
    sign_in_as(applicant, applicant_id)
    waiting, declined, taken = filed(applicant), filed(applicant), filed(applicant)
    assert _application(app, waiting).decide_by is None
    assert "决定截止" not in applicant.get(f"/applications/{waiting}").get_data(as_text=True)
    officer = _officer(app)
    officer.post(f"/staff/cases/{declined}", data={"decision": "decline", "decline_reason": "x"})
    assert _application(app, declined).decide_by is None
    assert "决定截止" not in applicant.get(f"/applications/{declined}").get_data(as_text=True)
    officer.post(f"/staff/cases/{taken}", data={"decision": "accept"})
    case = _application(app, taken)
    promised = app.extensions["calendar"].add_working_days(case.accepted_on, 1)
    assert case.decide_by == promised  # company registration: 1 working day from acceptance
    assert _date(app, promised) in applicant.get(f"/applications/{taken}").get_data(as_text=True)


def test_site_inspection_and_sign_off_end_by_the_decision_deadline_of_a_one_day_item(
    app,
    accepted,  # noqa: F811
):
    public_id, _ = accepted
    decide_by = _application(app, public_id).decide_by
    page = _officer(app).get(f"/staff/cases/{public_id}").get_data(as_text=True)
    shown = _date(app, decide_by)
    inspection = page.split("现场检查、勘验截止")[1].split("</dd>")[0]
    sign_off = page.split("部门负责人签发截止")[1].split("</dd>")[0]
    assert shown in inspection and shown in sign_off


def test_an_extension_shows_the_new_decision_date_while_in_review(
    app,
    client,
    token,  # noqa: F811
    accepted,  # noqa: F811
):
    public_id, number = accepted
    before = _application(app, public_id).decide_by
    _report(client, number, token, type="in-review")
    page = _applicant_page(app, public_id)
    assert "审查中" in page and _date(app, before) in page
    _report(
        client,
        number,
        token,
        type="extended",
        extension={"days": 10, "approver": "局长 王强", "reason": "需要征求规划部门意见"},
    )
    after = _application(app, public_id).decide_by
    assert after > before
    facts = _applicant_page(app, public_id).split("决定截止")[1].split("</dd>")[0]
    assert _date(app, after) in facts


def test_a_refusal_gives_its_reasons_and_the_remedies(
    app,
    client,
    token,  # noqa: F811
    accepted,  # noqa: F811
):
    public_id, number = accepted
    _report(client, number, token, type="refused", reasons="选址不符合国土空间规划")
    page = _applicant_page(app, public_id)
    note = page.split("不予许可的理由")[1]
    assert "选址不符合国土空间规划" in note
    assert "60 日内" in note and "行政复议" in note and "6 个月内" in note and "行政诉讼" in note
    assert "决定截止" not in page


def test_a_certificate_report_shows_the_certificate_number(
    app,
    client,
    token,  # noqa: F811
    accepted,  # noqa: F811
):
    public_id, number = accepted
    _report(client, number, token, type="approved")
    _report(
        client, number, token, type="certificate-issued", certificate_number="91430400MA4L7X2Q3K"
    )
    assert "91430400MA4L7X2Q3K" in _applicant_page(app, public_id)


def test_a_suspension_shows_the_moved_decision_date_and_says_it_may_move_again(
    app,
    client,
    token,  # noqa: F811
    accepted,  # noqa: F811
):
    public_id, number = accepted
    before = _application(app, public_id).decide_by
    _report(client, number, token, type="in-review")
    suspended = _report(
        client, number, token, type="suspended", procedure="expert_review", expected_working_days=5
    )
    assert suspended.status_code == 201
    after = _application(app, public_id).decide_by
    assert after > before
    facts = _applicant_page(app, public_id).split("决定截止")[1].split("</dd>")[0]
    assert _date(app, after) in facts and "暂停计时期间不计入办理期限" in facts
