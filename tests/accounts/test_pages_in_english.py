"""The account, withdrawal and supplements pages read wholly in English, with their basics."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.filing import operations
from portal.filing.models import Application
from tests.applying import file_an_application, start_application
from tests.factories import make_applicant, pdf_bytes, sign_in_as, upload
from tests.pages import assert_no_chinese_left, assert_page_basics


def test_the_new_pages_have_no_chinese_left_in_english(app, client):
    applicant_id, _ = make_applicant(app, name="Wang Fang")
    sign_in_as(client, applicant_id)
    client.get("/language/en")
    draft = start_application(client)
    waiting, sent_back = file_an_application(client), file_an_application(client)
    with app.app_context():
        application = db.session.scalar(
            select(Application).where(Application.public_id == sent_back)
        )
        operations.request_supplements(application, {"M02": "signatures missing"}, "window")
        db.session.commit()
    client.post("/account/mobile", data={"mobile": "13900001234"})
    pages = [
        ("/account", 200),
        ("/account/password", 200),
        ("/account/mobile", 200),
        ("/account/email", 200),
        ("/account/mobile/confirm", 200),
        (f"/applications/{draft}/delete", 200),
        (f"/applications/{waiting}/withdraw", 200),
        (f"/applications/{sent_back}/supplements", 200),
    ]
    for path, status in pages:
        response = client.get(path)
        assert response.status_code == status, path
        assert_page_basics(response, "en")
        assert_no_chinese_left(response, path, typed=["Wang Fang"])
    # The error states too.
    for path, data in [
        ("/account/password", {}),
        ("/account/mobile", {"mobile": "1"}),
        ("/account/mobile/confirm", {"code": "12"}),
        (f"/applications/{sent_back}/supplements", {}),
    ]:
        response = client.post(path, data=data)
        assert response.status_code == 400, path
        assert_no_chinese_left(response, path)
    client.post(f"/applications/{waiting}/withdraw")
    client.post(
        f"/applications/{sent_back}/materials/M02",
        data=upload(pdf_bytes(), "articles.pdf"),
        content_type="multipart/form-data",
    )
    client.post(f"/applications/{sent_back}/supplements")
    for path in (f"/applications/{waiting}", f"/applications/{sent_back}/resubmitted"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_no_chinese_left(response, path)
