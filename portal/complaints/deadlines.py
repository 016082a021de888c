"""How long the supervision office has to accept and to reply, per kind of complaint.

The numbers are data (guides/complaints.yaml), the counting is the working-day calendar's.
Both periods run from the day the complaint was received, so the acknowledgement can show
both dates at once and a slow acceptance never buys the office more time to reply.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from portal.clock.calendar import WorkingCalendar
from portal.complaints.models import Kind

FILE_NAME = "complaints.yaml"


class DeadlineFileError(ValueError):
    """guides/complaints.yaml is wrong; the message names the file and the problem."""


@dataclass(frozen=True)
class ComplaintDeadlines:
    accept_working_days: int
    reply_working_days: dict[str, int]
    # A written statement asked of the department or window, counted from the asking.
    statement_working_days: int = 3

    def accept_by(self, calendar: WorkingCalendar, received: date) -> date:
        return calendar.add_working_days(received, self.accept_working_days)

    def reply_by(self, calendar: WorkingCalendar, kind: str, received: date) -> date:
        return calendar.add_working_days(received, self.reply_working_days[kind])

    def statement_by(self, calendar: WorkingCalendar, asked: date) -> date:
        return calendar.add_working_days(asked, self.statement_working_days)

    def latest_extension(self, calendar: WorkingCalendar, kind: str, reply_by: date) -> date:
        """One extension of up to the kind's own length, counted from the current deadline."""
        return calendar.add_working_days(reply_by, self.reply_working_days[kind])


def _days(path: Path, value, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 60:
        raise DeadlineFileError(f"{path}: '{name}' must be a number of working days, 1 to 60")
    return value


def read_deadlines(guides: Path) -> ComplaintDeadlines:
    path = Path(guides) / FILE_NAME
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("reply_working_days"), dict):
        raise DeadlineFileError(f"{path}: needs 'accept_working_days' and 'reply_working_days'")
    replies = data["reply_working_days"]
    unknown = sorted(set(replies) - set(Kind.ALL))
    missing = [kind for kind in Kind.ALL if kind not in replies]
    if unknown or missing:
        raise DeadlineFileError(
            f"{path}: 'reply_working_days' needs exactly {', '.join(Kind.ALL)}"
            + (f"; unknown: {', '.join(unknown)}" if unknown else "")
            + (f"; missing: {', '.join(missing)}" if missing else "")
        )
    return ComplaintDeadlines(
        _days(path, data.get("accept_working_days"), "accept_working_days"),
        {kind: _days(path, replies[kind], f"reply_working_days.{kind}") for kind in Kind.ALL},
        _days(path, data.get("statement_working_days", 3), "statement_working_days"),
    )
