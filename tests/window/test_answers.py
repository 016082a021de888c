"""The window sees the applicant's answers as the applicant saw them, and the back office
gets each answer's code with its label in both languages; a material kept in local storage
has a signed link of its own that expires and cannot be altered."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.backoffice import dispatcher
from portal.backoffice.models import OutboxMessage
from portal.clock import beijing
from portal.extensions import db
from portal.filing.models import Application
from portal.window.answers import answers_document, present_answers
from tests.factories import make_applicant, make_staff, sign_in_as, sign_in_staff
from tests.filing.test_journey import filed

QUESTIONS = [
    {"code": "delivery", "type": "choice", "label": {"zh": "怎么领取？", "en": "How to receive?"},
     "choices": [{"value": "post", "label": {"zh": "免费邮寄", "en": "Free delivery by post"}},
                 {"value": "window", "label": {"zh": "到窗口领取", "en": "Collect it at the window"}}]},
    {"code": "shareholder", "type": "yes-no", "label": {"zh": "是否股东？", "en": "A shareholder?"}},
    {"code": "founded", "type": "date", "label": {"zh": "成立日期", "en": "Founded on"}},
    {"code": "note", "type": "text", "required": False, "label": {"zh": "备注", "en": "Note"}},
]  # fmt: skip


@pytest.fixture
def filed_case(app):
    applicant_id, _ = make_applicant(app)
    client = app.test_client()
    sign_in_as(client, applicant_id)
    return filed(client)


@pytest.fixture
def officer(app):
    staff_id, *_ = make_staff(app, windows=("A01",))
    client = app.test_client()
    sign_in_staff(client, staff_id)
    return client


def _set_answers(app, public_id: str, **extra) -> None:
    with app.app_context():
        application = db.session.scalar(
            select(Application).where(Application.public_id == public_id)
        )
        application.answers = {**application.answers, **extra}
        db.session.commit()


def test_labels_come_from_the_guide_in_both_languages(app):
    answers = {"delivery": "post", "shareholder": "yes", "founded": "2026-02-14"}
    with app.test_request_context():
        document = answers_document(QUESTIONS, answers)
    assert document["delivery"] == {
        "question": {"zh": "怎么领取？", "en": "How to receive?"},
        "code": "post",
        "label": {"zh": "免费邮寄", "en": "Free delivery by post"},
        "known_question": True,
    }
    assert document["shareholder"]["label"] == {"zh": "是", "en": "Yes"}
    assert document["founded"]["label"]["en"] == "February 14, 2026"
    assert "2026年2月14日" in document["founded"]["label"]["zh"]
    assert document["note"]["code"] is None
    assert document["note"]["label"] == {"zh": "未填写", "en": "Not answered"}


def test_unknown_and_nested_answers_are_shown_under_their_keys_never_dropped(app):
    answers = {
        "delivery": "drone",  # an option the guide no longer offers
        "postal-address": {"province": "湖南省", "recipient": "王芳", "phone": "13800000000"},
        "extra": ["a", "b"],
    }
    with app.test_request_context():
        shown = present_answers(QUESTIONS, answers)
    assert [a.key for a in shown] == [
        "delivery", "shareholder", "founded", "note", "extra", "postal-address",
    ]  # fmt: skip
    assert shown[0].label["zh"] == "drone"
    address = shown[-1]
    assert address.known is False and address.question == {
        "zh": "postal-address",
        "en": "postal-address",
    }
    assert [(p.key, p.code) for p in address.parts] == [
        ("province", "湖南省"),
        ("recipient", "王芳"),
        ("phone", "13800000000"),
    ]
    assert "recipient: 王芳" in address.label["zh"]
    assert address.as_document()["parts"]["province"]["label"] == {"zh": "湖南省", "en": "湖南省"}


def test_the_case_page_shows_answers_as_labels_never_raw_codes(app, filed_case, officer):
    _set_answers(app, filed_case, **{"postal-address": {"recipient": "王芳"}})
    page = officer.get(f"/staff/cases/{filed_case}").get_data(as_text=True)
    assert "<dd>免费邮寄<" in page
    assert "<dd>post</dd>" not in page
    assert "postal-address" in page and "recipient: 王芳" in page
    officer.set_cookie("lang", "en")
    english = officer.get(f"/staff/cases/{filed_case}").get_data(as_text=True)
    assert "<dd>Free delivery by post<" in english
    assert "How would you like to receive the paper business licence?" in english


def _accepted_document(app, public_id, officer, seconds=3600) -> dict:
    assert officer.post(f"/staff/cases/{public_id}", data={"decision": "accept"}).status_code == 302
    with app.app_context():
        message = db.session.scalar(
            select(OutboxMessage)
            .join(Application)
            .where(Application.public_id == public_id, OutboxMessage.event == "case.accepted")
        )
        return dispatcher.case_document(message, seconds)


def test_the_case_document_carries_code_and_label(app, filed_case, officer):
    document = _accepted_document(app, filed_case, officer)
    delivery = document["answers"]["licence-delivery"]
    assert delivery["code"] == "post"
    assert delivery["label"] == {"zh": "免费邮寄", "en": "Free delivery by post"}
    assert delivery["question"]["en"] == "How would you like to receive the paper business licence?"
    assert document["answers"]["company-name"]["code"] == "衡阳市示例科技有限公司"


def test_local_materials_have_a_signed_link_that_expires(app, filed_case, officer, monkeypatch):
    monkeypatch.setitem(app.config, "PORTAL_URL", "https://onewindow.example.gov.cn/portal")
    document = _accepted_document(app, filed_case, officer, seconds=600)
    material = document["materials"][0]
    url = material["download_url"]
    assert url.startswith("https://onewindow.example.gov.cn/portal/files/")
    path = url.removeprefix("https://onewindow.example.gov.cn/portal")
    stranger = app.test_client()  # the back office: no sign-in, only the link
    with stranger.get(path) as response:
        assert response.status_code == 200
        assert hashlib.sha256(response.data).hexdigest() == material["sha256"]
        assert response.headers["Cache-Control"] == "no-store"
    with app.app_context():
        from portal.window.models import StaffAction

        fetched = db.session.scalars(
            select(StaffAction).where(StaffAction.action == "material-fetched-by-link")
        ).all()
        assert any(a.detail == {"material": material["material"]} for a in fetched)
    token = path.removeprefix("/files/")
    # Not the last character: its low bits are base64 padding, so changing it may not
    # change the signature at all.
    swapped = "A" if token[-5] != "A" else "B"
    for tampered in (token[:-5] + swapped + token[-4:], token[:20], "x" * 500):
        assert stranger.get(f"/files/{tampered}").status_code == 403
    later = beijing.now() + timedelta(seconds=601)
    monkeypatch.setattr(beijing, "now", lambda: later)
    assert stranger.get(path).status_code == 403


def test_without_an_address_outside_a_request_there_is_no_link(
    app, filed_case, officer, monkeypatch
):
    assert not app.config.get("PORTAL_URL")
    document = _accepted_document(app, filed_case, officer)
    assert all(m["download_url"] is None for m in document["materials"])
    monkeypatch.setitem(app.config, "PORTAL_URL", "onewindow.example.gov.cn")  # no scheme
    with app.app_context():
        message = db.session.scalar(
            select(OutboxMessage).join(Application).where(Application.public_id == filed_case)
        )
        document = dispatcher.case_document(message, 600)
    assert all(m["download_url"] is None for m in document["materials"])


def test_a_signed_link_for_a_made_up_attachment_is_refused(app):
    from itsdangerous import URLSafeSerializer

    from portal.window.file_links import SALT

    client = app.test_client()
    for payload in (["0" * 32, 2**62], ["\x00", 2**62], {"a": 1}, None, [1, 2, 3]):
        token = URLSafeSerializer(app.config["SECRET_KEY"], salt=SALT).dumps(payload)
        assert client.get(f"/files/{token}").status_code == 403


def test_the_postal_address_is_shown_by_its_parts_names_never_its_keys(app, filed_case, officer):
    page = officer.get(f"/staff/cases/{filed_case}").get_data(as_text=True)
    assert "licence-delivery.province" not in page
    assert "省、自治区、直辖市: 湖南省" in page
    assert "收件人姓名: 王芳" in page
    officer.set_cookie("lang", "en")
    english = officer.get(f"/staff/cases/{filed_case}").get_data(as_text=True)
    assert "Hunan" in english and "湖南省" not in english

    parts = _accepted_document(app, filed_case, officer)["answers"]["licence-delivery"]["parts"]
    assert parts["licence-delivery.province"]["code"] == "43"
    assert parts["licence-delivery.province"]["label"]["zh"] == "湖南省"
    assert parts["licence-delivery.postcode"]["label"] == {"zh": "421001", "en": "421001"}
