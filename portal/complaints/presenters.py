"""What the complaint pages show: labels for codes, dates in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.clock import beijing
from portal.complaints.models import Complaint, ComplaintStatus, Kind
from portal.complaints.numbering import display_ticket
from portal.i18n import long_date

S = ComplaintStatus

KIND_LABELS = {
    Kind.SLOW: _l("办理太慢、超过时限"),
    Kind.INACTION: _l("推诿扯皮、不作为"),
    Kind.MISCONDUCT: _l("工作人员态度或作风问题、乱作为"),
    Kind.FEE: _l("不该收的费或收费过高"),
    Kind.OTHER: _l("其他问题"),
}

STATUS_LABELS = {
    S.RECEIVED: _l("已收到，等待受理"),
    S.ACCEPTED: _l("已受理"),
    S.NOT_ACCEPTED: _l("不予受理"),
    S.INVESTIGATING: _l("调查处理中"),
    S.REPLY_APPROVED: _l("答复已审定"),
    S.REPLIED: _l("已答复"),
    S.CLOSED: _l("已办结"),
    S.CLOSED_NOT_RATED: _l("已办结（未评价）"),
    S.REOPENED: _l("重新处理"),
}


class FollowedComplaint:
    """A complaint as its complainant sees it: never who handled it, never the findings."""

    def __init__(self, complaint: Complaint):
        self.ticket = display_ticket(complaint.ticket)
        self.kind = KIND_LABELS[complaint.kind]
        self.status = STATUS_LABELS[complaint.status]
        self.received_on = long_date(beijing.day_of(beijing.aware(complaint.received_at)))
        self.accept_by = long_date(complaint.accept_by)
        self.reply_by = long_date(complaint.reply_by)
        self.timeline = [
            (long_date(beijing.day_of(beijing.aware(event.created_at))), STATUS_LABELS[event.kind])
            for event in complaint.events
            if event.kind in STATUS_LABELS
        ]
