"""The console's pages over HTTP: the queue's order, lights and filters, and each step's
problem said next to its form (in Chinese and English)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask import current_app
from sqlalchemy import select

from portal.catalog.models import Center, ServiceItem
from portal.clock import beijing
from portal.complaints import handling
from portal.complaints.deadlines import read_deadlines
from portal.complaints.models import Complaint, Kind
from portal.complaints.operations import ComplaintDraft, file_complaint
from portal.config import PROJECT_ROOT
from portal.extensions import db
from portal.window.models import StaffMember
from tests.factories import make_staff, sign_in_staff

DEADLINES = read_deadlines(PROJECT_ROOT / "guides")


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour - 8, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    class Clock:
        now = _at(date(2026, 9, 30))

    monkeypatch.setattr(beijing, "now", lambda: Clock.now)
    return Clock


def _file(kind: str) -> str:
    center = db.session.scalar(select(Center).where(Center.slug == "city"))
    item = db.session.scalars(select(ServiceItem).order_by(ServiceItem.code)).first()
    filed = file_complaint(
        ComplaintDraft(
            kind=kind, what_happened="太慢", what_they_want="快", item=item, center=center
        ),
        current_app.extensions["calendar"],
        DEADLINES,
    )
    db.session.commit()
    return filed.complaint.ticket


def _client(app, role: str):
    staff_id, *_ = make_staff(app, role=role, windows=())
    client = app.test_client()
    sign_in_staff(client, staff_id)
    return client, staff_id


def test_the_queue_puts_the_closest_deadline_first_with_its_light(app, clock):
    with app.app_context():
        # Filed 30 September: accept by 8 October; "other" replies by 27 October.
        received = _file(Kind.OTHER)
        accepted = _file(Kind.OTHER)
        head_id, *_ = make_staff(app, role="supervision-head", windows=())
        handling.accept(
            db.session.get(StaffMember, head_id),
            db.session.get(
                Complaint,
                db.session.scalar(select(Complaint.id).where(Complaint.ticket == accepted)),
            ),
        )
        db.session.commit()
    # Signed in at each moment: a session does not outlive the days the clock jumps.
    clock.now = _at(date(2026, 10, 8))
    client, _ = _client(app, "supervisor")
    response = client.get("/staff/complaints")
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert page.index(received) < page.index(accepted)
    row = page.split(received, 1)[1].split("</tr>", 1)[0]
    before = page.split(received, 1)[0].rsplit("<tr>", 1)[1]
    assert "light-yellow" in before and "2026年10月8日" in row
    clock.now = _at(date(2026, 10, 9))
    client, _ = _client(app, "supervisor")
    page = client.get("/staff/complaints").get_data(as_text=True)
    assert "light-red" in page.split(received, 1)[0].rsplit("<tr>", 1)[1]
    # Filters: the accepted one only, and no "other" complaints of another kind.
    filtered = client.get("/staff/complaints?status=accepted").get_data(as_text=True)
    assert accepted in filtered and received not in filtered
    assert received not in client.get("/staff/complaints?kind=fee").get_data(as_text=True)


@pytest.mark.parametrize(
    ("language", "own_draft", "no_contact"),
    [
        ("zh", "负责人不能审定自己起草的答复", "不属于本中心范围的，请写明应当向谁反映。"),
        ("en", "The head cannot approve their own draft", "say who to contact instead."),
    ],
)
def test_a_steps_problem_is_said_next_to_its_form(app, clock, language, own_draft, no_contact):
    with app.app_context():
        first, second = _file(Kind.SLOW), _file(Kind.SLOW)
    head, _ = _client(app, "supervision-head")
    head.get(f"/language/{language}")
    response = head.post(f"/staff/complaints/{first}/not-accept", data={"reason": "outside-remit"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and no_contact in page and "error-summary" in page
    assert head.post(f"/staff/complaints/{first}/accept").status_code == 302
    assert head.post(f"/staff/complaints/{first}/accept").status_code == 400  # already accepted
    me = head.get(f"/staff/complaints/{first}").get_data(as_text=True)
    handler = me.split('id="handler"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    assert (
        head.post(f"/staff/complaints/{first}/investigate", data={"handler": handler}).status_code
        == 302
    )
    head.post(f"/staff/complaints/{first}/reply", data={"reply": "答复"})
    response = head.post(f"/staff/complaints/{first}/reply/approve")
    assert response.status_code == 400 and own_draft in response.get_data(as_text=True)
    # A supervisor cannot reach the head's steps at all.
    supervisor, _ = _client(app, "supervisor")
    assert supervisor.post(f"/staff/complaints/{second}/reply/approve").status_code == 403
    assert supervisor.get("/staff/complaints/HYTS-00000000-00000-0").status_code == 404
