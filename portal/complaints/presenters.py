"""What the complaint pages show: labels for codes, dates in the reader's language."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from portal.clock import beijing
from portal.complaints import journey as j
from portal.complaints import rating
from portal.complaints.models import Complaint, ComplaintStatus, Kind, Rating
from portal.complaints.numbering import display_ticket
from portal.documents.pdf import (
    FRAME_WIDTH,
    document_header,
    key_value_table,
    numbered_list,
    render_document,
    section_heading,
)
from portal.filing.numbering import display_number
from portal.i18n import format_file_size, localized, long_date
from portal.ratings import follow_up

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


EVENT_LABELS = {
    "extended": _l("答复期限已延长"),
    "rated": _l("投诉人已评价"),
}

NOT_ACCEPTED_REASONS = {
    "outside-remit": _l("这件事不归政务服务中心效能监察室处理。"),
    "duplicate": _l("这件事已经有一个投诉在处理。"),
    "no-content": _l("投诉里没有写清楚具体的事情，无法核查。"),
}

RATING_LABELS = {
    Rating.SATISFIED: _l("满意"),
    Rating.BASICALLY_SATISFIED: _l("基本满意"),
    Rating.UNSATISFIED: _l("不满意"),
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
            (long_date(beijing.day_of(beijing.aware(event.created_at))), label)
            for event in complaint.events
            if (label := EVENT_LABELS.get(event.kind, STATUS_LABELS.get(event.kind)))
        ]
        self.raw_ticket = complaint.ticket
        self.reply = _latest_detail(complaint, S.REPLIED).get("reply")
        not_accepted = _latest_detail(complaint, S.NOT_ACCEPTED)
        self.not_accepted_reason = NOT_ACCEPTED_REASONS.get(not_accepted.get("reason"))
        self.contact_instead = not_accepted.get("contact")
        earlier = not_accepted.get("earlier_ticket")
        self.earlier_ticket = display_ticket(earlier) if earlier else None
        extended = _latest_detail(complaint, "extended")
        self.extension_why = extended.get("why")
        self.extended_to = _day(extended.get("reply_by"))
        # The 好差评 of the latest reply in its five levels; the three answers before it.
        given = rating.rating_of_reply(complaint)
        self.reply_rating = given
        self.follow_up = follow_up.follow_up_of(given) if given is not None else None
        self.can_rate_again = given is not None and follow_up.may_rate_again(given)
        if given is not None:
            from forms.ratings import LEVEL_LABELS

            self.rating = LEVEL_LABELS[given.level]
        else:
            self.rating = RATING_LABELS.get(complaint.rating) if complaint.rating else None
        self.can_rate = rating.can_rate(complaint)
        self.can_ask_again = rating.can_ask_again(complaint)
        until = rating.reconsider_until(complaint)
        self.ask_again_until = long_date(until) if until else None
        self.asked_again = complaint.reconsider_reason is not None


def _latest_detail(complaint: Complaint, kind: str) -> dict:
    details = [e.detail for e in complaint.events if e.kind == kind]
    return details[-1] if details and isinstance(details[-1], dict) else {}


def _day(text) -> str | None:
    try:
        return long_date(date.fromisoformat(text)) if isinstance(text, str) else None
    except ValueError:
        return None


class ComplaintSummary:
    """One line of the account's list of complaints."""

    def __init__(self, complaint: Complaint):
        self.ticket = display_ticket(complaint.ticket)
        self.raw_ticket = complaint.ticket
        self.kind = KIND_LABELS[complaint.kind]
        self.status = STATUS_LABELS[complaint.status]
        self.received_on = long_date(beijing.day_of(beijing.aware(complaint.received_at)))
        self.reply_by = long_date(complaint.reply_by)


# The journey's pages ----------------------------------------------------------------------


class CheckRow:
    def __init__(self, label, lines: list[str], change_url: str):
        self.label = label
        self.lines = lines
        self.change_url = change_url


def check_rows(draft) -> list[CheckRow]:
    """Every answer with a link back to its page, in the journey's order."""
    rows = [
        CheckRow(_l("投诉的问题"), [str(KIND_LABELS[draft.get("kind")])], j.url_for_step(j.KIND))
    ]
    case = j.case_of(draft) if draft.get("about") == "case" else None
    if case is not None:
        rows.append(
            CheckRow(
                _l("投诉的申请"),
                [display_number(case.number or ""), localized(case.item.name)],
                j.url_for_step(j.CASE),
            )
        )
    else:
        item = j.item_of(draft)
        rows.append(
            CheckRow(
                _l("办理的事项"), [localized(item.name) if item else ""], j.url_for_step(j.ITEM)
            )
        )
        center, window = j.place_of(draft)
        lines = [localized(center.name) if center else ""]
        if window is not None:
            lines.append(localized(window.name))
        if draft.get("day"):
            lines.append(long_date(date.fromisoformat(draft.get("day"))))
        rows.append(CheckRow(_l("地点和日期"), lines, j.url_for_step(j.PLACE)))
    rows.append(CheckRow(_l("发生了什么"), [draft.get("what")], j.url_for_step(j.WHAT)))
    rows.append(CheckRow(_l("希望怎样处理"), [draft.get("want")], j.url_for_step(j.WANT)))
    if draft.get("kind") == Kind.FEE:
        fee = j.fee_item_of(draft)
        name = localized(fee.name) if fee else draft.get("fee_named") or ""
        rows.append(
            CheckRow(
                _l("收费"),
                [name, str(_l("%(amount)s 元", amount=draft.get("fee_asked")))],
                j.url_for_step(j.FEE),
            )
        )
    files = [f"{f.name}（{format_file_size(f.size)}）" for f in draft.files]
    rows.append(CheckRow(_l("附件"), files or [str(_l("没有附件"))], j.url_for_step(j.FILES)))
    if draft.get("way") == "named":
        contact = [draft.get("name")] + [v for v in (draft.get("mobile"), draft.get("email")) if v]
    else:
        contact = [str(_l("匿名：不留个人信息"))]
    rows.append(CheckRow(_l("联系方式"), contact, j.url_for_step(j.CONTACT)))
    return rows


def next_steps(reply_by: date) -> list[str]:
    return [
        str(_l("政务服务中心效能监察室在 1 个工作日内决定是否受理。")),
        str(_l("受理后调查核实，必要时请被投诉的窗口或部门书面说明情况。")),
        str(_l("最晚在 %(day)s 前答复。", day=long_date(reply_by))),
        str(_l("答复后请您评价；不满意的，可以在 15 日内要求重新处理一次。")),
    ]


def acknowledgement_pdf(ticket: str, code: str, reply_by: date) -> bytes:
    """The acknowledgement as a PDF, built from the same parts as the filing receipt."""
    title = str(_l("投诉受理回执"))
    story = document_header(str(_l("衡阳市政务服务中心")), title)
    table = key_value_table(
        [
            (str(_l("工单编号")), display_ticket(ticket), True),
            (str(_l("查询码")), code, True),
            (str(_l("收到日期")), long_date(beijing.today()), False),
            (str(_l("答复截止")), long_date(reply_by), False),
        ],
        FRAME_WIDTH,
    )
    if table is not None:
        story.append(table)
    story += section_heading(str(_l("接下来")))
    story += numbered_list(next_steps(reply_by))
    return render_document(
        story,
        title=title,
        author=str(_l("衡阳市政务服务中心")),
        subject=display_ticket(ticket),
        footer=str(_l("凭工单编号和查询码可以在“查询投诉处理情况”页面查询。请妥善保管查询码。")),
    )
