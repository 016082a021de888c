"""Messages to people are sent after the commit, through a real SMTP server: a request that
rolls back sends nothing, and an SMTP outage delays a message instead of losing it."""

from __future__ import annotations

import logging
import socket
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from portal.clock import beijing
from portal.extensions import db
from portal.messaging.models import QueuedMessage
from portal.messaging.outbox import deliver_due_messages, queue_message
from portal.notify import Message, SmtpNotifier
from tests.factories import make_applicant
from tests.fixtures.smtp import SmtpSink, running_sink


def _smtp(port: int) -> SmtpNotifier:
    return SmtpNotifier("127.0.0.1", "noreply@zwfw.hengyang.example", port=port, timeout=2)


def _rows(app, address: str) -> list[QueuedMessage]:
    with app.app_context():
        rows = list(
            db.session.scalars(select(QueuedMessage).where(QueuedMessage.to_email == address))
        )
        db.session.expunge_all()
    return rows


def _deliver(app, notifier) -> int:
    with app.app_context():
        return deliver_due_messages(notifier, batch=50)


def _make_due(app, address: str) -> None:
    with app.app_context():
        db.session.execute(
            update(QueuedMessage)
            .where(QueuedMessage.to_email == address)
            .values(next_attempt_at=beijing.now() - timedelta(seconds=1))
        )
        db.session.commit()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_reset_code_is_sent_once_the_answer_has_gone(app, smtp_server, monkeypatch):
    monkeypatch.setitem(app.extensions, "notifier", _smtp(smtp_server.port))
    address = f"li-{uuid.uuid4().hex[:8]}@example.com"
    _, identifier = make_applicant(app, email=address)
    client = app.test_client()
    # The server closes the response once its body has gone; that is when messages leave.
    with client.post(
        "/account/forgot-password", data={"identifier": identifier}, buffered=False
    ) as response:
        assert response.status_code == 302
        assert smtp_server.messages(to=address, timeout=0.2) == []
    [mail] = smtp_server.messages(to=address)
    assert "验证码" in mail.get_content()
    [row] = _rows(app, address)
    assert row.status == "delivered" and row.attempts == 1
    assert row.body is None, "a delivered body (it holds the code) is not kept"


def test_a_message_queued_in_a_rolled_back_request_is_never_sent(app, smtp_server, monkeypatch):
    monkeypatch.setitem(app.extensions, "notifier", _smtp(smtp_server.port))
    address = f"zhao-{uuid.uuid4().hex[:8]}@example.com"
    _, identifier = make_applicant(app, email=address)

    def broken_flash(*args, **kwargs):
        raise RuntimeError("the request fails after the code was queued")

    monkeypatch.setattr("portal.accounts.views.flash", broken_flash)
    client = app.test_client()
    try:
        response = client.post("/account/forgot-password", data={"identifier": identifier})
        assert response.status_code == 500
    except RuntimeError:
        pass  # the test configuration lets the error through; the request still rolled back
    assert _deliver(app, app.extensions["notifier"]) >= 0
    assert smtp_server.messages(to=address, timeout=1.0) == []
    assert _rows(app, address) == []


def test_nothing_is_sent_for_a_transaction_that_rolls_back(app, smtp_server):
    address = f"sun-{uuid.uuid4().hex[:8]}@example.com"
    with app.test_request_context():
        queue_message(Message(address, None, "主题", "正文", "test"))
        db.session.rollback()
        deliver_due_messages(_smtp(smtp_server.port), batch=50)
    assert smtp_server.messages(to=address, timeout=0.5) == []


def test_smtp_down_the_message_waits_then_goes_once_when_it_returns(
    app, tmp_path, monkeypatch, caplog
):
    caplog.set_level(logging.DEBUG)
    port = _free_port()  # nothing listens here yet: the mail server is down
    monkeypatch.setitem(app.extensions, "notifier", _smtp(port))
    address = f"qian-{uuid.uuid4().hex[:8]}@example.com"
    _, identifier = make_applicant(app, email=address)
    client = app.test_client()
    with client.post(
        "/account/forgot-password", data={"identifier": identifier}, buffered=False
    ) as response:
        assert response.status_code == 302, "the applicant is answered although SMTP is down"
    [waiting] = _rows(app, address)
    assert waiting.status == "pending" and waiting.attempts == 1 and waiting.body
    assert "SMTP" in waiting.last_error and address not in waiting.last_error
    _make_due(app, address)
    _deliver(app, app.extensions["notifier"])  # still down: waits again
    assert _rows(app, address)[0].attempts == 2
    (tmp_path / "sink").mkdir()
    with running_sink(tmp_path / "sink", "--port", str(port)) as (host, bound, mail):
        sink = SmtpSink(host, bound, mail)
        assert bound == port
        _make_due(app, address)
        _deliver(app, app.extensions["notifier"])
        _make_due(app, address)
        _deliver(app, app.extensions["notifier"])  # nothing left to send twice
        [mail] = sink.messages(to=address)
        assert "验证码" in mail.get_content()
        assert len(sink.messages(to=address, timeout=0.5)) == 1
    [row] = _rows(app, address)
    assert row.status == "delivered" and row.attempts == 3 and row.body is None
    assert address not in caplog.text and "验证码" not in caplog.text, "no recipient, no body"


def test_a_message_that_never_gets_through_is_parked_with_its_body(app, monkeypatch):
    from portal.outbox import RetrySchedule

    address = f"zhou-{uuid.uuid4().hex[:8]}@example.com"
    with app.app_context():
        queue_message(Message(address, None, "主题", "正文", "test"))
        db.session.commit()
        schedule = RetrySchedule(horizon=timedelta(seconds=1))
        dead = _smtp(_free_port())
        deliver_due_messages(dead, batch=50, schedule=schedule)
    _make_due(app, address)
    with app.app_context():
        deliver_due_messages(dead, batch=50, schedule=schedule)
    [row] = _rows(app, address)
    assert row.status == "parked" and row.attempts == 2 and row.body == "正文"


@pytest.mark.parametrize("once", [True])
def test_the_cli_sends_what_is_due(app, smtp_server, once):
    address = f"wu-{uuid.uuid4().hex[:8]}@example.com"
    with app.app_context():
        queue_message(Message(address, None, "主题", "正文", "test"))
        db.session.commit()
    original = app.extensions["notifier"]
    app.extensions["notifier"] = _smtp(smtp_server.port)
    try:
        result = app.test_cli_runner().invoke(args=["messages", "deliver", "--once"])
    finally:
        app.extensions["notifier"] = original
    assert result.exit_code == 0 and "tried" in result.output
    assert len(smtp_server.messages(to=address)) == 1
