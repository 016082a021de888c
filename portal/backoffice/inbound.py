"""Progress reported by the back office: checked, applied once, shown to the applicant.

Each report names its own event id; a report already received changes nothing.
A report that does not fit where the case stands is refused with the reason (409),
and a fee notice may only carry fee items the item publishes (no piggy-back fees).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from portal.backoffice.models import BackOfficeEvent, BackOfficeSystem
from portal.clock import beijing
from portal.clock.calendar import CalendarUnknown, WorkingCalendar
from portal.clock.deadlines import CaseClock, Extension, Procedure, Suspension
from portal.extensions import db
from portal.filing.models import Application, Status
from portal.filing.numbering import normalize_number
from portal.filing.operations import _record

S = Status
DECIDING = (S.ACCEPTED, S.FORWARDED, S.IN_REVIEW)
# event type → (statuses it may come in, status afterwards; None keeps the status)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "in-review": ((S.ACCEPTED, S.FORWARDED), S.IN_REVIEW),
    "inspection-scheduled": (DECIDING, S.IN_REVIEW),
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


def add_system(name: str) -> tuple[BackOfficeSystem, str]:
    token = secrets.token_urlsafe(32)
    system = BackOfficeSystem(
        name=name, token_hash=hash_token(token), active=True, created_at=beijing.now()
    )
    db.session.add(system)
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


def apply_event(
    system: BackOfficeSystem, number: str, report: dict, calendar: WorkingCalendar
) -> Outcome:
    application = db.session.scalar(
        select(Application).where(Application.number == normalize_number(number))
    )
    if application is None:
        raise Refused(404, "no case has this number")
    seen = db.session.scalar(
        select(BackOfficeEvent).where(BackOfficeEvent.event_id == report["event_id"])
    )
    if seen is not None:
        if seen.application_id != application.id:
            raise Refused(409, "this event id was already used for another case")
        return Outcome(application.status, True, application.decide_by)
    kind = report["type"]
    allowed_from, after = TRANSITIONS[kind]
    if application.status not in allowed_from:
        raise Refused(409, f"a '{kind}' report cannot follow a case that is {application.status}")
    detail = _apply(application, kind, report, calendar)
    if after is not None:
        application.status = after
    application.updated_at = beijing.now()
    _record(application, f"backoffice-{kind}", "back-office", **detail)
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


def _apply(application: Application, kind: str, report: dict, calendar: WorkingCalendar) -> dict:
    if kind == "refused":
        if not (report.get("reasons") or "").strip():
            raise Refused(422, "a refusal needs its reasons (Art. 38)")
        return {"reasons": report["reasons"].strip()}
    if kind == "fee-notice":
        return _fee_notice(application, report)
    if kind == "inspection-scheduled":
        return {"on": _date(report, "date")}
    if kind == "certificate-issued":
        return {"certificate": (report.get("certificate_number") or "").strip()[:100]}
    if kind in ("suspended", "resumed", "extended"):
        return _move_clock(application, kind, report, calendar)
    return {}


def _fee_notice(application: Application, report: dict) -> dict:
    codes = report.get("fee_items") or []
    published = {fee.code for fee in application.item.fees}
    outside = sorted(set(codes) - published)
    if not codes:
        raise Refused(422, "a fee notice needs at least one fee item")
    if outside:
        raise Refused(
            422, f"not in this item's published fees (no piggy-back fees): {', '.join(outside)}"
        )
    return {"fee_items": sorted(set(codes))}


def _date(report: dict, key: str) -> str:
    try:
        return date.fromisoformat(str(report.get(key))).isoformat()
    except ValueError as error:
        raise Refused(422, f"'{key}' must be a date like 2026-12-01") from error


def _move_clock(
    application: Application, kind: str, report: dict, calendar: WorkingCalendar
) -> dict:
    data = application.clock or {"suspensions": []}
    today = beijing.today()
    try:
        clock = _case_clock(application, data)
        if kind == "extended":
            extension = report.get("extension") or {}
            clock = clock.extended(
                Extension(
                    int(extension.get("days", 0)),
                    str(extension.get("approver", "")),
                    str(extension.get("reason", "")),
                    today,
                )
            )
            data = data | {
                "extension": {
                    "days": clock.extension.days,
                    "approver": clock.extension.approver,
                    "reason": clock.extension.reason,
                    "granted_on": today.isoformat(),
                }
            }
            detail = {
                "days": clock.extension.days,
                "reason": clock.extension.reason,
                "approver": clock.extension.approver,
            }
        elif kind == "suspended":
            procedure = Procedure(report.get("procedure"))
            clock = clock.suspended(
                Suspension(procedure, today, int(report.get("expected_working_days", 0)))
            )
            data = data | {
                "suspensions": [
                    *data["suspensions"],
                    {
                        "procedure": procedure.value,
                        "started_on": today.isoformat(),
                        "expected_working_days": int(report["expected_working_days"]),
                        "ended_on": None,
                    },
                ]
            }
            detail = {
                "procedure": procedure.value,
                "expected_working_days": int(report["expected_working_days"]),
            }
        else:
            suspensions = [dict(s) for s in data["suspensions"]]
            suspensions[-1]["ended_on"] = today.isoformat()
            data = data | {"suspensions": suspensions}
            clock = _case_clock(application, data)
            detail = {}
    except (ValueError, TypeError, KeyError) as error:
        raise Refused(422, str(error) or "the report's clock details are not valid") from error
    application.clock = data
    try:
        application.decide_by = clock.decision_deadline(calendar, today)
    except CalendarUnknown:
        application.decide_by = None
    return detail


def _case_clock(application: Application, data: dict) -> CaseClock:
    extension = data.get("extension")
    return CaseClock(
        accepted_on=application.accepted_on or beijing.today(),
        promised_days=application.item.promised_limit,
        statutory_days=application.item.statutory_limit,
        extension=Extension(
            extension["days"],
            extension["approver"],
            extension["reason"],
            date.fromisoformat(extension["granted_on"]),
        )
        if extension
        else None,
        suspensions=tuple(
            Suspension(
                Procedure(s["procedure"]),
                date.fromisoformat(s["started_on"]),
                s["expected_working_days"],
                date.fromisoformat(s["ended_on"]) if s["ended_on"] else None,
            )
            for s in data.get("suspensions", [])
        ),
    )
