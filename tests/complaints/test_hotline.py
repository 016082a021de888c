"""The 12345 hotline: a token per sending system (kept hashed), work orders idempotent by
the hotline's own id, and every status change and the reply going back signed through the
outbox, retried through a real receiver process until it arrives once."""

from __future__ import annotations

import hashlib
import json
import random
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.clock import beijing
from portal.complaints import hotline_callbacks, operations
from portal.complaints.hotline_models import HotlineCallback, HotlineSource, HotlineWorkOrder
from portal.complaints.models import Complaint, ComplaintStatus
from portal.complaints.numbering import normalize_ticket
from portal.extensions import db
from tests.complaints.test_api import ABOUT_ITEM

S = ComplaintStatus


def add_source(app, name: str, *extra: str) -> str:
    result = app.test_cli_runner().invoke(args=["hotline", "add-source", name, *extra])
    assert result.exit_code == 0, result.output
    return re.search(r"\(shown once\): (\S+)", result.output).group(1)


@pytest.fixture
def source(app):
    name = f"12345-{random.randrange(10**9)}"
    return name, add_source(app, name)


def send(client, token: str | None, body: dict):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(
        "/api/v1/hotline/work-orders",
        data=json.dumps(body, ensure_ascii=False),
        content_type="application/json",
        headers=headers,
    )


def work_order(number: str | None = None) -> dict:
    return ABOUT_ITEM | {"work_order_id": number or f"GD{random.randrange(10**12)}"}


def test_the_token_is_printed_once_and_kept_only_as_its_sha256(app, source):
    name, token = source
    with app.app_context():
        row = db.session.scalar(select(HotlineSource).where(HotlineSource.name == name))
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in json.dumps([str(getattr(row, c.key)) for c in row.__table__.c])
    again = app.test_cli_runner().invoke(args=["hotline", "add-source", name])
    assert again.exit_code != 0 and "--new-token" in again.output


def test_without_a_valid_token_nothing_is_filed(app, client, source):
    name, token = source
    assert send(client, None, work_order()).status_code == 401
    assert send(client, "not-the-token", work_order()).status_code == 401
    assert send(client, token, work_order()).status_code == 201
    revoked = app.test_cli_runner().invoke(args=["hotline", "revoke", name])
    assert revoked.exit_code == 0, revoked.output
    answer = send(client, token, work_order())
    assert answer.status_code == 401 and answer.get_json()["error"]["status"] == 401


def test_the_same_work_order_twice_is_one_complaint_and_another_body_a_conflict(
    app, client, source
):
    _, token = source
    body = work_order()
    first = send(client, token, body)
    assert first.status_code == 201
    assert first.get_json()["repeated"] is False and first.get_json()["query_code"]
    again = send(client, token, dict(reversed(list(body.items()))))  # key order is no change
    assert again.status_code == 200
    assert again.get_json()["ticket"] == first.get_json()["ticket"]
    assert again.get_json()["repeated"] is True and again.get_json()["query_code"] is None
    changed = send(client, token, body | {"what_they_want": "别的要求。"})
    assert changed.status_code == 409
    with app.app_context():
        orders = db.session.scalar(
            select(func.count())
            .select_from(HotlineWorkOrder)
            .where(HotlineWorkOrder.work_order_id == body["work_order_id"])
        )
        assert orders == 1


def test_a_work_order_is_checked_like_any_complaint(client, source):
    _, token = source
    answer = send(client, token, work_order() | {"contact_mobile": "12345"})
    assert answer.status_code == 400
    assert list(answer.get_json()["errors"]) == ["contact_mobile"]
    missing = send(client, token, ABOUT_ITEM)
    assert list(missing.get_json()["errors"]) == ["work_order_id"]


def _complaint(app, ticket: str) -> Complaint:
    number = normalize_ticket(ticket)
    return db.session.scalar(select(Complaint).where(Complaint.ticket == number))


def _callbacks(app, ticket: str) -> list[HotlineCallback]:
    with app.app_context():
        complaint = _complaint(app, ticket)
        rows = list(
            db.session.scalars(
                select(HotlineCallback)
                .join(HotlineWorkOrder)
                .where(HotlineWorkOrder.complaint_id == complaint.id)
                .order_by(HotlineCallback.id)
            )
        )
        db.session.expunge_all()
    return rows


def test_status_changes_and_the_reply_reach_the_hotline_signed_once_through_an_outage(
    app, client, receiver, monkeypatch
):
    name = f"12345-{random.randrange(10**9)}"
    token = add_source(app, name, "--callback-url", receiver.url)
    with app.app_context():
        row = db.session.scalar(select(HotlineSource).where(HotlineSource.name == name))
        row.callback_secret = receiver.secret.decode()  # the secret the hotline was given
        db.session.commit()
    filed = send(client, token, work_order()).get_json()
    ticket = filed["ticket"]
    assert _callbacks(app, ticket) == [], "the filing itself is answered by the POST"

    with app.app_context():
        complaint = _complaint(app, ticket)
        operations.move(complaint, S.ACCEPTED, "office")
        db.session.commit()
    [accepted] = _callbacks(app, ticket)
    assert accepted.status == "pending" and accepted.payload["status"] == S.ACCEPTED

    clock = {"now": beijing.now()}
    monkeypatch.setattr(beijing, "now", lambda: clock["now"])
    rng = random.Random(9)

    def deliver() -> int:
        with app.app_context():
            return hotline_callbacks.deliver_due_callbacks(batch=100, rng=rng)

    receiver.stop()  # the hotline is down
    assert deliver() >= 1
    [waiting] = _callbacks(app, ticket)
    assert waiting.status == "pending" and waiting.attempts == 1
    due = beijing.aware(waiting.next_attempt_at)
    assert due > clock["now"], "it waits before trying again"
    with app.app_context():
        assert hotline_callbacks.deliver_due_callbacks(batch=100) == 0, "not due yet"

    receiver.start()
    clock["now"] = due + timedelta(seconds=1)
    deliver()
    [delivered] = _callbacks(app, ticket)
    assert delivered.status == "delivered" and delivered.attempts == 2
    assert receiver.attempts(delivered.idempotency_key) == 1, "arrived once"
    record = receiver.records()[delivered.idempotency_key]  # the receiver checked the signature
    assert record["event"] == "complaint-accepted"
    document = record["document"]
    assert document["ticket"] == ticket and document["status"] == S.ACCEPTED
    assert document["work_order_id"] and document["reply_by"] == filed["reply_by"]

    with app.app_context():
        complaint = _complaint(app, ticket)
        operations.move(complaint, S.INVESTIGATING, "office", note="内部记录")
        operations.move(complaint, S.REPLY_APPROVED, "office")
        operations.move(complaint, S.REPLIED, "office", reply="已督促窗口一次性告知。")
        db.session.commit()
    deliver()
    rows = _callbacks(app, ticket)
    assert [r.event for r in rows] == [S.ACCEPTED, S.INVESTIGATING, S.REPLY_APPROVED, S.REPLIED]
    assert all(r.status == "delivered" for r in rows)
    documents = receiver.deliveries()
    assert documents[rows[-1].idempotency_key]["detail"] == {"reply": "已督促窗口一次性告知。"}
    assert documents[rows[1].idempotency_key]["detail"] == {}, "office notes stay inside"
    assert len(documents) == 4


def test_a_complaint_not_from_the_hotline_sends_nothing(app, client):
    filed = client.post(
        "/api/v1/complaints", data=json.dumps(ABOUT_ITEM), content_type="application/json"
    ).get_json()
    with app.app_context():
        complaint = _complaint(app, filed["ticket"])
        operations.move(complaint, S.ACCEPTED, "office")
        db.session.commit()
        count = db.session.scalar(select(func.count()).select_from(HotlineCallback))
        mine = db.session.scalar(
            select(func.count())
            .select_from(HotlineCallback)
            .join(HotlineWorkOrder)
            .where(HotlineWorkOrder.complaint_id == complaint.id)
        )
    assert mine == 0 and count is not None


def test_a_callback_signed_with_another_secret_is_refused_and_parked(app, client, receiver):
    name = f"12345-{random.randrange(10**9)}"
    token = add_source(app, name, "--callback-url", receiver.url)  # its own secret, not the
    filed = send(client, token, work_order()).get_json()  # one the receiver was given
    with app.app_context():
        operations.move(_complaint(app, filed["ticket"]), S.ACCEPTED, "office")
        db.session.commit()
        hotline_callbacks.deliver_due_callbacks(batch=100)
    [row] = _callbacks(app, filed["ticket"])
    assert row.status == "parked" and "401" in row.last_error
    assert row.idempotency_key not in receiver.deliveries()


def test_a_callback_url_must_be_http_or_https(app):
    result = app.test_cli_runner().invoke(
        args=["hotline", "add-source", "bad-url", "--callback-url", "ftp://example.com/x"]
    )
    assert result.exit_code != 0 and "callback URL" in result.output


def test_one_work_order_sent_six_times_at_once_is_one_complaint(tmp_path):
    """On PostgreSQL, concurrent repeats: one files it, the others get its ticket or a 409
    to send again; the losers' complaints are rolled back whole (never half-written)."""
    import threading

    from tests.conftest import fresh_database, load_guides, make_app

    with fresh_database("postgresql", tmp_path) as url:
        app = make_app(url)
        load_guides(app)
        token = add_source(app, "12345-city")
        body = work_order("GD-AT-ONCE")
        barrier, answers = threading.Barrier(6), []

        def run() -> None:
            client = app.test_client()
            barrier.wait()
            answers.append(send(client, token, body))

        threads = [threading.Thread(target=run) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        statuses = sorted(answer.status_code for answer in answers)
        assert statuses.count(201) == 1 and set(statuses) <= {200, 201, 409}, statuses
        tickets = {a.get_json()["ticket"] for a in answers if a.status_code in (200, 201)}
        assert len(tickets) == 1
        again = send(app.test_client(), token, body)
        assert again.status_code == 200 and again.get_json()["ticket"] in tickets
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Complaint)) == 1
            assert db.session.scalar(select(func.count()).select_from(HotlineWorkOrder)) == 1
        with app.app_context():  # a context of its own: the one above held a connection
            db.engine.dispose()
