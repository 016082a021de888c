"""What every outbox shares: leasing due rows to one worker, and when to try again.

Two outboxes use this: case documents for the back office (``portal.backoffice``) and
messages to people (``portal.messaging``). A row is written in the transaction that
decided to send it; workers lease due rows in a short transaction (``FOR UPDATE SKIP
LOCKED`` on PostgreSQL, so two workers never take the same row), send, and record the
outcome. A worker that dies leaves a lease that runs out, and the row is taken again.

Retries follow :class:`RetrySchedule`: capped exponential backoff with jitter, kept up
over a horizon (24 hours by default) long enough to outlast an outage, then parked for
staff to see.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import event, make_url, or_, select, text, update

from portal.clock import beijing
from portal.extensions import db

PENDING = "pending"
DELIVERED = "delivered"
PARKED = "parked"  # refused, or failed for the whole horizon: shown to staff
DEFAULT_LEASE = timedelta(minutes=2)
DEFAULT_RETRY_HOURS = 24.0
DEFAULT_RETRY_CAP_SECONDS = 600.0
DEFAULT_RETRY_BASE_SECONDS = 5.0

log = logging.getLogger("portal.outbox")


@dataclass(frozen=True)
class RetrySchedule:
    """When to try again after a failed attempt, and when to stop trying.

    The delay after failed attempt ``n`` is drawn uniformly between half and all of
    ``min(cap, base * 2**(n-1))`` ("equal jitter"): rows that failed together spread out,
    and every delay is at least half its ceiling, so the number of attempts that
    guarantees ``horizon`` of retrying is known in advance (:attr:`attempts`). Counting
    attempts rather than clock time also means that time with no worker running does not
    use up the horizon.
    """

    horizon: timedelta = timedelta(hours=DEFAULT_RETRY_HOURS)
    cap_seconds: float = DEFAULT_RETRY_CAP_SECONDS
    base_seconds: float = DEFAULT_RETRY_BASE_SECONDS

    def __post_init__(self) -> None:
        if not self.base_seconds > 0 or not math.isfinite(self.base_seconds):
            raise ValueError("the first retry delay must be a positive number of seconds")
        if not self.cap_seconds >= self.base_seconds or not math.isfinite(self.cap_seconds):
            raise ValueError("the longest retry delay must be at least the first one")
        if self.horizon < timedelta(0):
            raise ValueError("the retry horizon cannot be negative")

    def ceiling(self, attempt: int) -> float:
        """The longest delay after failed attempt number ``attempt`` (the first is 1)."""
        if isinstance(attempt, bool) or not isinstance(attempt, int) or attempt < 1:
            raise ValueError("attempt must be an integer of at least 1")
        # Past 2**60 the product is far above any cap: stop doubling there.
        return min(self.cap_seconds, self.base_seconds * 2.0 ** min(attempt - 1, 60))

    def delay(self, attempt: int, rng: random.Random | None = None) -> timedelta:
        """How long to wait after failed attempt number ``attempt``."""
        ceiling = self.ceiling(attempt)
        draw = rng.uniform if rng is not None else random.uniform
        return timedelta(seconds=draw(ceiling / 2, ceiling))

    @property
    def attempts(self) -> int:
        """How many failed attempts park a row: the fewest whose shortest possible
        delays in between add up to the horizon."""
        waited, attempt = 0.0, 1
        horizon = self.horizon.total_seconds()
        while waited < horizon:
            waited += self.ceiling(attempt) / 2
            attempt += 1
        return attempt

    def gives_up(self, attempts: int) -> bool:
        """Whether a row that has failed ``attempts`` times is parked."""
        return attempts >= self.attempts


def retry_schedule_from_config(config: Mapping[str, Any]) -> RetrySchedule:
    """The schedule from ``BACKOFFICE_RETRY_HOURS`` and ``BACKOFFICE_RETRY_CAP_SECONDS``."""
    return RetrySchedule(
        horizon=timedelta(hours=float(config.get("BACKOFFICE_RETRY_HOURS", DEFAULT_RETRY_HOURS))),
        cap_seconds=float(config.get("BACKOFFICE_RETRY_CAP_SECONDS", DEFAULT_RETRY_CAP_SECONDS)),
    )


def claim_due(
    model: Any, batch: int, lease: timedelta = DEFAULT_LEASE, ids: Iterable[int] | None = None
) -> list[int]:
    """Lease up to ``batch`` due pending rows of ``model`` (optionally only ``ids``) to
    this worker and commit the lease; the ids leased, oldest due first.

    ``model`` has ``id``, ``status``, ``next_attempt_at`` and ``leased_until`` columns.
    """
    moment = beijing.now()
    free = or_(model.leased_until.is_(None), model.leased_until < moment)
    query = (
        select(model.id)
        .where(model.status == PENDING, model.next_attempt_at <= moment, free)
        .order_by(model.next_attempt_at, model.id)
        .limit(batch)
    )
    if ids is not None:
        query = query.where(model.id.in_(list(ids)))
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    due = list(db.session.scalars(query).all())
    leased: set[int] = set()
    if due:
        # One conditional UPDATE for the batch, so two workers that read the same row
        # (SQLite has no SKIP LOCKED) cannot both lease it: RETURNING names the rows this
        # worker took, and the other finds them leased and moves on.
        leased = set(
            db.session.scalars(
                update(model)
                .where(model.id.in_(due), model.status == PENDING, free)
                .values(leased_until=moment + lease)
                .returning(model.id)
                .execution_options(synchronize_session=False)
            ).all()
        )
    db.session.commit()
    return [row_id for row_id in due if row_id in leased]


def record_failure(
    row: Any,
    schedule: RetrySchedule,
    detail: str,
    *,
    refused: bool = False,
    rng: random.Random | None = None,
) -> bool:
    """Record a failed attempt (``row.attempts`` already counts it): try again later, or
    park the row when it was refused or the schedule gives up. True if parked."""
    row.last_error = detail
    row.leased_until = None
    if refused or schedule.gives_up(row.attempts):
        row.status = PARKED
        return True
    row.next_attempt_at = beijing.now() + schedule.delay(row.attempts, rng)
    return False


def run_until(
    tick: Callable[[], int],
    *,
    idle_seconds: float = 1.0,
    stop_after: float | None = None,
    wait: Callable[[float], object] = time.sleep,
) -> None:
    """Call ``tick`` (how many rows it tried) again and again, resting when nothing was
    due; ``stop_after`` seconds bound the loop for tests and benchmarks.

    ``wait(seconds)`` is the rest: a plain sleep by default, or :meth:`Wakeup.wait`, which
    returns early when a new row is committed.
    """
    started = time.monotonic()
    while stop_after is None or time.monotonic() - started < stop_after:
        if not tick():
            rest = idle_seconds
            if stop_after is not None:
                rest = max(0.0, min(rest, stop_after - (time.monotonic() - started)))
            wait(rest)


# --- waking an idle worker at once (PostgreSQL) ---------------------------------------------


def notify_on_insert(model: Any, channel: str) -> None:
    """On PostgreSQL, every INSERT of a ``model`` row also does ``pg_notify(channel)``.

    In the inserting transaction, so the notification goes out at its commit (and never
    for a rollback); PostgreSQL folds repeats within one transaction into one. Workers
    waiting in :class:`Wakeup` start at once instead of at their next poll.
    """

    def notify(_mapper: Any, connection: Any, _target: Any) -> None:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_notify(:channel, '')"), {"channel": channel})

    event.listen(model, "after_insert", notify)


class Wakeup:
    """An idle worker's rest: ``wait(seconds)`` sleeps, or on PostgreSQL returns as soon as
    a notification on ``channel`` arrives (``LISTEN`` on a connection of its own).

    The LISTEN starts before the first wait and stays, so a row committed while the worker
    was busy is not missed: its notification waits on the connection and the next rest
    ends at once. If that connection breaks, the rest falls back to a sleep and the
    connection is made again at the next one; the poll (``seconds``) never stops.
    """

    def __init__(self, database_url: Any, channel: str) -> None:
        url = make_url(database_url)
        self.channel = channel
        self._listening = url.get_backend_name() == "postgresql"
        self._conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._connection: Any = None
        if self._listening:
            self._connect()

    def _connect(self) -> Any:
        import psycopg

        try:
            self._connection = psycopg.connect(self._conninfo, autocommit=True)
            self._connection.execute(f'LISTEN "{self.channel}"')
        except psycopg.Error:
            log.warning("cannot LISTEN on %s; polling instead", self.channel, exc_info=True)
            self.close()
        return self._connection

    def wait(self, seconds: float) -> bool:
        """Rest up to ``seconds``; True if woken by a notification."""
        if not self._listening:
            time.sleep(seconds)
            return False
        import psycopg

        connection = self._connection or self._connect()
        if connection is None:
            time.sleep(seconds)
            return False
        try:
            woken = any(True for _ in connection.notifies(timeout=seconds, stop_after=1))
            if woken:  # several commits while busy: one pass takes them all
                for _ in connection.notifies(timeout=0):
                    pass
            return woken
        except psycopg.Error:
            log.warning("LISTEN on %s lost; polling until it is back", self.channel)
            self.close()
            return False

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            finally:
                self._connection = None
