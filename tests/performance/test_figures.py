"""The figures are honest: open late cases count against the on-time rate, a small sample
publishes no distribution, an upheld appeal leaves its rating out, complaints are measured
against their reply deadline."""

from __future__ import annotations

import pytest

from portal.complaints.models import Kind
from portal.performance.figures import Breakdown, Month, Selection, months_offered, report
from portal.ratings.models import Level
from tests.performance.conftest import TODAY

NOVEMBER = Month(2026, 11)


def _report(app, **selection):
    with app.app_context():
        return report(Selection(NOVEMBER, **selection), TODAY, min_ratings=10)


def test_the_on_time_rate_counts_open_late_cases_against_it(figures_app):
    seeded = figures_app.extensions["seeded"]
    figures = _report(figures_app, center_id=seeded.center_id, item_id=seeded.item_id)
    cases = figures.total.timeliness
    # Due in November: one on time, one late, one open past its date. The case not yet due,
    # the suspended one and October's are not in the rate.
    assert (cases.on_time, cases.due_decided, cases.open_late) == (1, 2, 1)
    assert cases.on_time_rate == pytest.approx(1 / 3)  # not 1/2, which hides the open one
    assert (cases.received, cases.decided, cases.deemed) == (3, 2, 1)
    # 5 and 10 working days from acceptance (2 Nov) to decision (9 and 16 Nov).
    assert cases.mean_working_days == pytest.approx(7.5)
    assert cases.mean_promised_days == pytest.approx(float(_promised(figures_app, seeded)))
    assert [row.code for row in figures.rows] == [seeded.item_code]


def _promised(app, seeded):
    from portal.catalog.models import ServiceItem
    from portal.extensions import db

    with app.app_context():
        return db.session.get(ServiceItem, seeded.item_id).promised_limit


def test_the_same_month_seen_later_counts_the_not_yet_due_case_once_late(figures_app):
    seeded = figures_app.extensions["seeded"]
    from datetime import date

    with figures_app.app_context():
        later = report(
            Selection(NOVEMBER, item_id=seeded.item_id), date(2026, 12, 1), min_ratings=10
        )
    assert later.total.timeliness.open_late == 2
    assert later.total.timeliness.on_time_rate == pytest.approx(1 / 4)


def test_complaints_are_measured_against_their_reply_deadline(figures_app):
    figures = _report(figures_app)
    slow, fee = figures.total.complaints[Kind.SLOW], figures.total.complaints[Kind.FEE]
    # Replied on time, replied by the extended date, one unanswered and late; the one not
    # yet due and the one not accepted are not counted.
    assert (slow.replied, slow.on_time, slow.open_late) == (2, 2, 1)
    assert slow.on_time_rate == pytest.approx(2 / 3)
    assert fee.on_time_rate == 0
    assert slow.received == 5 and fee.received == 1


def test_ratings_leave_out_upheld_appeals_and_small_samples_are_not_published(figures_app):
    seeded = figures_app.extensions["seeded"]
    by_center = _report(figures_app)
    assert by_center.breakdown is Breakdown.CENTER
    city = next(row for row in by_center.rows if row.key == seeded.center_id)
    ratings = city.ratings
    assert ratings.counts == {
        Level.VERY_SATISFIED: 5,
        Level.SATISFIED: 6,
        Level.BASICALLY_SATISFIED: 1,
        Level.UNSATISFIED: 2,
        Level.VERY_UNSATISFIED: 0,  # the upheld appeal's rating is on record, not here
    }
    assert city.ratings_published
    # One of the two bad ratings fixed; the 限期整改 not yet confirmed does not count.
    assert (ratings.bad, ratings.fixed, ratings.fix_rate) == (2, 1, 0.5)
    by_department = _report(figures_app, center_id=seeded.center_id)
    rows = {row.key: row for row in by_department.rows}
    assert rows[seeded.department_id].ratings.total == 11
    assert rows[seeded.department_id].ratings_published
    assert rows[seeded.other_department_id].ratings.total == 3
    assert not rows[seeded.other_department_id].ratings_published


def test_months_and_their_instants_are_beijing_months():
    assert Month.parse("2026-13") is None and Month.parse("26-01") is None
    assert Month.parse("2026-01").previous == Month(2025, 12)
    assert Month(2026, 12).next == Month(2027, 1)
    start, end = Month(2026, 11).instants()
    assert (start.isoformat(), end.isoformat()) == (
        "2026-10-31T16:00:00+00:00",
        "2026-11-30T16:00:00+00:00",
    )
    assert months_offered(TODAY, 3) == [Month(2026, 11), Month(2026, 10), Month(2026, 9)]
