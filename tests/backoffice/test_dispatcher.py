"""Accepted cases reach the back office — a real receiver process — signed, retried,
exactly once in effect, whatever fails on the way."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select, text, update

from portal.backoffice import dispatcher
from portal.backoffice.delivery import WebhookBackend
from portal.backoffice.models import OutboxMessage
from portal.clock import beijing
from portal.config import PROJECT_ROOT
from portal.extensions import db
from portal.filing.models import Application, Status
from portal.outbox import RetrySchedule
from tests.conftest import fresh_database, load_guides, make_app
from tests.factories import make_applicant, make_staff, sign_in_as, sign_in_staff
from tests.filing.test_journey import filed


def _accepted_case(app) -> tuple[str, int]:
    applicant_id, _ = make_applicant(app)
    client = app.test_client()
    sign_in_as(client, applicant_id)
    public_id = filed(client)
    staff_id, *_ = make_staff(app, windows=("A01",))
    officer = app.test_client()
    sign_in_staff(officer, staff_id)
    assert officer.post(f"/staff/cases/{public_id}", data={"decision": "accept"}).status_code == 302
    with app.app_context():
        application = db.session.scalar(
            select(Application).where(Application.public_id == public_id)
        )
        message_id = db.session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.application_id == application.id)
        )
    return public_id, message_id


def _message(app, message_id: int) -> OutboxMessage:
    with app.app_context():
        message = db.session.get(OutboxMessage, message_id)
        db.session.expunge(message)
        return message


def _make_due(app, message_id: int) -> None:
    with app.app_context():
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .values(next_attempt_at=beijing.now() - timedelta(seconds=1), leased_until=None)
        )
        db.session.commit()


def _dispatch(app, backend, **options) -> int:
    with app.app_context():
        return dispatcher.dispatch_once(backend, **options)


@pytest.fixture
def webhook(receiver):
    return WebhookBackend(receiver.url, receiver.secret, timeout=2)


def test_an_accepted_case_is_delivered_signed_with_its_materials(app, receiver, webhook):
    public_id, message_id = _accepted_case(app)
    _dispatch(app, webhook)
    message = _message(app, message_id)
    assert message.status == "delivered"
    document = receiver.deliveries()[message.idempotency_key]
    assert document["event"] == "case.accepted"
    assert document["item"]["code"] == "430400-SC-XK-0001"
    assert len(document["materials"]) == 5
    assert all(len(m["sha256"]) == 64 for m in document["materials"])
    with app.app_context():
        application = db.session.scalar(
            select(Application).where(Application.public_id == public_id)
        )
        assert application.status == Status.FORWARDED


def test_the_back_office_down_means_retry_later_then_one_delivery(app, receiver, webhook):
    _, message_id = _accepted_case(app)
    receiver.stop()
    _dispatch(app, webhook)
    waiting = _message(app, message_id)
    assert waiting.status == "pending" and waiting.attempts == 1 and waiting.last_error
    assert beijing.aware(waiting.next_attempt_at) > beijing.now() - timedelta(seconds=1)
    receiver.start()
    _make_due(app, message_id)
    _dispatch(app, webhook)
    _make_due(app, message_id)
    _dispatch(app, webhook)
    assert _message(app, message_id).status == "delivered"
    assert list(receiver.deliveries()) == [_message(app, message_id).idempotency_key]


def test_after_too_many_failures_a_delivery_is_parked_shown_and_resent(app, receiver, webhook):
    _, message_id = _accepted_case(app)
    receiver.stop()
    receiver.start(fail_first=10)
    for _attempt in range(2):
        _make_due(app, message_id)
        _dispatch(app, webhook, schedule=RetrySchedule(horizon=timedelta(seconds=1)))
    assert _message(app, message_id).status == "parked"
    admin_id, *_ = make_staff(app, windows=(), role="administrator")
    admin = app.test_client()
    sign_in_staff(admin, admin_id)
    page = admin.get("/staff/deliveries").get_data(as_text=True)
    assert "已停止重试" in page
    receiver.stop()
    receiver.start(fail_first=0)
    assert admin.post(f"/staff/deliveries/{message_id}/resend").status_code == 302
    _dispatch(app, webhook)
    assert _message(app, message_id).status == "delivered"


def _dispatcher_env(app, receiver) -> dict[str, str]:
    """The environment of a `flask backoffice dispatch` process delivering to ``receiver``."""
    return os.environ | {
        "ONEWINDOW_ENV": "production",
        "SECRET_KEY": "test-only-secret",
        "TOTP_ENCRYPTION_KEY": app.config["TOTP_ENCRYPTION_KEY"],
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "STORAGE_LOCAL_DIR": app.config["STORAGE_LOCAL_DIR"],
        "BACKOFFICE_BACKEND": "webhook",
        "BACKOFFICE_URL": receiver.url,
        "BACKOFFICE_SECRET": receiver.secret.decode(),
        "FLASK_APP": "wsgi.py",
        "ALLOW_UNSCANNED_UPLOADS": "true",
        "ALLOW_LOG_NOTIFIER": "true",
    }


def test_a_dispatcher_killed_mid_delivery_loses_nothing_and_doubles_nothing(app, receiver):
    _, message_id = _accepted_case(app)
    receiver.stop()
    receiver.start(delay_seconds=5)
    env = _dispatcher_env(app, receiver)
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "backoffice", "dispatch"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while receiver.attempts() == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    process.kill()
    process.wait(timeout=10)
    assert _message(app, message_id).status == "pending", "the kill came before the answer"
    receiver.stop()
    receiver.start(delay_seconds=0)
    _make_due(app, message_id)  # the dead dispatcher's lease has run out
    _dispatch(app, WebhookBackend(receiver.url, receiver.secret, timeout=2))
    assert _message(app, message_id).status == "delivered"
    assert len(receiver.deliveries()) == 1 and receiver.attempts() == 2


def test_two_dispatchers_on_postgresql_never_deliver_a_case_twice(receiver, tmp_path):
    with fresh_database("postgresql", tmp_path) as url:
        app = make_app(url)
        load_guides(app)
        _, first = _accepted_case(app)
        with app.app_context():
            template = db.session.get(OutboxMessage, first)
            for n in range(29):
                db.session.add(
                    OutboxMessage(
                        application_id=template.application_id,
                        # One message per (case, event) is a constraint: 29 distinct events.
                        event=f"case.test-{n}",
                        idempotency_key=uuid.uuid4().hex,
                        payload={},
                        status="pending",
                        attempts=0,
                        next_attempt_at=beijing.now(),
                        created_at=beijing.now(),
                    )
                )
            db.session.commit()
        backend = WebhookBackend(receiver.url, receiver.secret, timeout=5)

        def work() -> None:
            with app.app_context():
                while dispatcher.dispatch_once(backend, batch=3):
                    pass

        threads = [threading.Thread(target=work) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with app.app_context():
            statuses = db.session.scalars(select(OutboxMessage.status)).all()
            db.session.close()
        with app.app_context():
            db.engine.dispose()
    assert statuses == ["delivered"] * 30
    assert len(receiver.deliveries()) == 30
    assert receiver.attempts() == 30, "no message was sent by both dispatchers"


def _listening(app) -> bool:
    """Whether a session of this database waits on the dispatcher's channel."""
    with app.app_context():
        found = db.session.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND query = :listen"
            ),
            {"listen": f'LISTEN "{dispatcher.CHANNEL}"'},
        )
        db.session.rollback()
    return bool(found)


def test_an_idle_dispatcher_on_postgresql_starts_when_an_acceptance_commits(receiver, tmp_path):
    """A real LISTEN: the dispatcher polls only every 30 s, yet the case arrives at once."""
    poll = 30.0
    with fresh_database("postgresql", tmp_path) as url:
        app = make_app(url)
        load_guides(app)
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "backoffice", "dispatch", "--idle-seconds", str(poll)],
            cwd=PROJECT_ROOT,
            env=_dispatcher_env(app, receiver),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 20
            while not _listening(app):
                assert time.monotonic() < deadline and process.poll() is None
                time.sleep(0.1)
            started_waiting = time.monotonic()  # its first look found nothing due
            _, message_id = _accepted_case(app)
            accepted = time.monotonic()
            key = _message(app, message_id).idempotency_key
            while key not in receiver.deliveries() and time.monotonic() - accepted < 5:
                time.sleep(0.05)
            delivered = time.monotonic()
        finally:
            process.terminate()
            process.wait(timeout=30)
            with app.app_context():
                db.engine.dispose()
    assert key in receiver.deliveries(), "delivered within 5 s of the acceptance"
    assert delivered - started_waiting < poll, "before its next poll could have found it"
    assert receiver.attempts(key) == 1


def test_a_delivery_another_dispatcher_recorded_first_is_not_recorded_twice(app, receiver, webhook):
    """The lease ran out mid-delivery and another dispatcher delivered and recorded the case:
    this one's late success adds no attempt and no second "forwarded" line (the other
    dispatcher wrote its own; here it only marks the message)."""
    public_id, message_id = _accepted_case(app)

    class Overtaken(WebhookBackend):
        def deliver(self, delivery):
            result = super().deliver(delivery)
            with db.engine.begin() as other:  # the other dispatcher's whole transaction
                other.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id == message_id)
                    .values(status="delivered", attempts=1, delivered_at=beijing.now())
                )
            return result

    overtaken = Overtaken(receiver.url, receiver.secret, timeout=2)
    with app.app_context():
        statuses = dispatcher.deliver_batch(
            dispatcher.claim(10), overtaken, RetrySchedule(), in_flight=1
        )
    assert statuses == {}
    assert _message(app, message_id).attempts == 1
    with app.app_context():
        application = db.session.scalar(
            select(Application).where(Application.public_id == public_id)
        )
        assert [e.kind for e in application.events].count("forwarded") == 0
    assert receiver.attempts() == 1
