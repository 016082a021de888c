"""Telling applicants things: application received, password-reset codes, supplements requested.

Every channel sits behind one small interface, :class:`Notifier`, so the code that decides
*what* to say never knows *how* it travels. The embedded default, :class:`LogNotifier`,
needs no mail server or SMS contract, which keeps a fresh checkout runnable; deployments
choose SMTP, an SMS gateway or both through :func:`notifier_from_config`.

Message bodies carry one-time codes and personal details, so nothing here ever logs a
body, and recipients appear in logs and errors only masked.
"""

from __future__ import annotations

import abc
import email.utils
import json
import logging
import smtplib
import ssl
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any, Literal

logger = logging.getLogger("portal.notify")

SmtpSecurity = Literal["none", "starttls", "tls"]
SMTP_SECURITY_CHOICES: tuple[str, ...] = ("none", "starttls", "tls")
NOTIFIER_CHOICES: tuple[str, ...] = ("log", "smtp", "sms", "smtp+sms")
DEFAULT_TIMEOUT = 10.0


@dataclass(frozen=True)
class Message:
    """One notification, already rendered in the recipient's language.

    ``purpose`` names the kind of message for logs and metrics; it is the only part of the
    content that may be logged, because the subject and body can carry codes. ``key``, when
    given, is the same for every attempt at one message: the SMS gateway dedupes on it and
    the e-mail's Message-ID is made from it, so a retry is never a second message.
    """

    to_email: str | None
    to_mobile: str | None
    subject: str
    body: str
    purpose: str
    key: str | None = None

    def __post_init__(self) -> None:
        """A message nobody can receive is a caller's bug; fail where it is made."""
        if not self.to_email and not self.to_mobile:
            raise ValueError("a Message needs to_email or to_mobile")


class NotificationFailed(Exception):
    """A message could not be delivered.

    Its text never contains addresses, numbers or message content, so callers may log it
    as is; the underlying error is deliberately not chained for the same reason.
    """


class Notifier(abc.ABC):
    """Delivers :class:`Message` objects through one channel (or several)."""

    def applies_to(self, message: Message) -> bool:
        """Whether this channel can reach the message's recipient at all.

        Channels skip messages they cannot deliver instead of failing, so that an applicant
        with only a mobile number is not an error for the e-mail channel.
        """
        return True

    @abc.abstractmethod
    def send(self, message: Message) -> None:
        """Deliver ``message`` or raise :class:`NotificationFailed`."""


# --- masking ------------------------------------------------------------------------------


def mask_email(address: str | None) -> str:
    """``wang@example.com`` → ``w***@example.com``: enough to tell mailboxes apart in logs."""
    if not address:
        return "***"
    local, at, domain = address.strip().rpartition("@")
    if not at or not local or not domain:
        return "***"
    return f"{local[0]}***@{domain}"


def mask_mobile(number: str | None) -> str:
    """``13812345678`` → ``138****5678``: the carrier prefix and last four digits only.

    Shorter numbers reveal less, so that a masked seven-digit number is not nearly whole.
    """
    if not number:
        return "****"
    compact = "".join(ch for ch in number if ch not in " -()\t")
    if len(compact) >= 11:
        return f"{compact[:3]}****{compact[-4:]}"
    if len(compact) >= 7:
        return f"****{compact[-2:]}"
    return "****"


def masked_recipients(message: Message) -> str:
    """The message's recipients, masked, for a log line."""
    parts = []
    if message.to_email:
        parts.append(mask_email(message.to_email))
    if message.to_mobile:
        parts.append(mask_mobile(message.to_mobile))
    return ", ".join(parts)


# --- log ----------------------------------------------------------------------------------


class LogNotifier(Notifier):
    """The embedded default: records that a message was sent and keeps it in memory.

    The log line names the purpose and masked recipients only. The full messages stay in
    ``outbox`` (newest last, at most ``keep`` of them) so that local development and tests
    can read the code that would have been sent.
    """

    def __init__(self, keep: int = 50) -> None:
        if keep < 1:
            raise ValueError("keep must be at least 1")
        self.keep = keep
        self.outbox: list[Message] = []
        self._lock = threading.Lock()

    def send(self, message: Message) -> None:
        with self._lock:
            self.outbox.append(message)
            del self.outbox[: -self.keep]
        logger.info(
            "notification sent: purpose=%s to=%s", message.purpose, masked_recipients(message)
        )


# --- SMTP ---------------------------------------------------------------------------------


class SmtpNotifier(Notifier):
    """Sends e-mail through an SMTP server with :mod:`smtplib`.

    One connection per message: notifications are rare, and a fresh connection cannot be
    left half-broken by an earlier failure.
    """

    def __init__(
        self,
        host: str,
        from_address: str,
        *,
        port: int = 25,
        username: str | None = None,
        password: str | None = None,
        security: SmtpSecurity = "none",
        timeout: float = DEFAULT_TIMEOUT,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        if security not in SMTP_SECURITY_CHOICES:
            raise ValueError(f"security must be one of {', '.join(SMTP_SECURITY_CHOICES)}")
        if (username is None) != (password is None):
            raise ValueError("username and password go together")
        self.host = host
        self.port = port
        self.from_address = from_address
        self.username = username
        self.password = password
        self.security = security
        self.timeout = timeout
        self.ssl_context = ssl_context

    def applies_to(self, message: Message) -> bool:
        return bool(message.to_email)

    def send(self, message: Message) -> None:
        if not self.applies_to(message):
            return
        email_message = self.build(message)
        try:
            with self._connect() as smtp:
                self._secure_and_login(smtp)
                smtp.send_message(email_message)
        except OSError as exc:  # smtplib.SMTPException is an OSError too
            raise NotificationFailed(describe_smtp_error(exc)) from None
        logger.info("e-mail sent: purpose=%s to=%s", message.purpose, mask_email(message.to_email))

    def build(self, message: Message) -> EmailMessage:
        """The e-mail for ``message``: UTF-8 subject and body, safe for any relay.

        Non-ASCII bodies go base64-encoded rather than as raw 8-bit, because relays that
        do not announce 8BITMIME would otherwise mangle or refuse the Chinese text.
        """
        email_message = EmailMessage()
        try:
            email_message["Subject"] = message.subject
            email_message["From"] = self.from_address
            email_message["To"] = message.to_email
        except ValueError:  # e.g. a line break in the subject: header injection
            raise NotificationFailed("message headers are invalid") from None
        email_message["Date"] = email.utils.formatdate(localtime=True)
        email_message["Message-ID"] = self._message_id(message)
        cte = None if message.body.isascii() else "base64"
        email_message.set_content(message.body, charset="utf-8", cte=cte)
        return email_message

    def _message_id(self, message: Message) -> str:
        """Deterministic for a keyed message: a resent e-mail is recognisably the same one."""
        if message.key:
            return f"<{message.key}@{self._sender_domain() or 'onewindow.invalid'}>"
        return email.utils.make_msgid(domain=self._sender_domain())

    def _sender_domain(self) -> str | None:
        """The From domain, so Message-IDs do not leak this host's name."""
        _, address = email.utils.parseaddr(self.from_address)
        return address.rpartition("@")[2] or None

    def _connect(self) -> smtplib.SMTP:
        if self.security == "tls":
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=self._context()
            )
        return smtplib.SMTP(self.host, self.port, timeout=self.timeout)

    def _secure_and_login(self, smtp: smtplib.SMTP) -> None:
        if self.security == "starttls":
            smtp.starttls(context=self._context())
        if self.username is not None and self.password is not None:
            smtp.login(self.username, self.password)

    def _context(self) -> ssl.SSLContext:
        """Verified TLS by default; a custom context is for private CAs (and tests)."""
        return self.ssl_context or ssl.create_default_context()


def describe_smtp_error(exc: OSError) -> str:
    """A loggable description: the error's kind and codes, never the server's text.

    Server replies such as a refused-recipient error echo addresses back, so only the
    numeric SMTP code or errno is kept.
    """
    detail = type(exc).__name__
    if isinstance(exc, smtplib.SMTPResponseException):
        detail += f" {exc.smtp_code}"
    elif isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _ in exc.recipients.values()})
        detail += " " + ",".join(str(code) for code in codes)
    elif exc.errno is not None:
        detail += f" errno={exc.errno}"
    return f"SMTP delivery failed: {detail}"


# --- SMS ----------------------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Refuse redirects: urllib would replay the bearer token to wherever they point."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None


class SmsNotifier(Notifier):
    """Sends text messages through the SMS gateway's HTTP API.

    The gateway takes ``POST {"mobile": ..., "text": ...}`` with a bearer token; anything
    but a 2xx answer counts as a failure. A keyed message carries its key in the
    ``Idempotency-Key`` header: the gateway sends one text per key, however often it is
    asked (a retry after an answer lost on the way back).
    """

    def __init__(self, url: str, token: str, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise ValueError("the SMS gateway URL must be http or https")
        self.url = url
        self.token = token
        self.timeout = timeout
        self._opener = urllib.request.build_opener(_NoRedirects)

    def applies_to(self, message: Message) -> bool:
        return bool(message.to_mobile)

    def send(self, message: Message) -> None:
        if not self.applies_to(message):
            return
        status = self._post({"mobile": message.to_mobile, "text": message.body}, message.key)
        if not 200 <= status < 300:
            raise NotificationFailed(f"SMS gateway answered HTTP {status}")
        logger.info("SMS sent: purpose=%s to=%s", message.purpose, mask_mobile(message.to_mobile))

    def _post(self, payload: Mapping[str, Any], key: str | None = None) -> int:
        """POST ``payload`` as JSON and return the HTTP status; network errors raise."""
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
            "Authorization": f"Bearer {self.token}",
        }
        if key:
            headers["Idempotency-Key"] = key
        request = urllib.request.Request(
            self.url,
            data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            headers=headers,
            method="POST",
        )
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                response.read()
                return int(response.status)
        except urllib.error.HTTPError as exc:
            with exc:  # an HTTPError holds the open response; close it
                return int(exc.code)
        except OSError as exc:  # URLError, timeouts, refused connections
            raise NotificationFailed(f"SMS gateway unreachable: {type(exc).__name__}") from None


# --- fan-out ------------------------------------------------------------------------------


class FanOutNotifier(Notifier):
    """Sends through several channels, e.g. e-mail and SMS.

    The applicant is reached if any channel that applies succeeds, so a failure is raised
    only when every applicable channel failed, or when none applies at all (the message
    would otherwise vanish silently). Partial failures are logged without personal data.
    """

    def __init__(self, notifiers: Iterable[Notifier]) -> None:
        self.notifiers = tuple(notifiers)
        if not self.notifiers:
            raise ValueError("FanOutNotifier needs at least one notifier")

    def applies_to(self, message: Message) -> bool:
        return any(notifier.applies_to(message) for notifier in self.notifiers)

    def send(self, message: Message) -> None:
        applicable = [n for n in self.notifiers if n.applies_to(message)]
        if not applicable:
            raise NotificationFailed(f"no channel can deliver a {message.purpose} message")
        failures = [error for n in applicable if (error := _try_send(n, message)) is not None]
        if len(failures) == len(applicable):
            raise NotificationFailed("all channels failed: " + "; ".join(failures))
        for failure in failures:
            logger.warning("channel failed for purpose=%s: %s", message.purpose, failure)


def _try_send(notifier: Notifier, message: Message) -> str | None:
    """Send, returning a loggable description of the failure instead of raising."""
    try:
        notifier.send(message)
    except NotificationFailed as exc:
        return f"{type(notifier).__name__}: {exc}"
    return None


# --- configuration ------------------------------------------------------------------------


def notifier_from_config(config: Mapping[str, Any]) -> Notifier:
    """The notifier that the app's configuration asks for.

    ``NOTIFIER`` is ``log`` (default), ``smtp``, ``sms`` or ``smtp+sms``. A missing or bad
    setting raises ValueError naming the key, so a misconfigured deployment fails at
    start-up rather than when the first applicant waits for a code.
    """
    kind = str(config.get("NOTIFIER") or "log").strip().lower()
    if kind == "log":
        return LogNotifier()
    if kind == "smtp":
        return smtp_notifier_from_config(config)
    if kind == "sms":
        return sms_notifier_from_config(config)
    if kind == "smtp+sms":
        return FanOutNotifier([smtp_notifier_from_config(config), sms_notifier_from_config(config)])
    raise ValueError(f"NOTIFIER must be one of {', '.join(NOTIFIER_CHOICES)}, not {kind!r}")


def smtp_notifier_from_config(config: Mapping[str, Any]) -> SmtpNotifier:
    """An :class:`SmtpNotifier` from the ``SMTP_*`` keys.

    Credentials are refused over an unencrypted connection: they would cross the network
    in the clear. Implicit TLS defaults to port 465, where it is served; otherwise 25.
    """
    security = str(config.get("SMTP_SECURITY") or "none").strip().lower()
    if security not in SMTP_SECURITY_CHOICES:
        raise ValueError(f"SMTP_SECURITY must be one of {', '.join(SMTP_SECURITY_CHOICES)}")
    username = _optional(config, "SMTP_USERNAME")
    password = _optional(config, "SMTP_PASSWORD")
    if username is not None and password is None:
        raise ValueError("SMTP_PASSWORD is required when SMTP_USERNAME is set")
    if password is not None and username is None:
        raise ValueError("SMTP_USERNAME is required when SMTP_PASSWORD is set")
    if username is not None and security == "none":
        raise ValueError("SMTP_SECURITY must be starttls or tls when SMTP_USERNAME is set")
    return SmtpNotifier(
        _required(config, "SMTP_HOST"),
        _required(config, "SMTP_FROM"),
        port=_port(config, "SMTP_PORT", 465 if security == "tls" else 25),
        username=username,
        password=password,
        security=security,  # type: ignore[arg-type]  # checked above
        timeout=_seconds(config, "SMTP_TIMEOUT"),
    )


def sms_notifier_from_config(config: Mapping[str, Any]) -> SmsNotifier:
    """An :class:`SmsNotifier` from the ``SMS_*`` keys."""
    url = _required(config, "SMS_GATEWAY_URL")
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ValueError("SMS_GATEWAY_URL must be an http or https URL")
    return SmsNotifier(
        url, _required(config, "SMS_GATEWAY_TOKEN"), timeout=_seconds(config, "SMS_TIMEOUT")
    )


def _optional(config: Mapping[str, Any], key: str) -> str | None:
    """The key's value as text; unset and empty (as from an empty env variable) are None."""
    value = config.get(key)
    if value is None or str(value).strip() == "":
        return None
    return str(value).strip()


def _required(config: Mapping[str, Any], key: str) -> str:
    value = _optional(config, key)
    if value is None:
        raise ValueError(f"{key} is required for NOTIFIER={config.get('NOTIFIER')}")
    return value


def _port(config: Mapping[str, Any], key: str, default: int) -> int:
    value = _optional(config, key)
    if value is None:
        return default
    try:
        port = int(value)
    except ValueError:
        raise ValueError(f"{key} must be a port number") from None
    if not 0 < port < 65536:
        raise ValueError(f"{key} must be a port number")
    return port


def _seconds(config: Mapping[str, Any], key: str) -> float:
    value = _optional(config, key)
    if value is None:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        raise ValueError(f"{key} must be a number of seconds") from None
    if not seconds > 0:
        raise ValueError(f"{key} must be a number of seconds")
    return seconds
