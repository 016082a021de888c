"""The one place that reads the clock: instants in UTC, days in Beijing.

A law's day is Beijing's day (Asia/Shanghai, UTC+8): a suspension reported at 07:00 in
Beijing is dated that day, not the UTC day before. Call these through the module
(``beijing.today()``), never ``datetime.now`` or ``date.today`` elsewhere, so a test can
set the clock in one place.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    """This instant, timezone-aware in UTC (how every time is stored)."""
    return datetime.now(UTC)


def today() -> date:
    """Beijing's date right now."""
    return day_of(now())


def day_of(moment: datetime) -> date:
    """The Beijing date of an instant (a naive instant is taken as UTC, as SQLite returns it)."""
    return moment.replace(tzinfo=moment.tzinfo or UTC).astimezone(BEIJING).date()


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)
