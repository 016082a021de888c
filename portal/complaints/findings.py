"""What the record already shows about a complaint, on the day it is filed.

Plain Python over plain inputs (no Flask, no database), so a handler's first screen and the
API say the same thing, in both languages. Each finding is
``{"kind": "deadline" | "fee", "holds": bool, "text": {"zh": ..., "en": ...}}``; ``holds`` is
True when the record bears the complaint out (a missed deadline, a fee outside the schedule).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from portal.clock.beijing import day_of
from portal.clock.calendar import WorkingCalendar
from portal.clock.deadlines import (
    CaseClock,
    Extension,
    Suspension,
    pre_review_deadline,
    sign_off_deadline,
    site_inspection_deadline,
    stored_clock_changes,
)
from portal.filing.received import received_on

MISSED_DEADLINE = {"zh": "记录显示有超期情形", "en": "The record shows a missed deadline"}
NOT_IN_SCHEDULE = {"zh": "不在公布的收费目录内", "en": "Not in the published schedule"}
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def zh_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def en_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


# Deadlines ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseRecord:
    """The dates of one case that its deadlines are measured against."""

    received: date  # the materials were received (submitted)
    answered_on: date | None  # first pre-review answer: accepted, declined, supplements
    accepted_on: date | None
    promised_days: int
    statutory_days: int
    decided_on: date | None = None
    extension: Extension | None = None
    suspensions: tuple[Suspension, ...] = field(default_factory=tuple)
    # The window's own steps, counted only where the case needs them (source §四).
    needs_inspection: bool = False
    inspected_on: date | None = None
    needs_sign_off: bool = False
    signed_off_on: date | None = None


@dataclass(frozen=True)
class Step:
    zh: str
    en: str


PRE_REVIEW = Step(
    "预审（受理、不予受理或一次性告知补正）", "Pre-review (accept, decline or ask for supplements)"
)
PROMISED = Step("承诺时限内作出决定", "Decision within the promised limit")
STATUTORY = Step("法定时限内作出决定", "Decision within the statutory limit")
INSPECTION = Step("现场检查、勘验", "Site inspection")
SIGN_OFF = Step("负责人签批", "Sign-off by the department head")


def _deadline_finding(step: Step, deadline: date, done: date | None, today: date) -> dict:
    when = f"{step.zh}的期限为{zh_date(deadline)}", f"{step.en}: due by {en_date(deadline)}"
    if done is not None and done <= deadline:
        holds = False
        zh, en = f"按期办理（{zh_date(done)}）", f"kept (done on {en_date(done)})"
    elif done is not None:
        holds = True
        zh, en = f"超期，{zh_date(done)}才办理", f"missed: done only on {en_date(done)}"
    elif today > deadline:
        holds = True
        zh, en = "已超期，至今未办理", "missed: still not done"
    else:
        holds = False
        zh, en = "尚未到期，仍在办理", "still open, not yet due"
    return {
        "kind": "deadline",
        "holds": holds,
        "text": {"zh": f"{when[0]}：{zh}。", "en": f"{when[1]}, {en}."},
    }


def deadline_findings(calendar: WorkingCalendar, record: CaseRecord, today: date) -> list[dict]:
    """Every deadline of the case with its date, kept, missed or still open."""
    findings = [
        _deadline_finding(
            PRE_REVIEW, pre_review_deadline(calendar, record.received), record.answered_on, today
        )
    ]
    if record.accepted_on is None:
        return findings
    clock = CaseClock(
        accepted_on=record.accepted_on,
        promised_days=record.promised_days,
        statutory_days=record.statutory_days,
        extension=record.extension,
        suspensions=record.suspensions,
    )
    promised = clock.decision_deadline(calendar, today)
    statutory = replace(clock, promised_days=record.statutory_days).decision_deadline(
        calendar, today
    )
    findings.append(_deadline_finding(PROMISED, promised, record.decided_on, today))
    if statutory != promised:
        findings.append(_deadline_finding(STATUTORY, statutory, record.decided_on, today))
    if record.needs_inspection or record.inspected_on is not None:
        due = site_inspection_deadline(calendar, record.accepted_on, promised)
        findings.append(_deadline_finding(INSPECTION, due, record.inspected_on, today))
    if record.needs_sign_off or record.signed_off_on is not None:
        due = sign_off_deadline(calendar, record.accepted_on, promised)
        findings.append(_deadline_finding(SIGN_OFF, due, record.signed_off_on, today))
    return findings


def shows_missed_deadline(findings: list[dict]) -> bool:
    return any(f["kind"] == "deadline" and f["holds"] for f in findings)


# Fees --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedFee:
    """One fee item of the service item's published schedule."""

    code: str
    name: dict[str, str]  # {"zh": ..., "en": ...}
    amount: Decimal | None  # None: the standard is a rate or a range, not one amount


def _money(amount: Decimal) -> str:
    return f"{amount.quantize(Decimal('0.01'))}"


def _named(schedule: list[PublishedFee], fee_code: str | None, fee_named: str | None):
    if fee_code is not None:
        return next((fee for fee in schedule if fee.code == fee_code), None)
    wanted = (fee_named or "").strip().casefold()
    return next(
        (fee for fee in schedule if wanted in {n.strip().casefold() for n in fee.name.values()}),
        None,
    )


def fee_finding(
    schedule: list[PublishedFee],
    asked: Decimal,
    fee_code: str | None = None,
    fee_named: str | None = None,
) -> dict:
    """The fee named and the amount asked, against the item's published fee items."""
    fee = _named(schedule, fee_code, fee_named)
    money = _money(asked)
    if fee is None:
        label = (fee_named or fee_code or "").strip()
        return {
            "kind": "fee",
            "holds": True,
            "text": {
                "zh": f"所收“{label}”{money}元不在本事项公布的收费项目中：{NOT_IN_SCHEDULE['zh']}。",
                "en": f"The {money} yuan asked as “{label}” is not among this item's "
                f"published fee items: {NOT_IN_SCHEDULE['en'].lower()}.",
            },
        }
    name_zh, name_en = fee.name.get("zh", fee.code), fee.name.get("en", fee.code)
    if fee.amount is None:
        return {
            "kind": "fee",
            "holds": False,
            "text": {
                "zh": f"“{name_zh}”是公布的收费项目，其标准不是固定金额，所收{money}元需由监察室核对。",
                "en": f"“{name_en}” is a published fee item whose standard is not a single "
                f"amount: the supervision office checks the {money} yuan asked.",
            },
        }
    standard = _money(fee.amount)
    if asked > fee.amount:
        return {
            "kind": "fee",
            "holds": True,
            "text": {
                "zh": f"“{name_zh}”公布标准为{standard}元，所收{money}元高于标准：{NOT_IN_SCHEDULE['zh']}。",
                "en": f"The published standard of “{name_en}” is {standard} yuan; the "
                f"{money} yuan asked is above it: {NOT_IN_SCHEDULE['en'].lower()}.",
            },
        }
    return {
        "kind": "fee",
        "holds": False,
        "text": {
            "zh": f"“{name_zh}”公布标准为{standard}元，所收{money}元未超过标准。",
            "en": f"The published standard of “{name_en}” is {standard} yuan; the {money} "
            "yuan asked is within it.",
        },
    }


# From the database's rows ------------------------------------------------------------------

ANSWERS = ("accepted", "declined", "supplements-requested")
DECISIONS = ("backoffice-approved", "backoffice-refused", "completed")
INSPECTION_NEEDED = ("backoffice-inspection-scheduled", "backoffice-inspected")


def case_record(application) -> CaseRecord | None:
    """The dates of a submitted case from its timeline and its back-office clock.

    A deemed acceptance is no answer: nobody answered within the pre-review limit.
    """
    if application.submitted_at is None:
        return None
    first, done_on = {}, {}
    for event in application.events:
        first.setdefault(event.kind, day_of(event.created_at))
        if event.kind in ("backoffice-inspected", "backoffice-signed-off"):
            # The back office reports the day the step was done, which may precede the report.
            done_on.setdefault(event.kind, date.fromisoformat(event.detail["on"]))
    answered = [first[kind] for kind in ANSWERS if kind in first]
    decided = [first[kind] for kind in DECISIONS if kind in first]
    extension, suspensions = stored_clock_changes(application.clock)
    return CaseRecord(
        received=received_on(application),
        answered_on=min(answered) if answered else None,
        accepted_on=application.accepted_on,
        promised_days=application.item.promised_limit,
        statutory_days=application.item.statutory_limit,
        decided_on=min(decided) if decided else None,
        extension=extension,
        suspensions=suspensions,
        needs_inspection=any(kind in first for kind in INSPECTION_NEEDED),
        inspected_on=done_on.get("backoffice-inspected"),
        signed_off_on=done_on.get("backoffice-signed-off"),
    )


def schedule_of(item) -> list[PublishedFee]:
    """The item's published fee items, as the fee finding reads them."""
    return [PublishedFee(fee.code, dict(fee.name), fee.amount) for fee in item.fees]
