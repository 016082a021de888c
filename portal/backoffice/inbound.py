"""Progress reported by the back office: checked, applied once, shown to the applicant.

Each report names its own event id, unique per system; a report already received
changes nothing. A system may report only on cases delivered to it; any other case is
"not found". Reports on one case apply one at a time (a row lock, and a conditional
UPDATE of the status), so two concurrent reports cannot both change it. A report that
does not fit where the case stands is refused with the reason (409), every duration is
bounded by the law (an extension 1 to 10 working days, Art. 42; a suspension at most
MAX_SUSPENSION_WORKING_DAYS), and a fee notice may only carry fee items the item
publishes (no piggy-back fees).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update

from portal.backoffice.models import BackOfficeEvent, BackOfficeSystem, OutboxMessage
from portal.clock import beijing
from portal.clock.calendar import CalendarUnknown, WorkingCalendar
from portal.clock.deadlines import (
    CaseClock,
    Extension,
    Procedure,
    Suspension,
    extension_limit,
    stored_clock_changes,
)
from portal.extensions import db
from portal.filing.models import Application, Status
from portal.filing.notices import issue_backoffice_notice
from portal.filing.numbering import normalize_number
from portal.filing.operations import record_event
from portal.performance.recording import record_decision

S = Status
# Art. 45 procedures (hearings, tenders, appraisals …) are told to the applicant with their
# expected length. The law sets no ceiling; 250 working days (about a calendar year) is
# far beyond any real one and keeps a mistyped 10^30 from becoming a deadline.
MAX_SUSPENSION_WORKING_DAYS = 250
MAX_TEXT = 2000  # reasons, told to the applicant
MAX_FEE_ITEMS = 50
DECIDING = (S.ACCEPTED, S.FORWARDED, S.IN_REVIEW)
# event type → (statuses it may come in, status afterwards; None keeps the status)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "in-review": ((S.ACCEPTED, S.FORWARDED), S.IN_REVIEW),
    "inspection-scheduled": (DECIDING, S.IN_REVIEW),
    # Done, with the day: a complaint of slow service measures the 3- and 2-working-day limits.
    "inspected": (DECIDING, None),
    "signed-off": (DECIDING, None),
    "suspended": (DECIDING, S.SUSPENDED),
    "resumed": ((S.SUSPENDED,), S.IN_REVIEW),
    "extended": (DECIDING, None),
    "approved": (DECIDING, S.APPROVED),
    "refused": (DECIDING, S.REFUSED),
    "certificate-issued": ((S.APPROVED,), None),
    "fee-notice": ((*DECIDING, S.APPROVED), None),
    "completed": ((S.APPROVED,), S.COMPLETED),
}


class Refused(Exception):
    """The report cannot be applied; ``status`` is the HTTP answer, the message says why."""

    def __init__(self, status: int, message: str):
        self.status = status
        super().__init__(message)


def hash_token(token: str) -> str:
    # Tokens are 32 random bytes: a plain SHA-256 is enough to keep them unusable if read.
    return hashlib.sha256(token.encode()).hexdigest()


def add_system(name: str, *, new_token: bool = False) -> tuple[BackOfficeSystem, str]:
    """Give the system called ``name`` a bearer token, recording the system if new.

    A system the dispatcher recorded at its first delivery has no token yet and gets one.
    A system that already has a token keeps it unless ``new_token``: then the old token
    stops working.
    """
    token = secrets.token_urlsafe(32)
    system = db.session.scalar(select(BackOfficeSystem).where(BackOfficeSystem.name == name))
    if system is None:
        system = BackOfficeSystem(name=name, active=True, created_at=beijing.now())
        db.session.add(system)
    elif system.token_hash is not None and not new_token:
        raise ValueError(f"the back-office system '{name}' already has a token")
    system.token_hash = hash_token(token)
    db.session.flush()
    return system, token


def authenticate(header: str | None) -> BackOfficeSystem | None:
    scheme, _, token = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not token or len(token) > 200:
        return None
    return db.session.scalar(
        select(BackOfficeSystem).where(
            BackOfficeSystem.token_hash == hash_token(token.strip()),
            BackOfficeSystem.active.is_(True),
        )
    )


@dataclass(frozen=True)
class Outcome:
    status: str
    repeated: bool
    decide_by: date | None


def delivered_case(system: BackOfficeSystem, number: str) -> Application | None:
    """The case with this number if it was delivered to ``system``, locked for this
    transaction (PostgreSQL: ``FOR UPDATE``), so reports on one case apply one at a time.

    A case delivered elsewhere is None, exactly like a case that does not exist: a
    system learns nothing about other systems' cases.
    """
    delivered_here = (
        select(OutboxMessage.id)
        .where(OutboxMessage.application_id == Application.id)
        .where(OutboxMessage.system_id == system.id)
        .exists()
    )
    return db.session.scalar(
        select(Application)
        .where(Application.number == normalize_number(number), delivered_here)
        .with_for_update(of=Application)
        .execution_options(populate_existing=True)
    )


def apply_event(
    system: BackOfficeSystem, number: str, report: dict, calendar: WorkingCalendar
) -> Outcome:
    application = delivered_case(system, number)
    if application is None:
        raise Refused(404, "no case has this number")
    seen = db.session.scalar(
        select(BackOfficeEvent).where(
            BackOfficeEvent.system_id == system.id,
            BackOfficeEvent.event_id == report["event_id"],
        )
    )
    if seen is not None:
        if seen.application_id != application.id:
            raise Refused(409, "this event id was already used for another case")
        return Outcome(application.status, True, application.decide_by)
    kind = report["type"]
    allowed_from, after = TRANSITIONS[kind]
    if application.status not in allowed_from:
        raise Refused(409, f"a '{kind}' report cannot follow a case that is {application.status}")
    seen_status, seen_updated_at = application.status, application.updated_at
    detail = _apply(application, kind, report, calendar)
    _change_status(application, seen_status, seen_updated_at, after or seen_status)
    record_event(application, f"backoffice-{kind}", "back-office", **detail)
    if kind in ("approved", "refused"):
        record_decision(application, calendar)
    # After the clock has moved, so an extension's notice carries the new decision date.
    issue_backoffice_notice(application, kind, detail)
    db.session.add(
        BackOfficeEvent(
            event_id=report["event_id"],
            system_id=system.id,
            application_id=application.id,
            kind=kind,
            received_at=beijing.now(),
            payload=report,
        )
    )
    db.session.flush()
    return Outcome(application.status, False, application.decide_by)


def _change_status(application: Application, seen: str, seen_updated_at, status: str) -> None:
    """Write the new status only if the case is still as this report found it.

    The row lock already serialises reports on PostgreSQL; this conditional UPDATE is
    what makes a change exactly once on SQLite too, where two reports may both have read
    the case before either wrote.
    """
    changed = db.session.execute(
        update(Application)
        .where(
            Application.id == application.id,
            Application.status == seen,
            Application.updated_at == seen_updated_at,
        )
        .values(status=status, updated_at=beijing.now())
        .execution_options(synchronize_session="fetch")
    )
    if changed.rowcount != 1:
        raise Refused(409, "another report on this case was applied at the same time; resend")


def _apply(application: Application, kind: str, report: dict, calendar: WorkingCalendar) -> dict:
    if kind == "refused":
        reasons = _text(report, "reasons", MAX_TEXT)
        if not reasons:
            raise Refused(422, "a refusal needs its reasons (Art. 38)")
        return {"reasons": reasons}
    if kind == "fee-notice":
        return _fee_notice(application, report)
    if kind == "inspection-scheduled":
        return {"on": _date(report, "date")}
    if kind in ("inspected", "signed-off"):
        return {"on": _past_date(report, "date")}
    if kind == "certificate-issued":
        return {"certificate": _text(report, "certificate_number", 100)}
    if kind in ("suspended", "resumed", "extended"):
        return _move_clock(application, kind, report, calendar)
    return {}


def _text(report: dict, key: str, longest: int) -> str:
    """An optional text field, stripped; anything but a string of sensible length is refused."""
    value = report.get(key)
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > longest:
        raise Refused(422, f"'{key}' must be a text of at most {longest} characters")
    return value.strip()


def _whole_number(value: object, key: str, lowest: int, highest: int) -> int:
    """A JSON integer within the law's bounds (not a boolean, a fraction or an exponent)."""
    if isinstance(value, bool) or not isinstance(value, int) or not lowest <= value <= highest:
        raise Refused(422, f"'{key}' must be a whole number from {lowest} to {highest}")
    return value


def _fee_notice(application: Application, report: dict) -> dict:
    codes = report.get("fee_items")
    if not isinstance(codes, list) or not codes:
        raise Refused(422, "a fee notice needs at least one fee item")
    if len(codes) > MAX_FEE_ITEMS or not all(
        isinstance(code, str) and len(code) <= 64 for code in codes
    ):
        raise Refused(422, f"'fee_items' must be at most {MAX_FEE_ITEMS} fee item codes")
    published = {fee.code for fee in application.item.fees}
    outside = sorted(set(codes) - published)
    if outside:
        raise Refused(
            422, f"not in this item's published fees (no piggy-back fees): {', '.join(outside)}"
        )
    return {"fee_items": sorted(set(codes))}


def _date(report: dict, key: str) -> str:
    value = report.get(key)
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value).isoformat()
    except ValueError as error:
        raise Refused(422, f"'{key}' must be a date like 2026-12-01") from error


def _past_date(report: dict, key: str) -> str:
    """The day something was done: never after today in Beijing."""
    done = _date(report, key)
    if date.fromisoformat(done) > beijing.today():
        raise Refused(422, f"'{key}' is the day it was done: it cannot be after today")
    return done


def _move_clock(
    application: Application, kind: str, report: dict, calendar: WorkingCalendar
) -> dict:
    data = {"suspensions": [], **(application.clock or {})}
    today = beijing.today()
    if kind == "extended":
        extension = report.get("extension")
        if not isinstance(extension, dict):
            raise Refused(422, "'extension' must be an object with days, approver and reason")
        limit = extension_limit(application.item.statutory_limit)
        days = _whole_number(extension.get("days"), "extension.days", 1, limit)
        approver = _text(extension, "approver", 100)
        reason = _text(extension, "reason", MAX_TEXT)
    elif kind == "suspended":
        procedures = [p.value for p in Procedure]
        if not isinstance(report.get("procedure"), str) or report["procedure"] not in procedures:
            raise Refused(422, f"'procedure' must be one of: {', '.join(procedures)}")
        procedure = Procedure(report["procedure"])
        expected = _whole_number(
            report.get("expected_working_days"),
            "expected_working_days",
            1,
            MAX_SUSPENSION_WORKING_DAYS,
        )
    elif not data["suspensions"] or data["suspensions"][-1]["ended_on"] is not None:
        raise Refused(409, "a 'resumed' report needs a running suspension")
    try:
        clock = _case_clock(application, data)
        if kind == "extended":
            clock = clock.extended(Extension(days, approver, reason, today))
            data = data | {
                "extension": {
                    "days": days,
                    "approver": approver,
                    "reason": reason,
                    "granted_on": today.isoformat(),
                }
            }
            detail = {"days": days, "reason": reason, "approver": approver}
        elif kind == "suspended":
            clock = clock.suspended(Suspension(procedure, today, expected))
            data = data | {
                "suspensions": [
                    *data["suspensions"],
                    {
                        "procedure": procedure.value,
                        "started_on": today.isoformat(),
                        "expected_working_days": expected,
                        "ended_on": None,
                    },
                ]
            }
            detail = {"procedure": procedure.value, "expected_working_days": expected}
        else:
            suspensions = [dict(s) for s in data["suspensions"]]
            suspensions[-1]["ended_on"] = today.isoformat()
            data = data | {"suspensions": suspensions}
            clock = _case_clock(application, data)
            detail = {}
        deadline = clock.decision_deadline(calendar, today)
    except CalendarUnknown:
        deadline = None
    except (ValueError, TypeError, KeyError) as error:
        raise Refused(422, str(error) or "the report's clock details are not valid") from error
    application.clock = data
    application.decide_by = deadline
    return detail


def _case_clock(application: Application, data: dict) -> CaseClock:
    extension, suspensions = stored_clock_changes(data)
    return CaseClock(
        accepted_on=application.accepted_on or beijing.today(),
        promised_days=application.item.promised_limit,
        statutory_days=application.item.statutory_limit,
        extension=extension,
        suspensions=suspensions,
    )
