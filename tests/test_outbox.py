"""The retry schedule every outbox shares: capped, jittered, and long enough to outlast an
outage before anything is parked (issue 7, point 13)."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from portal.outbox import RetrySchedule, retry_schedule_from_config


def _delays_until_parked(schedule: RetrySchedule, rng: random.Random) -> list[float]:
    """The waits between attempts of a row that fails every time, until it is parked."""
    delays, attempts = [], 0
    while True:
        attempts += 1
        if schedule.gives_up(attempts):
            return delays
        delays.append(schedule.delay(attempts, rng).total_seconds())


def test_the_default_schedule_retries_for_a_day_with_capped_delays() -> None:
    schedule = retry_schedule_from_config({})
    assert schedule.horizon == timedelta(hours=24) and schedule.cap_seconds == 600
    for seed in range(5):
        delays = _delays_until_parked(schedule, random.Random(seed))
        assert max(delays) <= 600, "no single wait is longer than the cap"
        assert sum(delays) >= 24 * 3600, "retrying goes on past the horizon before parking"
        assert sum(delays) <= 2 * 24 * 3600 + 600, "and not much longer"
        assert delays[0] <= 5 and delays[1] <= 10, "the first retries come quickly"


def test_a_ten_minute_outage_is_far_inside_the_schedule() -> None:
    """The old schedule (8 attempts, waits up to 5·2ⁿ s) parked within about 10 minutes."""
    schedule = retry_schedule_from_config({})
    lowest = [schedule.ceiling(n) / 2 for n in range(1, schedule.attempts)]
    assert sum(lowest[:20]) > 600 and schedule.attempts > 100


def test_delays_are_jittered_between_half_and_all_of_the_ceiling() -> None:
    schedule = RetrySchedule(horizon=timedelta(hours=1), cap_seconds=60, base_seconds=5)
    rng = random.Random(7)
    for attempt in range(1, 20):
        ceiling = min(60, 5 * 2 ** (attempt - 1))
        draws = {schedule.delay(attempt, rng).total_seconds() for _ in range(50)}
        assert all(ceiling / 2 <= d <= ceiling for d in draws) and len(draws) > 1
    assert schedule.ceiling(10_000) == 60


def test_configuration_sets_the_horizon_and_the_cap() -> None:
    schedule = retry_schedule_from_config(
        {"BACKOFFICE_RETRY_HOURS": 2, "BACKOFFICE_RETRY_CAP_SECONDS": 120}
    )
    delays = _delays_until_parked(schedule, random.Random(1))
    assert max(delays) <= 120 and 2 * 3600 <= sum(delays) <= 4 * 3600 + 120
    assert RetrySchedule(horizon=timedelta(0)).attempts == 1, "no horizon: park at once"


@pytest.mark.parametrize(
    "bad",
    [
        {"base_seconds": 0},
        {"cap_seconds": 1, "base_seconds": 5},
        {"cap_seconds": float("inf")},
        {"horizon": timedelta(seconds=-1)},
    ],
)
def test_a_nonsensical_schedule_is_refused(bad) -> None:
    with pytest.raises(ValueError):
        RetrySchedule(**bad)
    with pytest.raises(ValueError):
        RetrySchedule().delay(0)
