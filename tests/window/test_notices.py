"""A written notice is issued once: its own number (文书编号), its own date, its bytes
kept as issued and downloadable on the case for ever, by the applicant and the window."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from pypdf import PdfReader

from portal.clock import beijing
from portal.i18n import long_date
from tests.backoffice.test_inbound import _report, accepted, token  # noqa: F401
from tests.factories import make_applicant, make_staff, pdf_bytes, sign_in_as, sign_in_staff
from tests.filing.test_journey import filed

NOTICE_LINK = r'href="(/applications/{}/notices/(HYTZ-\d{{4}}-\d{{6}})\.pdf)"'


def _text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _officer(app):
    staff_id, *_ = make_staff(app, windows=("A01",))
    client = app.test_client()
    sign_in_staff(client, staff_id)
    return client


def _notices(client, public_id: str) -> list[tuple[str, str]]:
    page = client.get(f"/applications/{public_id}").get_data(as_text=True)
    return re.findall(NOTICE_LINK.format(public_id), page)


def test_a_supplements_notice_keeps_its_number_date_and_bytes_after_the_upload(app, monkeypatch):
    applicant_id, _ = make_applicant(app)
    applicant = app.test_client()
    sign_in_as(applicant, applicant_id)
    public_id = filed(applicant)
    officer = _officer(app)
    officer.post(
        f"/staff/cases/{public_id}", data={"decision": "supplements", "reason-M02": "章程未签字"}
    )
    [(link, number)] = _notices(applicant, public_id)
    issued = applicant.get(link).data
    with app.test_request_context():
        issued_on = long_date(beijing.today())
    text = _text(issued)
    assert "补正材料通知书" in text and number in text and "章程未签字" in text
    assert issued_on.replace(" ", "") in text.replace(" ", "")

    # Three days later the applicant uploads the missing material.
    later = beijing.now() + timedelta(days=3)
    monkeypatch.setattr(beijing, "now", lambda: later)
    sign_in_as(applicant, applicant_id)  # three days on, both sign in again
    officer = _officer(app)
    response = applicant.post(
        f"/applications/{public_id}/materials/M02",
        data={"file": (io.BytesIO(pdf_bytes()), "章程.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert _notices(applicant, public_id) == [(link, number)]
    assert applicant.get(link).data == issued
    staff_copy = officer.get(f"/staff/cases/{public_id}/notices/{number}.pdf").data
    assert staff_copy == issued
    assert f"{number}" in officer.get(f"/staff/cases/{public_id}").get_data(as_text=True)


def test_the_acceptance_notice_stays_after_the_case_goes_into_review(
    app,
    client,
    token,  # noqa: F811
    accepted,  # noqa: F811
):
    public_id, number = accepted
    from portal.extensions import db
    from portal.filing.models import Application

    with app.app_context():
        application = db.session.scalar(
            db.select(Application).where(Application.public_id == public_id)
        )
        applicant_id = application.applicant_id
    applicant = app.test_client()
    sign_in_as(applicant, applicant_id)
    [(link, notice_number)] = _notices(applicant, public_id)
    before = applicant.get(link).data
    assert _report(client, number, token, type="in-review").status_code in (200, 201)
    page = applicant.get(f"/applications/{public_id}").get_data(as_text=True)
    assert "审查中" in page and notice_number in page
    with applicant.get(link) as response:
        assert response.status_code == 200 and response.data == before
    assert "受理通知书" in _text(before)


def test_notice_numbers_are_distinct_and_a_strangers_number_is_not_found(app):
    applicant_id, _ = make_applicant(app)
    applicant = app.test_client()
    sign_in_as(applicant, applicant_id)
    first, second = filed(applicant), filed(applicant)
    officer = _officer(app)
    for public_id in (first, second):
        officer.post(f"/staff/cases/{public_id}", data={"decision": "accept"})
    [(_, one)] = _notices(applicant, first)
    [(_, two)] = _notices(applicant, second)
    assert one != two
    assert applicant.get(f"/applications/{first}/notices/{two}.pdf").status_code == 404


def test_a_deemed_acceptance_issues_its_notice_counted_from_the_day_of_receipt(app):
    from datetime import timedelta

    from sqlalchemy import select

    from portal.extensions import db
    from portal.filing.models import Application

    applicant_id, _ = make_applicant(app)
    applicant = app.test_client()
    sign_in_as(applicant, applicant_id)
    public_id = filed(applicant)
    with app.app_context():
        application = db.session.scalar(
            select(Application).where(Application.public_id == public_id)
        )
        received_on = beijing.day_of(application.submitted_at)
        application.pre_review_by = application.pre_review_by - timedelta(days=30)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["window", "deem-accepted"])
    assert result.exit_code == 0, result.output
    [(link, number)] = _notices(applicant, public_id)
    text = _text(applicant.get(link).data)
    assert "受理通知书" in text and "视为受理" in text and number in text
    with app.app_context():
        application = db.session.scalar(
            select(Application).where(Application.public_id == public_id)
        )
        assert application.accepted_on == received_on


def test_the_back_offices_extension_and_refusal_notices_say_what_the_law_asks(
    app,
    accepted,  # noqa: F811
):
    from sqlalchemy import select

    from portal.extensions import db
    from portal.filing.models import Application
    from portal.filing.notices import issue_backoffice_notice

    public_id, _ = accepted
    with app.test_request_context():
        application = db.session.scalar(
            select(Application).where(Application.public_id == public_id)
        )
        extension = issue_backoffice_notice(
            application, "extended", {"days": 10, "approver": "局长 王强", "reason": "征求意见"}
        )
        refusal = issue_backoffice_notice(application, "refused", {"reasons": "选址不符合规划"})
        assert issue_backoffice_notice(application, "in-review", {}) is None
        decide_by = long_date(application.decide_by)
        db.session.commit()
        extended_text, refused_text = _text(extension.pdf), _text(refusal.pdf)
    assert "延长审批期限通知书" in extended_text and "局长 王强" in extended_text
    assert decide_by.replace(" ", "") in extended_text.replace(" ", "")
    assert "不予许可决定书" in refused_text and "选址不符合规划" in refused_text
    assert "行政复议" in refused_text and "行政诉讼" in refused_text
    assert extension.number != refusal.number
