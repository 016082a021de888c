"""Legal deadlines of a licensing case, counted in working days.

Plain rules, no Flask and no database: every function takes the
:class:`~portal.clock.calendar.WorkingCalendar` to count with. When the calendar
does not know a year it raises ``CalendarUnknown``; nothing here catches it, so a
deadline in a year without a holiday schedule is never guessed.

Counting (Administrative Licensing Law Art. 82, Civil Code Art. 201): periods are
working days, and the day a period starts on (receipt, acceptance, review) is not
counted. A suspension under Art. 45 pauses the clock: the working day it starts
on does not count toward the limit, and the clock runs again on the day it ends.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from portal.clock.calendar import WorkingCalendar

PRE_REVIEW_DAYS = 5  # Art. 32: tell the applicant everything to correct within 5 days
STATUTORY_DECISION_DAYS = 20  # Art. 42: decide within 20 days of acceptance
EXTENSION_DAYS = 10  # Art. 42: the head of the authority may extend once, by 10 days
JOINT_HANDLING_DAYS = 45  # Art. 42 (Art. 26 unified, joint or centralised handling)
JOINT_EXTENSION_DAYS = 15  # … extended by 15 days with the local government head's approval


def extension_limit(statutory_days: int) -> int:
    """The longest extension Art. 42 allows an item: 15 days under joint handling, else 10."""
    return JOINT_EXTENSION_DAYS if statutory_days >= JOINT_HANDLING_DAYS else EXTENSION_DAYS


SITE_INSPECTION_DAYS = 3  # source §四: site inspection within 3 working days of acceptance
SIGN_OFF_DAYS = 2  # source §四: a department head signs within 2 working days


def pre_review_deadline(calendar: WorkingCalendar, received: date) -> date:
    """Last day to accept, decline or ask for supplements (Art. 32): 5 working days."""
    return calendar.add_working_days(received, PRE_REVIEW_DAYS)


def deemed_accepted(
    calendar: WorkingCalendar, received: date, today: date, notified_on: date | None = None
) -> bool:
    """Whether a filing counts as accepted because nobody answered it in time (Art. 32).

    True from the day after the pre-review deadline, unless a notice (acceptance,
    refusal or supplement request) was given on or before that deadline. A filing
    deemed accepted is accepted from the day its materials were received.
    """
    deadline = pre_review_deadline(calendar, received)
    if notified_on is not None and notified_on <= deadline:
        return False
    return today > deadline


def site_inspection_deadline(
    calendar: WorkingCalendar, accepted_on: date, decision_deadline: date | None = None
) -> date:
    """Last day for the window's site inspection: 3 working days after acceptance (source §四),
    and never after the decision deadline (an item promised in 1 working day is inspected,
    if at all, within that day)."""
    return _no_later(
        calendar.add_working_days(accepted_on, SITE_INSPECTION_DAYS), decision_deadline
    )


def sign_off_deadline(
    calendar: WorkingCalendar, reviewed_on: date, decision_deadline: date | None = None
) -> date:
    """Last day for a department head's sign-off: 2 working days after review (source §四),
    and never after the decision deadline the steps serve."""
    return _no_later(calendar.add_working_days(reviewed_on, SIGN_OFF_DAYS), decision_deadline)


def _no_later(step: date, decision_deadline: date | None) -> date:
    # A step of the decision cannot end after the decision itself is due.
    return min(step, decision_deadline) if decision_deadline is not None else step


class Procedure(StrEnum):
    """Procedures whose time does not count toward the limits (Art. 45)."""

    HEARING = "hearing"  # 听证
    TENDER = "tender"  # 招标
    AUCTION = "auction"  # 拍卖
    INSPECTION = "inspection"  # 检验、检测、检疫
    APPRAISAL = "appraisal"  # 鉴定
    EXPERT_REVIEW = "expert_review"  # 专家评审


@dataclass(frozen=True)
class Extension:
    """The one extension Art. 42 allows, approved by the head of the authority."""

    days: int
    approver: str
    reason: str  # told to the applicant
    granted_on: date

    def __post_init__(self) -> None:
        if not 1 <= self.days <= JOINT_EXTENSION_DAYS:
            raise ValueError(
                f"an extension is 1 to {JOINT_EXTENSION_DAYS} working days (Art. 42), "
                f"not {self.days}"
            )
        if not self.approver.strip():
            raise ValueError("an extension needs the name of the head who approved it")
        if not self.reason.strip():
            raise ValueError("an extension needs a reason to tell the applicant (Art. 42)")


@dataclass(frozen=True)
class Suspension:
    """An Art. 45 procedure that pauses the clock.

    The working days from ``started_on`` (counted) up to ``ended_on`` (not counted:
    the clock runs again that day) do not count toward the limit. While
    ``ended_on`` is None the procedure is still running.
    """

    procedure: Procedure
    started_on: date
    expected_working_days: int  # told to the applicant in writing (Art. 45)
    ended_on: date | None = None

    def __post_init__(self) -> None:
        if self.expected_working_days < 1:
            raise ValueError(
                f"a {self.procedure} must be expected to take at least one working day"
            )
        if self.ended_on is not None and self.ended_on < self.started_on:
            raise ValueError(
                f"a {self.procedure} cannot end on {self.ended_on}, "
                f"before it started on {self.started_on}"
            )

    @property
    def running(self) -> bool:
        return self.ended_on is None

    def pauses(self, day: date) -> bool:
        """Whether the clock stands still on ``day`` (a running procedure pauses every day on)."""
        return self.started_on <= day and (self.ended_on is None or day < self.ended_on)

    def resumes_on(self, calendar: WorkingCalendar, today: date | None = None) -> date:
        """The day the clock runs again: the real end, or for a running procedure the
        day after its expected working days (or after ``today`` if it has taken longer)."""
        if self.ended_on is not None:
            return self.ended_on
        # The start day counts as the first paused working day when it is one.
        day = self.started_on - timedelta(days=1)
        last_paused = calendar.add_working_days(day, self.expected_working_days)
        if today is not None and today > last_paused:
            last_paused = today
        return last_paused + timedelta(days=1)


@dataclass(frozen=True)
class CaseClock:
    """The decision clock of one accepted case (Art. 42, 45)."""

    accepted_on: date
    promised_days: int
    statutory_days: int = STATUTORY_DECISION_DAYS
    extension: Extension | None = None
    suspensions: tuple[Suspension, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        object.__setattr__(self, "suspensions", tuple(self.suspensions))
        if self.statutory_days < 0 or self.promised_days < 0:
            raise ValueError("a time limit cannot be negative")
        if self.promised_days > self.statutory_days:
            raise ValueError(
                f"the promised limit ({self.promised_days} working days) cannot exceed "
                f"the statutory limit ({self.statutory_days} working days)"
            )
        if self.extension is not None and self.extension.granted_on < self.accepted_on:
            raise ValueError(
                f"an extension granted on {self.extension.granted_on} comes before "
                f"the acceptance on {self.accepted_on}"
            )
        for suspension in self.suspensions:
            if suspension.started_on < self.accepted_on:
                raise ValueError(
                    f"a {suspension.procedure} starting on {suspension.started_on} comes "
                    f"before the acceptance on {self.accepted_on}"
                )

    def extended(self, extension: Extension) -> CaseClock:
        """This clock with its one extension (Art. 42 allows a single extension)."""
        if self.extension is not None:
            raise ValueError(
                f"this case was already extended on {self.extension.granted_on}: "
                "Art. 42 allows only one extension"
            )
        limit = extension_limit(self.statutory_days)
        if extension.days > limit:
            raise ValueError(
                f"this item's extension is at most {limit} working days (Art. 42), "
                f"not {extension.days}"
            )
        return replace(self, extension=extension)

    def suspended(self, suspension: Suspension) -> CaseClock:
        """This clock with one more Art. 45 procedure."""
        return replace(self, suspensions=(*self.suspensions, suspension))

    @property
    def limit_days(self) -> int:
        """The promised limit plus any extension, never beyond statutory + extension."""
        extra = self.extension.days if self.extension else 0
        return min(self.promised_days + extra, self.statutory_days + extra)

    @property
    def deadline_is_final(self) -> bool:
        """False while a procedure is running: its end will move the deadline."""
        return not any(s.running for s in self.suspensions)

    def is_paused(self, today: date) -> bool:
        """Whether an Art. 45 procedure stops the clock today."""
        return any(s.pauses(today) for s in self.suspensions)

    def decision_deadline(self, calendar: WorkingCalendar, today: date | None = None) -> date:
        """The last day for the decision, with every suspended working day added back.

        While a procedure is running the result is provisional (see
        ``deadline_is_final``): it assumes the procedure takes the working days the
        applicant was told, or, given ``today``, at least until today.
        """
        if self.extension is not None:
            unextended = self._count(calendar, self.statutory_days, today)
            if self.extension.granted_on > unextended:
                raise ValueError(
                    f"an extension granted on {self.extension.granted_on} comes after the "
                    f"statutory deadline {unextended}: Art. 42 requires it within the limit"
                )
        return self._count(calendar, self.limit_days, today)

    def _count(self, calendar: WorkingCalendar, limit: int, today: date | None) -> date:
        paused = [(s.started_on, s.resumes_on(calendar, today)) for s in self.suspensions]
        day, remaining = self.accepted_on, limit
        while remaining:
            day += timedelta(days=1)
            if calendar.is_working_day(day) and not any(
                start <= day < end for start, end in paused
            ):
                remaining -= 1
        return day


def stored_clock_changes(
    stored: Mapping[str, Any] | None,
) -> tuple[Extension | None, tuple[Suspension, ...]]:
    """The extension and suspensions a case's stored clock holds (``Application.clock``, as
    the back office's reports write it: dates in ISO form, a running suspension without
    ``ended_on``). Raises ValueError, TypeError or KeyError on a malformed record."""
    stored = stored or {}
    extension = stored.get("extension")
    return (
        Extension(
            extension["days"],
            extension["approver"],
            extension["reason"],
            date.fromisoformat(extension["granted_on"]),
        )
        if extension
        else None,
        tuple(
            Suspension(
                Procedure(s["procedure"]),
                date.fromisoformat(s["started_on"]),
                s["expected_working_days"],
                date.fromisoformat(s["ended_on"]) if s["ended_on"] else None,
            )
            for s in stored.get("suspensions", [])
        ),
    )


def working_days_left(calendar: WorkingCalendar, today: date, deadline: date) -> int:
    """Working days after today up to the deadline; 0 on the deadline itself.

    Overdue cases are negative: minus the working days since the deadline, and at
    least -1 (a Saturday after a Friday deadline is already late).
    """
    if today > deadline:
        return -max(1, calendar.working_days_between(deadline, today))
    return calendar.working_days_between(today, deadline)


class Light(StrEnum):
    """Efficiency supervision's cards: yellow when close, red when over."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


def light(
    calendar: WorkingCalendar, deadline: date, today: date, warn_working_days: int = 1
) -> Light:
    """Red after the deadline; yellow when at most ``warn_working_days`` working days are
    left (with 1: the deadline is today or the next working day); green otherwise."""
    if warn_working_days < 0:
        raise ValueError("the warning period cannot be negative")
    if today > deadline:
        return Light.RED
    if calendar.working_days_between(today, deadline) <= warn_working_days:
        return Light.YELLOW
    return Light.GREEN
