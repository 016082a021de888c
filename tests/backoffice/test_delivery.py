"""Delivering case documents: signatures, outcomes against a real receiver, config.

The WebhookBackend tests talk to ``tests/fixtures/receiver_app.py`` running as its own
process (the ``receiver`` fixture), which checks signatures with its own code and
records each idempotency key once.
"""

from __future__ import annotations

import json
import logging
import time
import uuid

import pytest

from portal.backoffice.delivery import (
    EVENT_HEADER,
    IDEMPOTENCY_HEADER,
    SIGNATURE_HEADER,
    Backend,
    Delivery,
    DeliveryOutcome,
    DeliveryResult,
    LoggingBackend,
    WebhookBackend,
    backend_from_config,
    classify_status,
    sign,
    verify,
)
from tests.fixtures.receiver import BackOfficeReceiver

SECRET = b"s3cret-shared-with-the-back-office"
BODY = json.dumps({"case": "HY-2024-000123", "applicant": "王小明"}, ensure_ascii=False).encode()
NOW = 1_700_000_000


def make_delivery(url: str = "", key: str | None = None, body: bytes = BODY) -> Delivery:
    return Delivery(
        url=url,
        body=body,
        idempotency_key=str(uuid.uuid4()) if key is None else key,
        event="case.accepted",
    )


# --- sign / verify ------------------------------------------------------------------------


def test_sign_has_the_documented_shape_and_verifies() -> None:
    header = sign(SECRET, BODY, NOW)
    timestamp, digest = header.split(",")
    assert timestamp == f"t={NOW}"
    assert digest.startswith("v1=") and len(digest) == 3 + 64
    assert verify(SECRET, BODY, header, now=NOW)
    assert verify(SECRET, BODY, header, now=NOW + 300)
    assert verify(SECRET, BODY, header, now=NOW - 300)


def test_signature_is_hmac_sha256_over_timestamp_dot_body() -> None:
    import hashlib
    import hmac

    expected = hmac.new(SECRET, f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert sign(SECRET, BODY, NOW) == f"t={NOW},v1={expected}"


@pytest.mark.parametrize(
    ("body", "secret", "header"),
    [
        (BODY + b" ", SECRET, sign(SECRET, BODY, NOW)),  # body changed
        (BODY, b"another secret", sign(SECRET, BODY, NOW)),  # wrong secret
        (BODY, SECRET, sign(SECRET, BODY, NOW).replace(f"t={NOW}", f"t={NOW + 1}")),  # time
    ],
    ids=["body", "secret", "timestamp"],
)
def test_tampering_fails(body: bytes, secret: bytes, header: str) -> None:
    assert not verify(secret, body, header, now=NOW)


def test_stale_and_future_timestamps_fail() -> None:
    header = sign(SECRET, BODY, NOW)
    assert not verify(SECRET, BODY, header, now=NOW + 301)
    assert not verify(SECRET, BODY, header, now=NOW - 301)
    assert not verify(SECRET, BODY, header, now=NOW + 61, tolerance_seconds=60)


@pytest.mark.parametrize(
    "header",
    [
        "",
        "garbage",
        f"t={NOW}",  # no v1
        "v1=" + "0" * 64,  # no t
        f"t={NOW},t={NOW},v1=" + "0" * 64,  # two timestamps
        f"t=-{NOW},v1=" + "0" * 64,
        f"t={NOW}.5,v1=" + "0" * 64,
        "t=abc,v1=" + "0" * 64,
        f"t={NOW},v1",
        f"t={NOW},,v1=" + "0" * 64,
        f"t={NOW},v1=" + "zz" * 32,
        f"t={NOW},v1=" + "0" * 5000,
    ],
)
def test_malformed_headers_fail_without_raising(header: str) -> None:
    assert not verify(SECRET, BODY, header, now=NOW)


def test_truncated_or_case_changed_digests() -> None:
    header = sign(SECRET, BODY, NOW)
    assert not verify(SECRET, BODY, header[:-1], now=NOW)
    assert verify(SECRET, BODY, header.upper().replace("T=", "t=").replace("V1=", "v1="), now=NOW)


def test_any_of_several_v1_values_may_match() -> None:
    good = sign(SECRET, BODY, NOW).split(",v1=")[1]
    other = sign(b"old secret", BODY, NOW).split(",v1=")[1]
    assert verify(SECRET, BODY, f"t={NOW},v1={other},v1={good}", now=NOW)
    assert verify(SECRET, BODY, f"t={NOW}, v1={good}, v0=legacy", now=NOW)
    assert not verify(SECRET, BODY, f"t={NOW},v1={other},v1=nothex", now=NOW)


def test_sign_refuses_bad_inputs() -> None:
    with pytest.raises(ValueError):
        sign(b"", BODY, NOW)
    with pytest.raises(ValueError):
        sign(SECRET, BODY, -1)


# --- Delivery and outcome rules -----------------------------------------------------------


@pytest.mark.parametrize("key", ["", "two words", "line\nbreak", "x" * 256, "键"])
def test_delivery_refuses_keys_unfit_for_headers_and_logs(key: str) -> None:
    with pytest.raises(ValueError, match="idempotency_key"):
        make_delivery(key=key)


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, DeliveryOutcome.DELIVERED),
        (201, DeliveryOutcome.DELIVERED),
        (204, DeliveryOutcome.DELIVERED),
        (409, DeliveryOutcome.DELIVERED),
        (400, DeliveryOutcome.REJECTED),
        (401, DeliveryOutcome.REJECTED),
        (404, DeliveryOutcome.REJECTED),
        (422, DeliveryOutcome.REJECTED),
        (408, DeliveryOutcome.RETRY),
        (425, DeliveryOutcome.RETRY),
        (429, DeliveryOutcome.RETRY),
        (500, DeliveryOutcome.RETRY),
        (503, DeliveryOutcome.RETRY),
        (302, DeliveryOutcome.RETRY),
    ],
)
def test_status_classification(status: int, outcome: DeliveryOutcome) -> None:
    assert classify_status(status) is outcome


# --- WebhookBackend against the real receiver ---------------------------------------------


def webhook(receiver: BackOfficeReceiver, **options: float) -> WebhookBackend:
    return WebhookBackend(receiver.url, receiver.secret, **options)  # type: ignore[arg-type]


def test_delivered_and_recorded_once_with_headers(receiver: BackOfficeReceiver) -> None:
    delivery = make_delivery(receiver.url)
    result = webhook(receiver).deliver(delivery)
    assert result == DeliveryResult(DeliveryOutcome.DELIVERED, 201, "HTTP 201")
    assert receiver.deliveries() == {delivery.idempotency_key: json.loads(BODY)}
    assert receiver.attempts() == 1
    headers = receiver.records()[delivery.idempotency_key]["headers"]
    assert headers["content-type"] == "application/json"
    assert headers["user-agent"] == "OneWindow"
    assert headers[EVENT_HEADER.lower()] == "case.accepted"
    assert headers[IDEMPOTENCY_HEADER.lower()] == delivery.idempotency_key
    assert verify(receiver.secret, BODY, headers[SIGNATURE_HEADER.lower()], now=int(time.time()))


def test_empty_delivery_url_uses_the_backends(receiver: BackOfficeReceiver) -> None:
    result = webhook(receiver).deliver(make_delivery(""))
    assert result.outcome is DeliveryOutcome.DELIVERED
    assert len(receiver.deliveries()) == 1


def test_same_key_twice_is_one_record_and_delivered_both_times(
    receiver: BackOfficeReceiver,
) -> None:
    backend = webhook(receiver)
    delivery = make_delivery(receiver.url)
    first, second = backend.deliver(delivery), backend.deliver(delivery)
    assert (first.outcome, first.status) == (DeliveryOutcome.DELIVERED, 201)
    assert (second.outcome, second.status) == (DeliveryOutcome.DELIVERED, 409)
    assert list(receiver.deliveries()) == [delivery.idempotency_key]
    assert receiver.attempts(delivery.idempotency_key) == 2


def test_receiver_down_is_retry_quickly_then_delivered_when_back(
    receiver: BackOfficeReceiver,
) -> None:
    backend = webhook(receiver)
    delivery = make_delivery(receiver.url)
    receiver.stop()
    started = time.monotonic()
    result = backend.deliver(delivery)
    assert time.monotonic() - started < 2.0
    assert result.outcome is DeliveryOutcome.RETRY and result.status is None
    assert "ConnectionRefusedError" in result.detail
    receiver.start()
    assert backend.deliver(delivery).outcome is DeliveryOutcome.DELIVERED
    assert list(receiver.deliveries()) == [delivery.idempotency_key]


def test_503_is_retry_until_the_receiver_recovers(receiver: BackOfficeReceiver) -> None:
    receiver.start(fail_first=2)
    backend = webhook(receiver)
    delivery = make_delivery(receiver.url)
    outcomes = [backend.deliver(delivery) for _ in range(3)]
    assert [(r.outcome, r.status) for r in outcomes] == [
        (DeliveryOutcome.RETRY, 503),
        (DeliveryOutcome.RETRY, 503),
        (DeliveryOutcome.DELIVERED, 201),
    ]
    assert receiver.attempts() == 3
    assert len(receiver.deliveries()) == 1


def test_a_document_the_receiver_refuses_is_rejected(receiver: BackOfficeReceiver) -> None:
    result = webhook(receiver).deliver(make_delivery(receiver.url, body=b"not json"))
    assert (result.outcome, result.status, result.detail) == (
        DeliveryOutcome.REJECTED,
        400,
        "HTTP 400",
    )
    assert receiver.deliveries() == {}


def test_wrong_secret_is_rejected_by_the_receiver(receiver: BackOfficeReceiver) -> None:
    result = WebhookBackend(receiver.url, b"not the secret").deliver(make_delivery(receiver.url))
    assert (result.outcome, result.status) == (DeliveryOutcome.REJECTED, 401)
    assert receiver.deliveries() == {}


def test_signature_made_with_a_stale_clock_is_refused(receiver: BackOfficeReceiver) -> None:
    backend = WebhookBackend(receiver.url, receiver.secret, clock=lambda: time.time() - 3600)
    assert backend.deliver(make_delivery(receiver.url)).status == 401


def test_timeout_is_retry_and_the_retry_meets_the_idempotency_key(
    receiver: BackOfficeReceiver,
) -> None:
    """A slow back office: the client gives up, yet the document arrived; retry → 409."""
    receiver.start(delay_seconds=2.0)
    delivery = make_delivery(receiver.url)
    started = time.monotonic()
    result = webhook(receiver, timeout=0.5).deliver(delivery)
    assert time.monotonic() - started < 1.8
    assert result.outcome is DeliveryOutcome.RETRY and result.status is None
    assert "0.5 s" in result.detail
    receiver.start(delay_seconds=0)
    again = webhook(receiver).deliver(delivery)
    assert (again.outcome, again.status) == (DeliveryOutcome.DELIVERED, 409)
    assert list(receiver.deliveries()) == [delivery.idempotency_key]


def test_a_redirect_is_not_followed_and_is_retry(receiver: BackOfficeReceiver) -> None:
    result = webhook(receiver).deliver(make_delivery(receiver.base_url + "/redirect"))
    assert (result.outcome, result.status) == (DeliveryOutcome.RETRY, 307)
    assert "redirect" in result.detail
    assert receiver.attempts() == 1
    assert receiver.deliveries() == {}


def test_details_never_carry_the_body_or_secret(receiver: BackOfficeReceiver) -> None:
    backend = webhook(receiver)
    results = [backend.deliver(make_delivery(receiver.url)) for _ in range(2)]
    receiver.stop()
    results.append(backend.deliver(make_delivery(receiver.url)))
    for result in results:
        assert "王小明" not in result.detail and "HY-2024" not in result.detail
        assert receiver.secret.decode() not in result.detail
    assert receiver.secret.decode() not in repr(backend)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/x", "http://"])
def test_non_http_delivery_urls_are_rejected_without_sending(url: str) -> None:
    result = WebhookBackend("http://127.0.0.1:9/cases", SECRET).deliver(make_delivery(url))
    assert result.outcome is DeliveryOutcome.REJECTED and result.status is None


def test_webhook_backend_refuses_bad_settings() -> None:
    with pytest.raises(ValueError, match="URL"):
        WebhookBackend("ftp://example.com/", SECRET)
    with pytest.raises(ValueError, match="secret"):
        WebhookBackend("https://example.com/", b"")
    with pytest.raises(ValueError, match="timeout"):
        WebhookBackend("https://example.com/", SECRET, timeout=0)


# --- LoggingBackend -----------------------------------------------------------------------


def test_logging_backend_logs_event_key_and_size_never_the_body(
    caplog: pytest.LogCaptureFixture,
) -> None:
    delivery = make_delivery(key="case-42-accepted")
    with caplog.at_level(logging.DEBUG, logger="portal.backoffice"):
        result = LoggingBackend().deliver(delivery)
    assert result.outcome is DeliveryOutcome.DELIVERED
    [record] = [r for r in caplog.records if r.name == "portal.backoffice"]
    assert record.levelno == logging.INFO
    assert record.getMessage() == f"delivered case.accepted case-42-accepted ({len(BODY)} bytes)"
    assert "王小明" not in caplog.text and "HY-2024" not in caplog.text


# --- configuration ------------------------------------------------------------------------


def test_backend_from_config_defaults_to_logging() -> None:
    assert isinstance(backend_from_config({}), LoggingBackend)
    assert isinstance(backend_from_config({"BACKOFFICE_BACKEND": " LOG "}), LoggingBackend)


def test_backend_from_config_builds_a_webhook() -> None:
    backend = backend_from_config(
        {
            "BACKOFFICE_BACKEND": "webhook",
            "BACKOFFICE_URL": "https://backoffice.example/cases",
            "BACKOFFICE_SECRET": "from-the-environment",
            "BACKOFFICE_TIMEOUT": "2.5",
        }
    )
    assert isinstance(backend, WebhookBackend) and isinstance(backend, Backend)
    assert (backend.url, backend.timeout) == ("https://backoffice.example/cases", 2.5)
    default = backend_from_config(
        {"BACKOFFICE_BACKEND": "webhook", "BACKOFFICE_URL": "http://h/", "BACKOFFICE_SECRET": b"k"}
    )
    assert isinstance(default, WebhookBackend) and default.timeout == 10.0


WEBHOOK = {
    "BACKOFFICE_BACKEND": "webhook",
    "BACKOFFICE_URL": "https://backoffice.example/cases",
    "BACKOFFICE_SECRET": "k",
}


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"BACKOFFICE_BACKEND": "carrier-pigeon"}, "BACKOFFICE_BACKEND"),
        ({"BACKOFFICE_URL": None}, "BACKOFFICE_URL"),
        ({"BACKOFFICE_URL": "  "}, "BACKOFFICE_URL"),
        ({"BACKOFFICE_URL": "ftp://backoffice.example/"}, "BACKOFFICE_URL"),
        ({"BACKOFFICE_SECRET": None}, "BACKOFFICE_SECRET"),
        ({"BACKOFFICE_SECRET": ""}, "BACKOFFICE_SECRET"),
        ({"BACKOFFICE_TIMEOUT": "soon"}, "BACKOFFICE_TIMEOUT"),
        ({"BACKOFFICE_TIMEOUT": "0"}, "BACKOFFICE_TIMEOUT"),
        ({"BACKOFFICE_TIMEOUT": "inf"}, "BACKOFFICE_TIMEOUT"),
    ],
)
def test_backend_from_config_errors_name_the_key(changes: dict, key: str) -> None:
    with pytest.raises(ValueError, match=key):
        backend_from_config({**WEBHOOK, **changes})
