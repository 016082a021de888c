"""One month of cases, complaints and ratings whose honest figures are known by hand.

November 2026, seen on Friday 20 November (Beijing). At the city center, item ITEM:

- cases due in November: one decided on time, one decided late, one open and already
  late, one open and not yet due, one suspended past its old date (the clock stopped);
  one more decided in October, due in October;
- complaints: of kind "slow" one replied on time, one replied by its extended date, one
  unanswered and late, one not yet due, one not accepted; of kind "fee" one replied late;
- ratings (given in November): eleven counted at ITEM — 5 very satisfied, 3 satisfied,
  1 basically, 2 unsatisfied (one fixed, one 限期整改 not yet confirmed) — and one very
  unsatisfied rating whose appeal was upheld (out of the figures); three at OTHER, another
  department's item: too few to publish.
"""

from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.catalog.models import Center, ServiceItem
from portal.clock import beijing
from portal.complaints.models import Complaint, ComplaintStatus, Kind
from portal.extensions import db
from portal.filing.models import Application, Notice, NoticeKind, Status
from portal.performance import counters
from portal.performance.recording import record_decision
from portal.ratings.models import FollowUp, Level, Outcome, Rating
from tests.conftest import fresh_database, load_guides, make_app
from tests.factories import make_applicant

TODAY = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)  # 10:00 in Beijing
_numbers = itertools.count(1)


@dataclass(frozen=True)
class Seeded:
    center_id: int
    item_id: int
    item_code: str
    department_id: int
    other_item_id: int
    other_department_id: int


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)


def _case(applicant_id, item, center_id, status, submitted, accepted=None, due=None):
    application = Application(
        public_id=secrets.token_hex(8),
        applicant_id=applicant_id,
        item_id=item.id,
        center_id=center_id,
        status=status,
        answers={},
        number=f"HY-TEST-{next(_numbers):05d}",
        created_at=_at(submitted),
        updated_at=_at(submitted),
        expires_at=_at(submitted) + timedelta(days=30),
        submitted_at=_at(submitted),
        accepted_on=accepted,
        decide_by=due,
    )
    db.session.add(application)
    db.session.flush()
    return application


def _decide(application, day, calendar):
    application.status = Status.APPROVED
    record_decision(application, calendar, decided_on=day)


def _complaint(center_id, item, kind, reply_by, replied=None, status=None, extended_to=None):
    complaint = Complaint(
        ticket=f"HYTS-TEST-{next(_numbers):05d}",
        query_code_hash="0" * 64,
        kind=kind,
        status=status or (ComplaintStatus.REPLIED if replied else ComplaintStatus.INVESTIGATING),
        center_id=center_id,
        item_id=item.id,
        what_happened="办理超时",
        what_they_want="尽快办理",
        anonymous=True,
        received_at=_at(date(2026, 11, 2)),
        accept_by=date(2026, 11, 4),
        reply_by=reply_by,
        first_replied_on=replied,
        extended=extended_to is not None,
        extension_reply_by=extended_to,
    )
    db.session.add(complaint)


def _rate(applicant_id, item, center_id, level, *, outcome=None, fixed=False, upheld=False):
    application = _case(applicant_id, item, center_id, Status.COMPLETED, date(2026, 9, 1))
    rating = Rating(
        application_id=application.id,
        applicant_id=applicant_id,
        center_id=center_id,
        item_id=item.id,
        level=level,
        reasons=["slow"] if level in Level.BAD else [],
        rated_at=_at(date(2026, 11, 10)),
        out_of_figures=upheld,
    )
    db.session.add(rating)
    db.session.flush()
    if level in Level.BAD:
        db.session.add(
            FollowUp(
                public_id=secrets.token_hex(8),
                rating_id=rating.id,
                center_id=center_id,
                call_back_by=date(2026, 11, 11),
                created_at=_at(date(2026, 11, 10)),
                outcome=outcome,
                fixed_at=_at(date(2026, 11, 12)) if fixed else None,
            )
        )


def seed(app) -> Seeded:
    applicant_id, _ = make_applicant(app)
    with app.app_context():
        calendar = app.extensions["calendar"]
        center = db.session.scalars(select(Center).order_by(Center.position)).first()
        items = [
            item
            for item in db.session.scalars(select(ServiceItem).order_by(ServiceItem.code))
            if not item.immediate
        ]
        item = items[0]
        other = next(i for i in items if i.department_id != item.department_id)
        c = center.id
        on_time = _case(
            applicant_id,
            item,
            c,
            Status.IN_REVIEW,
            date(2026, 10, 30),
            date(2026, 11, 2),
            date(2026, 11, 10),
        )
        _decide(on_time, date(2026, 11, 9), calendar)
        late = _case(
            applicant_id,
            item,
            c,
            Status.IN_REVIEW,
            date(2026, 10, 30),
            date(2026, 11, 2),
            date(2026, 11, 12),
        )
        _decide(late, date(2026, 11, 16), calendar)
        _case(
            applicant_id,
            item,
            c,
            Status.IN_REVIEW,
            date(2026, 11, 2),
            date(2026, 11, 3),
            date(2026, 11, 13),
        )
        not_due = _case(
            applicant_id,
            item,
            c,
            Status.ACCEPTED,
            date(2026, 11, 16),
            date(2026, 11, 17),
            date(2026, 11, 25),
        )
        _case(
            applicant_id,
            item,
            c,
            Status.SUSPENDED,
            date(2026, 11, 2),
            date(2026, 11, 3),
            date(2026, 11, 5),
        )
        october = _case(
            applicant_id,
            item,
            c,
            Status.IN_REVIEW,
            date(2026, 10, 8),
            date(2026, 10, 9),
            date(2026, 10, 20),
        )
        _decide(october, date(2026, 10, 19), calendar)
        not_due.notices.append(
            Notice(
                number=f"HYTZ-TEST-{next(_numbers):05d}",
                kind=NoticeKind.DEEMED_ACCEPTANCE,
                issued_on=date(2026, 11, 17),
                issued_at=_at(date(2026, 11, 17)),
                pdf=b"%PDF-",
                detail={},
            )
        )
        _complaint(c, item, Kind.SLOW, date(2026, 11, 10), replied=date(2026, 11, 9))
        _complaint(
            c,
            item,
            Kind.SLOW,
            date(2026, 11, 10),
            replied=date(2026, 11, 16),
            extended_to=date(2026, 11, 17),
        )
        _complaint(c, item, Kind.SLOW, date(2026, 11, 12))
        _complaint(c, item, Kind.SLOW, date(2026, 11, 30))
        _complaint(c, item, Kind.SLOW, date(2026, 11, 5), status=ComplaintStatus.NOT_ACCEPTED)
        _complaint(c, item, Kind.FEE, date(2026, 11, 11), replied=date(2026, 11, 13))
        for level, count in (
            (Level.VERY_SATISFIED, 5),
            (Level.SATISFIED, 3),
            (Level.BASICALLY_SATISFIED, 1),
        ):
            for _ in range(count):
                _rate(applicant_id, item, c, level)
        _rate(applicant_id, item, c, Level.UNSATISFIED, outcome=Outcome.FIXED)
        _rate(applicant_id, item, c, Level.UNSATISFIED, outcome=Outcome.FIX_BY)
        _rate(applicant_id, item, c, Level.VERY_UNSATISFIED, outcome=Outcome.EXPLAINED, upheld=True)
        for _ in range(3):
            _rate(applicant_id, other, c, Level.SATISFIED)
        # Written here outside the portal's doors: the monthly counts are recomputed from
        # the record, as `flask performance rebuild` does after an import.
        counters.rebuild()
        db.session.commit()
        return Seeded(c, item.id, item.code, item.department_id, other.id, other.department_id)


@pytest.fixture(scope="module")
def figures_app(backend, tmp_path_factory):
    with fresh_database(backend, tmp_path_factory.mktemp("figures")) as url:
        application = make_app(url)
        load_guides(application)
        application.extensions["seeded"] = seed(application)
        yield application
        with application.app_context():
            db.engine.dispose()


@pytest.fixture
def at_today(monkeypatch):
    monkeypatch.setattr(beijing, "now", lambda: NOW)
    return TODAY
