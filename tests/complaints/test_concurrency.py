"""On PostgreSQL, complaints filed at once take distinct tickets, and two handlers acting on
one complaint at once cannot both win its transition."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import select

from portal.catalog.models import Center, ServiceItem
from portal.complaints.deadlines import read_deadlines
from portal.complaints.models import Complaint, ComplaintStatus, Kind
from portal.complaints.numbering import next_ticket
from portal.complaints.operations import ComplaintDraft, NotAllowed, file_complaint, move
from portal.config import PROJECT_ROOT
from portal.extensions import db
from tests.conftest import fresh_database, make_app

WORKERS = 6


def _together(app, work) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(WORKERS)

    def run(index: int) -> None:
        try:
            with app.app_context():
                barrier.wait()
                work(index)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_tickets_taken_at_once_are_distinct(tmp_path):
    with fresh_database("postgresql", tmp_path) as url:
        app = make_app(url)
        tickets: list[str] = []

        def take(_):
            for _ in range(5):
                tickets.append(next_ticket(date(2026, 9, 30)))
                db.session.commit()

        errors = _together(app, take)
        with app.app_context():
            db.engine.dispose()
    assert errors == []
    assert len(tickets) == len(set(tickets)) == WORKERS * 5


def test_one_handler_wins_a_transition(app, backend):
    if backend != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite runs one writer at a time anyway")
    with app.app_context():
        center = db.session.scalars(select(Center).order_by(Center.id)).first()
        complaint_id = file_complaint(
            _draft(center), app.extensions["calendar"], read_deadlines(PROJECT_ROOT / "guides")
        ).complaint.id
        db.session.commit()
    won: list[str] = []
    lost: list[str] = []

    def decide(index):
        complaint = db.session.get(Complaint, complaint_id)
        to = ComplaintStatus.ACCEPTED if index % 2 else ComplaintStatus.NOT_ACCEPTED
        try:
            move(complaint, to, "office")
            db.session.commit()
            won.append(to)
        except NotAllowed:
            db.session.rollback()
            lost.append(to)

    errors = _together(app, decide)
    with app.app_context():
        complaint = db.session.get(Complaint, complaint_id)
        status, events = complaint.status, [e.kind for e in complaint.events]
    assert errors == []
    assert len(won) == 1 and len(lost) == WORKERS - 1
    assert status == won[0] and events == [ComplaintStatus.RECEIVED, won[0]]


def _draft(center) -> ComplaintDraft:
    item = db.session.scalars(select(ServiceItem).order_by(ServiceItem.code)).first()
    return ComplaintDraft(
        kind=Kind.OTHER,
        what_happened="窗口关门了。",
        what_they_want="按时开门。",
        item=item,
        center=center,
    )
