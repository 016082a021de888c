"""Delivering one case document to the back office: signing, and one attempt.

When the window accepts an online application, its case document is POSTed to the
service center's back office. This module holds the parts that need no database: the
signature scheme (:func:`sign`, :func:`verify`), one delivery attempt through a
:class:`Backend` with its outcome classified for the dispatcher. The outbox table, the
dispatcher loop and the retry schedule (``portal.outbox``) live elsewhere.

The signature header is ``t=<unix seconds>,v1=<hex HMAC-SHA256>``, the HMAC taken over
``b"<t>." + body`` with the shared secret; the receiver rejects timestamps too far from
its clock, so a captured request cannot be replayed later. Every attempt carries the
outbox row's idempotency key, so a receiver that saw an earlier attempt (say, one whose
answer was lost) answers 409 and the document is recorded once in effect.

Case documents hold personal data: no body, secret or server reply text is ever logged
or put in a :class:`DeliveryResult`.
"""

from __future__ import annotations

import abc
import enum
import hashlib
import hmac
import http.client
import logging
import re
import threading
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger("portal.backoffice")

SIGNATURE_HEADER = "X-OneWindow-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
EVENT_HEADER = "X-OneWindow-Event"
USER_AGENT = "OneWindow"
CONTENT_TYPE = "application/json"

BACKEND_CHOICES: tuple[str, ...] = ("log", "webhook")
DEFAULT_TIMEOUT = 10.0
DEFAULT_TOLERANCE_SECONDS = 300

# 4xx answers that mean "not now" rather than "this document is wrong".
RETRYABLE_CLIENT_ERRORS = frozenset({408, 425, 429})
# An idempotent receiver's "I already have this key": the document is there.
ALREADY_DELIVERED = 409

_MAX_SIGNATURE_HEADER = 4096
_TIMESTAMP = re.compile(r"[0-9]{1,15}")
_HEX_DIGEST = re.compile(r"[0-9a-fA-F]{64}")
# Header-safe tokens: visible ASCII, no spaces, so they can go in headers and log lines.
_TOKEN = re.compile(r"[\x21-\x7e]{1,255}")
_DRAIN_LIMIT = 64 * 1024


# --- signatures ---------------------------------------------------------------------------


def _digest(secret: bytes, body: bytes, timestamp: int) -> str:
    if not secret:
        raise ValueError("the signing secret must not be empty")
    return hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def sign(secret: bytes, body: bytes, timestamp: int) -> str:
    """The signature header value for ``body`` sent at ``timestamp`` (unix seconds)."""
    if isinstance(timestamp, bool) or not isinstance(timestamp, int) or timestamp < 0:
        raise ValueError("timestamp must be a non-negative integer of unix seconds")
    return f"t={timestamp},v1={_digest(secret, body, timestamp)}"


def verify(
    secret: bytes,
    body: bytes,
    header: str,
    *,
    now: int,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
) -> bool:
    """Whether ``header`` is a valid signature of ``body`` made within the tolerance of ``now``.

    Never raises for a bad header: malformed, missing parts, a repeated ``t``, or a
    timestamp more than ``tolerance_seconds`` in the past or future all give False.
    Several ``v1`` values are allowed (a sender rotating secrets signs with each); any
    one matching is enough. Digests are compared in constant time, and all of them are
    compared, so timing tells nothing about which was close.
    """
    if tolerance_seconds < 0:
        raise ValueError("tolerance_seconds must not be negative")
    if not isinstance(header, str) or not header or len(header) > _MAX_SIGNATURE_HEADER:
        return False
    timestamps: list[str] = []
    candidates: list[str] = []
    for item in header.split(","):
        key, equals, value = item.strip().partition("=")
        if not equals or not key:
            return False
        if key == "t":
            timestamps.append(value)
        elif key == "v1":
            candidates.append(value)
        # Other schemes (v0, a future v2) are ignored, as receivers are told to.
    if len(timestamps) != 1 or not _TIMESTAMP.fullmatch(timestamps[0]) or not candidates:
        return False
    timestamp = int(timestamps[0])
    if abs(now - timestamp) > tolerance_seconds:
        return False
    expected = _digest(secret, body, timestamp)
    matched = False
    for candidate in candidates:
        if _HEX_DIGEST.fullmatch(candidate):
            matched |= hmac.compare_digest(expected, candidate.lower())
    return matched


# --- deliveries and outcomes --------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    """One case document to deliver.

    ``url`` is where it goes; an empty ``url`` means the backend's configured one.
    ``idempotency_key`` and ``event`` go into headers and log lines, so they must be
    visible ASCII without spaces (at most 255 characters); anything else is refused here,
    where the bad value is made.
    """

    url: str
    body: bytes
    idempotency_key: str
    event: str

    def __post_init__(self) -> None:
        if not isinstance(self.body, bytes):
            raise TypeError("Delivery.body must be bytes")
        if not isinstance(self.idempotency_key, str) or not _TOKEN.fullmatch(self.idempotency_key):
            raise ValueError("Delivery.idempotency_key must be 1-255 visible ASCII characters")
        if not isinstance(self.event, str) or not _TOKEN.fullmatch(self.event):
            raise ValueError("Delivery.event must be 1-255 visible ASCII characters")


class DeliveryOutcome(enum.Enum):
    """What the dispatcher should do with the outbox row after one attempt."""

    DELIVERED = "delivered"  # done: mark the row delivered
    RETRY = "retry"  # transient: try again later (portal.outbox.RetrySchedule)
    REJECTED = "rejected"  # the receiver refused the document itself: park it now


@dataclass(frozen=True)
class DeliveryResult:
    """The outcome of one attempt; ``detail`` is safe to log (no body, secret or reply text)."""

    outcome: DeliveryOutcome
    status: int | None
    detail: str


def classify_status(status: int) -> DeliveryOutcome:
    """The outcome an HTTP status from the back office means.

    2xx and 409 (an idempotent receiver that already has the key) are delivered; 408,
    425, 429, 5xx and anything unexpected (1xx, 3xx, odd codes) are worth retrying;
    the remaining 4xx say the document itself is wrong, and retrying cannot fix it.
    """
    if 200 <= status < 300 or status == ALREADY_DELIVERED:
        return DeliveryOutcome.DELIVERED
    if 400 <= status < 500 and status not in RETRYABLE_CLIENT_ERRORS:
        return DeliveryOutcome.REJECTED
    return DeliveryOutcome.RETRY


class Backend(abc.ABC):
    """Makes one delivery attempt. Never raises for delivery failures: it returns them."""

    @abc.abstractmethod
    def deliver(self, delivery: Delivery) -> DeliveryResult:
        """Attempt ``delivery`` once and say how it went."""


class LoggingBackend(Backend):
    """The embedded default: logs that a document would have been delivered.

    Keeps a fresh checkout runnable without a back office. Only the event, the
    idempotency key and the size are logged: the body holds personal data.
    """

    def deliver(self, delivery: Delivery) -> DeliveryResult:
        size = len(delivery.body)
        logger.info("delivered %s %s (%d bytes)", delivery.event, delivery.idempotency_key, size)
        return DeliveryResult(DeliveryOutcome.DELIVERED, None, f"logged ({size} bytes)")


def _url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a delivery target, or None if it can."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return "the URL cannot be parsed"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "the URL must be http or https with a host"
    if any(ord(ch) <= 0x20 or ord(ch) == 0x7F for ch in url):
        return "the URL contains spaces or control characters"
    return None


class WebhookBackend(Backend):
    """POSTs the document to the back office over HTTP(S), signed with the shared secret.

    Each attempt is signed afresh with the current time (``clock``, for tests), so a
    retry hours later is still within the receiver's tolerance. Redirects are not
    followed (http.client never follows them: the signed document goes nowhere else).
    ``timeout`` bounds the connection and each wait for data.

    Each thread keeps one keep-alive connection per host and reuses it for the next
    delivery: a TCP (and TLS) handshake per case was most of a delivery's cost. A
    connection that failed or timed out is closed, so a late answer can never be read as
    the next delivery's. Several threads may deliver at once (the dispatcher does).
    """

    def __init__(
        self,
        url: str,
        secret: bytes,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        clock: Callable[[], float] = time.time,
    ) -> None:
        problem = _url_problem(url)
        if problem:
            raise ValueError(f"back-office URL: {problem}")
        if not isinstance(secret, bytes) or not secret:
            raise ValueError("the back-office secret must be non-empty bytes")
        if not timeout > 0:
            raise ValueError("timeout must be a positive number of seconds")
        self.url = url
        self._secret = secret
        self.timeout = timeout
        self._clock = clock
        self._local = threading.local()

    def __repr__(self) -> str:
        return f"WebhookBackend(url={self.url!r}, timeout={self.timeout!r})"  # no secret

    def deliver(self, delivery: Delivery) -> DeliveryResult:
        url = delivery.url or self.url
        problem = _url_problem(url)
        if problem:
            return DeliveryResult(DeliveryOutcome.REJECTED, None, f"not sent: {problem}")
        parts = urllib.parse.urlsplit(url)
        target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
        headers = {
            "Content-Type": CONTENT_TYPE,
            "User-Agent": USER_AGENT,
            SIGNATURE_HEADER: sign(self._secret, delivery.body, int(self._clock())),
            IDEMPOTENCY_HEADER: delivery.idempotency_key,
            EVENT_HEADER: delivery.event,
        }
        try:
            status = self._post(parts, target, delivery.body, headers)
        except TimeoutError:
            return self._retry(f"no answer within {self.timeout:g} s")
        except (OSError, http.client.HTTPException) as exc:
            return self._retry(f"connection failed: {_kind(exc)}")
        return DeliveryResult(classify_status(status), status, _describe_status(status))

    def close(self) -> None:
        """Close this thread's connections (others close when their threads end)."""
        for connection in getattr(self._local, "connections", {}).values():
            connection.close()
        self._local.connections = {}

    def _post(
        self, parts: urllib.parse.SplitResult, target: str, body: bytes, headers: dict
    ) -> int:
        """Send and return the status; the reply is read (bounded) and thrown away.

        A kept connection the server has closed meanwhile fails on first use: that one
        failure is retried once on a fresh connection. Sending twice is harmless: the
        receiver keeps one record per idempotency key.
        """
        reused = self._has_connection(parts)
        try:
            return self._exchange(parts, target, body, headers)
        except (ConnectionError, http.client.RemoteDisconnected, http.client.BadStatusLine):
            if not reused:
                raise
        return self._exchange(parts, target, body, headers)

    def _exchange(
        self, parts: urllib.parse.SplitResult, target: str, body: bytes, headers: dict
    ) -> int:
        connection = self._connection(parts)
        try:
            connection.request("POST", target, body=body, headers=headers)
            response = connection.getresponse()
            response.read(_DRAIN_LIMIT)
            if not response.isclosed():  # a longer reply than we read: start afresh next time
                connection.close()
            return int(response.status)
        except BaseException:
            self._forget(parts)
            raise

    def _key(self, parts: urllib.parse.SplitResult) -> tuple[str, str, int | None]:
        return (parts.scheme, parts.hostname or "", parts.port)

    def _has_connection(self, parts: urllib.parse.SplitResult) -> bool:
        connection = getattr(self._local, "connections", {}).get(self._key(parts))
        return connection is not None and connection.sock is not None

    def _connection(self, parts: urllib.parse.SplitResult) -> http.client.HTTPConnection:
        connections = getattr(self._local, "connections", None)
        if connections is None:
            connections = self._local.connections = {}
        key = self._key(parts)
        if key not in connections:
            kind = (
                http.client.HTTPSConnection
                if parts.scheme == "https"
                else http.client.HTTPConnection
            )
            connections[key] = kind(parts.hostname, parts.port, timeout=self.timeout)
        return connections[key]

    def _forget(self, parts: urllib.parse.SplitResult) -> None:
        connection = getattr(self._local, "connections", {}).pop(self._key(parts), None)
        if connection is not None:
            connection.close()

    @staticmethod
    def _retry(detail: str) -> DeliveryResult:
        return DeliveryResult(DeliveryOutcome.RETRY, None, detail)


def _kind(reason: object) -> str:
    """An error's kind (and errno) for a log line, never its text, which can hold a URL."""
    detail = type(reason).__name__ if isinstance(reason, BaseException) else "error"
    errno = getattr(reason, "errno", None)
    if isinstance(errno, int):
        detail += f" errno={errno}"
    return detail


def _describe_status(status: int) -> str:
    if status == ALREADY_DELIVERED:
        return "HTTP 409: the back office already has this idempotency key"
    if 300 <= status < 400:
        return f"HTTP {status}: redirect not followed"
    return f"HTTP {status}"


# --- configuration ------------------------------------------------------------------------


def backend_from_config(config: Mapping[str, Any]) -> Backend:
    """The backend the configuration asks for.

    ``BACKOFFICE_BACKEND`` is ``log`` (default) or ``webhook``; the webhook needs
    ``BACKOFFICE_URL`` and ``BACKOFFICE_SECRET``, and takes ``BACKOFFICE_TIMEOUT``
    (seconds, default 10). A missing or bad setting raises ValueError naming the key, so
    a misconfigured deployment fails at start-up, not at its first accepted application.
    """
    kind = str(config.get("BACKOFFICE_BACKEND") or "log").strip().lower()
    if kind == "log":
        return LoggingBackend()
    if kind != "webhook":
        raise ValueError(
            f"BACKOFFICE_BACKEND must be one of {', '.join(BACKEND_CHOICES)}, not {kind!r}"
        )
    url = _required(config, "BACKOFFICE_URL")
    problem = _url_problem(url)
    if problem:
        raise ValueError(f"BACKOFFICE_URL: {problem}")
    secret = config.get("BACKOFFICE_SECRET")
    if isinstance(secret, str):
        secret = secret.strip().encode("utf-8")
    if not isinstance(secret, bytes) or not secret:
        raise ValueError("BACKOFFICE_SECRET is required for BACKOFFICE_BACKEND=webhook")
    return WebhookBackend(url, secret, timeout=_timeout(config, "BACKOFFICE_TIMEOUT"))


def _required(config: Mapping[str, Any], key: str) -> str:
    value = config.get(key)
    if value is None or str(value).strip() == "":
        raise ValueError(f"{key} is required for BACKOFFICE_BACKEND=webhook")
    return str(value).strip()


def _timeout(config: Mapping[str, Any], key: str) -> float:
    value = config.get(key)
    if value is None or str(value).strip() == "":
        return DEFAULT_TIMEOUT
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{key} must be a number of seconds") from None
    if not 0 < seconds < float("inf"):
        raise ValueError(f"{key} must be a number of seconds")
    return seconds
