"""The public figures of one month, per center, department or service item.

What only grows (received, decided, due, on time, working days, ratings, fixes) is read
from the month's counts kept as events happen (``counters.py``, ``monthly_figures``); what
changes with the date alone (open and already late), deemed acceptances and complaints are
GROUP BYs over a month's range of an index. Python only adds up the per (center, item) rows
(a few hundred at most) into the level the page shows. No case, complaint or rating is
ever loaded. ``recorded_rows`` is the counts' definition over the record, for the rebuild.

Definitions (docs/performance.md says the same, for readers):

- **received**: filings submitted in the month (Beijing days).
- **decided**: decisions made in the month: a licence approved or refused, or an immediate
  item completed at acceptance (``performance/recording.py``).
- **on-time rate** of the cases *due* in the month (whose decision deadline, ``decide_by``
  with any extension and suspension, falls in it): decided by the deadline ÷ (decided +
  still open and already past the deadline). An open case counts against the rate from the
  day after its deadline; one still inside its deadline is not yet counted. A suspended
  case (Art. 45: the clock stops) is not counted until it resumes or is decided.
- **working days**: the MEAN working days from acceptance to decision of the decided cases
  due in the month, beside the mean promised limit of the same cases.
- **deemed acceptances**: deemed-acceptance notices issued in the month (Art. 32).
- **complaints** by kind: received in the month, and the on-time reply rate of those whose
  reply deadline (as first set) falls in the month: first reply by the deadline (an
  approved extension's date when there is one) ÷ (replied + not replied and past it).
  Complaints not accepted owe no reply and are left out.
- **ratings** given in the month (``sources.rated_cases``): five levels; a group with fewer
  than ``PERFORMANCE_MIN_RATINGS`` is not published; the fix rate is the share of its bad
  ratings whose follow-up is done.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum

from sqlalchemy import and_, case, func, null, select

from portal.catalog import snapshot
from portal.catalog.models import Center, Department, ServiceItem
from portal.clock.beijing import BEIJING
from portal.complaints.models import Complaint, ComplaintStatus, Kind
from portal.extensions import db
from portal.filing.models import Application, Notice, NoticeKind, Status
from portal.performance.models import LEVEL_COLUMNS, CaseDecision, MonthlyFigures
from portal.performance.sources import rated_cases
from portal.ratings.models import Level as RatingLevel

# Accepted and not yet decided, with the clock running.
OPEN_STATUSES = (Status.ACCEPTED, Status.FORWARDED, Status.IN_REVIEW)
MONTH_PATTERN = re.compile(r"(\d{4})-(\d{2})")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month | None:
        match = MONTH_PATTERN.fullmatch(text or "")
        if not match or not 1 <= int(match[2]) <= 12 or not 2000 <= int(match[1]) <= 2999:
            return None
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    @property
    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def instants(self) -> tuple[datetime, datetime]:
        """The month's Beijing days as UTC instants [start, end), as times are stored."""

        def start(month: Month) -> datetime:
            return datetime(month.year, month.month, 1, tzinfo=BEIJING).astimezone(UTC)

        return start(self), start(self.next)


def months_offered(today: date, count: int = 24) -> list[Month]:
    """This month and the ``count - 1`` before it, newest first."""
    months = [Month.of(today)]
    while len(months) < count:
        months.append(months[-1].previous)
    return months


class Breakdown(StrEnum):
    CENTER = "center"
    DEPARTMENT = "department"
    ITEM = "item"


@dataclass(frozen=True)
class Selection:
    month: Month
    center_id: int | None = None
    department_id: int | None = None
    item_id: int | None = None

    @property
    def breakdown(self) -> Breakdown:
        """Rows one level below what is chosen: centers, then departments, then items."""
        if self.department_id is not None or self.item_id is not None:
            return Breakdown.ITEM
        if self.center_id is not None:
            return Breakdown.DEPARTMENT
        return Breakdown.CENTER


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Timeliness:
    received: int = 0
    decided: int = 0
    due_decided: int = 0  # decided, of the cases due in the month
    on_time: int = 0
    open_late: int = 0
    working_days_total: int = 0
    working_days_cases: int = 0
    promised_days_total: int = 0
    deemed: int = 0

    @property
    def due(self) -> int:
        """The on-time rate's denominator: decided + open and already late."""
        return self.due_decided + self.open_late

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.on_time, self.due)

    @property
    def mean_working_days(self) -> float | None:
        return _rate(self.working_days_total, self.working_days_cases)

    @property
    def mean_promised_days(self) -> float | None:
        return _rate(self.promised_days_total, self.working_days_cases)

    def add(self, other: Timeliness) -> None:
        # Spelled out: a report adds a few thousand of these, and a loop over vars() with
        # getattr and setattr cost more than the month's queries.
        self.received += other.received
        self.decided += other.decided
        self.due_decided += other.due_decided
        self.on_time += other.on_time
        self.open_late += other.open_late
        self.working_days_total += other.working_days_total
        self.working_days_cases += other.working_days_cases
        self.promised_days_total += other.promised_days_total
        self.deemed += other.deemed


@dataclass
class Replies:
    """One kind of complaint."""

    received: int = 0
    replied: int = 0  # of those due in the month
    on_time: int = 0
    open_late: int = 0

    @property
    def due(self) -> int:
        return self.replied + self.open_late

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.on_time, self.due)

    def add(self, other: Replies) -> None:
        self.received += other.received
        self.replied += other.replied
        self.on_time += other.on_time
        self.open_late += other.open_late


@dataclass
class Ratings:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RatingLevel.ALL, 0))
    fixed: int = 0  # bad ratings whose follow-up is done

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def bad(self) -> int:
        return sum(self.counts[level] for level in RatingLevel.BAD)

    def share(self, level: str) -> float | None:
        return _rate(self.counts[level], self.total)

    @property
    def fix_rate(self) -> float | None:
        return _rate(self.fixed, self.bad)

    def add(self, other: Ratings) -> None:
        for level in RatingLevel.ALL:
            self.counts[level] += other.counts[level]
        self.fixed += other.fixed


@dataclass
class Group:
    """One row of the page (a center, a department or an item), or the selection's total."""

    key: int | None
    name: dict  # {"zh": …, "en": …}
    code: str | None = None  # its public name: a center's or department's slug, an item's code
    timeliness: Timeliness = field(default_factory=Timeliness)
    complaints: dict[str, Replies] = field(
        default_factory=lambda: {kind: Replies() for kind in Kind.ALL}
    )
    ratings: Ratings = field(default_factory=Ratings)
    min_ratings: int = 10

    @property
    def ratings_published(self) -> bool:
        """The sample-size rule: fewer ratings than the minimum publish no distribution."""
        return self.ratings.total >= self.min_ratings

    @property
    def complaint_total(self) -> Replies:
        total = Replies()
        for replies in self.complaints.values():
            total.add(replies)
        return total


@dataclass
class Report:
    selection: Selection
    today: date  # figures as of this Beijing day (open and late is counted against it)
    min_ratings: int
    total: Group
    rows: list[Group]

    @property
    def breakdown(self) -> Breakdown:
        return self.selection.breakdown


# Queries: each returns rows of (center_id, item_id, …) for the month and the selection.


def _scope(selection: Selection, center_column, item_column) -> list:
    conditions = []
    if selection.center_id is not None:
        conditions.append(center_column == selection.center_id)
    if selection.item_id is not None:
        conditions.append(item_column == selection.item_id)
    elif selection.department_id is not None:
        conditions.append(
            item_column.in_(
                select(ServiceItem.id).where(ServiceItem.department_id == selection.department_id)
            )
        )
    return conditions


def _count_true(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _recorded_timeliness_rows(selection: Selection) -> Iterable[tuple[int, int, Timeliness]]:
    """Received, decided and due from the record: what the monthly counts keep."""
    month = selection.month
    start, end = month.instants()
    first, after = month.first_day, month.next.first_day
    A, D = Application, CaseDecision
    received = (
        select(A.center_id, A.item_id, func.count())
        .where(
            A.submitted_at >= start,
            A.submitted_at < end,
            *_scope(selection, A.center_id, A.item_id),
        )
        .group_by(A.center_id, A.item_id)
    )
    for center_id, item_id, count in db.session.execute(received):
        yield center_id, item_id, Timeliness(received=count)
    decided = (
        select(D.center_id, D.item_id, func.count())
        .where(
            D.decided_on >= first, D.decided_on < after, *_scope(selection, D.center_id, D.item_id)
        )
        .group_by(D.center_id, D.item_id)
    )
    for center_id, item_id, count in db.session.execute(decided):
        yield center_id, item_id, Timeliness(decided=count)
    counted = D.working_days.is_not(None)
    due = (
        select(
            D.center_id,
            D.item_id,
            func.count(),
            _count_true(D.on_time.is_(True)),
            func.coalesce(func.sum(D.working_days), 0),
            func.count(D.working_days),
            func.coalesce(func.sum(case((counted, D.promised_days), else_=0)), 0),
        )
        .where(D.due_on >= first, D.due_on < after, *_scope(selection, D.center_id, D.item_id))
        .group_by(D.center_id, D.item_id)
    )
    for center_id, item_id, count, on_time, days, cases, promised in db.session.execute(due):
        yield (
            center_id,
            item_id,
            Timeliness(
                due_decided=count,
                on_time=on_time,
                working_days_total=days,
                working_days_cases=cases,
                promised_days_total=promised,
            ),
        )


def _live_timeliness_rows(
    selection: Selection, today: date
) -> Iterable[tuple[int, int, Timeliness]]:
    """Open and already late (changes with the date alone: a few hundred rows of the
    ``(status, decide_by)`` index) and deemed acceptances (a month's notices of one kind)."""
    month = selection.month
    first, after = month.first_day, month.next.first_day
    A = Application
    open_late = (
        select(A.center_id, A.item_id, func.count())
        .where(
            A.status.in_(OPEN_STATUSES),
            A.decide_by >= first,
            A.decide_by < min(after, today),  # past the deadline: its day has gone by
            *_scope(selection, A.center_id, A.item_id),
        )
        .group_by(A.center_id, A.item_id)
    )
    for center_id, item_id, count in db.session.execute(open_late):
        yield center_id, item_id, Timeliness(open_late=count)
    deemed = (
        select(A.center_id, A.item_id, func.count())
        .join(Notice, Notice.application_id == A.id)
        .where(
            Notice.kind == NoticeKind.DEEMED_ACCEPTANCE,
            Notice.issued_on >= first,
            Notice.issued_on < after,
            *_scope(selection, A.center_id, A.item_id),
        )
        .group_by(A.center_id, A.item_id)
    )
    for center_id, item_id, count in db.session.execute(deemed):
        yield center_id, item_id, Timeliness(deemed=count)


def _complaint_rows(
    selection: Selection, today: date
) -> Iterable[tuple[int, int | None, str, Replies]]:
    month = selection.month
    start, end = month.instants()
    first, after = month.first_day, month.next.first_day
    C = Complaint
    # Rows of centers need no item: grouped by center and kind, a month's complaints are a
    # few dozen rows instead of a thousand to add up in Python.
    by_item = selection.breakdown is not Breakdown.CENTER
    item = C.item_id if by_item else null()
    keys = (C.center_id, C.item_id, C.kind) if by_item else (C.center_id, C.kind)
    received = (
        select(C.center_id, item, C.kind, func.count())
        .where(
            C.received_at >= start, C.received_at < end, *_scope(selection, C.center_id, C.item_id)
        )
        .group_by(*keys)
    )
    for center_id, item_id, kind, count in db.session.execute(received):
        yield center_id, item_id, kind, Replies(received=count)
    deadline = case(
        (and_(C.extended.is_(True), C.extension_reply_by.is_not(None)), C.extension_reply_by),
        else_=C.reply_by,
    )
    replied = C.first_replied_on.is_not(None)
    due = (
        select(
            C.center_id,
            item,
            C.kind,
            _count_true(replied),
            _count_true(and_(replied, C.first_replied_on <= deadline)),
            _count_true(and_(C.first_replied_on.is_(None), deadline < today)),
        )
        .where(
            C.reply_by >= first,
            C.reply_by < after,
            C.status != ComplaintStatus.NOT_ACCEPTED,
            *_scope(selection, C.center_id, C.item_id),
        )
        .group_by(*keys)
    )
    for center_id, item_id, kind, answered, on_time, late in db.session.execute(due):
        yield center_id, item_id, kind, Replies(replied=answered, on_time=on_time, open_late=late)


def _rating_rows(selection: Selection) -> Iterable[tuple[int, int, Ratings]]:
    start, end = selection.month.instants()

    def in_month(rated):
        return (
            rated.c.rated_at >= start,
            rated.c.rated_at < end,
            *_scope(selection, rated.c.center_id, rated.c.item_id),
        )

    rated = rated_cases().subquery()
    levels = (
        select(rated.c.center_id, rated.c.item_id, rated.c.level, func.count())
        .where(*in_month(rated))
        .group_by(rated.c.center_id, rated.c.item_id, rated.c.level)
    )
    for center_id, item_id, level, count in db.session.execute(levels):
        ratings = Ratings()
        if level in ratings.counts:
            ratings.counts[level] = count
        yield center_id, item_id, ratings
    bad = rated_cases(bad_with_follow_up=True).subquery()
    fixed = (
        select(bad.c.center_id, bad.c.item_id, _count_true(bad.c.fixed.is_(True)))
        .where(*in_month(bad))
        .group_by(bad.c.center_id, bad.c.item_id)
    )
    for center_id, item_id, count in db.session.execute(fixed):
        yield center_id, item_id, Ratings(fixed=count)


# The monthly counts (performance/counters.py) and the record they are recomputed from.

_TIMELINESS_COUNTS = (
    "received",
    "decided",
    "due_decided",
    "on_time",
    "working_days_total",
    "working_days_cases",
    "promised_days_total",
)


def recorded_rows(month: Month) -> Iterable[tuple[int | None, int | None, dict[str, int]]]:
    """The month's counts as the record says, all centers (``counters.rebuild``)."""
    selection = Selection(month)
    for center_id, item_id, figures in _recorded_timeliness_rows(selection):
        yield center_id, item_id, {name: getattr(figures, name) for name in _TIMELINESS_COUNTS}
    for center_id, item_id, ratings in _rating_rows(selection):
        counts = {LEVEL_COLUMNS[level]: n for level, n in ratings.counts.items() if n}
        yield center_id, item_id, counts | {"bad_fixed": ratings.fixed}


def _counted_rows(selection: Selection) -> Iterable[tuple[int | None, int | None, MonthlyFigures]]:
    M = MonthlyFigures
    rows = db.session.scalars(
        select(M).where(
            M.month == selection.month.first_day, *_scope(selection, M.center_id, M.item_id)
        )
    )
    for row in rows:
        yield row.center_id or None, row.item_id or None, row


def _timeliness_of(row: MonthlyFigures) -> Timeliness:
    return Timeliness(**{name: getattr(row, name) for name in _TIMELINESS_COUNTS})


def _ratings_of(row: MonthlyFigures) -> Ratings:
    ratings = Ratings(fixed=row.bad_fixed)
    for level, column in LEVEL_COLUMNS.items():
        ratings.counts[level] = getattr(row, column)
    return ratings


# Putting it together.


@dataclass(frozen=True)
class _Names:
    centers: dict[int, Center]
    departments: dict[int, Department]
    items: dict[int, ServiceItem]


def _names() -> _Names:
    """The current catalog, read once per content version (``catalog.snapshot``). A retired
    center, department or item has no row of its own; its figures stay in the total."""
    catalog = snapshot.current()
    return _Names(
        centers={c.id: c for c in catalog.centers},
        departments={d.id: d for d in catalog.departments},
        items=catalog.items_by_id,
    )


def _key(breakdown: Breakdown, names: _Names, center_id: int | None, item_id: int | None):
    if breakdown is Breakdown.CENTER:
        return center_id
    if breakdown is Breakdown.ITEM:
        return item_id
    item = names.items.get(item_id) if item_id is not None else None
    return item.department_id if item is not None else None


def _new_group(breakdown: Breakdown, names: _Names, key: int, min_ratings: int) -> Group | None:
    if breakdown is Breakdown.CENTER and key in names.centers:
        center = names.centers[key]
        return Group(key, center.name, code=center.slug, min_ratings=min_ratings)
    if breakdown is Breakdown.DEPARTMENT and key in names.departments:
        department = names.departments[key]
        return Group(key, department.name, code=department.slug, min_ratings=min_ratings)
    if breakdown is Breakdown.ITEM and key in names.items:
        item = names.items[key]
        return Group(key, item.name, code=item.code, min_ratings=min_ratings)
    return None


def report(selection: Selection, today: date, min_ratings: int) -> Report:
    """The month's figures for the selection, broken down one level below it."""
    names = _names()
    breakdown = selection.breakdown
    total = Group(None, {"zh": "合计", "en": "Total"}, min_ratings=min_ratings)
    groups: dict[int, Group] = {}
    if breakdown is Breakdown.CENTER:  # every center has a row, even one with nothing yet
        for center in sorted(names.centers.values(), key=lambda c: c.position):
            groups[center.id] = _new_group(breakdown, names, center.id, min_ratings)

    def group_of(center_id: int | None, item_id: int | None) -> Group | None:
        key = _key(breakdown, names, center_id, item_id)
        if key is None:
            return None  # e.g. a complaint about no one item: in the total only
        if key not in groups:
            new = _new_group(breakdown, names, key, min_ratings)
            if new is None:
                return None
            groups[key] = new
        return groups[key]

    counted = list(_counted_rows(selection))
    timeliness = [(c, i, _timeliness_of(row)) for c, i, row in counted]
    for center_id, item_id, figures in [*timeliness, *_live_timeliness_rows(selection, today)]:
        total.timeliness.add(figures)
        if (group := group_of(center_id, item_id)) is not None:
            group.timeliness.add(figures)
    for center_id, item_id, kind, replies in _complaint_rows(selection, today):
        if kind not in total.complaints:
            continue
        total.complaints[kind].add(replies)
        if (group := group_of(center_id, item_id)) is not None:
            group.complaints[kind].add(replies)
    for center_id, item_id, ratings in [(c, i, _ratings_of(row)) for c, i, row in counted]:
        total.ratings.add(ratings)
        if (group := group_of(center_id, item_id)) is not None:
            group.ratings.add(ratings)
    rows = list(groups.values())
    if breakdown is not Breakdown.CENTER:
        positions = {
            Breakdown.DEPARTMENT: lambda g: (names.departments[g.key].position, g.key),
            Breakdown.ITEM: lambda g: (g.code or "", g.key),
        }
        rows.sort(key=positions[breakdown])
    return Report(selection, today, min_ratings, total, rows)
