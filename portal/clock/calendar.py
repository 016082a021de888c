"""The Chinese working-day calendar, with the State Council's make-up working weekends.

Years the ``chinesecalendar`` package knows come from it; later years come from
data files in guides/holidays/ that an administrator adds when the schedule is
published each autumn. A date in a year with neither stops the computation with
``CalendarUnknown``: a Monday-to-Friday guess would give citizens wrong deadlines.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import yaml


class CalendarUnknown(Exception):
    """No holiday schedule is loaded for this year."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            f"no holiday schedule for {year}: add guides/holidays/{year}.yaml "
            "from the State Council's notice"
        )


class HolidayFileError(ValueError):
    """A holiday schedule file is wrong; the message names the file and the problem."""


@dataclass(frozen=True)
class YearSchedule:
    year: int
    holidays: frozenset[date]  # weekdays that are days off
    workdays: frozenset[date]  # weekend days that are make-up working days


@dataclass
class WorkingCalendar:
    schedules: dict[int, YearSchedule] = field(default_factory=dict)

    def knows(self, year: int) -> bool:
        return year in self.schedules or _package_knows(year)

    def is_working_day(self, day: date) -> bool:
        schedule = self.schedules.get(day.year)
        if schedule is not None:
            if day in schedule.workdays:
                return True
            if day in schedule.holidays:
                return False
            return day.weekday() < 5
        if not _package_knows(day.year):
            raise CalendarUnknown(day.year)
        return _package_workday(day)

    def add_working_days(self, start: date, count: int) -> date:
        """The last day of a period of ``count`` working days starting on ``start``.

        The day the period starts on is not counted (Civil Code Art. 201): one
        working day from Friday 2026-02-13 ends on the make-up Saturday 2026-02-14.
        ``count`` 0 is the same day (an immediate item).
        """
        if count < 0:
            raise ValueError("a period has no negative length")
        day, remaining = start, count
        while remaining:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative if end is earlier)."""
        if end < start:
            return -self.working_days_between(end, start)
        days, day = 0, start
        while day < end:
            day += timedelta(days=1)
            days += self.is_working_day(day)
        return days


# The package's schedule is fixed data, and counting the working days left on a page of
# 50 cases asks it thousands of times: each answer is remembered.
@functools.cache
def _package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@functools.lru_cache(maxsize=8192)
def _package_workday(day: date) -> bool:
    return chinese_calendar.is_workday(day)


def _dates(path: Path, data: dict, key: str, year: int) -> frozenset[date]:
    values = data.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, date) for v in values):
        raise HolidayFileError(f"{path}: '{key}' must be a list of dates like 2027-01-01")
    wrong = [v for v in values if v.year != year]
    if wrong:
        raise HolidayFileError(f"{path}: {wrong[0]} in '{key}' is not in {year}")
    return frozenset(values)


def read_schedule(path: Path) -> YearSchedule:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("year"), int):
        raise HolidayFileError(f"{path}: the file needs 'year', 'holidays' and 'workdays'")
    year = data["year"]
    schedule = YearSchedule(
        year, _dates(path, data, "holidays", year), _dates(path, data, "workdays", year)
    )
    if any(d.weekday() >= 5 for d in schedule.holidays):
        raise HolidayFileError(f"{path}: list only weekdays under 'holidays'")
    if any(d.weekday() < 5 for d in schedule.workdays):
        raise HolidayFileError(f"{path}: list only weekend days under 'workdays'")
    return schedule


def load_calendar(folder: Path) -> WorkingCalendar:
    schedules = {}
    for path in sorted(Path(folder).glob("*.yaml")):
        schedule = read_schedule(path)
        schedules[schedule.year] = schedule
    return WorkingCalendar(schedules)
