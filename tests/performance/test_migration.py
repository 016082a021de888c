"""Migration 0025 fills in what was decided and replied before it, from the timelines: a
complaint replied before the figures existed must not count as unanswered."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from portal.extensions import db
from portal.performance.models import CaseDecision
from tests.conftest import load_guides
from tests.factories import make_applicant


def test_the_migration_backfills_decisions_and_first_replies(empty_app):
    load_guides(empty_app)
    applicant_id, _ = make_applicant(empty_app)
    with empty_app.app_context():
        downgrade(revision="0020")
        connection = db.session.connection()
        item_id, promised = connection.execute(
            text("SELECT id, promised_limit FROM service_items ORDER BY code LIMIT 1")
        ).one()
        center_id = connection.execute(text("SELECT id FROM centers LIMIT 1")).scalar_one()
        # Approved at 23:30 UTC on 9 November: 10 November in Beijing, after its deadline.
        late = datetime(2026, 11, 9, 23, 30, tzinfo=UTC)
        connection.execute(
            text(
                "INSERT INTO applications (id, public_id, applicant_id, item_id, center_id, "
                "status, answers, created_at, updated_at, expires_at, accepted_on, decide_by) "
                "VALUES (1, 'p1', :a, :i, :c, 'approved', '{}', :t, :t, :t, :acc, :due)"
            ),
            {
                "a": applicant_id,
                "i": item_id,
                "c": center_id,
                "t": late,
                "acc": date(2026, 11, 2),
                "due": date(2026, 11, 9),
            },
        )
        connection.execute(
            text(
                "INSERT INTO application_events (application_id, kind, actor, created_at, "
                "detail) VALUES (1, 'backoffice-approved', 'back-office', :t, '{}')"
            ),
            {"t": late},
        )
        connection.execute(
            text(
                "INSERT INTO complaints (id, ticket, query_code_hash, kind, status, center_id, "
                "what_happened, what_they_want, anonymous, language, received_at, accept_by, "
                "reply_by, reopened_once, extended, findings) VALUES (1, 'T1', 'h', 'slow', "
                "'closed', :c, 'x', 'y', true, 'zh', :t, :d, :d, false, false, '[]')"
            ),
            {"c": center_id, "t": late, "d": date(2026, 11, 20)},
        )
        for moment in (late, datetime(2026, 11, 12, 2, 0, tzinfo=UTC)):
            connection.execute(
                text(
                    "INSERT INTO complaint_events (complaint_id, kind, actor, created_at, detail)"
                    " VALUES (1, 'replied', 'office', :t, '{}')"
                ),
                {"t": moment},
            )
        db.session.commit()
        upgrade()
        decision = db.session.scalar(select(CaseDecision))
        assert (decision.decided_on, decision.due_on, decision.on_time) == (
            date(2026, 11, 10),
            date(2026, 11, 9),
            False,
        )
        assert decision.working_days is None and decision.promised_days == promised
        first = db.session.execute(text("SELECT first_replied_on FROM complaints")).scalar_one()
        assert str(first) == "2026-11-10"  # the first reply, on its Beijing day


def test_the_monthly_counts_are_backfilled_as_a_rebuild_computes_them(empty_app):
    from portal.performance import counters
    from portal.performance.models import MonthlyFigures
    from tests.performance.conftest import seed

    def counts():
        return {
            (str(row.month), row.center_id, row.item_id): tuple(
                getattr(row, name) for name in counters.COUNTS
            )
            for row in db.session.scalars(select(MonthlyFigures))
        }

    load_guides(empty_app)
    seed(empty_app)  # cases, decisions, ratings and follow-ups, then a rebuild
    with empty_app.app_context():
        rebuilt = counts()
        assert rebuilt
        db.session.commit()  # no transaction left holding the table the downgrade drops
        downgrade(revision="0025")
        upgrade()
        assert counts() == rebuilt
