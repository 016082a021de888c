"""Back-office tokens are scoped (issue 7, point 7): a system reports only on the cases
delivered to it, its event ids are its own, hostile reports are a clean 400/422, and two
reports at once cannot both change a case."""

from __future__ import annotations

import json
import threading
import time
import uuid

import pytest
from sqlalchemy import func, select

from portal.backoffice import inbound
from portal.backoffice.models import BackOfficeEvent, BackOfficeSystem, OutboxMessage
from portal.extensions import db
from portal.filing.models import Application
from tests.backoffice.test_dispatcher import _accepted_case
from tests.backoffice.test_inbound import _report, delivered_case, system_token


@pytest.fixture
def token(app) -> str:
    """The token of the system this portal delivers to (BACKOFFICE_SYSTEM)."""
    return system_token(app, app.config["BACKOFFICE_SYSTEM"])


def _case(app, number: str) -> tuple[str, int]:
    with app.app_context():
        application = db.session.scalar(select(Application).where(Application.number == number))
        events = db.session.scalar(
            select(func.count())
            .select_from(BackOfficeEvent)
            .where(BackOfficeEvent.application_id == application.id)
        )
        return application.status, events


def test_a_system_may_report_only_on_cases_delivered_to_it(app, client, token):
    _, number = delivered_case(app)
    other = system_token(app, f"县审批系统 {uuid.uuid4().hex[:6]}")
    foreign = _report(client, number, other, type="approved")
    unknown = _report(client, number[:-8] + "99999-0", other, type="approved")
    assert foreign.status_code == 404
    assert foreign.get_json() == unknown.get_json(), "nothing tells the case exists"
    assert _case(app, number) == ("forwarded", 0)
    assert _report(client, number, token, type="in-review").status_code == 201


def test_a_case_not_yet_delivered_cannot_be_reported_on(app, client, token):
    public_id, _ = _accepted_case(app)
    with app.app_context():
        number = db.session.scalar(
            select(Application.number).where(Application.public_id == public_id)
        )
    assert _report(client, number, token, type="in-review").status_code == 404


def test_each_delivery_records_the_system_it_went_to(app):
    _, number = delivered_case(app)
    with app.app_context():
        system = db.session.scalar(
            select(BackOfficeSystem.name)
            .join(OutboxMessage, OutboxMessage.system_id == BackOfficeSystem.id)
            .join(Application, Application.id == OutboxMessage.application_id)
            .where(Application.number == number)
        )
    assert system == app.config["BACKOFFICE_SYSTEM"]


def test_event_ids_are_unique_per_system_not_across_systems(app, client, token):
    name = f"县审批系统 {uuid.uuid4().hex[:6]}"
    _, ours = delivered_case(app)
    _, theirs = delivered_case(app, system=name)
    other = system_token(app, name)
    event_id = f"EV-{uuid.uuid4().hex[:8]}"
    assert _report(client, ours, token, event_id=event_id, type="in-review").status_code == 201
    assert _report(client, theirs, other, event_id=event_id, type="in-review").status_code == 201
    again = _report(client, ours, token, event_id=event_id, type="in-review")
    assert again.status_code == 200 and again.get_json()["repeated"]


def test_add_system_gives_the_configured_system_its_token_once(app):
    name = f"市审批系统 {uuid.uuid4().hex[:6]}"
    _, number = delivered_case(app, system=name)  # recorded at delivery, without a token
    runner = app.test_cli_runner()
    first = runner.invoke(args=["backoffice", "add-system", name])
    assert first.exit_code == 0, first.output
    token = first.output.split("(shown once): ")[1].split()[0]
    assert _report(app.test_client(), number, token, type="in-review").status_code == 201
    second = runner.invoke(args=["backoffice", "add-system", name])
    assert second.exit_code != 0 and "already has a token" in second.output
    rotated = runner.invoke(args=["backoffice", "add-system", name, "--new-token"])
    assert rotated.exit_code == 0
    assert _report(app.test_client(), number, token, type="in-review").status_code == 401


def _raw(client, number: str, token: str, body: bytes):
    return client.post(
        f"/api/v1/backoffice/cases/{number}/events",
        data=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )


def _body(report: dict, raw: str | None = None) -> bytes:
    """``report`` as JSON, with the text "RAW" replaced by ``raw`` unquoted (a bare number)."""
    text = json.dumps(report, ensure_ascii=False)
    return (text.replace('"RAW"', raw) if raw is not None else text).encode()


def _ext(days: str) -> bytes:
    extension = {"days": "RAW", "approver": "局长", "reason": "征求意见"}
    return _body({"event_id": uuid.uuid4().hex, "type": "extended", "extension": extension}, days)


def _susp(days: str, procedure: str = '"appraisal"') -> bytes:
    report = {"event_id": uuid.uuid4().hex, "type": "suspended", "expected_working_days": "RAW"}
    return _body(report, days).replace(
        b'"suspended"', b'"suspended", "procedure": ' + procedure.encode()
    )


HOSTILE = {
    "deeply nested": b'{"event_id": "x", "type": "in-review", "a": '
    + b"[" * 50_000
    + b"]" * 50_000
    + b"}",
    "nested objects": b'{"event_id": "x", "type": "in-review", "a": '
    + b'{"a":' * 2000
    + b"1"
    + b"}" * 2001,
    "extension a list": _body({"event_id": "l", "type": "extended", "extension": [1, 2]}),
    "extension days 1e400": _ext("1e400"),
    "extension days 10**30": _ext(str(10**30)),
    "extension days 11": _ext("11"),
    "extension days 0": _ext("0"),
    "extension days text": _ext('"10"'),
    "extension days true": _ext("true"),
    "extension days 2.5": _ext("2.5"),
    "extension days NaN": _ext("NaN"),
    "extension days Infinity": _ext("-Infinity"),
    "extension days 5000 digits": _ext("9" * 5000),
    "suspension 10**30 days": _susp(str(10**30)),
    "suspension 1e400 days": _susp("1e400"),
    "suspension 251 days": _susp("251"),
    "suspension -1 days": _susp("-1"),
    "suspension procedure list": _susp("5", "[1]"),
    "suspension procedure unknown": _susp("5", '"séance"'),
    "a NUL byte": b'{"event_id": "x\\u0000", "type": "in-review"}',
    "a NUL byte in a key": b'{"event_id": "x", "type": "in-review", "k\\u0000": 1}',
    "not UTF-8": b'{"event_id": "\xff\xfe", "type": "in-review"}',
    "not JSON": b"{event_id: x}",
    "a list": b"[]",
    "type a list": b'{"event_id": "t", "type": ["approved"]}',
    "event id an object": b'{"event_id": {"a": 1}, "type": "approved"}',
    "too large": b'{"event_id": "x", "type": "in-review", "pad": "' + b"x" * 70_000 + b'"}',
    "refusal reasons a list": b'{"event_id": "r", "type": "refused", "reasons": ["a"]}',
    "date a number": b'{"event_id": "d", "type": "inspection-scheduled", "date": 20261201}',
    "date nonsense": b'{"event_id": "d", "type": "inspection-scheduled", "date": "2026-13-45"}',
    "fee items a text": b'{"event_id": "f", "type": "fee-notice", "fee_items": "FA-0001"}',
    "fee items numbers": b'{"event_id": "f", "type": "fee-notice", "fee_items": [1, 2]}',
    "certificate an object": b'{"event_id": "c", "type": "certificate-issued", "certificate_number": {}}',
    "resumed without suspension": b'{"event_id": "s", "type": "resumed"}',
}


def test_hostile_reports_are_refused_cleanly_and_change_nothing(app, token):
    _, number = delivered_case(app)
    client = app.test_client()
    assert _report(client, number, token, type="in-review").status_code == 201
    before = _case(app, number)
    answers = {
        name: _raw(client, number, token, body).status_code for name, body in HOSTILE.items()
    }
    assert {name: code for name, code in answers.items() if code not in (400, 409, 422)} == {}
    conflicts = {name for name, code in answers.items() if code == 409}
    assert conflicts <= {"resumed without suspension", "certificate an object"}, answers
    assert _case(app, number) == before


def test_every_duration_is_bounded_by_the_law(app, client, token):
    _, number = delivered_case(app)
    assert _raw(client, number, token, _susp("250")).status_code == 201
    assert _report(client, number, token, type="resumed").status_code == 201
    assert _raw(client, number, token, _ext("10")).status_code == 201


def test_two_concurrent_reports_cannot_both_change_a_case(app, token, monkeypatch):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("concurrent requests are tested on PostgreSQL")
    slow_apply = inbound._apply

    def apply_slowly(*args, **kwargs):
        detail = slow_apply(*args, **kwargs)
        time.sleep(0.3)  # widen the window between reading the case and writing it
        return detail

    monkeypatch.setattr(inbound, "_apply", apply_slowly)
    _, number = delivered_case(app)
    reports = [
        {"event_id": uuid.uuid4().hex, "type": "approved"},
        {"event_id": uuid.uuid4().hex, "type": "refused", "reasons": "不符合规划"},
        {
            "event_id": uuid.uuid4().hex,
            "type": "extended",
            "extension": {"days": 5, "approver": "局长", "reason": "征求意见"},
        },
        {
            "event_id": uuid.uuid4().hex,
            "type": "extended",
            "extension": {"days": 10, "approver": "局长", "reason": "专家论证"},
        },
    ]
    answers: list[int] = []
    start = threading.Barrier(len(reports))

    def send(report: dict) -> None:
        client = app.test_client()
        start.wait()
        response = client.post(
            f"/api/v1/backoffice/cases/{number}/events",
            json=report,
            headers={"Authorization": f"Bearer {token}"},
        )
        answers.append(response.status_code)

    threads = [threading.Thread(target=send, args=(report,)) for report in reports]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    status, events = _case(app, number)
    assert sorted(answers).count(201) == events
    assert events <= 2 and all(code in (201, 409, 422) for code in answers), answers
    with app.app_context():
        clock = db.session.scalar(select(Application.clock).where(Application.number == number))
    kinds = set()
    with app.app_context():
        kinds = set(
            db.session.scalars(
                select(BackOfficeEvent.kind)
                .join(Application, Application.id == BackOfficeEvent.application_id)
                .where(Application.number == number)
            )
        )
    assert not {"approved", "refused"} <= kinds, "a case is not both approved and refused"
    assert status in ("approved", "refused", "forwarded")
    if clock and clock.get("extension"):
        assert "extended" in kinds


def test_the_same_report_sent_twice_at_once_applies_once(app, token):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("concurrent requests are tested on PostgreSQL")
    _, number = delivered_case(app)
    report = {"event_id": uuid.uuid4().hex, "type": "in-review"}
    answers: list[int] = []
    start = threading.Barrier(4)

    def send() -> None:
        client = app.test_client()
        start.wait()
        answers.append(
            client.post(
                f"/api/v1/backoffice/cases/{number}/events",
                json=report,
                headers={"Authorization": f"Bearer {token}"},
            ).status_code
        )

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [200, 200, 200, 201]
    assert _case(app, number) == ("in-review", 1)
