"""Cards beyond a case's own steps: a complaint's acceptance and reply, a proxy request's
acceptance, a bad rating's 限期整改 fix date — each raised across the holiday, told to whoever
must act, and cleared by the action that ends the step."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from portal.catalog.models import Center, ServiceItem
from portal.clock import beijing
from portal.complaints import handling
from portal.complaints.deadlines import read_deadlines
from portal.complaints.models import Kind
from portal.complaints.operations import ComplaintDraft, file_complaint
from portal.config import PROJECT_ROOT
from portal.extensions import db
from portal.filing.models import Application, Status
from portal.proxy import window as proxy_window
from portal.proxy.exchange_rates import Rate, RateTable
from portal.proxy.models import ProxyRequest
from portal.ratings import follow_up, rating
from portal.ratings.models import Level as RatingLevel
from portal.ratings.models import Outcome
from portal.supervision.cards import sweep
from portal.supervision.models import Card, Level, Step, Subject
from portal.window.models import StaffMember
from tests.factories import make_staff
from tests.proxy.journey import FixedRates, submitted_request
from tests.supervision.test_cards import RULES, at, case_id, filed_case, history, notes

DEADLINES = read_deadlines(PROJECT_ROOT / "guides")


def _set_day(monkeypatch, day: date) -> None:
    monkeypatch.setattr(beijing, "now", lambda: at(day))


def _sweep(subject: str, subject_id: int, day: date, monkeypatch) -> None:
    _set_day(monkeypatch, day)
    sweep(current_app.extensions["calendar"], day, RULES, subject, [subject_id])
    db.session.commit()


def _cards(subject: str, subject_id: int) -> dict[str, Card]:
    db.session.expire_all()
    rows = db.session.scalars(
        select(Card).where(Card.subject == subject, Card.subject_id == subject_id)
    )
    return {card.step: card for card in rows}


def test_a_complaints_acceptance_and_reply(app, monkeypatch):
    supervisor_id, *_ = make_staff(app, role="supervisor", windows=(), name="监察员甲")
    other_id, *_ = make_staff(app, role="supervisor", windows=(), name="监察员乙")
    _set_day(monkeypatch, date(2026, 9, 30))
    with app.app_context():
        draft = ComplaintDraft(
            kind=Kind.SLOW,
            what_happened="窗口说材料不全，但没有说缺什么。",
            what_they_want="一次性告知需要补正的材料。",
            item=db.session.scalars(select(ServiceItem).order_by(ServiceItem.code)).first(),
            center=db.session.scalar(select(Center).where(Center.slug == "city")),
        )
        complaint = file_complaint(
            draft, current_app.extensions["calendar"], DEADLINES, findings=[]
        ).complaint
        db.session.commit()
        complaint_id = complaint.id
        # Filed on the eve of the holiday, to be accepted by 8 October: yellow at the filing's
        # commit, told to the whole office (nobody handles it yet).
        acceptance = _cards(Subject.COMPLAINT, complaint_id)[Step.COMPLAINT_ACCEPTANCE]
        assert (acceptance.level, acceptance.due) == (Level.YELLOW, date(2026, 10, 8))
        assert notes(supervisor_id) == notes(other_id) == [("raised", "yellow")]

        _set_day(monkeypatch, date(2026, 10, 8))
        member = db.session.get(StaffMember, supervisor_id)
        handling.accept(member, complaint)
        handling.start_investigating(member, complaint, member)
        db.session.commit()
        cards = _cards(Subject.COMPLAINT, complaint_id)
        acceptance = cards[Step.COMPLAINT_ACCEPTANCE]
        assert acceptance.cleared_on == date(2026, 10, 8) and acceptance.cleared_late is False
        assert Step.COMPLAINT_REPLY not in cards  # due the 13th: not yet close

        _sweep(Subject.COMPLAINT, complaint_id, date(2026, 10, 12), monkeypatch)
        _sweep(Subject.COMPLAINT, complaint_id, date(2026, 10, 14), monkeypatch)
        reply = _cards(Subject.COMPLAINT, complaint_id)[Step.COMPLAINT_REPLY]
        assert history(reply) == [
            ("raised", "yellow", date(2026, 10, 12)),
            ("escalated", "red", date(2026, 10, 14)),
        ]
        # The reply step is the handler's now: the other supervisor hears no more of it.
        assert notes(supervisor_id)[1:] == [("raised", "yellow"), ("escalated", "red")]
        assert notes(other_id) == [("raised", "yellow")]


def test_a_proxy_requests_acceptance_is_cleared_by_the_refusal(app, monkeypatch):
    table = RateTable(15, {"USD": [Rate("USD", date(2026, 12, 1), Decimal("7.0785"))]})
    monkeypatch.setitem(app.extensions, "exchange_rates", FixedRates(table))
    head_id, *_ = make_staff(app, role="proxy-head", windows=(), name="赵代理")
    public_id = submitted_request(app)
    with app.app_context():
        request = db.session.scalar(select(ProxyRequest).where(ProxyRequest.public_id == public_id))
        request_id, due = request.id, request.accept_by
        assert _cards(Subject.PROXY_REQUEST, request_id) == {}  # two working days: not close
        day_after = current_app.extensions["calendar"].add_working_days(due, 1)
        _sweep(Subject.PROXY_REQUEST, request_id, day_after, monkeypatch)
        card = _cards(Subject.PROXY_REQUEST, request_id)[Step.PROXY_ACCEPTANCE]
        assert card.level == Level.RED and notes(head_id) == [("raised", "red")]
        proxy_window.refuse(db.session.get(StaffMember, head_id), request, "项目不在代理范围内。")
        db.session.commit()
        card = _cards(Subject.PROXY_REQUEST, request_id)[Step.PROXY_ACCEPTANCE]
        assert card.cleared_late is True
        assert (card.history[-1].event, card.history[-1].by_name) == ("proxy-refused", "赵代理")


def test_a_fix_date_is_watched_until_the_office_confirms_the_fix(app, monkeypatch):
    supervisor_id, *_ = make_staff(app, role="supervisor", windows=(), name="回访员")
    public_id = filed_case(app, status=Status.COMPLETED)
    calendar = None
    _set_day(monkeypatch, date(2026, 10, 9))
    with app.app_context():
        calendar = current_app.extensions["calendar"]
        application = db.session.get(Application, case_id(public_id))
        given = rating.rate(application, RatingLevel.UNSATISFIED, ("slow",), None, calendar, 1)
        db.session.commit()
        found = follow_up.follow_up_of(given)
        member = db.session.get(StaffMember, supervisor_id)
        follow_up.record_call(found, member, "已电话联系。")
        follow_up.record_outcome(
            found, member, Outcome.FIX_BY, "整改窗口告知流程。", calendar, date(2026, 10, 13)
        )
        db.session.commit()
        cards = _cards(Subject.FOLLOW_UP, found.id)
        # The call-back (due the 10th, yellow at the rating) ended with the call.
        assert cards[Step.CALL_BACK].cleared_on == date(2026, 10, 9)
        assert cards[Step.CALL_BACK].history[-1].event == "rating-called-back"
        _sweep(Subject.FOLLOW_UP, found.id, date(2026, 10, 12), monkeypatch)
        _sweep(Subject.FOLLOW_UP, found.id, date(2026, 10, 14), monkeypatch)
        assert _cards(Subject.FOLLOW_UP, found.id)[Step.FIX].level == Level.RED
        _set_day(monkeypatch, date(2026, 10, 15))
        follow_up.record_fixed(found, member)
        db.session.commit()
        fix = _cards(Subject.FOLLOW_UP, found.id)[Step.FIX]
        assert [h[0] for h in history(fix)] == ["raised", "escalated", "cleared"]
        assert fix.cleared_late is True and fix.history[-1].event == "rating-fixed"


def test_a_bad_rating_of_a_complaints_reply_gets_its_call_back_card(app, monkeypatch):
    """A rating of a complaint's reply has no case: its card names the ticket instead."""
    from portal.complaints import rating as complaint_rating
    from portal.complaints.numbering import display_ticket
    from portal.complaints.operations import Contact
    from tests.ratings.test_complaint_reply import _file, _ratings_of, _reply

    make_staff(app, role="supervisor", windows=(), name="回访员乙")
    _set_day(monkeypatch, date(2026, 10, 9))
    with app.app_context(), app.test_request_context():
        complaint = _file(contact=Contact("钱八", mobile="13900007774"))
        _reply(complaint)
        db.session.commit()
        complaint_rating.rate(complaint, RatingLevel.VERY_UNSATISFIED, ("attitude",))
        db.session.commit()
        (given,) = _ratings_of(complaint)
        found = follow_up.follow_up_of(given)
        _sweep(Subject.FOLLOW_UP, found.id, date(2026, 10, 9), monkeypatch)
        card = _cards(Subject.FOLLOW_UP, found.id)[Step.CALL_BACK]
        assert card.level == Level.YELLOW  # the call-back is due the next working day
        assert card.label == display_ticket(complaint.ticket)
        assert card.window_id is None
