"""The supervision office's handling, step by step, on the working-day calendar across the
2026 National Day holidays (1–7 October off, Saturday 10 October a make-up working day):
who may take each step, the conditional updates, the one extension, the reopened complaint
going to another handler, the messages to the complainant and the 15-day close."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import current_app
from sqlalchemy import select

from portal.catalog.models import Center, ServiceItem
from portal.clock import beijing
from portal.complaints import handling, operations, rating
from portal.complaints.deadlines import read_deadlines
from portal.complaints.models import Complaint, ComplaintStatus, Kind
from portal.complaints.operations import ComplaintDraft, Contact, file_complaint
from portal.config import PROJECT_ROOT
from portal.extensions import db
from portal.messaging.models import QueuedMessage, SentMessage
from portal.window.models import StaffAction, StaffMember
from tests.factories import make_applicant, make_staff

S = ComplaintStatus
DEADLINES = read_deadlines(PROJECT_ROOT / "guides")


def _at(day: date, hour: int = 10) -> datetime:
    """``hour`` o'clock in Beijing on ``day``, as the UTC instant the portal stores."""
    return datetime(day.year, day.month, day.day, hour - 8, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    """The portal's clock, set by the test: ``clock.now = …``."""

    class Clock:
        now = _at(date(2026, 9, 30))

    monkeypatch.setattr(beijing, "now", lambda: Clock.now)
    return Clock


@pytest.fixture
def office(app):
    """Two handlers and the head of the city center's supervision office, and an officer."""
    ids = {
        "first": make_staff(app, role="supervisor", windows=(), name="监察员甲")[0],
        "second": make_staff(app, role="supervisor", windows=(), name="监察员乙")[0],
        "head": make_staff(app, role="supervision-head", windows=(), name="监察室主任")[0],
        "officer": make_staff(app, role="officer", windows=("A01",), name="窗口人员")[0],
        "county": make_staff(
            app, role="supervisor", center="hengyang-county", windows=(), name="县监察员"
        )[0],
    }
    return ids


def _member(ids, who) -> StaffMember:
    return db.session.get(StaffMember, ids[who])


def _file(kind=Kind.SLOW, contact=None, applicant=None) -> Complaint:
    center = db.session.scalar(select(Center).where(Center.slug == "city"))
    item = db.session.scalars(select(ServiceItem).order_by(ServiceItem.code)).first()
    draft = ComplaintDraft(
        kind=kind,
        what_happened="窗口说材料不全，但没有说缺什么。",
        what_they_want="一次性告知需要补正的材料。",
        item=item,
        center=center,
        contact=contact,
        applicant=applicant,
    )
    filed = file_complaint(draft, current_app.extensions["calendar"], DEADLINES, findings=[])
    db.session.commit()
    return filed.complaint


def _actions(complaint) -> list[str]:
    rows = db.session.scalars(select(StaffAction).order_by(StaffAction.id)).all()
    return [a.action for a in rows if (a.detail or {}).get("complaint") == complaint.id]


def test_the_whole_path_and_its_deadlines_across_national_day(app, clock, office):
    calendar = app.extensions["calendar"]
    with app.app_context():
        complaint = _file(contact=Contact("李娜", mobile="13900002222"))
        assert (complaint.accept_by, complaint.reply_by) == (date(2026, 10, 8), date(2026, 10, 13))
        first, head = _member(office, "first"), _member(office, "head")

        clock.now = _at(date(2026, 10, 8))
        handling.accept(first, complaint)
        handling.start_investigating(first, complaint, first)
        assert complaint.status == S.INVESTIGATING and complaint.handler_id == first.id
        db.session.commit()

        clock.now = _at(date(2026, 10, 9))
        asked = handling.ask_statement(
            first, complaint, "综合受理窗口", "请说明为何未一次性告知。", calendar, DEADLINES
        )
        # Three working days from Friday 9 October: Saturday 10 (make-up), Monday 12, 13.
        assert asked.due_by == date(2026, 10, 13)
        handling.enter_statement(first, asked, "当日系统故障，已补正告知。")
        with pytest.raises(handling.NotAllowed):
            handling.enter_statement(first, asked, "第二次")
        db.session.commit()

        clock.now = _at(date(2026, 10, 12))
        # At most the kind's own 5 working days past 13 October: 14, 15, 16, 19, 20.
        with pytest.raises(handling.HandlingError, match="new-date"):
            handling.ask_extension(
                first, complaint, "需调取监控", date(2026, 10, 21), calendar, DEADLINES
            )
        handling.ask_extension(
            first, complaint, "需调取监控", date(2026, 10, 20), calendar, DEADLINES
        )
        with pytest.raises(handling.HandlingError, match="head-only"):
            handling.approve_extension(_member(office, "second"), complaint)
        handling.approve_extension(head, complaint)
        assert complaint.reply_by == date(2026, 10, 20) and complaint.extended
        extended = [e for e in complaint.events if e.kind == "extended"][-1]
        assert extended.detail == {"why": "需调取监控", "reply_by": "2026-10-20"}
        with pytest.raises(handling.HandlingError, match="once"):
            handling.ask_extension(
                first, complaint, "再延", date(2026, 10, 21), calendar, DEADLINES
            )
        db.session.commit()

        clock.now = _at(date(2026, 10, 19))
        handling.draft_reply(first, complaint, "经核查，窗口已整改，并向您致歉。")
        handling.approve_reply(head, complaint)
        db.session.commit()
        assert complaint.status == S.REPLIED and complaint.first_replied_by_id == first.id
        replied = [e for e in complaint.events if e.kind == S.REPLIED][-1]
        assert replied.detail == {"reply": "经核查，窗口已整改，并向您致歉。"}
        assert [e.kind for e in complaint.events] == [
            S.RECEIVED,
            S.ACCEPTED,
            S.INVESTIGATING,
            "statement-requested",
            "statement-received",
            "extension-asked",
            "extended",
            "reply-drafted",
            S.REPLY_APPROVED,
            S.REPLIED,
        ]
        assert _actions(complaint) == [
            "complaint-accepted",
            "complaint-investigating",
            "complaint-statement-requested",
            "complaint-statement-received",
            "complaint-extension-asked",
            "complaint-extended",
            "complaint-reply-drafted",
            "complaint-replied",
        ]

        # 15 calendar days after the reply, unrated: closed, not rated.
        clock.now = _at(date(2026, 11, 3), 9)
        handling.close_unanswered()
        assert complaint.status == S.REPLIED  # 15 days from 10:00 on 19 October: not yet
        clock.now = _at(date(2026, 11, 3), 11)
        assert handling.close_unanswered().not_rated >= 1
        db.session.commit()
        assert db.session.get(Complaint, complaint.id).status == S.CLOSED_NOT_RATED

        # Without an account, the complainant was told at the number they gave.
        sent = db.session.scalars(
            select(QueuedMessage)
            .where(QueuedMessage.to_mobile == "13900002222")
            .order_by(QueuedMessage.id)
        ).all()
        assert [m.purpose for m in sent] == [
            "complaint-received",
            "complaint-accepted",
            "complaint-extended",
            "complaint-replied",
            "complaint-closed",
        ]
        assert "2026年10月20日" in sent[2].body


def test_the_head_approves_but_never_their_own_draft(app, clock, office):
    with app.app_context():
        complaint = _file(kind=Kind.OTHER)
        head, first = _member(office, "head"), _member(office, "first")
        handling.accept(head, complaint)
        handling.start_investigating(head, complaint, head)
        handling.draft_reply(head, complaint, "答复")
        with pytest.raises(handling.HandlingError, match="own-draft"):
            handling.approve_reply(head, complaint)
        with pytest.raises(handling.HandlingError, match="head-only"):
            handling.approve_reply(first, complaint)
        handling.draft_reply(first, complaint, "另一份答复")
        handling.approve_reply(head, complaint)
        assert complaint.status == S.REPLIED
        db.session.commit()


def test_only_the_office_of_the_center_handles_it(app, clock, office):
    with app.app_context():
        complaint = _file()
        for who in ("officer", "county"):
            with pytest.raises(handling.NotAllowed):
                handling.accept(_member(office, who), complaint)
            assert handling.find_for_office(_member(office, who), complaint.ticket) is None
        assert complaint.status == S.RECEIVED
        db.session.rollback()


def test_not_accepted_says_why_in_the_shared_shape(app, clock, office):
    with app.app_context():
        first = _member(office, "first")
        earlier = _file()
        clock.now += timedelta(minutes=5)
        complaint = _file()
        with pytest.raises(handling.HandlingError, match="contact"):
            handling.not_accept(first, complaint, handling.OUTSIDE_REMIT)
        with pytest.raises(handling.HandlingError, match="earlier-ticket"):
            handling.not_accept(first, complaint, handling.DUPLICATE, earlier_ticket="HYTS-1")
        with pytest.raises(handling.HandlingError, match="earlier-ticket"):
            handling.not_accept(first, earlier, handling.DUPLICATE, earlier_ticket=complaint.ticket)
        handling.not_accept(first, complaint, handling.DUPLICATE, earlier_ticket=earlier.ticket)
        event = complaint.events[-1]
        assert (event.kind, event.detail) == (
            S.NOT_ACCEPTED,
            {"reason": "duplicate", "contact": None, "earlier_ticket": earlier.ticket},
        )
        handling.not_accept(first, earlier, handling.OUTSIDE_REMIT, contact="市公安局 0734-110")
        assert earlier.events[-1].detail["contact"] == "市公安局 0734-110"
        db.session.commit()


def test_an_extension_is_asked_before_the_deadline(app, clock, office):
    calendar = app.extensions["calendar"]
    with app.app_context():
        complaint = _file()
        first = _member(office, "first")
        handling.accept(first, complaint)
        clock.now = _at(date(2026, 10, 14))  # the day after reply_by (13 October)
        with pytest.raises(handling.HandlingError, match="too-late"):
            handling.ask_extension(
                first, complaint, "晚了", date(2026, 10, 20), calendar, DEADLINES
            )
        db.session.commit()


def test_a_reopened_complaint_goes_to_another_handler(app, clock, office):
    with app.app_context():
        complaint = _file()
        first, second, head = (_member(office, w) for w in ("first", "second", "head"))
        handling.accept(first, complaint)
        handling.start_investigating(first, complaint, first)
        handling.draft_reply(first, complaint, "答复")
        handling.approve_reply(head, complaint)
        operations.move(complaint, S.REOPENED, "complainant")  # the journey's unsatisfied rating
        assert first not in handling.handlers_for(head, complaint)
        with pytest.raises(handling.HandlingError, match="same-handler"):
            handling.start_investigating(head, complaint, first)
        handling.start_investigating(head, complaint, second)
        assert complaint.handler_id == second.id and complaint.reply_draft is None
        handling.draft_reply(second, complaint, "第二次答复")
        handling.approve_reply(head, complaint)
        # The first replier stays the one a reopening is kept from.
        assert complaint.first_replied_by_id == first.id
        db.session.commit()


def test_messages_go_to_the_account_or_nowhere_for_an_anonymous_complaint(app, clock, office):
    applicant_id, _ = make_applicant(app, mobile="13700003333")
    with app.app_context():
        from portal.accounts.models import Applicant

        applicant = db.session.get(Applicant, applicant_id)
        with_account = _file(contact=Contact("王芳", mobile="13700003333"), applicant=applicant)
        anonymous = _file()
        first = _member(office, "first")
        handling.not_accept(first, with_account, handling.NO_CONTENT)
        handling.accept(first, anonymous)
        db.session.commit()
        boxed = db.session.scalars(
            select(SentMessage)
            .where(SentMessage.applicant_id == applicant_id)
            .order_by(SentMessage.id)
        ).all()
        assert [m.kind for m in boxed] == ["complaint-received", "complaint-not-accepted"]
        assert with_account.ticket[-1] in boxed[0].subject
        # A rolled-back step tells nobody.
        before = db.session.query(QueuedMessage).count()
        handling.accept(first, _file(contact=Contact("赵六", mobile="13700004444")))
        assert db.session.query(QueuedMessage).count() == before + 1  # only its receipt
        db.session.rollback()
        assert db.session.query(QueuedMessage).count() == before + 1


def test_two_handlers_at_once_one_wins(app, backend, office, tmp_path):
    if backend != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite runs one writer at a time anyway")
    with app.app_context():
        complaint_id = _file().id
    won, lost, errors = [], [], []
    barrier = threading.Barrier(2)

    def act(who):
        try:
            with app.app_context():
                complaint = db.session.get(Complaint, complaint_id)
                member = _member(office, who)
                barrier.wait()
                try:
                    handling.accept(member, complaint)
                    handling.start_investigating(member, complaint, member)
                    db.session.commit()
                    won.append(who)
                except handling.NotAllowed:
                    db.session.rollback()
                    lost.append(who)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=act, args=(w,)) for w in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(won) == 1 and len(lost) == 1
    with app.app_context():
        complaint = db.session.get(Complaint, complaint_id)
        assert complaint.handler_id == office[won[0]]
        assert [e.kind for e in complaint.events].count(S.ACCEPTED) == 1


def test_a_rated_reply_closes_as_closed(app, clock, office):
    """Rated unsatisfied and never asked again: closed as rated, never as not rated."""
    with app.app_context():
        complaint = _file(contact=Contact("钱七", mobile="13900006666"))
        first, head = _member(office, "first"), _member(office, "head")
        handling.accept(first, complaint)
        handling.start_investigating(first, complaint, first)
        handling.draft_reply(first, complaint, "答复")
        handling.approve_reply(head, complaint)
        db.session.commit()
        rating.rate(db.session.get(Complaint, complaint.id), "unsatisfied", ("slow",))
        db.session.commit()
        clock.now += timedelta(days=15, minutes=1)
        assert handling.close_unanswered().rated >= 1
        db.session.commit()
        assert db.session.get(Complaint, complaint.id).status == S.CLOSED
        closed = db.session.scalars(
            select(QueuedMessage).where(
                QueuedMessage.to_mobile == "13900006666",
                QueuedMessage.purpose == "complaint-closed",
            )
        ).one()
        assert "未评价" not in closed.body
