"""Work gathered for the commit: run once with everything the transaction noted, never
after a rollback."""

from __future__ import annotations

from sqlalchemy import text

from portal.extensions import db
from portal.messaging.on_commit import when_committed, when_committed_together


def test_gathered_work_runs_once_at_the_commit_and_not_after_a_rollback(app):
    calls: list[tuple[str, list]] = []

    def sweep(items: list) -> None:
        calls.append(("together", list(items)))

    with app.app_context():
        when_committed_together(sweep, 1)
        when_committed(lambda: calls.append(("alone", [])))
        when_committed_together(sweep, 2)
        with db.session.begin_nested():  # a savepoint's commit is not the step's
            when_committed_together(sweep, 1)
        assert calls == []
        db.session.execute(text("SELECT 1"))
        db.session.commit()
        # In the place of the first item noted, with every item in order.
        assert calls == [("together", [1, 2, 1]), ("alone", [])]

        db.session.execute(text("SELECT 1"))
        when_committed_together(sweep, 3)
        db.session.rollback()
        db.session.commit()
        assert calls == [("together", [1, 2, 1]), ("alone", [])]

        when_committed_together(sweep, 4)  # a fresh gathering after the rollback
        db.session.commit()
        assert calls[-1] == ("together", [4])
