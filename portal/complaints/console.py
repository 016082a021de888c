"""What the supervision office's console shows: the queue with its traffic lights, and one
ticket as its handler reads it (findings first). Templates get these objects, never rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.clock import beijing
from portal.clock.calendar import CalendarUnknown, WorkingCalendar
from portal.clock.deadlines import Light, light
from portal.complaints import handling
from portal.complaints.findings import shows_missed_deadline
from portal.complaints.models import Complaint, ComplaintStatus, Kind
from portal.complaints.numbering import display_ticket
from portal.complaints.presenters import KIND_LABELS, STATUS_LABELS
from portal.extensions import db
from portal.i18n import current_language, long_date, money
from portal.window.models import StaffAction, StaffMember

S = ComplaintStatus
# Statuses whose reply is still owed: the reply deadline runs.
REPLY_OWED = (S.ACCEPTED, S.INVESTIGATING, S.REOPENED, S.REPLY_APPROVED)
# Where the complaint is about a case, these kinds put the case's audit trail beside it.
WITH_AUDIT_TRAIL = (Kind.INACTION, Kind.MISCONDUCT)

EVENT_LABELS = {
    **STATUS_LABELS,
    "statement-requested": _l("已请被投诉单位书面说明"),
    "statement-received": _l("已收到书面说明"),
    "reply-drafted": _l("已起草答复"),
    "extension-asked": _l("已申请延期答复"),
    "extended": _l("答复期限已延长"),
    "extension-refused": _l("延期申请未获批准"),
}
NOT_ACCEPTED_LABELS = {
    handling.OUTSIDE_REMIT: _l("不属于本中心效能监察范围"),
    handling.DUPLICATE: _l("重复投诉"),
    handling.NO_CONTENT: _l("没有投诉内容"),
}
ACTION_LABELS = {
    "viewed-case": _l("查看了案件"),
    "accepted": _l("受理"),
    "supplements-requested": _l("一次性告知补正"),
    "declined": _l("不予受理"),
    "printed-notice": _l("打印了通知书"),
    "opened-material": _l("打开了材料"),
}


def _light(calendar: WorkingCalendar, due: date | None, today: date) -> Light | None:
    if due is None:
        return None
    try:
        return light(calendar, due, today, 1)
    except CalendarUnknown:
        return None


def due_of(complaint: Complaint) -> date | None:
    """The deadline that runs now: acceptance while received, the reply after it."""
    if complaint.status == S.RECEIVED:
        return complaint.accept_by
    if complaint.status in REPLY_OWED:
        return complaint.reply_by
    return None


@dataclass(frozen=True)
class QueueRow:
    ticket: str
    ticket_display: str
    kind: str
    status: str
    due: str | None
    light: Light | None
    missed_deadline: bool
    handler: str | None


def queue(
    member: StaffMember,
    calendar: WorkingCalendar,
    today: date,
    status: str | None = None,
    kind: str | None = None,
) -> list[QueueRow]:
    """The open complaints of the member's center, the closest deadline first."""
    query = (
        handling.office_complaints(member)
        .where(Complaint.status.not_in(S.FINAL))
        .options(selectinload(Complaint.handler))
    )
    if status in S.ALL:
        query = query.where(Complaint.status == status)
    if kind in Kind.ALL:
        query = query.where(Complaint.kind == kind)
    complaints = list(db.session.scalars(query))
    complaints.sort(key=lambda c: (due_of(c) is None, due_of(c) or date.max, c.received_at))
    return [
        QueueRow(
            ticket=c.ticket,
            ticket_display=display_ticket(c.ticket),
            kind=str(KIND_LABELS[c.kind]),
            status=str(STATUS_LABELS[c.status]),
            due=long_date(due_of(c)) if due_of(c) else None,
            light=_light(calendar, due_of(c), today),
            missed_deadline=shows_missed_deadline(c.findings or []),
            handler=c.handler.name if c.handler else None,
        )
        for c in complaints
    ]


def _moment(value) -> str:
    return format_datetime(beijing.aware(value), "medium")


@dataclass(frozen=True)
class Finding:
    text: str
    holds: bool


@dataclass(frozen=True)
class Line:
    moment: str
    label: str
    note: str


class Ticket:
    """One complaint for its handler: findings first, then the facts, the case, the trail."""

    def __init__(self, complaint: Complaint, member: StaffMember, calendar, today: date):
        language = current_language()
        self.complaint = complaint
        self.ticket = complaint.ticket
        self.display = display_ticket(complaint.ticket)
        self.kind = KIND_LABELS[complaint.kind]
        self.status = STATUS_LABELS[complaint.status]
        self.due = long_date(due_of(complaint)) if due_of(complaint) else None
        self.light = _light(calendar, due_of(complaint), today)
        self.accept_by = long_date(complaint.accept_by)
        self.reply_by = long_date(complaint.reply_by)
        self.received = _moment(complaint.received_at)
        # Kept as filed: the sentences the record gave on the day, in the reader's language.
        self.findings = [
            Finding(
                (f.get("text") or {}).get(language) or (f.get("text") or {}).get("zh", ""),
                f["holds"],
            )
            for f in complaint.findings or []
        ]
        self.missed_deadline = shows_missed_deadline(complaint.findings or [])
        self.what_happened = complaint.what_happened
        self.what_they_want = complaint.what_they_want
        self.happened_on = long_date(complaint.happened_on) if complaint.happened_on else None
        self.item = complaint.item.name if complaint.item else None
        self.center = complaint.center.name
        self.window = complaint.window.name if complaint.window else None
        self.fee = complaint.fee_item.name if complaint.fee_item else None
        self.fee_named = complaint.fee_named
        self.fee_asked = money(complaint.fee_asked) if complaint.fee_asked is not None else None
        self.anonymous = complaint.anonymous
        self.handler = complaint.handler.name if complaint.handler else None
        self.application = complaint.application
        self.reply_draft = complaint.reply_draft
        self.own_draft = complaint.reply_drafted_by_id == member.id
        self.extension_asked = complaint.extension_reply_by is not None and not complaint.extended
        self.extension_reply_by = (
            long_date(complaint.extension_reply_by) if complaint.extension_reply_by else None
        )
        self.extension_why = complaint.extension_why
        self.extended = complaint.extended
        self.statements = handling.statements(complaint)
        self.can_ask_extension = (
            complaint.status in (S.ACCEPTED, S.INVESTIGATING, S.REOPENED)
            and complaint.extension_why is None
            and not complaint.extended
            and today <= complaint.reply_by
        )
        # The log of identity openings is for the office head.
        self.identity_views = (
            [(v.staff.name, _moment(v.viewed_at)) for v in handling.identity_views(complaint)]
            if member.heads_supervision
            else None
        )
        self.audit_trail = self._audit_trail() if complaint.kind in WITH_AUDIT_TRAIL else None
        self.timeline = [self._line(e) for e in complaint.events]

    def identity(self) -> dict:
        """The complainant, for the page that opened it (after the logged POST) only."""
        c = self.complaint
        return {
            "name": c.contact_name,
            "mobile": c.contact_mobile,
            "email": c.contact_email,
            "account": c.applicant is not None,
        }

    def _audit_trail(self) -> list[Line] | None:
        if self.application is None:
            return None
        actions = db.session.scalars(
            select(StaffAction)
            .where(StaffAction.application_id == self.application.id)
            .order_by(StaffAction.created_at, StaffAction.id)
            .options(selectinload(StaffAction.staff))
        )
        return [
            Line(
                _moment(a.created_at),
                str(ACTION_LABELS.get(a.action, a.action)),
                a.staff.name if a.staff else str(_l("系统")),
            )
            for a in actions
        ]

    def _line(self, event) -> Line:
        detail = event.detail or {}
        label = str(EVENT_LABELS.get(event.kind, event.kind))
        notes = []
        if detail.get("staff"):
            notes.append(detail["staff"])
        if detail.get("handler"):
            notes.append(str(_l("承办人：%(name)s", name=detail["handler"])))
        if detail.get("reason"):
            notes.append(str(NOT_ACCEPTED_LABELS.get(detail["reason"], detail["reason"])))
        if detail.get("contact"):
            notes.append(str(_l("请联系：%(contact)s", contact=detail["contact"])))
        if detail.get("earlier_ticket"):
            notes.append(
                str(_l("此前的工单：%(ticket)s", ticket=display_ticket(detail["earlier_ticket"])))
            )
        if detail.get("why"):
            notes.append(str(_l("原因：%(why)s", why=detail["why"])))
        if detail.get("reply_by"):
            notes.append(
                str(
                    _l("答复期限：%(date)s", date=long_date(date.fromisoformat(detail["reply_by"])))
                )
            )
        if detail.get("due_by"):
            notes.append(
                str(_l("说明期限：%(date)s", date=long_date(date.fromisoformat(detail["due_by"]))))
            )
        if detail.get("reply"):
            notes.append(detail["reply"])
        return Line(_moment(event.created_at), label, " · ".join(notes))
