"""The complainant is known to the supervision office only.

Every route under /staff of the whole app (read from its url_map, so a new route cannot
escape), opened by every staff role, never shows the complainant's name or number; the
office sees them only after the logged "show identity" POST, and only the office opens a
ticket at all. A complaint about a case shows on that case for the office, never on the
window's queue; the window complained about reads a statement request as "complainant:
confidential" and the facts."""

from __future__ import annotations

import io
import re
import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from portal.clock import beijing
from portal.complaints import handling
from portal.complaints.attachments import ComplaintAttachment
from portal.complaints.deadlines import read_deadlines
from portal.complaints.models import Complaint, Kind
from portal.complaints.office_models import IdentityView
from portal.complaints.operations import ComplaintDraft, Contact, file_complaint
from portal.config import PROJECT_ROOT
from portal.extensions import db
from portal.filing.models import Application
from portal.window.models import Role, StaffMember
from tests.factories import make_applicant, make_staff, sign_in_as, sign_in_staff
from tests.filing.test_journey import filed

NAME, MOBILE, EMAIL = "欧阳保密", "13911112222", "secret.complainant@example.com"
OFFICE = set(Role.SUPERVISION)


@dataclass
class World:
    ticket: str
    request_id: int
    public_id: str
    attachment_id: str
    staff_id: int
    link: str  # a signed link to the complaint's attachment, as the office's page gives it
    clients: dict  # role → signed-in client of the city center (officer/head at window A01)
    stranger: object  # the county center's supervisor


@pytest.fixture(scope="module")
def world(app) -> World:
    applicant_id, _ = make_applicant(app)
    client = app.test_client()
    sign_in_as(client, applicant_id)
    public_id = filed(client)
    ids = {}
    clients = {}
    for role in Role.ALL:
        windows = ("A01",) if role in Role.DECIDING else ()
        ids[role], *_ = make_staff(app, role=role, windows=windows)
        clients[role] = app.test_client()
        sign_in_staff(clients[role], ids[role])
    county, *_ = make_staff(app, role="supervisor", center="hengyang-county", windows=())
    stranger = app.test_client()
    sign_in_staff(stranger, county)
    # The officer has looked at the case: the office sees that in its audit trail.
    assert clients["officer"].get(f"/staff/cases/{public_id}").status_code == 200
    with app.app_context():
        application = db.session.scalar(
            select(Application).where(Application.public_id == public_id)
        )
        filed_complaint = file_complaint(
            ComplaintDraft(
                kind=Kind.INACTION,
                what_happened="窗口推说系统故障，让我下周再来。",
                what_they_want="当场受理。",
                application=application,
                contact=Contact(NAME, mobile=MOBILE, email=EMAIL),
            ),
            app.extensions["calendar"],
            read_deadlines(PROJECT_ROOT / "guides"),
        )
        complaint = filed_complaint.complaint
        head = db.session.get(StaffMember, ids[Role.SUPERVISION_HEAD])
        handling.accept(head, complaint)
        handling.start_investigating(head, complaint, head)
        asked = handling.ask_statement(
            head,
            complaint,
            "综合受理窗口",
            "请说明当日为何未受理。",
            app.extensions["calendar"],
            read_deadlines(PROJECT_ROOT / "guides"),
        )
        db.session.commit()
        ticket, request_id = complaint.ticket, asked.id
        attachment_id = application.attachments[0].public_id
    link = attach_a_file(app, ticket, clients[Role.SUPERVISOR])
    return World(
        ticket=ticket,
        request_id=request_id,
        link=link,
        public_id=public_id,
        attachment_id=attachment_id,
        staff_id=ids["officer"],
        clients=clients,
        stranger=stranger,
    )


def attach_a_file(app, ticket: str, office) -> str:
    """Gives the complaint an attachment; the signed link the office's ticket page shows."""
    with app.app_context():
        complaint = db.session.scalar(select(Complaint).where(Complaint.ticket == ticket))
        key = f"complaints/{uuid.uuid4().hex}/0000000000-{uuid.uuid4().hex}"
        app.extensions["storage"].save(
            key, io.BytesIO(b"%PDF-1.4\n"), max_bytes=100, content_type="application/pdf"
        )
        db.session.add(
            ComplaintAttachment(
                complaint_id=complaint.id,
                storage_key=key,
                display_name="证据.pdf",
                content_type="application/pdf",
                size=9,
                sha256="0" * 64,
                scan_status="clean",
                uploaded_at=beijing.now().replace(tzinfo=None),
            )
        )
        db.session.commit()
    page = office.get(f"/staff/complaints/{ticket}").get_data(as_text=True)
    return re.search(r'/attachments/([^"]+)"', page).group(1)


def _values(world: World) -> dict:
    """How to aim every route parameter under /staff at the complaint or its case. A new
    parameter fails the walk until it is taught here."""
    return {
        "ticket": world.ticket,
        "request_id": world.request_id,
        "public_id": world.public_id,
        "attachment_id": world.attachment_id,
        "staff_id": world.staff_id,
        "link": world.link,
        "message_id": None,  # no delivery of this case: the walk skips those routes
        "notice_number": None,
        "slot": "letter",  # a proxy request's file: the walk's ids are no proxy request's
        "code": "2612-430400-04-01-123456",  # a proxy project's code: well formed, no project's
        # Supervision: a card (labels are numbers and tickets, never a person) and a month.
        "card_id": 1,
        "month": "2026-12",
        # Staff-assisted filing's journey (the case is no assisted filing: 404 for everyone).
        "question_code": "company-name",
        "material_code": "M01",
        "document_id": "0" * 32,  # a proxy project's document
    }


def _staff_get_rules(app):
    return sorted(
        (r for r in app.url_map.iter_rules() if r.rule.startswith("/staff") and "GET" in r.methods),
        key=lambda r: r.rule,
    )


def test_no_staff_page_shows_the_complainant_to_any_role(app, world):
    values = _values(world)
    unknown = {a for r in _staff_get_rules(app) for a in r.arguments} - set(values)
    assert not unknown, f"teach this walk how to aim these parameters: {unknown}"
    walked, leaks = 0, []
    for rule in _staff_get_rules(app):
        if any(values[a] is None for a in rule.arguments):
            continue
        path = rule.build({a: values[a] for a in rule.arguments}, append_unknown=False)[1]
        for role, client in [*world.clients.items(), ("county supervisor", world.stranger)]:
            response = client.get(path)
            page = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
            response.close()
            walked += 1
            if any(secret in page for secret in (NAME, MOBILE, EMAIL)):
                leaks.append((role, path))
    assert walked > 40 and not leaks, leaks


def test_only_the_office_opens_tickets_and_the_queue(app, world):
    ticket = f"/staff/complaints/{world.ticket}"
    for role, client in world.clients.items():
        expected = 200 if role in OFFICE else 403
        assert client.get("/staff/complaints").status_code == expected, role
        assert client.get(ticket).status_code == expected, role
        assert client.post(f"{ticket}/identity").status_code == expected, role
        assert client.get(f"{ticket}/attachments/{world.link}").status_code == expected, role
    assert world.stranger.get(ticket).status_code == 404
    assert world.stranger.get(f"{ticket}/attachments/{world.link}").status_code == 404
    assert world.stranger.get("/staff/complaints").get_data(as_text=True).count(world.ticket) == 0


def test_the_identity_opens_on_a_logged_post_seen_by_the_head(app, world):
    supervisor = world.clients[Role.SUPERVISOR]
    ticket = f"/staff/complaints/{world.ticket}"
    masked = supervisor.get(ticket).get_data(as_text=True)
    assert NAME not in masked and "查看投诉人身份" in masked
    with app.app_context():
        before = db.session.query(IdentityView).count()
    shown = supervisor.post(f"{ticket}/identity")
    page = shown.get_data(as_text=True)
    assert shown.status_code == 200 and NAME in page and MOBILE in page
    assert shown.headers["Cache-Control"] == "no-store"
    with app.app_context():
        assert db.session.query(IdentityView).count() == before + 1
    assert NAME not in supervisor.get(ticket).get_data(as_text=True)  # hidden again
    # The head sees who opened it; the supervisor does not see the log.
    head_page = world.clients[Role.SUPERVISION_HEAD].get(ticket).get_data(as_text=True)
    assert "查看投诉人身份的记录" in head_page and supervisor_name(app) in head_page
    assert "查看投诉人身份的记录" not in supervisor.get(ticket).get_data(as_text=True)


def supervisor_name(app) -> str:
    with app.app_context():
        view = db.session.scalars(select(IdentityView).order_by(IdentityView.id.desc())).first()
        return view.staff.name


def test_a_complaint_shows_on_its_case_for_the_office_only(app, world):
    case = f"/staff/cases/{world.public_id}"
    for role, client in world.clients.items():
        page = client.get(case).get_data(as_text=True)
        assert (f"/staff/complaints/{world.ticket}" in page) == (role in OFFICE), role
        queue = client.get("/staff").get_data(as_text=True)
        assert world.ticket not in queue, role
        assert ('href="/staff/complaints"' in queue) == (role in OFFICE), role


def test_the_window_reads_a_statement_request_without_the_complainant(app, world):
    letter = f"/staff/complaints/{world.ticket}/statements/{world.request_id}"
    for role in (Role.OFFICER, Role.HEAD):
        page = world.clients[role].get(letter)
        text = page.get_data(as_text=True)
        assert page.status_code == 200, role
        assert "保密" in text and "窗口推说系统故障" in text and NAME not in text
    assert world.clients[Role.ADMINISTRATOR].get(letter).status_code == 404
    assert world.stranger.get(letter).status_code == 404


def test_the_office_sees_the_cases_audit_trail_beside_an_inaction_complaint(app, world):
    page = world.clients[Role.SUPERVISOR].get(f"/staff/complaints/{world.ticket}")
    text = page.get_data(as_text=True)
    assert "案件的工作人员操作记录" in text and "查看了案件" in text
