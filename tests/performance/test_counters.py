"""The monthly counts are kept by the portal's own doors as events happen, and equal a
recomputation from the record (``flask performance rebuild``) after a mixed run: filings,
decisions on time and late, good and bad ratings, follow-ups done and not, and an upheld
appeal that takes a fixed bad rating out of the figures again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select, update

from portal.clock import beijing
from portal.extensions import db
from portal.filing.models import Application
from portal.performance import counters
from portal.performance.figures import Month, Selection, report
from portal.performance.models import MonthlyFigures
from portal.performance.recording import record_decision
from portal.ratings import appeal, follow_up, rating
from portal.ratings.models import AppealDecision, Level, Outcome
from portal.window.models import StaffMember
from tests.conftest import fresh_database, load_guides, make_app
from tests.factories import make_staff
from tests.ratings.test_rating import ended_case


def _counts() -> dict[tuple, dict[str, int]]:
    return {
        (row.month, row.center_id, row.item_id): {
            name: getattr(row, name) for name in counters.COUNTS if getattr(row, name)
        }
        for row in db.session.scalars(select(MonthlyFigures))
    }


def _decide(public_id: str, accepted_days_ago: int, due_in: int) -> None:
    """Accepted some days ago with a deadline ``due_in`` days from today, decided today."""
    today = beijing.today()
    application = db.session.scalar(select(Application).where(Application.public_id == public_id))
    db.session.execute(
        update(Application)
        .where(Application.id == application.id)
        .values(
            accepted_on=today - timedelta(days=accepted_days_ago),
            decide_by=today + timedelta(days=due_in),
        )
    )
    db.session.refresh(application)
    record_decision(application, current_app.extensions["calendar"])
    record_decision(application, current_app.extensions["calendar"])  # a repeat: nothing


@pytest.fixture(scope="module")
def app(backend, tmp_path_factory):
    """A database of its own: the month's totals below are this module's alone."""
    with fresh_database(backend, tmp_path_factory.mktemp("counters")) as url:
        application = make_app(url)
        load_guides(application)
        yield application
        with application.app_context():
            db.engine.dispose()


def test_the_counts_kept_by_the_doors_equal_a_recomputation_from_the_record(app):
    cases = [ended_case(app) for _ in range(5)]  # each submitted through filing.submit
    supervisor_id, *_ = make_staff(app, windows=(), role="supervisor")
    officer_id, *_ = make_staff(app, windows=("A01",), role="head")
    head_id, *_ = make_staff(app, windows=(), role="supervision-head")
    with app.app_context():
        calendar = current_app.extensions["calendar"]
        supervisor = db.session.get(StaffMember, supervisor_id)
        _decide(cases[0], 3, 2)  # on time
        _decide(cases[1], 12, -2)  # late
        _decide(cases[2], 4, 0)  # on its last day

        def rate(public_id, level, codes=()):
            application = db.session.scalar(
                select(Application).where(Application.public_id == public_id)
            )
            return rating.rate(application, level, codes, None, calendar, 1)

        rate(cases[0], Level.VERY_SATISFIED)
        rate(cases[1], Level.SATISFIED)
        explained = rate(cases[2], Level.UNSATISFIED, ("slow",))
        fix_by = rate(cases[3], Level.VERY_UNSATISFIED, ("slow",))
        appealed = rate(cases[4], Level.UNSATISFIED, ("slow",))
        for given, outcome in (
            (explained, Outcome.EXPLAINED),
            (fix_by, Outcome.FIX_BY),
            (appealed, Outcome.FIXED),
        ):
            opened = follow_up.follow_up_of(given)
            follow_up.record_call(opened, supervisor, "已电话联系")
            follow_up.record_outcome(
                opened,
                supervisor,
                outcome,
                "处理",
                calendar,
                fix_by=calendar.add_working_days(beijing.today(), 5)
                if outcome == Outcome.FIX_BY
                else None,
            )
        db.session.commit()
        month = Month.of(beijing.today())
        before = report(Selection(month), beijing.today(), 1).total
        assert before.ratings.counts[Level.UNSATISFIED] == 2
        assert (before.ratings.bad, before.ratings.fixed) == (3, 2)  # 限期整改 not yet confirmed
        follow_up.record_fixed(follow_up.follow_up_of(fix_by), supervisor)
        lodged = appeal.lodge(db.session.get(StaffMember, officer_id), appealed, "误评")
        head = db.session.get(StaffMember, head_id)
        appeal.decide(head, lodged, AppealDecision.UPHELD, "核实为误评。")
        db.session.commit()

        kept = _counts()
        figures = report(Selection(month), beijing.today(), 1).total
        counters.rebuild()
        assert _counts() == kept
        db.session.rollback()

    assert (figures.timeliness.received, figures.timeliness.decided) == (5, 3)
    assert (figures.timeliness.due_decided, figures.timeliness.on_time) == (3, 2)
    assert figures.ratings.counts == {
        Level.VERY_SATISFIED: 1,
        Level.SATISFIED: 1,
        Level.BASICALLY_SATISFIED: 0,
        Level.UNSATISFIED: 1,  # the upheld appeal's rating has left the figures
        Level.VERY_UNSATISFIED: 1,
    }
    assert (figures.ratings.bad, figures.ratings.fixed) == (2, 2)


def test_the_rebuild_command_recomputes_the_counts(app):
    ended_case(app)
    with app.app_context():
        db.session.execute(update(MonthlyFigures).values(received=99))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["performance", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "rebuilt" in result.output
    with app.app_context():
        submitted = db.session.scalar(
            select(func.count()).where(Application.submitted_at.is_not(None))
        )
        assert sum(db.session.scalars(select(MonthlyFigures.received))) == submitted
