"""The applicant chooses how messages reach them, at registration and later, and each message
goes by exactly the channels chosen; a sign-in from a new device is told, privately."""

from __future__ import annotations

import re
import uuid

from sqlalchemy import select

from portal.accounts.models import Applicant
from portal.extensions import db
from portal.messaging.models import QueuedMessage, SentMessage
from tests.factories import PASSWORD, citizen_id, make_applicant, sign_in_as


def _register(client, **values):
    client.get("/account/register/individual")
    data = {
        "name": "王芳",
        "identifier": citizen_id(),
        "mobile": "13912340000",
        "password": "a long enough password",
        "password_again": "a long enough password",
        **values,
    }
    return data["identifier"], client.post("/account/register/individual", data=data)


def _channels_of(app, identifier: str) -> list[str | None]:
    with app.app_context():
        applicant = db.session.scalar(select(Applicant).where(Applicant.identifier == identifier))
        return [
            row.channel
            for row in db.session.scalars(
                select(QueuedMessage)
                .join(SentMessage)
                .where(SentMessage.applicant_id == applicant.id)
                .order_by(QueuedMessage.id)
            )
        ]


def test_registering_with_email_only_sends_by_email_only(app, client):
    address = f"only-{uuid.uuid4().hex[:8]}@example.com"
    identifier, answer = _register(client, email=address, message_channels="email")
    assert answer.status_code == 302
    assert _channels_of(app, identifier) == ["email"]


def test_without_a_choice_every_channel_given_is_used(app, client):
    address = f"both-{uuid.uuid4().hex[:8]}@example.com"
    identifier, _ = _register(client, email=address)
    assert _channels_of(app, identifier) == ["email", "sms"]
    identifier, _ = _register(client)
    assert _channels_of(app, identifier) == ["sms"]


def test_choosing_email_without_an_address_is_an_error_in_field_order(client):
    _, answer = _register(client, message_channels="email", password_again="different")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    summary = page.split('class="error-summary"')[1].split("</ul>")[0]
    links = re.findall(r'href="#([a-z_]+)"', summary)
    assert links == ["message_channels", "password_again"], "the summary follows the page"
    assert "请在上面填写电子邮箱" in summary


def test_the_register_summary_lists_every_error_in_the_order_of_the_fields(client):
    client.get("/account/register/company")
    page = client.post("/account/register/company", data={}).get_data(as_text=True)
    summary = page.split('class="error-summary"')[1].split("</ul>")[0]
    links = re.findall(r'href="#([a-z_]+)"', summary)
    body = page.split("</ul>", 1)[1]
    fields = [f for f in re.findall(r'<(?:input|fieldset)[^>]*id="([a-z_]+)"', body) if f in links]
    assert links == [
        "name",
        "identifier",
        "legal_representative",
        "contact_name",
        "mobile",
        "password",
        "password_again",
    ]
    assert links == fields


def test_the_choice_can_be_changed_and_the_next_message_follows_it(app, client):
    address = f"change-{uuid.uuid4().hex[:8]}@example.com"
    applicant_id, identifier = make_applicant(app, email=address)
    sign_in_as(client, applicant_id)
    page = client.get("/account/messages/channels").get_data(as_text=True)
    assert '<input checked id="message_channels-2"' in page and 'value="both"' in page
    saved = client.post("/account/messages/channels", data={"message_channels": "sms"})
    assert saved.headers["Location"].endswith("/account/messages")
    assert "短信" in client.get("/account/messages").get_data(as_text=True)
    client.post("/account/forgot-password", data={"identifier": identifier})
    assert _channels_of(app, identifier)[-1:] == ["sms"]
    with app.app_context():
        assert db.session.get(Applicant, applicant_id).message_channels == "sms"


def test_without_an_email_address_only_sms_can_be_chosen(app, client):
    applicant_id, _ = make_applicant(app)
    sign_in_as(client, applicant_id)
    answer = client.post("/account/messages/channels", data={"message_channels": "email"})
    assert answer.status_code == 200 and "只能用短信接收" in answer.get_data(as_text=True)


def _sign_in(client, identifier: str):
    client.get("/account/sign-in")
    return client.post("/account/sign-in", data={"identifier": identifier, "password": PASSWORD})


def _new_device_messages(app, applicant_id: int) -> int:
    with app.app_context():
        return len(
            db.session.scalars(
                select(SentMessage).where(
                    SentMessage.applicant_id == applicant_id, SentMessage.kind == "new-device"
                )
            ).all()
        )


def test_a_sign_in_from_a_new_device_is_told_and_a_known_one_is_not(app):
    applicant_id, identifier = make_applicant(app)
    phone, laptop = app.test_client(), app.test_client()
    assert _sign_in(phone, identifier).status_code == 302
    assert _new_device_messages(app, applicant_id) == 0, "the first sign-in ever is not news"
    cookie = phone.get_cookie("device")
    assert cookie is not None and cookie.http_only and len(cookie.value) >= 40
    phone.post("/account/sign-out")
    _sign_in(phone, identifier)
    assert _new_device_messages(app, applicant_id) == 0, "the same browser is known"
    _sign_in(laptop, identifier)
    assert _new_device_messages(app, applicant_id) == 1
    with app.app_context():
        from portal.accounts.devices import KnownDevice

        hashes = db.session.scalars(
            select(KnownDevice.token_hash).where(KnownDevice.applicant_id == applicant_id)
        ).all()
    assert len(hashes) == 2 and cookie.value not in hashes, "only a hash of the token is kept"
