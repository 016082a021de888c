"""Raising, escalating and clearing cards from the record: idempotent and safe to run twice.

``sweep(calendar, today, rules)`` looks at every open step (``steps.open_steps``) and brings
the cards table in line with it:

- a step whose deadline is at most ``rules.yellow_working_days`` working days away gets a
  yellow card, one past its deadline a red card (``clock.deadlines.light``);
- a yellow card turns red, never back: an extension moves the date shown, not the level;
- a card is cleared only when its step is no longer open, that is by the action that ended
  it (the case accepted or declined, decided, the complaint answered …), never by time;
- a red card open ``rules.escalate_working_days`` working days is told to the office head.

On a day that is not a working day nothing is raised or escalated (the center is closed and
nobody can act): yellow shows on the working day before a deadline, red on the working day
after it. Every change is one conditional statement — an INSERT … ON CONFLICT DO NOTHING
on the card's unique key, an UPDATE … WHERE level / cleared_at is still what was read — and
only the statement that changed a row writes its history and its notes, so two sweeps at
once (two workers, or a worker and an event's commit) raise, escalate and tell once.

A deadline in a year the calendar does not know raises no card: the step is kept as a row of
level ``unknown`` (shown on the dashboard, logged), never guessed into a colour.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from portal.clock import beijing
from portal.clock.calendar import CalendarUnknown, WorkingCalendar
from portal.clock.deadlines import Light, light
from portal.extensions import db
from portal.supervision.models import Card, CardHistory, CardNote, Level
from portal.supervision.steps import OpenStep, ended_by, office_heads, open_steps, responsible

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rules:
    yellow_working_days: int = 1  # CARD_YELLOW_WORKING_DAYS
    escalate_working_days: int = 3  # CARD_ESCALATE_WORKING_DAYS

    @classmethod
    def from_config(cls, config) -> Rules:
        return cls(config["CARD_YELLOW_WORKING_DAYS"], config["CARD_ESCALATE_WORKING_DAYS"])


@dataclass
class Report:
    raised: int = 0
    escalated: int = 0
    cleared: int = 0
    head_told: int = 0
    unknown_years: set[int] = field(default_factory=set)

    def line(self) -> str:
        text = (
            f"{self.raised} cards raised, {self.escalated} turned red, {self.cleared} cleared, "
            f"{self.head_told} told to the office head"
        )
        if self.unknown_years:
            years = ", ".join(str(y) for y in sorted(self.unknown_years))
            text += f"; no card where the calendar does not know {years}"
        return text


def level_of(
    calendar: WorkingCalendar, step: OpenStep, today: date, yellow_days: int
) -> tuple[str | None, int | None]:
    """The step's level today (None: no card) and the year the calendar lacked, if any."""
    if step.due is None:
        return (Level.UNKNOWN, step.unknown_year) if step.unknown_year else (None, None)
    try:
        colour = light(calendar, step.due, today, yellow_days)
    except CalendarUnknown as unknown:
        return Level.UNKNOWN, unknown.year
    return (None if colour == Light.GREEN else str(colour)), None


def sweep(
    calendar: WorkingCalendar,
    today: date,
    rules: Rules,
    subject: str | None = None,
    ids: Collection[int] | None = None,
) -> Report:
    """Bring the cards of every subject (or of ``ids`` of one ``subject``) in line; flushes."""
    report = Report()
    try:
        working = calendar.is_working_day(today)
    except CalendarUnknown as unknown:
        log.error("supervision: %s; no card is raised or escalated", unknown)
        report.unknown_years.add(unknown.year)
        working = False
    steps = open_steps(
        calendar, subject, ids, _horizon(calendar, today, rules) if ids is None else None
    )
    running = {step.key for step in steps}
    cards = {card_key(card): card for card in _open_cards(subject, ids)}
    for step in steps:
        level, year = level_of(calendar, step, today, rules.yellow_working_days)
        if year is not None:
            report.unknown_years.add(year)
            log.warning(
                "supervision: no card for %s %s %s (%s): the calendar does not know %s",
                step.subject,
                step.label,
                step.step,
                step.limit_kind,
                year,
            )
        _bring_in_line(step, level, cards.get(step.key), today, working, report)
    _clear_ended(calendar, [c for k, c in cards.items() if k not in running], today, report)
    if working:
        _tell_heads(calendar, subject, ids, today, rules, report)
    db.session.flush()
    return report


def _horizon(calendar: WorkingCalendar, today: date, rules: Rules) -> date | None:
    """The last day a deadline can be on and still be yellow today: the day before the
    working day after the warning period (None: the calendar cannot say, so read all)."""
    try:
        return calendar.add_working_days(today, rules.yellow_working_days + 1) - timedelta(days=1)
    except CalendarUnknown:
        return None


def sweep_one(calendar: WorkingCalendar, today: date, rules: Rules, subject: str, subject_id: int):
    return sweep(calendar, today, rules, subject, [subject_id])


def card_key(card: Card) -> tuple[str, int, str, str]:
    return (card.subject, card.subject_id, card.step, card.limit_kind)


def _open_cards(subject: str | None, ids: Collection[int] | None) -> list[Card]:
    query = select(Card).where(Card.cleared_at.is_(None))
    if subject is not None:
        query = query.where(Card.subject == subject)
    if ids is not None:
        query = query.where(Card.subject_id.in_(list(ids)))
    return list(db.session.scalars(query))


def _bring_in_line(
    step: OpenStep, level: str | None, card: Card | None, today: date, working: bool, report
) -> None:
    if card is not None and card.level == Level.UNKNOWN and level != Level.UNKNOWN:
        # The calendar now knows the year: the row was never a card.
        db.session.execute(delete(Card).where(Card.id == card.id, Card.level == Level.UNKNOWN))
        card = None
    if card is not None and step.due is not None and card.due != step.due:
        card.due = step.due  # an extension or a suspension moved it; the level stays
    if level is None or step.paused:
        return
    if level == Level.UNKNOWN:
        if card is None:
            _insert(step, level, today)
        return
    if not working:
        return
    if card is None:
        card_id = _insert(step, level, today) or _reraise(step, level, today)
        if card_id is not None:
            report.raised += 1
            _record(card_id, "raised", level, today, "sweep")
            _tell(card_id, "raised", level, responsible(*_whom(step)))
    elif (
        card.level == Level.YELLOW
        and level == Level.RED
        and _changed(
            update(Card)
            .where(Card.id == card.id, Card.level == Level.YELLOW, Card.cleared_at.is_(None))
            .values(level=Level.RED, red_on=today)
        )
    ):
        report.escalated += 1
        _record(card.id, "escalated", Level.RED, today, "sweep")
        _tell(card.id, "escalated", Level.RED, responsible(*_whom(step)))


def _whom(step: OpenStep) -> tuple[str, int, int | None, int | None]:
    return step.subject, step.center_id, step.window_id, step.officer_id


def _values(step: OpenStep, level: str, today: date) -> dict:
    return {
        "level": level,
        "due": step.due,
        "center_id": step.center_id,
        "window_id": step.window_id,
        "department_id": step.department_id,
        "officer_id": step.officer_id,
        "label": step.label[:40],
        "public_ref": step.public_ref[:40],
        "raised_on": today,
        "raised_at": beijing.now(),
        "red_on": today if level == Level.RED else None,
        "head_told_at": None,
        "cleared_at": None,
        "cleared_on": None,
        "cleared_late": None,
    }


def _insert(step: OpenStep, level: str, today: date) -> int | None:
    """INSERT … ON CONFLICT DO NOTHING: the card's id if this statement wrote it."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    table = Card.__table__
    statement = (
        dialect.insert(table)
        .values(
            subject=step.subject,
            subject_id=step.subject_id,
            step=step.step,
            limit_kind=step.limit_kind,
            **_values(step, level, today),
        )
        .on_conflict_do_nothing(index_elements=["subject", "subject_id", "step", "limit_kind"])
        .returning(table.c.id)
    )
    # RETURNING, not rowcount: the drivers disagree on the count of a skipped insert.
    row = db.session.execute(statement).first()
    return row[0] if row else None


def _reraise(step: OpenStep, level: str, today: date) -> int | None:
    """The step runs again (a complaint reopened, a filing resubmitted): its cleared card
    is raised again, keeping its history."""
    card_id = db.session.scalar(
        select(Card.id).where(
            Card.subject == step.subject,
            Card.subject_id == step.subject_id,
            Card.step == step.step,
            Card.limit_kind == step.limit_kind,
            Card.cleared_at.is_not(None),
        )
    )
    if card_id is None:
        return None
    won = _changed(
        update(Card)
        .where(Card.id == card_id, Card.cleared_at.is_not(None))
        .values(**_values(step, level, today))
    )
    return card_id if won else None


def _changed(statement) -> bool:
    return bool(db.session.execute(statement.execution_options(synchronize_session=False)).rowcount)


def _record(
    card_id: int,
    kind: str,
    level: str,
    today: date,
    event: str,
    by_name: str | None = None,
    late: bool | None = None,
) -> None:
    db.session.add(
        CardHistory(
            card_id=card_id,
            kind=kind,
            level=level,
            at=beijing.now(),
            on=today,
            event=event[:40],
            by_name=by_name,
            late=late,
            detail={},
        )
    )


def _tell(card_id: int, kind: str, level: str, staff_ids: list[int]) -> None:
    moment = beijing.now()
    for staff_id in staff_ids:
        db.session.add(
            CardNote(staff_id=staff_id, card_id=card_id, kind=kind, level=level, created_at=moment)
        )


def _clear_ended(calendar: WorkingCalendar, candidates: list[Card], today: date, report) -> None:
    """Clear cards whose step has ended, checked again subject by subject: a step that
    started after this sweep read the steps is not mistaken for one that ended."""
    by_subject: dict[str, list[Card]] = defaultdict(list)
    for card in candidates:
        by_subject[card.subject].append(card)
    for subject, cards in by_subject.items():
        still = {s.key for s in open_steps(calendar, subject, {c.subject_id for c in cards})}
        for card in cards:
            if card_key(card) in still:
                continue
            if card.level == Level.UNKNOWN:
                db.session.execute(
                    delete(Card).where(Card.id == card.id, Card.level == Level.UNKNOWN)
                )
                continue
            late = today > card.due if card.due is not None else card.level == Level.RED
            if _changed(
                update(Card)
                .where(Card.id == card.id, Card.cleared_at.is_(None))
                .values(cleared_at=beijing.now(), cleared_on=today, cleared_late=late)
            ):
                event, by_name = ended_by(card.subject, card.subject_id, card.step)
                report.cleared += 1
                _record(card.id, "cleared", card.level, today, event, by_name, late)


def _tell_heads(
    calendar: WorkingCalendar,
    subject: str | None,
    ids: Collection[int] | None,
    today: date,
    rules: Rules,
    report,
) -> None:
    query = select(Card).where(
        Card.cleared_at.is_(None),
        Card.level == Level.RED,
        Card.head_told_at.is_(None),
        Card.red_on.is_not(None),
        Card.red_on < today,
    )
    if subject is not None:
        query = query.where(Card.subject == subject)
    if ids is not None:
        query = query.where(Card.subject_id.in_(list(ids)))
    for card in db.session.scalars(query).all():
        try:
            age = calendar.working_days_between(card.red_on, today)
        except CalendarUnknown as unknown:
            report.unknown_years.add(unknown.year)
            continue
        if age < rules.escalate_working_days:
            continue
        if _changed(
            update(Card)
            .where(Card.id == card.id, Card.head_told_at.is_(None), Card.cleared_at.is_(None))
            .values(head_told_at=beijing.now())
        ):
            report.head_told += 1
            _record(card.id, "head-told", Level.RED, today, "sweep")
            _tell(card.id, "head-told", Level.RED, office_heads(card.center_id))
