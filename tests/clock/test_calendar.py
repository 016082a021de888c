"""Working days as Chinese law counts them, around the 2026 holidays."""

from __future__ import annotations

from datetime import date

import pytest

from portal.clock.calendar import (
    CalendarUnknown,
    HolidayFileError,
    WorkingCalendar,
    load_calendar,
    read_schedule,
)

calendar = WorkingCalendar()


def test_the_day_a_period_starts_is_not_counted_and_make_up_saturdays_count():
    # Friday 2026-02-13: one working day later is the make-up Saturday 2026-02-14.
    assert calendar.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)


def test_the_spring_festival_holiday_stops_the_clock():
    # After the make-up Saturday, 2026-02-15 to 02-23 are holidays; work resumes on the 24th.
    assert calendar.add_working_days(date(2026, 2, 14), 1) == date(2026, 2, 24)


def test_national_day_and_its_make_up_days():
    assert calendar.is_working_day(date(2026, 9, 20))  # a Sunday worked
    assert calendar.is_working_day(date(2026, 10, 10))  # a Saturday worked
    assert not calendar.is_working_day(date(2026, 10, 5))
    assert calendar.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)


def test_an_immediate_item_is_due_the_same_day():
    assert calendar.add_working_days(date(2026, 11, 27), 0) == date(2026, 11, 27)


def test_a_deadline_in_a_year_without_data_is_refused_not_guessed():
    with pytest.raises(CalendarUnknown, match="2027"):
        calendar.add_working_days(date(2026, 12, 1), 30)


def test_an_administrator_adds_a_year_as_data(tmp_path):
    (tmp_path / "2027.yaml").write_text(
        "year: 2027\nholidays: [2027-01-01]\nworkdays: [2027-01-09]\n", encoding="utf-8"
    )
    loaded = load_calendar(tmp_path)
    assert not loaded.is_working_day(date(2027, 1, 1))
    assert loaded.is_working_day(date(2027, 1, 9))
    assert loaded.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("year: 2027\nholidays: [2028-01-03]\n", "not in 2027"),
        ("year: 2027\nholidays: [2027-01-02]\n", "only weekdays"),
        ("year: 2027\nworkdays: [2027-01-04]\n", "only weekend days"),
        ("holidays: []\n", "needs 'year'"),
        ("year: 2027\nholidays: soon\n", "list of dates"),
    ],
)
def test_a_wrong_holiday_file_is_named(tmp_path, text, problem):
    path = tmp_path / "2027.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(HolidayFileError, match=problem):
        read_schedule(path)


def test_counting_working_days_between_dates():
    assert calendar.working_days_between(date(2026, 2, 13), date(2026, 2, 24)) == 2
    assert calendar.working_days_between(date(2026, 2, 24), date(2026, 2, 13)) == -2
