"""What the supervision dashboard and its monthly report read: SQL over the cards table,
scoped to one center, never the areas' rows.

The dashboard's numbers come from ``supervision_cards`` (indexed by center and clearing),
so it costs the same with a million cases behind it; the report reads one month of the
cards' history.
"""

from __future__ import annotations

import calendar as month_calendar
from dataclasses import dataclass
from datetime import date

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.catalog.models import Department, Window
from portal.extensions import db
from portal.i18n import localized
from portal.supervision.models import Card, CardHistory, CardNote, Level, Limit, Step, Subject
from portal.window.models import StaffMember

STEP_LABELS = {
    Step.PRE_REVIEW: _l("预审（受理、补正或不予受理）"),
    Step.DECISION: _l("作出决定"),
    Step.INSPECTION: _l("现场检查"),
    Step.SIGN_OFF: _l("签批"),
    Step.COMPLAINT_ACCEPTANCE: _l("投诉受理"),
    Step.COMPLAINT_REPLY: _l("投诉答复"),
    Step.PROXY_ACCEPTANCE: _l("代理申请受理"),
    Step.CALL_BACK: _l("差评回访"),
    Step.FIX: _l("限期整改"),
}
LIMIT_LABELS = {
    Limit.PROMISED: _l("承诺时限"),
    Limit.STATUTORY: _l("法定时限"),
    Limit.STEP: _l("环节时限"),
}
LEVEL_LABELS = {Level.YELLOW: _l("黄牌"), Level.RED: _l("红牌")}
SUBJECT_LABELS = {
    Subject.CASE: _l("办件"),
    Subject.COMPLAINT: _l("投诉"),
    Subject.PROXY_REQUEST: _l("代理申请"),
    Subject.FOLLOW_UP: _l("差评回访"),
}
NOTE_LABELS = {
    "raised": _l("亮牌"),
    "escalated": _l("黄牌转红牌"),
    "head-told": _l("红牌超过期限，报告负责人"),
}
HISTORY_LABELS = {**NOTE_LABELS, "cleared": _l("消除")}
# Ending events that are not a case's or a complaint's timeline line.
ENDING_LABELS = {
    "proxy-accepted": _l("代理窗口受理"),
    "proxy-refused": _l("代理窗口不予受理"),
    "rating-called-back": _l("已回访"),
    "rating-fixed": _l("确认已整改"),
}
# The dashboard lists at most this many cards (the filters narrow them); the tallies above
# it count every one.
LIST_LIMIT = 100


@dataclass(frozen=True)
class Filters:
    level: str | None = None
    step: str | None = None
    window_id: int | None = None
    department_id: int | None = None
    officer_id: int | None = None


@dataclass(frozen=True)
class CardRow:
    card: Card
    window: str | None
    department: str | None
    officer: str | None

    @property
    def step(self) -> str:
        return str(STEP_LABELS[self.card.step])

    @property
    def limit(self) -> str:
        return str(LIMIT_LABELS[self.card.limit_kind])

    @property
    def subject(self) -> str:
        return str(SUBJECT_LABELS[self.card.subject])

    @property
    def level(self) -> str:
        return str(LEVEL_LABELS.get(self.card.level, self.card.level))


def _named(query):
    return (
        query.outerjoin(Window, Window.id == Card.window_id)
        .outerjoin(Department, Department.id == Card.department_id)
        .outerjoin(StaffMember, StaffMember.id == Card.officer_id)
    )


def open_cards(center_id: int, filters: Filters, limit: int = LIST_LIMIT) -> list[CardRow]:
    """The center's open cards, the longest-standing first."""
    query = _named(select(Card, Window.name, Department.name, StaffMember.name)).where(
        Card.center_id == center_id, Card.cleared_at.is_(None), Card.level.in_(Level.CARDS)
    )
    if filters.level:
        query = query.where(Card.level == filters.level)
    if filters.step:
        query = query.where(Card.step == filters.step)
    if filters.window_id:
        query = query.where(Card.window_id == filters.window_id)
    if filters.department_id:
        query = query.where(Card.department_id == filters.department_id)
    if filters.officer_id:
        query = query.where(Card.officer_id == filters.officer_id)
    rows = db.session.execute(query.order_by(Card.raised_at, Card.id).limit(limit)).all()
    return [
        CardRow(card, localized(window) or None, localized(department) or None, officer)
        for card, window, department, officer in rows
    ]


@dataclass(frozen=True)
class Tally:
    id: int | None  # what the dashboard's filter takes to list the cards behind the counts
    name: str | None  # None: no window (a proxy request), no department, no officer named
    yellow: int
    red: int


def tallies(center_id: int) -> dict[str, list[Tally]]:
    """Open cards counted by window, department and officer, the most red first: one scan
    of the center's open cards, grouped finely, summed three ways here."""
    rows = db.session.execute(
        select(Card.window_id, Card.department_id, Card.officer_id, Card.level, func.count())
        .where(Card.center_id == center_id, Card.cleared_at.is_(None), Card.level.in_(Level.CARDS))
        .group_by(Card.window_id, Card.department_id, Card.officer_id, Card.level)
    ).all()
    out = {}
    for position, key, model in (
        (0, "window", Window),
        (1, "department", Department),
        (2, "officer", StaffMember),
    ):
        counts: dict = {}
        for row in rows:
            yellow_red = counts.setdefault(row[position], [0, 0])
            yellow_red[row[3] == Level.RED] += row[4]
        # Names apart from the counts: PostgreSQL cannot group by a JSON name.
        names = dict(
            db.session.execute(
                select(model.id, model.name).where(model.id.in_([i for i in counts if i]))
            ).all()
        )
        found = [Tally(i, _name(names.get(i)), y, r) for i, (y, r) in counts.items()]
        out[key] = sorted(found, key=lambda t: (-t.red, -t.yellow, t.name or ""))
    return out


def _name(name) -> str | None:
    if name is None:
        return None
    return localized(name) if isinstance(name, dict) else name


def unknown_steps(center_id: int) -> int:
    """Steps whose deadline needs a year the calendar does not know: no card, said so."""
    return db.session.scalar(
        select(func.count())
        .select_from(Card)
        .where(Card.center_id == center_id, Card.level == Level.UNKNOWN, Card.cleared_at.is_(None))
    )


def choices(center_id: int) -> dict[str, list[tuple[int, str]]]:
    """The filters' choices: the center's windows, and the departments and officers its open
    cards are about."""
    windows = db.session.execute(
        select(Window.id, Window.name)
        .where(Window.center_id == center_id)
        .order_by(Window.position)
    ).all()
    open_here = select(Card.department_id, Card.officer_id).where(
        Card.center_id == center_id, Card.cleared_at.is_(None)
    )
    departments = db.session.execute(
        select(Department.id, Department.name)
        .where(Department.id.in_(open_here.with_only_columns(Card.department_id)))
        .order_by(Department.position)
    ).all()
    officers = db.session.execute(
        select(StaffMember.id, StaffMember.name)
        .where(StaffMember.id.in_(open_here.with_only_columns(Card.officer_id)))
        .order_by(StaffMember.name, StaffMember.id)
    ).all()
    return {
        "window": [(i, localized(n)) for i, n in windows],
        "department": [(i, localized(n)) for i, n in departments],
        "officer": [(i, n) for i, n in officers],
    }


def link_of(card: Card, member: StaffMember) -> str | None:
    """The page of the card's subject, when this member may open it (a complaint's ticket
    and a rating's follow-up are the office's; a proxy request the proxy window's)."""
    if card.subject == Subject.CASE:
        return url_for("window.case", public_id=card.public_ref)
    if card.subject == Subject.COMPLAINT and member.supervises:
        return url_for("complaint_office.ticket", ticket=card.public_ref)
    if card.subject == Subject.FOLLOW_UP and member.supervises:
        return url_for("rating_office.page", public_id=card.public_ref)
    if card.subject == Subject.PROXY_REQUEST and member.works_at_proxy_window:
        return url_for("proxy_window.request_page", public_id=card.public_ref)
    return None


def event_label(card: Card, event: str) -> str:
    """The ending event in words, from the presenter that shows it on the subject's own page."""
    from portal.complaints.presenters import EVENT_LABELS as COMPLAINT_EVENTS
    from portal.complaints.presenters import STATUS_LABELS as COMPLAINT_STATUSES
    from portal.filing.presenters import EVENT_LABELS as CASE_EVENTS

    if event == "sweep":
        return _("系统按期限计算")
    if card.subject == Subject.CASE:
        label = CASE_EVENTS.get(event)
    elif card.subject == Subject.COMPLAINT:
        label = COMPLAINT_EVENTS.get(event, COMPLAINT_STATUSES.get(event))
    else:
        label = ENDING_LABELS.get(event)
    return str(label) if label is not None else event


def find_card(center_id: int, card_id: int) -> Card | None:
    card = db.session.get(Card, card_id)
    return card if card is not None and card.center_id == center_id else None


# Notes to one member of staff -------------------------------------------------------------


def notes_for(staff_id: int, limit: int = 200) -> list[CardNote]:
    return list(
        db.session.scalars(
            select(CardNote)
            .where(CardNote.staff_id == staff_id)
            .order_by(CardNote.created_at.desc(), CardNote.id.desc())
            .limit(limit)
        )
    )


# The monthly report -----------------------------------------------------------------------


@dataclass
class ReportRow:
    window: str
    department: str
    raised: int = 0
    red: int = 0
    cleared: int = 0
    cleared_late: int = 0


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, month_calendar.monthrange(year, month)[1])


def monthly(center_id: int, year: int, month: int) -> list[ReportRow]:
    """Per window and department: cards raised, turned or raised red, cleared, and cleared
    after their deadline, in the month (by the history's Beijing day)."""
    first, last = month_bounds(year, month)
    rows = db.session.execute(
        select(
            Card.window_id,
            Card.department_id,
            CardHistory.kind,
            CardHistory.level,
            CardHistory.late,
            func.count(),
        )
        .join(Card, Card.id == CardHistory.card_id)
        .where(Card.center_id == center_id, CardHistory.on.between(first, last))
        .group_by(
            Card.window_id,
            Card.department_id,
            CardHistory.kind,
            CardHistory.level,
            CardHistory.late,
        )
    ).all()
    windows = _names(Window, {r[0] for r in rows})
    departments = _names(Department, {r[1] for r in rows})
    groups: dict[tuple[str, str], ReportRow] = {}
    for window_id, department_id, kind, level, late, count in rows:
        key = (windows.get(window_id, "—"), departments.get(department_id, "—"))
        row = groups.setdefault(key, ReportRow(*key))
        if kind == "raised":
            row.raised += count
            row.red += count if level == Level.RED else 0
        elif kind == "escalated":
            row.red += count
        elif kind == "cleared":
            row.cleared += count
            row.cleared_late += count if late else 0
    return [groups[key] for key in sorted(groups)]


def _names(model, ids: set) -> dict:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    rows = db.session.execute(select(model.id, model.name).where(model.id.in_(ids))).all()
    return {row_id: localized(name) for row_id, name in rows}
