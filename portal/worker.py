"""The worker: delivers continuously and runs each periodic job once per period.

``flask worker`` is one loop. Every turn it runs the periodic jobs that are due (deemed
acceptance daily after the day's close, cleanup hourly, …), then the continuous work
(the back-office dispatcher), and sleeps a little when nothing was done.

Several workers may run against one database. The continuous work is safe in all of them
at once (the dispatcher leases rows). A periodic job is claimed per period by INSERTing its
``job_runs`` row, unique on (job, period), so whichever worker inserts first runs it and the
others see the row and skip it: plain SQL, the same on SQLite and PostgreSQL. The row also
records when the job ran (``flask worker status``). An unfinished row older than the lease
means its worker died or the job failed: another worker takes it over by a conditional
UPDATE, so a crash costs a delay, never the day's run.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock_time

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import String, Text, UniqueConstraint, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from portal.clock import beijing
from portal.extensions import db

log = logging.getLogger("portal.worker")

# An unfinished run older than this is taken over: its worker died or the job failed.
JOB_LEASE = timedelta(minutes=15)
DISPATCH_BATCH = 20
IDLE_SECONDS = 1.0


class JobRun(db.Model):
    """One periodic job's run for one period; the unique pair is the lock."""

    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("job", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(60))
    period: Mapped[str] = mapped_column(String(40))
    worker: Mapped[str] = mapped_column(String(120))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(Text)


# --- schedules ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Daily:
    """Once a Beijing day, due from ``at`` on; the period is the day (``2026-12-01``).

    Before ``at`` the latest due period is yesterday's, so a worker started in the morning
    runs yesterday's job if nobody did.
    """

    at: clock_time

    def period(self, moment: datetime) -> str:
        local = moment.astimezone(beijing.BEIJING)
        day = local.date() if local.time() >= self.at else local.date() - timedelta(days=1)
        return day.isoformat()

    def __str__(self) -> str:
        return f"daily after {self.at:%H:%M} Beijing"


@dataclass(frozen=True)
class Hourly:
    """Once a Beijing hour; the period is the hour (``2026-12-01T14``)."""

    def period(self, moment: datetime) -> str:
        return moment.astimezone(beijing.BEIJING).strftime("%Y-%m-%dT%H")

    def __str__(self) -> str:
        return "hourly"


Schedule = Daily | Hourly


@dataclass(frozen=True)
class Job:
    name: str
    schedule: Schedule
    run: Callable[[str], str]  # takes the period, returns a line for the log


# --- the registry ---------------------------------------------------------------------------

JOBS: dict[str, Job] = {}


def periodic(name: str, schedule: Schedule) -> Callable[[Callable[[str], str]], Callable]:
    """Register a periodic job. Supervision jobs of later issues register here too."""

    def register(function: Callable[[str], str]) -> Callable[[str], str]:
        JOBS[name] = Job(name, schedule, function)
        return function

    return register


# The window closes at 17:30: after that, nobody answers a filing that day.
DAY_CLOSE = clock_time(17, 30)


@periodic("deem-accepted", Daily(DAY_CLOSE))
def deem_accepted(period: str) -> str:
    from portal.window.operations import deem_overdue_accepted

    # After the close of day D, a filing whose pre-review day was D is overdue as well:
    # deem_overdue_accepted takes the first day that is not yet overdue.
    first_open_day = date.fromisoformat(period) + timedelta(days=1)
    deemed = deem_overdue_accepted(current_app.extensions["calendar"], first_open_day)
    db.session.commit()
    return f"{len(deemed)} filings deemed accepted"


@periodic("close-replied-complaints", Hourly())
def close_replied_complaints(period: str) -> str:
    from portal.complaints.handling import close_unanswered

    # Hourly, so a complaint closes within the hour its 15 days after the reply run out.
    closed = close_unanswered()
    db.session.commit()
    return f"{closed.rated} rated and {closed.not_rated} unrated complaints closed"


@periodic("cleanup", Hourly())
def cleanup(period: str) -> str:
    from portal.complaints.attachments import delete_orphans
    from portal.filing.cleanup import clean_up

    report = clean_up(current_app.extensions["storage"], timedelta(hours=1))
    # Files of complaint drafts nobody submitted (their row would point to them).
    complaint_files = delete_orphans(current_app.extensions["storage"])
    return (
        f"{report.drafts_deleted} drafts and {report.objects_deleted} files deleted, "
        f"{complaint_files} complaint draft files"
    )


@periodic("forget-old-sign-ins", Daily(clock_time(3, 0)))
def forget_old_sign_ins(period: str) -> str:
    from portal.accounts import sessions, throttle

    ended = sessions.forget_old()
    counts = throttle.forget_old(current_app.config["SIGN_IN_LOCK_MINUTES"])
    db.session.commit()
    return f"{ended} old sessions and {counts} old failure counts deleted"


# --- continuous work ------------------------------------------------------------------------


def deliver_to_back_office() -> int:
    """The one place the worker calls the dispatcher; how many deliveries were tried."""
    from portal.backoffice.dispatcher import DEFAULT_IN_FLIGHT, dispatch_once

    return dispatch_once(
        current_app.extensions["backoffice"], batch=DISPATCH_BATCH, in_flight=DEFAULT_IN_FLIGHT
    )


def deliver_messages() -> int:
    """Messages to applicants that could not go when their request closed, or were queued by
    a job; how many were tried."""
    from portal.messaging.outbox import deliver_due_messages

    return deliver_due_messages(current_app.extensions["notifier"], batch=DISPATCH_BATCH)


def deliver_hotline_callbacks() -> int:
    """Status changes and replies back to the 12345 hotline; how many were tried."""
    from portal.complaints.hotline_callbacks import deliver_due_callbacks

    return deliver_due_callbacks(batch=DISPATCH_BATCH)


# Each runs every turn in every worker and returns how much it did (0: nothing was due).
CONTINUOUS: list[tuple[str, Callable[[], int]]] = [
    ("back-office dispatch", deliver_to_back_office),
    ("messages", deliver_messages),
    ("hotline callbacks", deliver_hotline_callbacks),
]


# --- claiming and running -------------------------------------------------------------------


def claim(job: str, period: str, worker: str, lease: timedelta = JOB_LEASE) -> bool:
    """Whether this worker may run ``job`` for ``period``; the claim is committed."""
    db.session.rollback()  # start clean: the claim must be its own transaction
    moment = beijing.now()
    existing = db.session.scalar(select(JobRun).where(JobRun.job == job, JobRun.period == period))
    if existing is None:
        db.session.add(JobRun(job=job, period=period, worker=worker, started_at=moment))
        try:
            db.session.commit()
            return True
        except IntegrityError:  # another worker inserted it first
            db.session.rollback()
            return False
    if existing.finished_at is not None:
        db.session.rollback()
        return False
    taken = db.session.execute(
        update(JobRun)
        .where(
            JobRun.id == existing.id,
            JobRun.finished_at.is_(None),
            JobRun.started_at < moment - lease,
        )
        .values(worker=worker, started_at=moment, outcome=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if taken:
        log.warning("%s %s: taking over an unfinished run from %s", job, period, existing.worker)
    return bool(taken)


def finish(job: str, period: str, worker: str, outcome: str, *, succeeded: bool) -> None:
    values: dict = {"outcome": outcome[:500]}
    if succeeded:
        values["finished_at"] = beijing.now()
    db.session.execute(
        update(JobRun)
        .where(JobRun.job == job, JobRun.period == period, JobRun.worker == worker)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def run_job(job: Job, period: str, worker: str) -> bool:
    """Run a claimed job; a failure is recorded and left for the lease to retry."""
    started = time.monotonic()
    try:
        outcome = job.run(period)
    except Exception as error:
        db.session.rollback()
        log.exception("%s %s failed", job.name, period)
        finish(job.name, period, worker, f"failed: {type(error).__name__}", succeeded=False)
        return False
    finish(job.name, period, worker, outcome, succeeded=True)
    log.info("%s %s: %s (%.1f s)", job.name, period, outcome, time.monotonic() - started)
    return True


class Worker:
    """One worker process's loop; ``jobs`` defaults to the registry."""

    def __init__(
        self,
        *,
        name: str | None = None,
        jobs: list[Job] | None = None,
        idle_seconds: float = IDLE_SECONDS,
        lease: timedelta = JOB_LEASE,
    ) -> None:
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self.jobs = list(JOBS.values()) if jobs is None else jobs
        self.idle_seconds = idle_seconds
        self.lease = lease
        self.stopping = False
        # Periods known to be finished, so a quiet worker does not ask the database each turn.
        self._done: dict[str, str] = {}

    def run_due_jobs(self) -> int:
        ran = 0
        moment = beijing.now()
        for job in self.jobs:
            period = job.schedule.period(moment)
            if self._done.get(job.name) == period:
                continue
            if claim(job.name, period, self.name, self.lease):
                ran += 1
                if run_job(job, period, self.name):
                    self._done[job.name] = period
            elif _finished(job.name, period):
                self._done[job.name] = period
        return ran

    def turn(self) -> int:
        """One pass: due jobs, then the continuous work; how much was done."""
        done = self.run_due_jobs()
        for name, work in CONTINUOUS:
            try:
                done += work()
            except Exception:
                db.session.rollback()
                log.exception("%s failed; trying again next turn", name)
        return done

    def run(self, stop_after: float | None = None) -> None:
        from portal.backoffice.dispatcher import wakeup

        started = time.monotonic()
        log.info("worker %s started: jobs %s", self.name, ", ".join(j.name for j in self.jobs))
        # Idle, the worker rests until an acceptance commits (PostgreSQL LISTEN) or
        # idle_seconds pass (the poll, and all there is on SQLite).
        rest = wakeup()
        try:
            self._loop(started, stop_after, rest.wait)
        finally:
            rest.close()
        db.session.remove()
        log.info("worker %s stopped", self.name)

    def _loop(
        self, started: float, stop_after: float | None, wait: Callable[[float], object]
    ) -> None:
        while not self.stopping:
            if stop_after is not None and time.monotonic() - started >= stop_after:
                break
            try:
                busy = self.turn()
            except Exception:  # the database restarting, say: wait and try again
                db.session.rollback()
                log.exception("worker turn failed; trying again")
                busy = 0
            if not busy and not self.stopping:
                wait(self.idle_seconds)


def _finished(job: str, period: str) -> bool:
    finished = db.session.scalar(
        select(JobRun.finished_at).where(JobRun.job == job, JobRun.period == period)
    )
    db.session.rollback()
    return finished is not None


def last_runs() -> list[tuple[Job, JobRun | None]]:
    """Each registered job with its latest run, for ``flask worker status``."""
    rows = []
    for job in JOBS.values():
        latest = db.session.scalar(
            select(JobRun).where(JobRun.job == job.name).order_by(JobRun.started_at.desc()).limit(1)
        )
        rows.append((job, latest))
    return rows


# --- the command ----------------------------------------------------------------------------


@click.group("worker", cls=AppGroup, invoke_without_command=True)
@click.option("--seconds", type=click.FloatRange(min=0), help="Stop after this many seconds.")
@click.option(
    "--idle-seconds",
    default=IDLE_SECONDS,
    show_default=True,
    type=click.FloatRange(min=0.05),
    help="How long to wait when nothing was due.",
)
@with_appcontext
def worker_cli(seconds: float | None, idle_seconds: float) -> None:
    """Run the worker: back-office delivery and the periodic jobs (one or more at once)."""
    if click.get_current_context().invoked_subcommand is not None:
        return
    worker = Worker(idle_seconds=idle_seconds)

    def stop(signum: int, _frame: object) -> None:
        log.info("worker %s: %s received, stopping", worker.name, signal.Signals(signum).name)
        worker.stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    worker.run(stop_after=seconds)


@worker_cli.command("status")
def status() -> None:
    """When each periodic job last ran, and how it went."""
    for job, run in last_runs():
        if run is None:
            click.echo(f"{job.name} ({job.schedule}): never run")
            continue
        finished = run.finished_at and beijing.aware(run.finished_at).astimezone(beijing.BEIJING)
        started = beijing.aware(run.started_at).astimezone(beijing.BEIJING)
        state = f"finished {finished:%Y-%m-%d %H:%M:%S}" if finished else "not finished"
        click.echo(
            f"{job.name} ({job.schedule}): period {run.period}, started "
            f"{started:%Y-%m-%d %H:%M:%S} Beijing by {run.worker}, {state}: {run.outcome or ''}"
        )


def init_app(app: Flask) -> None:
    app.cli.add_command(worker_cli)
