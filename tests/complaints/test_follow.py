"""Following a complaint with its ticket and query code, signed in or not: the same answer
for an unknown ticket and a wrong code, a field error for a mistyped ticket."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import current_app
from sqlalchemy import select

from portal.catalog.models import Center, ServiceItem
from portal.clock import beijing
from portal.complaints.deadlines import read_deadlines
from portal.complaints.models import Kind
from portal.complaints.numbering import display_ticket
from portal.complaints.operations import ComplaintDraft, file_complaint
from portal.config import PROJECT_ROOT
from portal.extensions import db
from portal.filing.numbering import check_character
from tests.pages import assert_no_chinese_left, assert_page_basics


@pytest.fixture
def filed(app, monkeypatch):
    # Wednesday 30 September 2026 in Beijing, before National Day.
    monkeypatch.setattr(beijing, "now", lambda: datetime(2026, 9, 30, 2, 0, tzinfo=UTC))
    with app.app_context():
        draft = ComplaintDraft(
            kind=Kind.SLOW,
            what_happened="等了很久。",
            what_they_want="尽快办理。",
            item=db.session.scalars(select(ServiceItem).order_by(ServiceItem.code)).first(),
            center=db.session.scalars(select(Center).order_by(Center.id)).first(),
        )
        result = file_complaint(
            draft, current_app.extensions["calendar"], read_deadlines(PROJECT_ROOT / "guides")
        )
        db.session.commit()
        return display_ticket(result.complaint.ticket), result.query_code


def test_the_page_asks_for_ticket_and_code(client):
    page = client.get("/complaints/follow")
    assert page.status_code == 200
    assert_page_basics(page, "zh-Hans")
    assert "工单编号" in page.get_data(as_text=True)


def test_ticket_and_code_show_the_status_and_the_dates(client, filed):
    ticket, code = filed
    page = client.post("/complaints/follow", data={"ticket": ticket.lower(), "code": code})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert ticket in text and "已收到，等待受理" in text
    assert "2026年10月8日" in text and "2026年10月13日" in text  # accept by, reply by


def test_in_english_every_word_is_translated(english, filed):
    ticket, code = filed
    page = english.post("/complaints/follow", data={"ticket": ticket, "code": code})
    assert_page_basics(page, "en")
    assert "Received, waiting to be accepted" in page.get_data(as_text=True)
    assert_no_chinese_left(page, "/complaints/follow")
    form = english.get("/complaints/follow")
    assert_no_chinese_left(form, "/complaints/follow")


def test_a_wrong_code_and_an_unknown_ticket_answer_alike(client, filed):
    ticket, code = filed
    wrong = "AAAAAA" if code != "AAAAAA" else "BBBBBB"
    unknown = "HYTS2026093099999" + check_character("2026093099999")
    answers = [
        client.post("/complaints/follow", data={"ticket": ticket, "code": wrong}),
        client.post("/complaints/follow", data={"ticket": unknown, "code": code}),
    ]
    assert [a.status_code for a in answers] == [404, 404]
    # What was typed is echoed back; the rest of the two answers is the same page.
    typed = (unknown, ticket, wrong, code)
    bodies = [a.get_data(as_text=True) for a in answers]
    for value in typed:
        bodies = [body.replace(value, "") for body in bodies]
    assert "工单编号和查询码对不上" in bodies[0]
    assert bodies[0] == bodies[1]


def test_empty_and_mistyped_fields_say_what_to_do(client, filed):
    ticket, _ = filed
    empty = client.post("/complaints/follow", data={}).get_data(as_text=True)
    assert "请填写工单编号。" in empty and "请填写查询码。" in empty
    assert empty.index('href="#ticket"') < empty.index('href="#code"'), "summary in field order"
    typo = ticket[:-1] + ("0" if ticket[-1] != "0" else "1")
    mistyped = client.post("/complaints/follow", data={"ticket": typo, "code": "ABCDEF"})
    assert mistyped.status_code == 200
    assert "工单编号格式不对" in mistyped.get_data(as_text=True)
