"""An ended case is rated once by its applicant; a bad rating needs reasons and opens a
follow-up due within 1 working day; the outcome is told to the rater, who may add one 追评."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select, update

from portal.clock import beijing
from portal.extensions import db
from portal.filing.models import Application, Status
from portal.messaging.models import SentMessage
from portal.ratings import follow_up, rating
from portal.ratings.models import FollowUp, Level, Outcome, Rating
from portal.window.models import StaffAction, StaffMember
from tests.factories import make_applicant, make_staff, sign_in_as
from tests.filing.test_journey import filed

# Wednesday 30 September 2026, 10:00 in Beijing: the last working day before National Day.
BEFORE_NATIONAL_DAY = datetime(2026, 9, 30, 2, 0, tzinfo=UTC)


def ended_case(app, status=Status.COMPLETED) -> str:
    """A filed case the window has ended; returns its public id."""
    applicant_id, _ = make_applicant(app)
    client = app.test_client()
    sign_in_as(client, applicant_id)
    public_id = filed(client)
    with app.app_context():
        db.session.execute(
            update(Application).where(Application.public_id == public_id).values(status=status)
        )
        db.session.commit()
    return public_id


def _case(public_id: str) -> Application:
    return db.session.scalar(select(Application).where(Application.public_id == public_id))


def _rate(public_id, level=Level.SATISFIED, codes=(), words=None):
    return rating.rate(_case(public_id), level, codes, words, current_app.extensions["calendar"], 1)


def test_the_rules_ask_reasons_for_the_bottom_two_and_bound_the_words():
    assert rating.problems_with(None, (), None) == ["level"]
    assert rating.problems_with("excellent", (), None) == ["level"]
    assert rating.problems_with(Level.BASICALLY_SATISFIED, (), None) == []
    assert rating.problems_with(Level.UNSATISFIED, (), None) == ["reasons-required"]
    assert rating.problems_with(Level.VERY_UNSATISFIED, ("slow",), None) == []
    assert rating.problems_with(Level.SATISFIED, ("made-up",), None) == ["reasons-unknown"]
    assert rating.problems_with(Level.SATISFIED, (), "字" * 501) == ["words-too-long"]


@pytest.mark.parametrize("status", [Status.DECLINED, Status.REFUSED, Status.COMPLETED])
def test_an_ended_case_is_rated_once_and_an_open_one_not_at_all(app, status):
    public_id = ended_case(app, status)
    with app.app_context():
        assert rating.may_rate(_case(public_id))
        assert rating.rating_of(_case(public_id)) is None  # never a default rating
        given = _rate(public_id, Level.VERY_SATISFIED, ("other",), "谢谢")
        db.session.commit()
        assert (given.level, given.reasons, given.words) == (
            Level.VERY_SATISFIED,
            ["other"],
            "谢谢",
        )
        assert not rating.may_rate(_case(public_id))
        with pytest.raises(rating.NotNow):
            _rate(public_id, Level.VERY_UNSATISFIED, ("slow",))
        db.session.rollback()
        assert rating.rating_of(_case(public_id)).level == Level.VERY_SATISFIED
        # A good rating opens no follow-up.
        assert follow_up.follow_up_of(rating.rating_of(_case(public_id))) is None


def test_a_case_still_being_handled_cannot_be_rated(app):
    public_id = ended_case(app, Status.IN_REVIEW)
    with app.app_context():
        assert not rating.may_rate(_case(public_id))
        with pytest.raises(rating.NotNow):
            _rate(public_id)


def test_two_submits_at_once_leave_one_rating(app, backend):
    if backend != "postgresql":
        pytest.skip("SQLite serialises writers: the race needs two real connections")
    public_id = ended_case(app)
    results = []
    barrier = threading.Barrier(2)

    def submit(level):
        with app.app_context():
            application = _case(public_id)
            barrier.wait()
            try:
                rating.rate(application, level, ("slow",), None, app.extensions["calendar"], 1)
                db.session.commit()
                results.append("rated")
            except rating.NotNow:
                db.session.rollback()
                results.append("refused")

    threads = [threading.Thread(target=submit, args=(lv,)) for lv in Level.BAD]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["rated", "refused"]
    with app.app_context():
        application = _case(public_id)
        count = select(func.count()).select_from(Rating)
        assert db.session.scalar(count.where(Rating.application_id == application.id)) == 1
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(FollowUp)
                .join(Rating)
                .where(Rating.application_id == application.id)
            )
            == 1
        )


def test_a_bad_rating_before_national_day_is_called_back_on_the_first_day_after(app, monkeypatch):
    monkeypatch.setattr(beijing, "now", lambda: BEFORE_NATIONAL_DAY)
    public_id = ended_case(app)
    with app.app_context():
        given = _rate(public_id, Level.UNSATISFIED, ("slow", "attitude"), "等了很久")
        db.session.commit()
        opened = follow_up.follow_up_of(given)
        # 1 October to 7 October are holidays: the call-back is due Thursday 8 October.
        assert opened.call_back_by == date(2026, 10, 8)
        assert opened.center_id == _case(public_id).center_id
        calendar = current_app.extensions["calendar"]
        assert follow_up.due(opened, calendar, date(2026, 10, 7)).light == "green"
        assert follow_up.due(opened, calendar, date(2026, 10, 8)).light == "yellow"
        assert follow_up.due(opened, calendar, date(2026, 10, 9)).light == "red"
        # 15 working days from the last day before the holidays end on 27 October.
        assert follow_up.latest_fix_date(calendar, date(2026, 9, 30)) == date(2026, 10, 27)


def _supervisor(app, center="city"):
    staff_id, *_ = make_staff(app, windows=(), role="supervisor", center=center)
    return staff_id


def test_the_outcome_follows_the_call_is_audited_told_and_rated_again_once(app):
    public_id = ended_case(app)
    staff_id = _supervisor(app)
    with app.app_context():
        calendar = current_app.extensions["calendar"]
        member = db.session.get(StaffMember, staff_id)
        given = _rate(public_id, Level.VERY_UNSATISFIED, ("asked-again",))
        db.session.commit()
        opened = follow_up.follow_up_of(given)
        with pytest.raises(follow_up.NotNow):  # no outcome before the call-back
            follow_up.record_outcome(opened, member, Outcome.EXPLAINED, "说明", calendar)
        db.session.rollback()
        follow_up.record_call(opened, member, "已电话联系申请人。")
        with pytest.raises(follow_up.NotNow):
            follow_up.record_call(opened, member, "again")
        with pytest.raises(ValueError):  # 限期整改 needs a date within 15 working days
            follow_up.record_outcome(
                opened,
                member,
                Outcome.FIX_BY,
                "整改",
                calendar,
                fix_by=calendar.add_working_days(beijing.today(), 16),
            )
        fix_by = calendar.add_working_days(beijing.today(), 15)
        follow_up.record_outcome(
            opened, member, Outcome.FIX_BY, "整改指南", calendar, fix_by=fix_by
        )
        db.session.commit()
        assert (opened.outcome, opened.fix_by) == (Outcome.FIX_BY, fix_by)
        assert follow_up.due(opened, calendar).step == "fix"
        late = follow_up.due(opened, calendar, fix_by + timedelta(days=1))
        assert (late.step, late.light) == ("fix", "red")  # a late fix is never shown done
        follow_up.record_fixed(opened, member)
        with pytest.raises(follow_up.NotNow):
            follow_up.record_fixed(opened, member)
        assert follow_up.due(opened, calendar, fix_by + timedelta(days=1)).light == "done"
        actions = db.session.scalars(
            select(StaffAction.action)
            .where(StaffAction.staff_id == staff_id, StaffAction.action.like("rating-%"))
            .order_by(StaffAction.id)
        ).all()
        assert actions == ["rating-called-back", "rating-outcome", "rating-fixed"]
        told = db.session.scalars(
            select(SentMessage).where(
                SentMessage.application_id == _case(public_id).id,
                SentMessage.kind == "rating-follow-up",
            )
        ).all()
        assert len(told) == 1 and "限期整改" in told[0].body
        assert follow_up.may_rate_again(given)
        follow_up.rate_again(given, Level.BASICALLY_SATISFIED, "已改进")
        db.session.commit()
        assert given.later_level == Level.BASICALLY_SATISFIED
        assert given.level == Level.VERY_UNSATISFIED  # the first rating stays as given
        with pytest.raises(follow_up.NotNow):
            follow_up.rate_again(given, Level.SATISFIED, None)
