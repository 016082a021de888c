"""The applicant is told by e-mail, through a real SMTP server, when an application is received."""

from __future__ import annotations

import re
import uuid

from portal.notify import notifier_from_config
from tests.factories import make_applicant, sign_in_as
from tests.filing.test_journey import filed


def test_a_submission_is_confirmed_by_email(app, client, smtp_server, monkeypatch):
    smtp = notifier_from_config(
        {
            "NOTIFIER": "smtp",
            "SMTP_HOST": smtp_server.host,
            "SMTP_PORT": smtp_server.port,
            "SMTP_FROM": "noreply@zwfw.hengyang.example",
        }
    )
    monkeypatch.setitem(app.extensions, "notifier", smtp)
    address = f"wangfang-{uuid.uuid4().hex[:8]}@example.com"
    applicant_id, _ = make_applicant(app, email=address)
    sign_in_as(client, applicant_id)
    public_id = filed(client)
    page = client.get(f"/applications/{public_id}/submitted").get_data(as_text=True)
    number = re.search(r"<strong>(HY-[\d-]+[\dX])</strong>", page).group(1)
    [message] = smtp_server.messages(to=address)
    assert number in message["Subject"]
    body = message.get_content()
    assert number in body and "查询码" in body
