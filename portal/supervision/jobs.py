"""The worker's sweeps: every hour, and once a day just after the center opens (08:30)."""

from __future__ import annotations

from datetime import time as clock_time

from flask import current_app

from portal.clock import beijing
from portal.extensions import db
from portal.worker import Daily, Hourly, periodic


def run_sweep() -> str:
    from portal.supervision.cards import Rules, sweep

    report = sweep(
        current_app.extensions["calendar"], beijing.today(), Rules.from_config(current_app.config)
    )
    db.session.commit()
    return report.line()


@periodic("supervision-cards-morning", Daily(clock_time(8, 35)))
def morning_sweep(period: str) -> str:
    return run_sweep()


@periodic("supervision-cards", Hourly())
def hourly_sweep(period: str) -> str:
    return run_sweep()
