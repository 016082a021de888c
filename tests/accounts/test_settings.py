"""An applicant changes their password, mobile number and e-mail address on their account."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import select

from portal.accounts.models import Applicant, ContactChangeCode
from portal.extensions import db
from portal.notify import notifier_from_config
from tests.factories import PASSWORD, make_applicant, sign_in_as

NEW_PASSWORD = "another long passphrase"


def _outbox(app):
    return app.extensions["notifier"].outbox


def _signed_in(app, identifier: str):
    device = app.test_client()
    answer = device.post("/account/sign-in", data={"identifier": identifier, "password": PASSWORD})
    assert answer.status_code == 302
    return device


def _applicant(app, applicant_id: int) -> Applicant:
    with app.app_context():
        applicant = db.session.get(Applicant, applicant_id)
        db.session.expunge(applicant)
        return applicant


def test_changing_the_password_needs_the_current_one_and_ends_the_other_sessions(app):
    _, identifier = make_applicant(app)
    laptop, phone = _signed_in(app, identifier), _signed_in(app, identifier)
    change = {
        "current_password": PASSWORD,
        "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD,
    }
    wrong = laptop.post("/account/password", data=change | {"current_password": "not it at all"})
    assert wrong.status_code == 400
    assert "现在的密码不正确。" in wrong.get_data(as_text=True)
    assert phone.get("/account").status_code == 200, "a wrong try changes nothing"
    changed = laptop.post("/account/password", data=change)
    assert changed.headers["Location"].endswith("/account")
    assert "密码已修改" in laptop.get("/account").get_data(as_text=True)
    assert "/account/sign-in" in phone.get("/account").headers["Location"], "the other ends"
    assert _outbox(app)[-1].purpose == "password-changed"
    fresh = app.test_client()
    old = fresh.post("/account/sign-in", data={"identifier": identifier, "password": PASSWORD})
    assert old.status_code == 200, "the old password no longer works"
    new = fresh.post("/account/sign-in", data={"identifier": identifier, "password": NEW_PASSWORD})
    assert new.status_code == 302


def test_password_mistakes_are_summarised_in_field_order(client, app):
    applicant_id, _ = make_applicant(app)
    sign_in_as(client, applicant_id)
    page = client.post(
        "/account/password", data={"password": "short", "password_again": "different"}
    ).get_data(as_text=True)
    summary = page.split('class="error-summary"')[1].split("</div>")[0]
    links = re.findall(r'href="#([a-z_]+)"', summary)
    assert links == ["current_password", "password", "password_again"]


def test_a_new_mobile_applies_only_once_the_code_sent_to_it_comes_back(app, client):
    applicant_id, _ = make_applicant(app, mobile="13700002222")
    sign_in_as(client, applicant_id)
    asked = client.post("/account/mobile", data={"mobile": "13900003333"})
    assert asked.headers["Location"].endswith("/account/mobile/confirm")
    sent = _outbox(app)[-1]
    assert (sent.to_mobile, sent.to_email) == ("13900003333", None), "to the NEW number only"
    code = re.search(r"\d{6}", sent.body).group(0)
    assert _applicant(app, applicant_id).mobile == "13700002222", "nothing changes before the code"
    page = client.get("/account/mobile/confirm").get_data(as_text=True)
    assert "139****3333" in page
    wrong = client.post(
        "/account/mobile/confirm", data={"code": "000000" if code != "000000" else "111111"}
    )
    assert wrong.status_code == 400 and "验证码不正确或已过期" in wrong.get_data(as_text=True)
    done = client.post("/account/mobile/confirm", data={"code": code})
    assert done.headers["Location"].endswith("/account")
    assert _applicant(app, applicant_id).mobile == "13900003333"
    told = _outbox(app)[-1]
    assert told.purpose == "contact-changed" and told.to_mobile == "13700002222"
    assert "139****3333" in told.body and "13900003333" not in told.body
    again = client.post("/account/mobile/confirm", data={"code": code})
    assert again.status_code in (302, 400), "a code works once"
    with app.app_context():
        rows = db.session.scalars(
            select(ContactChangeCode).where(ContactChangeCode.applicant_id == applicant_id)
        ).all()
        assert all(row.code_hash != code and row.used_at is not None for row in rows)


def test_a_contact_code_stops_working_after_five_wrong_tries(app, client):
    applicant_id, _ = make_applicant(app, mobile="13700004444")
    sign_in_as(client, applicant_id)
    client.post("/account/mobile", data={"mobile": "13900005555"})
    code = re.search(r"\d{6}", _outbox(app)[-1].body).group(0)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        client.post("/account/mobile/confirm", data={"code": wrong})
    client.post("/account/mobile/confirm", data={"code": code})
    assert _applicant(app, applicant_id).mobile == "13700004444"


def test_a_contact_code_runs_out(app, client):
    applicant_id, _ = make_applicant(app, mobile="13700006666")
    sign_in_as(client, applicant_id)
    client.post("/account/mobile", data={"mobile": "13900007777"})
    code = re.search(r"\d{6}", _outbox(app)[-1].body).group(0)
    with app.app_context():
        for row in db.session.scalars(
            select(ContactChangeCode).where(ContactChangeCode.applicant_id == applicant_id)
        ):
            row.expires_at = row.created_at
        db.session.commit()
    answer = client.post("/account/mobile/confirm", data={"code": code})
    assert answer.status_code == 400
    assert _applicant(app, applicant_id).mobile == "13700006666"


@pytest.fixture
def smtp_notifier(app, smtp_server, monkeypatch):
    smtp = notifier_from_config(
        {
            "NOTIFIER": "smtp",
            "SMTP_HOST": smtp_server.host,
            "SMTP_PORT": smtp_server.port,
            "SMTP_FROM": "noreply@zwfw.hengyang.example",
        }
    )
    monkeypatch.setitem(app.extensions, "notifier", smtp)
    return smtp_server


def test_a_new_email_is_confirmed_by_a_code_mailed_to_it_and_the_old_one_is_told(
    app, client, smtp_notifier
):
    old = f"old-{uuid.uuid4().hex[:8]}@example.com"
    new = f"new-{uuid.uuid4().hex[:8]}@example.com"
    applicant_id, _ = make_applicant(app, email=old)
    sign_in_as(client, applicant_id)
    assert client.post("/account/email", data={"email": new}).status_code == 302
    [mail] = smtp_notifier.messages(to=new)
    code = re.search(r"\d{6}", mail.get_content()).group(0)
    assert smtp_notifier.messages(to=old, timeout=0.2) == [], "nothing to the old one yet"
    assert client.post("/account/email/confirm", data={"code": code}).status_code == 302
    assert _applicant(app, applicant_id).email == new
    [notice] = smtp_notifier.messages(to=old)
    content = notice.get_content()
    assert "电子邮箱" in content and "改为 n***@example.com" in content
    account = client.get("/account").get_data(as_text=True)
    assert "电子邮箱已更换" in account and "n***@example.com" in account


def test_an_invalid_address_is_explained_next_to_the_field(app, client):
    applicant_id, _ = make_applicant(app)
    sign_in_as(client, applicant_id)
    answer = client.post("/account/mobile", data={"mobile": "12345"})
    assert answer.status_code == 400
    assert 'id="mobile-error"' in answer.get_data(as_text=True)
    answer = client.post("/account/email", data={"email": "not an address"})
    assert answer.status_code == 400
    assert 'id="email-error"' in answer.get_data(as_text=True)
