"""Yellow and red cards across National Day 2026, cleared only by the action that ends the
step, with their history; the promised and the statutory decision limit; a year the calendar
does not know; two sweeps at once."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
from flask import current_app
from sqlalchemy import func, select, update

from portal.clock import beijing
from portal.extensions import db
from portal.filing.models import Application, Status
from portal.supervision.cards import Rules, sweep
from portal.supervision.models import Card, CardHistory, CardNote, Level, Limit, Step, Subject
from tests.factories import make_applicant, make_staff, sign_in_as, sign_in_staff
from tests.filing.test_journey import filed

RULES = Rules(yellow_working_days=1, escalate_working_days=3)


def at(day: date, hour: int = 10) -> datetime:
    """``hour`` o'clock in Beijing on ``day``, as the clock answers it."""
    return datetime(day.year, day.month, day.day, hour - 8, tzinfo=UTC)


def filed_case(app, **values) -> str:
    applicant_id, _ = make_applicant(app)
    client = app.test_client()
    sign_in_as(client, applicant_id)
    public_id = filed(client)
    if values:
        with app.app_context():
            db.session.execute(
                update(Application).where(Application.public_id == public_id).values(**values)
            )
            db.session.commit()
    return public_id


def case_id(public_id: str) -> int:
    return db.session.scalar(select(Application.id).where(Application.public_id == public_id))


def run(day: date, monkeypatch, application_id: int):
    """The sweep on ``day``, of this case only: the session's database holds other tests'."""
    monkeypatch.setattr(beijing, "now", lambda: at(day))
    report = sweep(current_app.extensions["calendar"], day, RULES, Subject.CASE, [application_id])
    db.session.commit()
    return report


def cards_of(application_id: int) -> dict[tuple[str, str], Card]:
    db.session.expire_all()
    rows = db.session.scalars(
        select(Card).where(Card.subject == Subject.CASE, Card.subject_id == application_id)
    )
    return {(c.step, c.limit_kind): c for c in rows}


def history(card: Card) -> list[tuple[str, str, date]]:
    return [(h.kind, h.level, h.on) for h in card.history]


def notes(staff_id: int) -> list[tuple[str, str]]:
    rows = db.session.scalars(
        select(CardNote).where(CardNote.staff_id == staff_id).order_by(CardNote.id)
    )
    return [(n.kind, n.level) for n in rows]


def test_a_pre_review_card_across_national_day_is_cleared_only_by_the_decision(app, monkeypatch):
    officer_id, *_ = make_staff(app, windows=("A01",))
    other_window_id, *_ = make_staff(app, windows=("B01",))
    head_id, *_ = make_staff(app, role="supervision-head", windows=())
    # The window answers by Thursday 8 October, the first working day after the holiday.
    public_id = filed_case(app, pre_review_by=date(2026, 10, 8))
    with app.app_context():
        application_id = case_id(public_id)
        key = (Step.PRE_REVIEW, Limit.STEP)
        run(date(2026, 9, 29), monkeypatch, application_id)  # two working days away: green, no card
        assert cards_of(application_id) == {}
        run(date(2026, 9, 30), monkeypatch, application_id)  # the working day before: yellow
        assert cards_of(application_id)[key].level == Level.YELLOW
        for day in range(1, 8):  # nothing on the holiday itself
            report = run(date(2026, 10, day), monkeypatch, application_id)
            assert (report.raised, report.escalated, report.cleared) == (0, 0, 0)
        run(date(2026, 10, 8), monkeypatch, application_id)  # the deadline itself: still yellow
        assert cards_of(application_id)[key].level == Level.YELLOW
        run(date(2026, 10, 9), monkeypatch, application_id)  # the day after: red
        card = cards_of(application_id)[key]
        assert (card.level, card.red_on, card.cleared_at) == (Level.RED, date(2026, 10, 9), None)
        # Time alone never clears it, and a second sweep the same day changes nothing.
        run(date(2026, 10, 9), monkeypatch, application_id)
        run(
            date(2026, 10, 12), monkeypatch, application_id
        )  # 2 working days red (Sat 10th worked): not yet
        assert cards_of(application_id)[key].head_told_at is None
        run(
            date(2026, 10, 13), monkeypatch, application_id
        )  # 3 working days red: to the office head
        assert cards_of(application_id)[key].head_told_at is not None
        assert notes(officer_id) == [("raised", "yellow"), ("escalated", "red")]
        assert notes(head_id) == [("head-told", "red")]
        assert notes(other_window_id) == []

    # The officer accepts on the 13th: the pre-review card is cleared by that action.
    monkeypatch.setattr(beijing, "now", lambda: at(date(2026, 10, 13)))
    client = app.test_client()
    sign_in_staff(client, officer_id)
    response = client.post(f"/staff/cases/{public_id}", data={"decision": "accept"})
    assert response.status_code == 302
    with app.app_context():
        cards = cards_of(application_id)
        card = cards[key]
        assert card.cleared_on == date(2026, 10, 13) and card.cleared_late is True
        assert history(card) == [
            ("raised", "yellow", date(2026, 9, 30)),
            ("escalated", "red", date(2026, 10, 9)),
            ("head-told", "red", date(2026, 10, 13)),
            ("cleared", "red", date(2026, 10, 13)),
        ]
        assert (card.history[-1].event, card.history[-1].by_name) == ("accepted", "张伟")
        # At the same commit: decided by tomorrow (the promised 1 working day) is yellow at
        # once, as is the sign-off capped at it; the statutory 3 days are not yet close.
        assert {k: c.level for k, c in cards.items() if c.cleared_at is None} == {
            (Step.DECISION, Limit.PROMISED): Level.YELLOW,
            (Step.SIGN_OFF, Limit.STEP): Level.YELLOW,
        }
        # The statutory card comes on its own day; the promised one is red by then.
        run(date(2026, 10, 15), monkeypatch, application_id)
        levels = {k: c.level for k, c in cards_of(application_id).items() if c.is_open}
        assert levels == {
            (Step.DECISION, Limit.PROMISED): Level.RED,
            (Step.DECISION, Limit.STATUTORY): Level.YELLOW,
            (Step.SIGN_OFF, Limit.STEP): Level.RED,
        }
        # An Art. 42 extension moves the date, never the level back to yellow or green.
        db.session.execute(
            update(Application)
            .where(Application.id == application_id)
            .values(decide_by=date(2026, 10, 30))
        )
        db.session.commit()
        run(date(2026, 10, 16), monkeypatch, application_id)
        promised = cards_of(application_id)[(Step.DECISION, Limit.PROMISED)]
        assert (promised.level, promised.due, promised.cleared_at) == (
            Level.RED,
            date(2026, 10, 30),
            None,
        )
        # The decision ends every step of the decision.
        db.session.execute(
            update(Application)
            .where(Application.id == application_id)
            .values(status=Status.APPROVED)
        )
        db.session.commit()
        run(date(2026, 10, 19), monkeypatch, application_id)
        assert all(c.cleared_at is not None for c in cards_of(application_id).values())


def test_a_deadline_on_the_eve_of_the_holiday_turns_red_on_the_first_working_day_after(
    app, monkeypatch
):
    public_id = filed_case(app, pre_review_by=date(2026, 9, 30))
    with app.app_context():
        application_id = case_id(public_id)
        key = (Step.PRE_REVIEW, Limit.STEP)
        run(date(2026, 9, 29), monkeypatch, application_id)
        assert cards_of(application_id)[key].level == Level.YELLOW
        run(
            date(2026, 10, 1), monkeypatch, application_id
        )  # past the deadline, but the center is closed
        assert cards_of(application_id)[key].level == Level.YELLOW
        run(date(2026, 10, 8), monkeypatch, application_id)
        assert cards_of(application_id)[key].level == Level.RED


def test_a_year_the_calendar_does_not_know_raises_no_card_and_says_so(app, monkeypatch, caplog):
    officer_id, *_ = make_staff(app, windows=("A01",))
    public_id = filed_case(app, pre_review_by=date(2027, 1, 5))
    with app.app_context():
        application_id = case_id(public_id)
        report = run(date(2026, 12, 31), monkeypatch, application_id)
        assert report.unknown_years == {2027} and "does not know 2027" in report.line()
        [row] = cards_of(application_id).values()
        assert row.level == Level.UNKNOWN and row.history == []
        assert notes(officer_id) == []
        assert "the calendar does not know 2027" in caplog.text


def test_two_sweeps_at_once_raise_one_card_and_tell_once(app, backend, monkeypatch):
    if backend != "postgresql":
        pytest.skip("SQLite serialises writers: the race needs two real connections")
    officer_id, *_ = make_staff(app, windows=("A01",))
    public_id = filed_case(app, pre_review_by=date(2026, 10, 8))
    with app.app_context():
        application_id = case_id(public_id)
    monkeypatch.setattr(beijing, "now", lambda: at(date(2026, 10, 9)))
    barrier = threading.Barrier(2)
    reports = []

    def one_sweep():
        with app.app_context():
            calendar = current_app.extensions["calendar"]
            barrier.wait()
            reports.append(
                sweep(calendar, date(2026, 10, 9), RULES, Subject.CASE, [application_id])
            )
            db.session.commit()

    threads = [threading.Thread(target=one_sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.raised for r in reports) == [0, 1]
    with app.app_context():
        [card] = cards_of(application_id).values()
        assert history(card) == [("raised", "red", date(2026, 10, 9))]
        assert notes(officer_id) == [("raised", "red")]
        count = select(func.count()).select_from(CardHistory)
        assert db.session.scalar(count.where(CardHistory.card_id == card.id)) == 1


def test_a_bad_rating_gets_its_call_back_card_at_once_told_to_the_office(app, monkeypatch):
    from portal.ratings import rating as ratings
    from portal.ratings.follow_up import follow_up_of
    from portal.ratings.models import Level as RatingLevel

    supervisor_id, *_ = make_staff(app, role="supervisor", windows=())
    public_id = filed_case(app, status=Status.COMPLETED)
    monkeypatch.setattr(beijing, "now", lambda: at(date(2026, 9, 30)))
    with app.app_context():
        application = db.session.get(Application, case_id(public_id))
        # A bad rating on the last working day before the holiday: its call-back is due on
        # 8 October, one working day away, so the card is yellow at the rating's commit.
        given = ratings.rate(
            application,
            RatingLevel.VERY_UNSATISFIED,
            ("slow",),
            None,
            current_app.extensions["calendar"],
            1,
        )
        db.session.commit()
        # Only this rating's card: the session's database holds other tests' ratings.
        [card] = db.session.scalars(
            select(Card).where(
                Card.subject == Subject.FOLLOW_UP,
                Card.subject_id == follow_up_of(given).id,
            )
        )
        assert (card.step, card.level, card.due) == (
            Step.CALL_BACK,
            Level.YELLOW,
            date(2026, 10, 8),
        )
        assert notes(supervisor_id) == [("raised", "yellow")]


def test_the_worker_sweeps_hourly_and_each_morning(empty_app):
    from portal.worker import JOBS, Daily, Hourly

    assert isinstance(JOBS["supervision-cards"].schedule, Hourly)
    assert isinstance(JOBS["supervision-cards-morning"].schedule, Daily)
    with empty_app.app_context():
        line = JOBS["supervision-cards"].run("2026-10-09T10")
    assert line.startswith("0 cards raised, 0 turned red, 0 cleared")


def test_a_site_inspection_is_watched_from_its_scheduling_until_it_is_reported_done(
    app, monkeypatch
):
    from portal.filing.operations import record_event

    # A company registration accepted on Monday 28 September 2026, promised in 1 working day
    # but extended to 20 October: the inspection is due 3 working days after acceptance,
    # Thursday 8 October, across the holiday.
    public_id = filed_case(
        app,
        status=Status.IN_REVIEW,
        accepted_on=date(2026, 9, 28),
        decide_by=date(2026, 10, 20),
    )
    with app.app_context():
        application_id = case_id(public_id)
        application = db.session.get(Application, application_id)
        monkeypatch.setattr(beijing, "now", lambda: at(date(2026, 9, 29)))
        record_event(application, "backoffice-inspection-scheduled", "back-office")
        db.session.commit()
        assert (Step.INSPECTION, Limit.STEP) not in cards_of(application_id)  # two days away
        run(date(2026, 9, 30), monkeypatch, application_id)
        assert cards_of(application_id)[(Step.INSPECTION, Limit.STEP)].level == Level.YELLOW
        run(date(2026, 10, 9), monkeypatch, application_id)
        assert cards_of(application_id)[(Step.INSPECTION, Limit.STEP)].level == Level.RED
        application = db.session.get(Application, application_id)
        record_event(application, "backoffice-inspected", "back-office", on="2026-10-09")
        db.session.commit()
        inspection = cards_of(application_id)[(Step.INSPECTION, Limit.STEP)]
        assert inspection.cleared_on == date(2026, 10, 9)
        assert inspection.history[-1].event == "backoffice-inspected"
        # The decision's cards stay: the case is still being decided.
        assert cards_of(application_id)[(Step.SIGN_OFF, Limit.STEP)].cleared_at is None


def test_the_full_sweep_reads_only_deadlines_close_enough_and_clears_what_ended(app, monkeypatch):
    """The worker's sweep of everything (the other tests sweep their own case only)."""
    overdue = filed_case(app, pre_review_by=date(2026, 12, 18))
    later = filed_case(app, pre_review_by=date(2026, 12, 29))
    with app.app_context():
        overdue_id, later_id = case_id(overdue), case_id(later)
        monkeypatch.setattr(beijing, "now", lambda: at(date(2026, 12, 21)))
        sweep(current_app.extensions["calendar"], date(2026, 12, 21), RULES)
        db.session.commit()
        assert cards_of(overdue_id)[(Step.PRE_REVIEW, Limit.STEP)].level == Level.RED
        assert cards_of(later_id) == {}
        # The filing withdrawn (its step ended without the window): cleared by the next sweep.
        db.session.execute(
            update(Application).where(Application.id == overdue_id).values(status=Status.WITHDRAWN)
        )
        db.session.commit()
        sweep(current_app.extensions["calendar"], date(2026, 12, 21), RULES)
        db.session.commit()
        card = cards_of(overdue_id)[(Step.PRE_REVIEW, Limit.STEP)]
        assert card.cleared_on == date(2026, 12, 21) and card.cleared_late is True


def test_a_case_being_decided_with_no_acceptance_day_costs_only_its_decision_cards(
    app, monkeypatch
):
    """A record written wrong (status in review, no acceptance day) is logged and skipped:
    the worker's sweep goes on with every other case."""
    broken = filed_case(app, status=Status.IN_REVIEW, accepted_on=None, decide_by=None)
    with app.app_context():
        application_id = case_id(broken)
        run(date(2026, 12, 21), monkeypatch, application_id)
        assert not [key for key in cards_of(application_id) if key[0] == Step.DECISION]
