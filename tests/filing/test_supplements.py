"""When the window asks for supplements, the applicant uploads just those and resubmits."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.extensions import db
from portal.filing import operations
from portal.filing.models import Application, Status
from portal.i18n import long_date
from tests.factories import make_applicant, pdf_bytes, sign_in_as, upload
from tests.filing.test_journey import filed


def _ask_for(app, public_id: str, reasons: dict[str, str]) -> None:
    with app.app_context():
        application = db.session.scalar(
            select(Application).where(Application.public_id == public_id)
        )
        operations.request_supplements(application, reasons, actor="window")
        db.session.commit()


def test_the_applicant_uploads_only_the_requested_materials_and_resubmits(app, client):
    applicant_id, _ = make_applicant(app)
    sign_in_as(client, applicant_id)
    public_id = filed(client)
    _ask_for(app, public_id, {"M02": "章程缺少全体股东签字"})
    progress = client.get(f"/applications/{public_id}").get_data(as_text=True)
    assert "需要补正材料" in progress
    page = client.get(f"/applications/{public_id}/supplements").get_data(as_text=True)
    assert "章程缺少全体股东签字" in page and "公司章程" in page
    assert "还没有补传" in page
    # A material that was not asked for cannot be changed now.
    blocked = client.post(
        f"/applications/{public_id}/materials/M01",
        data=upload(pdf_bytes()),
        content_type="multipart/form-data",
    )
    assert blocked.status_code == 302 and blocked.headers["Location"].endswith(
        f"/applications/{public_id}"
    )
    uploaded = client.post(
        f"/applications/{public_id}/materials/M02",
        data=upload(pdf_bytes(), "章程.pdf"),
        content_type="multipart/form-data",
    )
    assert uploaded.headers["Location"].endswith("/supplements")
    resubmitted = client.post(f"/applications/{public_id}/supplements")
    assert resubmitted.headers["Location"].endswith(f"/applications/{public_id}/resubmitted")
    with app.app_context():
        application = db.session.scalar(
            select(Application).where(Application.public_id == public_id)
        )
        assert application.status == Status.RESUBMITTED
        assert [e.kind for e in application.events][-2:] == ["supplements-requested", "resubmitted"]
    timeline = client.get(f"/applications/{public_id}").get_data(as_text=True)
    assert re.search("窗口一次性告知需要补正的材料.*补正材料后重新提交", timeline, re.S)


def test_resubmitting_before_uploading_does_nothing(app, client):
    applicant_id, _ = make_applicant(app)
    sign_in_as(client, applicant_id)
    public_id = filed(client)
    _ask_for(app, public_id, {"M03": "身份证复印件不清晰"})
    client.post(f"/applications/{public_id}/supplements")
    with app.app_context():
        status = db.session.scalar(
            select(Application.status).where(Application.public_id == public_id)
        )
    assert status == Status.SUPPLEMENTS_REQUESTED


def _main(page: str) -> str:
    return page.split('id="main"')[1].split("</main>")[0]


def test_the_page_repeats_the_reason_and_never_calls_the_turned_down_file_uploaded(app, client):
    applicant_id, _ = make_applicant(app)
    sign_in_as(client, applicant_id)
    public_id = filed(client)
    _ask_for(app, public_id, {"M02": "章程缺少全体股东签字", "M03": "身份证复印件不清晰"})
    page = _main(client.get(f"/applications/{public_id}/supplements").get_data(as_text=True))
    assert "章程缺少全体股东签字" in page and "身份证复印件不清晰" in page
    assert "窗口没有接受您原来提交的文件：M02.pdf" in page
    assert "已补传" not in page
    upload_page = client.get(f"/applications/{public_id}/materials/M02").get_data(as_text=True)
    assert "已上传" not in _main(upload_page), "the turned-down file is not 'uploaded'"
    # "Upload or continue" with no new file on the upload page says a file is needed.
    no_file = client.post(
        f"/applications/{public_id}/materials/M02", data={}, content_type="multipart/form-data"
    )
    assert no_file.status_code == 400
    assert "请选择要上传的文件。" in no_file.get_data(as_text=True)


def test_continuing_without_every_new_file_says_what_is_still_missing(app, client):
    applicant_id, _ = make_applicant(app)
    sign_in_as(client, applicant_id)
    public_id = filed(client)
    _ask_for(app, public_id, {"M02": "章程缺少全体股东签字", "M03": "身份证复印件不清晰"})
    client.post(
        f"/applications/{public_id}/materials/M03",
        data=upload(pdf_bytes(), "新身份证.pdf"),
        content_type="multipart/form-data",
    )
    answer = client.post(f"/applications/{public_id}/supplements")
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    summary = page.split('class="error-summary"')[1].split("</div>")[0]
    assert 'href="#material-M02"' in summary and "章程缺少全体股东签字" in summary
    assert "material-M03" not in summary, "the material already uploaded is not missing"
    assert re.search(r'id="material-M02" class="field-error">.*?还没有上传新的文件', page, re.S)
    assert "已补传：新身份证.pdf" in page
    with app.app_context():
        status = db.session.scalar(
            select(Application.status).where(Application.public_id == public_id)
        )
    assert status == Status.SUPPLEMENTS_REQUESTED


def test_after_resubmitting_a_confirmation_gives_the_new_pre_review_date(app, client):
    applicant_id, _ = make_applicant(app)
    sign_in_as(client, applicant_id)
    public_id = filed(client)
    _ask_for(app, public_id, {"M02": "章程缺少全体股东签字"})
    client.post(
        f"/applications/{public_id}/materials/M02",
        data=upload(pdf_bytes(), "章程.pdf"),
        content_type="multipart/form-data",
    )
    done = client.post(f"/applications/{public_id}/supplements", follow_redirects=True)
    page = done.get_data(as_text=True)
    assert "补正材料已提交" in page
    with app.app_context():
        application = db.session.scalar(
            select(Application).where(Application.public_id == public_id)
        )
        with app.test_request_context():
            expected = long_date(application.pre_review_by)
    assert f"窗口会在 {expected} 前重新预审" in page
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", page), "the date itself, as a date"
