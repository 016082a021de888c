"""A complaint is written whole, gets a checked ticket and a query code, dated deadlines
from guides/complaints.yaml, and moves only along its transition table."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from flask import current_app
from sqlalchemy import select

from portal.catalog.models import Center, ServiceItem
from portal.clock import beijing
from portal.complaints import numbering
from portal.complaints.deadlines import DeadlineFileError, read_deadlines
from portal.complaints.models import Complaint, ComplaintStatus, Kind
from portal.complaints.operations import (
    ComplaintDraft,
    Contact,
    NotAllowed,
    file_complaint,
    follow,
    move,
)
from portal.config import PROJECT_ROOT
from portal.extensions import db
from portal.filing.numbering import check_character

S = ComplaintStatus
GUIDES = PROJECT_ROOT / "guides"
# Wednesday 30 September 2026, 10:00 in Beijing: the last working day before National Day.
BEFORE_NATIONAL_DAY = datetime(2026, 9, 30, 2, 0, tzinfo=UTC)


@pytest.fixture
def before_national_day(monkeypatch):
    monkeypatch.setattr(beijing, "now", lambda: BEFORE_NATIONAL_DAY)


def _about_an_item(kind=Kind.SLOW, contact=None, **extra) -> ComplaintDraft:
    item = db.session.scalars(select(ServiceItem).order_by(ServiceItem.code)).first()
    center = db.session.scalars(select(Center).order_by(Center.id)).first()
    return ComplaintDraft(
        kind=kind,
        what_happened="窗口说材料不全，但没有说缺什么。",
        what_they_want="一次性告知需要补正的材料。",
        item=item,
        center=center,
        happened_on=date(2026, 9, 29),
        contact=contact,
        **extra,
    )


def _file(draft):
    return file_complaint(
        draft, current_app.extensions["calendar"], read_deadlines(GUIDES), findings=[]
    )


def test_deadlines_per_kind_are_counted_over_national_day():
    deadlines = read_deadlines(GUIDES)
    from portal.clock.calendar import WorkingCalendar

    calendar = WorkingCalendar()
    received = date(2026, 9, 30)
    # 1 October to 7 October are days off; Thursday 8 October is the first working day.
    assert deadlines.accept_by(calendar, received) == date(2026, 10, 8)
    # 8, 9, 10 (a make-up Saturday), 12, 13 October.
    assert deadlines.reply_by(calendar, Kind.SLOW, received) == date(2026, 10, 13)
    assert deadlines.reply_by(calendar, Kind.FEE, received) == date(2026, 10, 13)
    assert deadlines.reply_by(calendar, Kind.INACTION, received) == date(2026, 10, 20)
    assert deadlines.reply_by(calendar, Kind.MISCONDUCT, received) == date(2026, 10, 20)
    assert deadlines.reply_by(calendar, Kind.OTHER, received) == date(2026, 10, 27)


def test_a_deadline_file_missing_a_kind_says_which(tmp_path):
    (tmp_path / "complaints.yaml").write_text(
        "accept_working_days: 1\nreply_working_days: {slow: 5, fee: 5}\n", encoding="utf-8"
    )
    with pytest.raises(DeadlineFileError, match="missing: inaction, misconduct, other"):
        read_deadlines(tmp_path)


def test_a_ticket_carries_the_day_a_sequence_and_the_application_check_character():
    digits = "2026093000007"
    ticket = f"HYTS{digits}{check_character(digits)}"
    assert numbering.is_well_formed(ticket)
    assert numbering.is_well_formed(numbering.display_ticket(ticket).lower())
    typo = ticket[:-2] + str((int(ticket[-2]) + 1) % 10) + ticket[-1]
    assert not numbering.is_well_formed(typo)
    assert not numbering.is_well_formed("HY" + digits + check_character(digits))


def test_a_real_name_complaint_is_filed_whole(app, before_national_day):
    with app.app_context():
        filed = _file(_about_an_item(contact=Contact("李娜", mobile="13900001111")))
        db.session.commit()
        complaint = db.session.get(Complaint, filed.complaint.id)
        assert numbering.is_well_formed(complaint.ticket)
        assert complaint.ticket.startswith("HYTS20260930")
        assert complaint.status == S.RECEIVED and not complaint.anonymous
        assert complaint.contact_name == "李娜" and complaint.contact_mobile == "13900001111"
        assert (complaint.accept_by, complaint.reply_by) == (date(2026, 10, 8), date(2026, 10, 13))
        assert [event.kind for event in complaint.events] == [S.RECEIVED]
        # The code is never stored, only its hash.
        assert filed.query_code not in complaint.query_code_hash


def test_an_anonymous_complaint_keeps_no_contact_and_no_account(app, before_national_day):
    with app.app_context():
        filed = _file(_about_an_item(kind=Kind.MISCONDUCT))
        db.session.commit()
        complaint = db.session.get(Complaint, filed.complaint.id)
        assert complaint.anonymous and complaint.applicant_id is None
        assert (complaint.contact_name, complaint.contact_mobile) == (None, None)
        assert complaint.reply_by == date(2026, 10, 20)


def test_a_fee_complaint_keeps_the_amount_as_a_decimal(app, before_national_day):
    with app.app_context():
        filed = _file(_about_an_item(kind=Kind.FEE, fee_named="工本费", fee_asked=Decimal("50.10")))
        db.session.commit()
        complaint = db.session.get(Complaint, filed.complaint.id)
        assert complaint.fee_asked == Decimal("50.10") and complaint.fee_named == "工本费"


def test_a_fee_complaint_must_say_how_much():
    with pytest.raises(ValueError, match="how much"):
        ComplaintDraft(kind=Kind.FEE, what_happened="x", what_they_want="y")


def test_two_complaints_on_one_day_take_consecutive_tickets(app, before_national_day):
    with app.app_context():
        first = _file(_about_an_item()).complaint.ticket
        second = _file(_about_an_item()).complaint.ticket
        db.session.commit()
    assert int(second[12:17]) == int(first[12:17]) + 1


def test_a_ticket_is_followed_only_with_its_code_and_both_mistakes_look_alike(
    app, before_national_day
):
    with app.app_context():
        filed = _file(_about_an_item())
        db.session.commit()
        ticket = filed.complaint.ticket
        assert follow(numbering.display_ticket(ticket).lower(), filed.query_code.lower()).id == (
            filed.complaint.id
        )
        wrong_code = "AAAAAA" if filed.query_code != "AAAAAA" else "BBBBBB"
        unknown = "HYTS2026093099999" + check_character("2026093099999")
        assert follow(ticket, wrong_code) is None
        assert follow(unknown, filed.query_code) is None
        assert follow("not a ticket", filed.query_code) is None


def test_the_statuses_move_only_along_the_table_and_reopen_once(app, before_national_day):
    with app.app_context():
        complaint = _file(_about_an_item()).complaint
        with pytest.raises(NotAllowed):
            move(complaint, S.REPLIED, "office")
        for status in (S.ACCEPTED, S.INVESTIGATING, S.REPLY_APPROVED, S.REPLIED, S.REOPENED):
            move(complaint, status, "office")
        for status in (S.INVESTIGATING, S.REPLY_APPROVED, S.REPLIED):
            move(complaint, status, "office")
        with pytest.raises(NotAllowed):
            move(complaint, S.REOPENED, "complainant")
        move(complaint, S.CLOSED, "complainant")
        db.session.commit()
        assert complaint.status == S.CLOSED
        assert [event.kind for event in complaint.events][:3] == [
            S.RECEIVED,
            S.ACCEPTED,
            S.INVESTIGATING,
        ]
        assert len(complaint.events) == 10


def test_a_final_status_goes_nowhere(app, before_national_day):
    with app.app_context():
        complaint = _file(_about_an_item()).complaint
        move(complaint, S.NOT_ACCEPTED, "office", reason="duplicate")
        for status in S.ALL:
            if status != S.RECEIVED:
                with pytest.raises(NotAllowed):
                    move(complaint, status, "office")
        db.session.commit()
        assert complaint.events[-1].detail == {"reason": "duplicate"}
