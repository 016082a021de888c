"""A named complainant without an account is told in the language they filed in: the
journey's pages and the JSON API keep the request's language on the complaint, and the
messages to the mobile and e-mail given are written in it."""

from __future__ import annotations

import random
import re

import pytest
from sqlalchemy import select

from portal.complaints import handling
from portal.complaints.models import Complaint
from portal.complaints.numbering import normalize_ticket
from portal.extensions import db
from portal.messaging.models import QueuedMessage
from tests.complaints.test_api import ABOUT_ITEM, post
from tests.complaints.test_journey import submit, walk_about_item

SAID = {
    "zh": ("已收到您的投诉", "已受理"),
    "en": ("received your complaint", "has been taken up"),
}


def _mobile() -> str:
    return f"139{random.randrange(10**8):08d}"


def _told(app, ticket: str, mobile: str) -> tuple[str, list[str]]:
    with app.app_context():
        complaint = db.session.scalar(
            select(Complaint).where(Complaint.ticket == normalize_ticket(ticket))
        )
        bodies = db.session.scalars(
            # The subject: the body is dropped once delivered (the test app delivers at once).
            select(QueuedMessage.subject)
            .where(QueuedMessage.to_mobile == mobile)
            .order_by(QueuedMessage.id)
        ).all()
        return complaint.language, bodies


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_journey_keeps_the_language_and_the_messages_use_it(app, language):
    client = app.test_client()
    client.get(f"/language/{language}")
    mobile = _mobile()
    walk_about_item(client, way="named", name="李雷", mobile=mobile)
    assert submit(client).location.endswith("/complaints/filed")
    ticket = _ticket(client)
    kept, bodies = _told(app, ticket, mobile)
    assert kept == language
    assert len(bodies) == 1 and SAID[language][0] in bodies[0], bodies
    other = "en" if language == "zh" else "zh"
    assert SAID[other][0] not in bodies[0]


def _ticket(client) -> str:
    page = client.get("/complaints/filed").get_data(as_text=True)
    return re.search(r"HYTS-\d{8}-\d{5}-[\dX]", page).group(0)


@pytest.mark.parametrize(("header", "language"), [("zh-CN,zh;q=0.9", "zh"), ("en-GB,en", "en")])
def test_the_api_keeps_the_requests_language_for_every_later_message(app, client, header, language):
    mobile = _mobile()
    body = ABOUT_ITEM | {"contact_mobile": mobile}
    filed = post(client, body, **{"Accept-Language": header})
    assert filed.status_code == 201, filed.get_json()
    ticket = filed.get_json()["ticket"]
    with app.app_context():
        complaint = db.session.scalar(
            select(Complaint).where(Complaint.ticket == normalize_ticket(ticket))
        )
        # A later step, taken by the office in Chinese, still speaks the complainant's language.
        from portal.window.models import StaffMember
        from tests.factories import make_staff

        head_id, *_ = make_staff(app, role="supervision-head", center="vehicle-plates", windows=())
        handling.accept(db.session.get(StaffMember, head_id), complaint)
        db.session.commit()
    kept, bodies = _told(app, ticket, mobile)
    assert kept == language and len(bodies) == 2, bodies
    assert SAID[language][0] in bodies[0]
    assert SAID[language][1] in bodies[1]
