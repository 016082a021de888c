"""Case deadlines around the 2026 holidays, counted on the real calendar.

2026 schedule used below (checked with chinese_calendar.is_workday):
- Spring Festival: 02-15 (Sun) .. 02-23 (Mon) off; Sat 02-14 and Sat 02-28 worked.
- National Day: 10-01 .. 10-07 off; Sun 09-20 and Sat 10-10 worked.
Working days after Monday 2026-09-28, numbered: 09-29 (1), 09-30 (2), 10-08 (3), 10-09 (4),
10-10 (5, Saturday), 10-12..10-16 (6-10), 10-19..10-23 (11-15), 10-26..10-30 (16-20),
11-02..11-06 (21-25), 11-09..11-13 (26-30), 11-16..11-20 (31-35).
"""

from __future__ import annotations

from datetime import date

import chinese_calendar
import pytest

from portal.clock.calendar import CalendarUnknown, WorkingCalendar
from portal.clock.deadlines import (
    EXTENSION_DAYS,
    PRE_REVIEW_DAYS,
    SIGN_OFF_DAYS,
    SITE_INSPECTION_DAYS,
    STATUTORY_DECISION_DAYS,
    CaseClock,
    Extension,
    Light,
    Procedure,
    Suspension,
    deemed_accepted,
    light,
    pre_review_deadline,
    sign_off_deadline,
    site_inspection_deadline,
    working_days_left,
)

calendar = WorkingCalendar()

ACCEPTED = date(2026, 9, 28)  # a Monday, the week before National Day


def extension(days: int = 10, granted_on: date = date(2026, 10, 20)) -> Extension:
    return Extension(
        days=days,
        approver="Director Li",
        reason="site survey needs more time",
        granted_on=granted_on,
    )


def expert_review(started_on: date, ended_on: date | None = None, days: int = 5) -> Suspension:
    return Suspension(Procedure.EXPERT_REVIEW, started_on, days, ended_on)


def test_the_hand_counted_schedule_matches_the_package():
    for day in (date(2026, 2, 14), date(2026, 2, 28), date(2026, 9, 20), date(2026, 10, 10)):
        assert chinese_calendar.is_workday(day), day
    for day in (date(2026, 2, 16), date(2026, 2, 23), date(2026, 10, 1), date(2026, 10, 7)):
        assert not chinese_calendar.is_workday(day), day


def test_the_legal_numbers():
    assert (PRE_REVIEW_DAYS, STATUTORY_DECISION_DAYS, EXTENSION_DAYS) == (5, 20, 10)
    assert (SITE_INSPECTION_DAYS, SIGN_OFF_DAYS) == (3, 2)


def test_pre_review_of_a_filing_received_friday_before_spring_festival():
    # Received Fri 02-13: Sat 02-14 (1, make-up), holiday to 02-23, 02-24 (2) .. 02-27 (5).
    assert pre_review_deadline(calendar, date(2026, 2, 13)) == date(2026, 2, 27)


def test_pre_review_across_national_day():
    # Received Wed 09-30: 10-08 (1), 10-09 (2), Sat 10-10 (3), 10-12 (4), 10-13 (5).
    assert pre_review_deadline(calendar, date(2026, 9, 30)) == date(2026, 10, 13)


def test_deemed_accepted_on_the_sixth_working_day_not_the_fifth():
    received = date(2026, 2, 13)
    # Fri 02-27 is the 5th working day: still in time.
    assert not deemed_accepted(calendar, received, date(2026, 2, 27))
    # Sat 02-28 (make-up working day) is the 6th: the filing counts as accepted.
    assert deemed_accepted(calendar, received, date(2026, 2, 28))


def test_a_notice_in_time_prevents_deemed_acceptance_and_a_late_one_does_not():
    received, later = date(2026, 2, 13), date(2026, 3, 2)
    assert not deemed_accepted(calendar, received, later, notified_on=date(2026, 2, 27))
    assert deemed_accepted(calendar, received, later, notified_on=date(2026, 2, 28))


def test_site_inspection_from_acceptance_on_the_friday_before_spring_festival():
    # Accepted Fri 02-13: Sat 02-14 (1), 02-24 (2), 02-25 (3).
    assert site_inspection_deadline(calendar, date(2026, 2, 13)) == date(2026, 2, 25)


def test_sign_off_after_a_review_on_the_eve_of_national_day():
    # Reviewed Wed 09-30: 10-08 (1), 10-09 (2).
    assert sign_off_deadline(calendar, date(2026, 9, 30)) == date(2026, 10, 9)


def test_a_20_day_case_accepted_before_national_day_is_due_10_30():
    # 20th working day after 09-28 (counting the make-up Saturday 10-10) is Fri 10-30.
    clock = CaseClock(ACCEPTED, promised_days=20)
    assert clock.decision_deadline(calendar) == date(2026, 10, 30)
    assert clock.deadline_is_final


def test_a_shorter_promise_gives_an_earlier_deadline():
    # 15th working day after 09-28 is Fri 10-23.
    assert CaseClock(ACCEPTED, promised_days=15).decision_deadline(calendar) == date(2026, 10, 23)


def test_a_ten_day_extension_moves_the_deadline_to_11_13():
    # 30th working day after 09-28: 11-09..11-13 are 26-30.
    clock = CaseClock(ACCEPTED, promised_days=20).extended(extension())
    assert clock.decision_deadline(calendar) == date(2026, 11, 13)


def test_an_ended_expert_review_of_five_working_days_is_added_back():
    # Paused Mon 10-12 (counted as paused) to Mon 10-19 (clock runs again): 10-12..10-16 = 5 days.
    # 20 + 5 = 25th working day after 09-28 = Fri 11-06.
    clock = CaseClock(
        ACCEPTED, 20, suspensions=[expert_review(date(2026, 10, 12), date(2026, 10, 19))]
    )
    assert clock.decision_deadline(calendar) == date(2026, 11, 6)
    assert clock.deadline_is_final
    assert clock.is_paused(date(2026, 10, 12))
    assert not clock.is_paused(date(2026, 10, 19))


def test_extension_and_suspension_together():
    # 30 + 5 = 35th working day after 09-28 = Fri 11-20.
    clock = CaseClock(
        ACCEPTED,
        20,
        extension=extension(),
        suspensions=[expert_review(date(2026, 10, 12), date(2026, 10, 19))],
    )
    assert clock.decision_deadline(calendar) == date(2026, 11, 20)


def test_a_suspension_over_the_holiday_adds_back_only_working_days():
    # Paused Wed 09-30 to Fri 10-09: only 09-30 and 10-08 were working days, so 2 are added back.
    # Remaining days: 09-29 (1), 10-09 (2), 10-10 (3), ... 10-30 (18), 11-02 (19), 11-03 (20).
    clock = CaseClock(
        ACCEPTED,
        20,
        suspensions=[
            Suspension(Procedure.HEARING, date(2026, 9, 30), 3, ended_on=date(2026, 10, 9))
        ],
    )
    assert clock.decision_deadline(calendar) == date(2026, 11, 3)


def test_a_running_suspension_pauses_the_clock_and_the_deadline_is_not_final():
    clock = CaseClock(ACCEPTED, 20).suspended(expert_review(date(2026, 10, 12)))
    assert not clock.is_paused(date(2026, 10, 9))
    assert clock.is_paused(date(2026, 10, 14))
    assert not clock.deadline_is_final
    # Provisional: assumes the 5 working days told to the applicant, like the ended case.
    assert clock.decision_deadline(calendar) == date(2026, 11, 6)
    assert clock.decision_deadline(calendar, today=date(2026, 10, 14)) == date(2026, 11, 6)


def test_a_running_suspension_that_overran_counts_until_today():
    # Still running on Wed 10-21: paused 10-12..10-16, 10-19..10-21 = 8 working days.
    # 20 + 8 = 28th working day after 09-28 = Wed 11-11.
    clock = CaseClock(ACCEPTED, 20, suspensions=[expert_review(date(2026, 10, 12))])
    assert clock.decision_deadline(calendar, today=date(2026, 10, 21)) == date(2026, 11, 11)


def test_a_deadline_in_2027_is_refused_not_guessed():
    # From 2026-12-10 only 15 working days are left in 2026; the package has no 2027 data.
    clock = CaseClock(date(2026, 12, 10), 20)
    with pytest.raises(CalendarUnknown, match="2027"):
        clock.decision_deadline(calendar)
    with pytest.raises(CalendarUnknown):
        light(calendar, date(2027, 1, 8), date(2026, 12, 30))


def test_a_second_extension_is_refused():
    clock = CaseClock(ACCEPTED, 20).extended(extension())
    with pytest.raises(ValueError, match="only one extension"):
        clock.extended(extension(days=5, granted_on=date(2026, 10, 22)))


def test_an_eleven_day_extension_is_refused():
    ordinary = CaseClock(accepted_on=date(2026, 3, 2), promised_days=15, statutory_days=20)
    with pytest.raises(ValueError, match="at most 10 working days"):
        ordinary.extended(extension(days=11))


def test_an_extension_needs_an_approver_and_a_reason():
    with pytest.raises(ValueError, match="head who approved"):
        Extension(10, " ", "reason", date(2026, 10, 20))
    with pytest.raises(ValueError, match="reason"):
        Extension(10, "Director Li", "", date(2026, 10, 20))


def test_an_extension_after_the_statutory_deadline_is_refused():
    # The statutory deadline is 10-30; an extension on 11-02 is too late.
    clock = CaseClock(ACCEPTED, 20, extension=extension(granted_on=date(2026, 11, 2)))
    with pytest.raises(ValueError, match="after the statutory deadline 2026-10-30"):
        clock.decision_deadline(calendar)


def test_a_promise_longer_than_the_law_is_refused():
    with pytest.raises(ValueError, match="cannot exceed the statutory limit"):
        CaseClock(ACCEPTED, promised_days=25)


def test_a_suspension_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="before it started"):
        expert_review(date(2026, 10, 12), date(2026, 10, 9))


def test_a_suspension_before_acceptance_is_refused():
    with pytest.raises(ValueError, match="before the acceptance"):
        CaseClock(ACCEPTED, 20, suspensions=[expert_review(date(2026, 9, 25), date(2026, 9, 29))])


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 10, 28), Light.GREEN),  # 2 working days left
        (date(2026, 10, 29), Light.YELLOW),  # the deadline is the next working day
        (date(2026, 10, 30), Light.YELLOW),  # the deadline is today
        (date(2026, 10, 31), Light.RED),  # Saturday after the deadline
    ],
)
def test_traffic_lights_approaching_friday_10_30(today, expected):
    assert light(calendar, date(2026, 10, 30), today) is expected


def test_yellow_over_a_weekend_and_over_the_holiday():
    # Fri 10-30 to Mon 11-02: only the Monday is a working day.
    assert light(calendar, date(2026, 11, 2), date(2026, 10, 30)) is Light.YELLOW
    # Wed 09-30 to Thu 10-08: the holiday week holds one working day, 10-08.
    assert light(calendar, date(2026, 10, 8), date(2026, 9, 30)) is Light.YELLOW


def test_green_when_the_weekend_is_a_make_up_working_saturday():
    # Fri 10-09 to Mon 10-12: Sat 10-10 is worked, so two working days remain.
    assert light(calendar, date(2026, 10, 12), date(2026, 10, 9)) is Light.GREEN


def test_a_longer_warning_period():
    # Mon 10-26 to Fri 10-30: 4 working days left.
    assert (
        light(calendar, date(2026, 10, 30), date(2026, 10, 26), warn_working_days=3) is Light.GREEN
    )
    assert (
        light(calendar, date(2026, 10, 30), date(2026, 10, 26), warn_working_days=4) is Light.YELLOW
    )


@pytest.mark.parametrize(
    ("today", "left"),
    [
        (date(2026, 10, 28), 2),
        (date(2026, 10, 30), 0),  # due today
        (date(2026, 10, 31), -1),  # Saturday: late although no working day has passed
        (date(2026, 11, 2), -1),  # Monday: one working day late
        (date(2026, 11, 3), -2),
    ],
)
def test_working_days_left_before_and_after_friday_10_30(today, left):
    assert working_days_left(calendar, today, date(2026, 10, 30)) == left


def test_the_steps_of_a_short_item_never_fall_after_its_decision_deadline():
    # Accepted Monday 2026-09-28 with a 1-working-day promise: decision due 09-29.
    decision = calendar.add_working_days(ACCEPTED, 1)
    assert site_inspection_deadline(calendar, ACCEPTED, decision) == decision
    assert sign_off_deadline(calendar, ACCEPTED, decision) == decision
    # A longer item keeps the full 3 and 2 working days.
    later = calendar.add_working_days(ACCEPTED, 20)
    assert site_inspection_deadline(calendar, ACCEPTED, later) == date(2026, 10, 8)
    assert sign_off_deadline(calendar, ACCEPTED, later) == date(2026, 9, 30)


def test_an_extension_is_ten_working_days_or_fifteen_under_joint_handling():
    from portal.clock.deadlines import CaseClock, Extension

    ordinary = CaseClock(accepted_on=date(2026, 3, 2), promised_days=15, statutory_days=20)
    joint = CaseClock(accepted_on=date(2026, 3, 2), promised_days=30, statutory_days=45)
    fifteen = Extension(15, "市长 李华", "需要联合审查", date(2026, 3, 10))
    with pytest.raises(ValueError, match="at most 10"):
        ordinary.extended(fifteen)
    assert joint.extended(fifteen).extension.days == 15
    with pytest.raises(ValueError):
        Extension(16, "市长 李华", "需要联合审查", date(2026, 3, 10))
