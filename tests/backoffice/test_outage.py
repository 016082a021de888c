"""A back-office outage of ten minutes parks nothing (issue 7, point 13): the real receiver
process is stopped, time runs ten minutes faster than the wall clock (``beijing.now`` is
moved to each row's next attempt), and once the receiver is back every case arrives once."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from portal.backoffice import dispatcher
from portal.backoffice.delivery import WebhookBackend
from portal.backoffice.models import OutboxMessage
from portal.clock import beijing
from portal.extensions import db
from tests.backoffice.test_dispatcher import _accepted_case

OUTAGE = timedelta(minutes=10)


def _rows(app, ids: list[int]) -> list[OutboxMessage]:
    with app.app_context():
        rows = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids))))
        db.session.expunge_all()
    return rows


def test_a_ten_minute_outage_parks_nothing_and_each_case_arrives_once(app, receiver, monkeypatch):
    ids = [_accepted_case(app)[1] for _ in range(4)]
    backend = WebhookBackend(receiver.url, receiver.secret, timeout=2)
    clock = {"now": beijing.now()}
    monkeypatch.setattr(beijing, "now", lambda: clock["now"])
    started = clock["now"]
    rng = random.Random(2026)

    def tick() -> None:
        pending = [r for r in _rows(app, ids) if r.status == "pending"]
        if pending:  # jump to the next row's retry: ten minutes pass in a few seconds
            clock["now"] = max(clock["now"], min(beijing.aware(r.next_attempt_at) for r in pending))
        with app.app_context():
            dispatcher.dispatch_once(backend, batch=100, rng=rng)

    receiver.stop()
    attempts = 0
    while clock["now"] - started < OUTAGE:
        tick()
        attempts += 1
        assert attempts < 500
    during = _rows(app, ids)
    assert all(r.status == "pending" for r in during), "nothing is parked during the outage"
    assert min(r.attempts for r in during) >= 5, "they kept trying"
    assert max(beijing.aware(r.next_attempt_at) - clock["now"] for r in during) <= timedelta(
        seconds=600
    ), "and will try again within the cap"

    receiver.start()
    for _ in range(20):
        if all(r.status == "delivered" for r in _rows(app, ids)):
            break
        tick()
    after = _rows(app, ids)
    assert [r.status for r in after] == ["delivered"] * len(ids)
    for row in after:
        assert receiver.attempts(row.idempotency_key) == 1, "each case reached it once"
        assert row.idempotency_key in receiver.deliveries()
