"""When the window asks for supplements, the applicant uploads just those and resubmits."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.extensions import db
from portal.filing import operations
from portal.filing.models import Application, Status
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
    assert "<button" not in page.split('id="main"')[1].split("</main>")[0], (
        "no resubmit before the upload"
    )
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
    assert client.post(f"/applications/{public_id}/supplements").status_code == 302
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
