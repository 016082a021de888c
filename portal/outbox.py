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

import math
import random
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import or_, select, update

from portal.clock import beijing
from portal.extensions import db

PENDING = "pending"
DELIVERED = "delivered"
PARKED = "parked"  # refused, or failed for the whole horizon: shown to staff
DEFAULT_LEASE = timedelta(minutes=2)
DEFAULT_RETRY_HOURS = 24.0
DEFAULT_RETRY_CAP_SECONDS = 600.0
DEFAULT_RETRY_BASE_SECONDS = 5.0


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
    leased = []
    for row_id in db.session.scalars(query).all():
        # Conditional, so two dispatchers that read the same row (SQLite has no SKIP LOCKED)
        # cannot both lease it: the second finds it leased and moves on.
        taken = db.session.execute(
            update(model)
            .where(model.id == row_id, model.status == PENDING, free)
            .values(leased_until=moment + lease)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount == 1:
            leased.append(row_id)
    db.session.commit()
    return leased


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
    tick: Callable[[], int], *, idle_seconds: float = 1.0, stop_after: float | None = None
) -> None:
    """Call ``tick`` (how many rows it tried) again and again, resting when nothing was
    due; ``stop_after`` seconds bound the loop for tests and benchmarks."""
    started = time.monotonic()
    while stop_after is None or time.monotonic() - started < stop_after:
        if not tick():
            time.sleep(idle_seconds)
