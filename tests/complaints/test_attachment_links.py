"""The office opens a complaint's attachments through short-lived signed links on the
ticket page; no one else does, and a link altered, expired or of another ticket is 403."""

from __future__ import annotations

import io
import re
import uuid
from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import select

from portal.catalog.models import Center, ServiceItem
from portal.clock import beijing
from portal.complaints.attachments import ComplaintAttachment
from portal.complaints.deadlines import read_deadlines
from portal.complaints.models import Kind
from portal.complaints.operations import ComplaintDraft, file_complaint
from portal.config import PROJECT_ROOT
from portal.extensions import db
from tests.factories import make_staff, sign_in_staff

PDF = b"%PDF-1.4\n" + b"0" * 2039  # 2,048 bytes: shown as 2 KB
LINK = re.compile(r'href="(/staff/complaints/[^/"]+/attachments/[^"]+)"')


def file_with_attachment(app, name: str = "收费单据.pdf") -> str:
    """A complaint of the city center with one stored PDF; its ticket."""
    with app.app_context():
        center = db.session.scalar(select(Center).where(Center.slug == "city"))
        item = db.session.scalars(select(ServiceItem).order_by(ServiceItem.code)).first()
        complaint = file_complaint(
            ComplaintDraft(
                kind=Kind.OTHER,
                what_happened="多收了钱",
                what_they_want="退还",
                item=item,
                center=center,
            ),
            current_app.extensions["calendar"],
            read_deadlines(PROJECT_ROOT / "guides"),
        ).complaint
        key = f"complaints/{uuid.uuid4().hex}/{int(beijing.now().timestamp())}-{uuid.uuid4().hex}"
        current_app.extensions["storage"].save(
            key, io.BytesIO(PDF), max_bytes=len(PDF), content_type="application/pdf"
        )
        db.session.add(
            ComplaintAttachment(
                complaint_id=complaint.id,
                storage_key=key,
                display_name=name,
                content_type="application/pdf",
                size=len(PDF),
                sha256="0" * 64,
                scan_status="clean",
                uploaded_at=beijing.now().replace(tzinfo=None),
            )
        )
        db.session.commit()
        return complaint.ticket


def client_of(app, role: str, center: str = "city"):
    windows = ("A01",) if role in ("officer", "head") else ()
    staff_id, *_ = make_staff(app, role=role, center=center, windows=windows)
    client = app.test_client()
    sign_in_staff(client, staff_id)
    return client


def link_on(client, ticket: str) -> str:
    page = client.get(f"/staff/complaints/{ticket}").get_data(as_text=True)
    return LINK.search(page).group(1)


@pytest.mark.parametrize(
    ("language", "heading"),
    [("zh", "投诉人提交的附件"), ("en", "Attachments from the complainant")],
)
def test_the_office_sees_each_attachment_and_opens_it(app, language, heading):
    ticket = file_with_attachment(app)
    office = client_of(app, "supervisor")
    office.get(f"/language/{language}")
    page = office.get(f"/staff/complaints/{ticket}").get_data(as_text=True)
    assert heading in page and "收费单据.pdf" in page
    assert "<td>PDF</td><td>2 KB</td>" in page  # Babel's number, the format's name
    response = office.get(LINK.search(page).group(1))
    assert response.status_code == 200 and response.get_data() == PDF
    assert response.headers["Cache-Control"] == "no-store"


def test_only_the_office_of_the_center_opens_the_link(app):
    ticket = file_with_attachment(app)
    link = link_on(client_of(app, "supervision-head"), ticket)
    assert client_of(app, "supervisor").get(link).status_code == 200
    for role in ("officer", "head", "administrator"):
        assert client_of(app, role).get(link).status_code == 403, role
    for role in ("supervisor", "supervision-head"):
        assert client_of(app, role, center="hengyang-county").get(link).status_code == 404, role
    assert app.test_client().get(link).status_code == 302  # to the staff sign-in


def test_an_altered_expired_or_other_tickets_link_is_refused(app, monkeypatch):
    ticket, other = file_with_attachment(app), file_with_attachment(app)
    office = client_of(app, "supervisor")
    link = link_on(office, ticket)
    token = link.rsplit("/", 1)[1]
    # A character inside the signature: the last one of base64 carries padding bits, and
    # changing only those (A → B) leaves the signature as it was.
    tampered = link[:-10] + ("A" if link[-10] != "A" else "Q") + link[-9:]
    assert office.get(tampered).status_code == 403
    assert office.get(f"/staff/complaints/{other}/attachments/{token}").status_code == 403
    assert office.get(f"/staff/complaints/{ticket}/attachments/{'x' * 500}").status_code == 403
    later = beijing.now() + timedelta(seconds=app.config["DOWNLOAD_URL_SECONDS"] + 1)
    monkeypatch.setattr(beijing, "now", lambda: later)
    assert office.get(link).status_code == 403
