"""The worker (`flask worker`): run as real processes against a real database, it delivers
accepted cases to the back office, deems overdue filings accepted once however many
workers run, records one job run per period, and says what it did on stderr."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select, update

from portal.backoffice.models import OutboxMessage
from portal.clock import beijing
from portal.config import PROJECT_ROOT
from portal.extensions import db
from portal.filing.models import Application, ApplicationEvent, Status
from portal.worker import JOBS, Daily, Hourly, Job, JobRun, Worker, claim
from tests.backoffice.test_dispatcher import _accepted_case
from tests.conftest import fresh_database, load_guides, make_app
from tests.factories import make_applicant, sign_in_as
from tests.filing.test_journey import filed


@pytest.fixture(scope="module")
def worker_app(backend, tmp_path_factory):
    """A database of its own: the worker deems and delivers everything it finds."""
    with fresh_database(backend, tmp_path_factory.mktemp("worker-db")) as url:
        application = make_app(url)
        load_guides(application)
        yield application
        with application.app_context():
            db.engine.dispose()


def worker_env(app, **settings) -> dict[str, str]:
    return os.environ | {
        "ONEWINDOW_ENV": "development",
        "SECRET_KEY": "test-only-secret",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "STORAGE_LOCAL_DIR": app.config["STORAGE_LOCAL_DIR"],
        "FLASK_APP": "wsgi.py",
        **settings,
    }


def run_workers(app, count: int, seconds: float, **settings) -> list[str]:
    """Start ``count`` `flask worker --seconds` processes at once; their stderr."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "flask", "worker", "--seconds", str(seconds)],
            cwd=PROJECT_ROOT,
            env=worker_env(app, **settings),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    outputs = []
    for process in processes:
        _, err = process.communicate(timeout=seconds + 60)
        assert process.returncode == 0, err[-3000:]
        outputs.append(err)
    return outputs


def webhook_settings(receiver) -> dict[str, str]:
    return {
        "BACKOFFICE_BACKEND": "webhook",
        "BACKOFFICE_URL": receiver.url,
        "BACKOFFICE_SECRET": receiver.secret.decode(),
    }


def _key(app, message_id: int) -> tuple[str, str]:
    with app.app_context():
        message = db.session.get(OutboxMessage, message_id)
        return message.idempotency_key, message.status


def test_the_worker_delivers_an_accepted_case_to_the_back_office(worker_app, receiver):
    public_id, message_id = _accepted_case(worker_app)
    run_workers(worker_app, 1, seconds=4, **webhook_settings(receiver))
    key, status = _key(worker_app, message_id)
    assert status == "delivered"
    assert receiver.deliveries()[key]["event"] == "case.accepted"
    assert receiver.attempts(key) == 1
    with worker_app.app_context():
        application = db.session.scalar(
            select(Application).where(Application.public_id == public_id)
        )
        assert application.status == Status.FORWARDED


def test_two_workers_deem_an_overdue_filing_once_and_record_one_run_per_period(
    worker_app, receiver, backend
):
    applicant_id, _ = make_applicant(worker_app)
    client = worker_app.test_client()
    sign_in_as(client, applicant_id)
    public_id = filed(client)
    with worker_app.app_context():
        # Unanswered for longer than the pre-review period, and today's run not made yet.
        db.session.execute(
            update(Application)
            .where(Application.public_id == public_id)
            .values(pre_review_by=beijing.today() - timedelta(days=10))
        )
        db.session.execute(delete(JobRun))
        db.session.commit()

    outputs = run_workers(worker_app, 2, seconds=5, **webhook_settings(receiver))

    assert all("started" in output for output in outputs), "both workers ran"
    with worker_app.app_context():
        application = db.session.scalar(
            select(Application).where(Application.public_id == public_id)
        )
        assert application.accepted_on == beijing.today()
        events = db.session.scalars(
            select(ApplicationEvent.kind).where(ApplicationEvent.application_id == application.id)
        ).all()
        assert events.count("deemed-accepted") == 1
        [key] = db.session.scalars(
            select(OutboxMessage.idempotency_key).where(
                OutboxMessage.application_id == application.id
            )
        ).all()
        runs = db.session.scalars(select(JobRun)).all()
    assert key in receiver.deliveries()  # recorded once: the back office keeps one per key
    # Leases are conditional (and SKIP LOCKED on PostgreSQL): only one dispatcher tries.
    assert receiver.attempts(key) == 1
    deem_runs = [run for run in runs if run.job == "deem-accepted"]
    assert len(deem_runs) == 1 and deem_runs[0].finished_at is not None
    assert deem_runs[0].period == JOBS["deem-accepted"].schedule.period(beijing.now())
    assert "1 filings deemed accepted" in deem_runs[0].outcome
    cleanup_runs = [run for run in runs if run.job == "cleanup"]
    assert 1 <= len(cleanup_runs) <= 2  # two only if an hour turned during the test
    assert all(run.finished_at is not None for run in cleanup_runs)

    status = subprocess.run(
        [sys.executable, "-m", "flask", "worker", "status"],
        cwd=PROJECT_ROOT,
        env=worker_env(worker_app),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f"deem-accepted (daily after 17:30 Beijing): period {deem_runs[0].period}" in status
    assert "1 filings deemed accepted" in status and "cleanup (hourly): period" in status


def test_the_log_back_office_and_log_notifier_write_to_stderr(worker_app):
    _, message_id = _accepted_case(worker_app)
    [output] = run_workers(worker_app, 1, seconds=3)  # the embedded default: log back office
    key, status = _key(worker_app, message_id)
    assert status == "delivered"
    assert f"delivered case.accepted {key}" in output
    send = (
        "from wsgi import app\n"
        "from portal.notify import Message\n"
        "app.extensions['notifier'].send(Message('wang@example.com', None, 's', 'b', 'receipt'))\n"
    )
    notified = subprocess.run(
        [sys.executable, "-c", send],
        cwd=PROJECT_ROOT,
        env=worker_env(worker_app),
        capture_output=True,
        text=True,
        check=True,
    )
    assert "notification sent: purpose=receipt to=w***@example.com" in notified.stderr


def test_a_claim_is_taken_once_and_taken_over_only_when_left_unfinished(worker_app):
    with worker_app.app_context():
        assert claim("test-job", "p1", "worker-a")
        assert not claim("test-job", "p1", "worker-b")
        # worker-a died: after the lease its run is taken over, once.
        db.session.execute(
            update(JobRun)
            .where(JobRun.job == "test-job")
            .values(started_at=beijing.now() - timedelta(hours=1))
        )
        db.session.commit()
        assert claim("test-job", "p1", "worker-b", lease=timedelta(minutes=15))
        assert not claim("test-job", "p1", "worker-c", lease=timedelta(minutes=15))
        rows = db.session.scalars(select(JobRun).where(JobRun.job == "test-job")).all()
        assert [row.worker for row in rows] == ["worker-b"]


def test_a_failed_job_is_recorded_and_retried_after_the_lease(worker_app):
    calls = []

    def flaky(period: str) -> str:
        calls.append(period)
        if len(calls) == 1:
            raise RuntimeError("the disk is full")
        return "done"

    job = Job("flaky-job", Hourly(), flaky)
    with worker_app.app_context():
        worker = Worker(name="w1", jobs=[job], lease=timedelta(0))
        worker.run_due_jobs()
        row = db.session.scalar(select(JobRun).where(JobRun.job == "flaky-job"))
        assert row.finished_at is None and row.outcome == "failed: RuntimeError"
        worker.run_due_jobs()
        worker.run_due_jobs()  # finished: not run again this period
        assert len(calls) == 2
        count = db.session.scalar(
            select(func.count()).select_from(JobRun).where(JobRun.job == "flaky-job")
        )
        assert count == 1


def _at(year, month, day, hour, minute) -> datetime:
    local = datetime(year, month, day, hour, minute, tzinfo=beijing.BEIJING)
    return local.astimezone(UTC)


def test_the_daily_run_falls_after_the_close_and_a_missed_day_runs_at_start_up():
    daily = Daily(JOBS["deem-accepted"].schedule.at)
    assert daily.at.strftime("%H:%M") == "17:30"
    # 09:00 Beijing is 01:00 UTC: the due run is yesterday's, made now if nobody made it.
    assert daily.period(_at(2026, 12, 2, 9, 0)) == "2026-12-01"
    assert daily.period(_at(2026, 12, 2, 17, 29)) == "2026-12-01"
    assert daily.period(_at(2026, 12, 2, 17, 30)) == "2026-12-02"
    # 07:00 Beijing is still the previous UTC day: the Beijing hour names the period.
    assert Hourly().period(_at(2026, 12, 2, 7, 5)) == "2026-12-02T07"
