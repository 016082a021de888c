"""The notifier: real SMTP delivery, the SMS gateway call, logging without secrets, config."""

from __future__ import annotations

import logging
import socket
import ssl
import time

import pytest

from portal.notify import (
    FanOutNotifier,
    LogNotifier,
    Message,
    NotificationFailed,
    Notifier,
    SmsNotifier,
    SmtpNotifier,
    mask_email,
    mask_mobile,
    notifier_from_config,
)
from tests.fixtures.smtp import SmsGateway, SmtpSink, TlsSmtpSink

CODE = "834512"
SUBJECT = "一窗通：密码重置验证码"
BODY = f"您好，王小明：\n\n您的密码重置验证码是 {CODE}，10 分钟内有效。\n\n衡阳市政务服务中心"
SENDER = "一窗通 <noreply@hengyang.example>"


def message(
    to_email: str | None = "wang@example.com",
    to_mobile: str | None = "13812345678",
    purpose: str = "password-reset",
) -> Message:
    return Message(to_email, to_mobile, SUBJECT, BODY, purpose)


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (it was free a moment ago)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def smtp_notifier(server: SmtpSink, **options) -> SmtpNotifier:
    return SmtpNotifier(server.host, SENDER, port=server.port, timeout=5, **options)


# --- SMTP ---------------------------------------------------------------------------------


def test_smtp_delivers_chinese_subject_and_body(smtp_server: SmtpSink) -> None:
    to = "zhang.delivery@example.com"
    smtp_notifier(smtp_server).send(message(to_email=to))

    [received] = smtp_server.messages(to=to)
    assert received["Subject"] == SUBJECT
    assert received.get_content().strip() == BODY.strip()
    assert received.get_content_charset() == "utf-8"
    assert str(received["To"]) == to
    [sender] = received["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("一窗通", "noreply@hengyang.example")
    assert received["X-Sink-Mail-From"] == "noreply@hengyang.example"
    assert received["Message-ID"].endswith("@hengyang.example>")
    assert received["Date"]


def test_a_keyed_email_has_the_same_message_id_every_time(smtp_server: SmtpSink) -> None:
    to = "li.keyed@example.com"
    keyed = Message(to, None, SUBJECT, BODY, "accepted", key="5f" * 16)
    smtp_notifier(smtp_server).send(keyed)
    smtp_notifier(smtp_server).send(keyed)
    first, second = smtp_server.messages(count=2, to=to)
    assert first["Message-ID"] == second["Message-ID"] == f"<{'5f' * 16}@hengyang.example>"


def test_smtp_headers_are_ascii_on_the_wire(smtp_server: SmtpSink) -> None:
    """Encoded words and base64 keep the mail deliverable by relays without SMTPUTF8."""
    to = "li.wire@example.com"
    smtp_notifier(smtp_server).send(message(to_email=to))

    [received] = smtp_server.messages(to=to)
    raw = received.as_bytes(policy=received.policy.clone(cte_type="7bit"))
    raw.decode("ascii")  # would raise on any raw Chinese byte
    assert received["Content-Transfer-Encoding"] == "base64"


def test_smtp_via_config_reaches_the_server(smtp_server: SmtpSink) -> None:
    to = "config.path@example.com"
    notifier = notifier_from_config(
        {
            "NOTIFIER": "smtp",
            "SMTP_HOST": smtp_server.host,
            "SMTP_PORT": str(smtp_server.port),
            "SMTP_FROM": SENDER,
            "SMTP_TIMEOUT": "5",
        }
    )
    notifier.send(message(to_email=to, purpose="application-received"))
    assert len(smtp_server.messages(to=to)) == 1


def test_smtp_starttls_and_login(smtp_tls_server: TlsSmtpSink) -> None:
    to = "secure@example.com"
    notifier = smtp_notifier(
        smtp_tls_server,
        security="starttls",
        username=smtp_tls_server.username,
        password=smtp_tls_server.password,
        ssl_context=ssl.create_default_context(cafile=smtp_tls_server.ca_file),
    )
    notifier.send(message(to_email=to))

    [received] = smtp_tls_server.messages(to=to)
    assert received["X-Sink-Tls"] == "yes"
    assert received["X-Sink-Auth-Login"] == smtp_tls_server.username
    assert received["Subject"] == SUBJECT


def test_smtp_wrong_password_fails_without_leaking_it(smtp_tls_server: TlsSmtpSink) -> None:
    notifier = smtp_notifier(
        smtp_tls_server,
        security="starttls",
        username=smtp_tls_server.username,
        password="not-the-password",
        ssl_context=ssl.create_default_context(cafile=smtp_tls_server.ca_file),
    )
    with pytest.raises(NotificationFailed) as caught:
        notifier.send(message())
    assert "535" in str(caught.value)
    assert "not-the-password" not in str(caught.value)


def test_smtp_untrusted_certificate_fails(smtp_tls_server: TlsSmtpSink) -> None:
    """Without the test CA the server's certificate is not trusted: no silent downgrade."""
    notifier = smtp_notifier(smtp_tls_server, security="starttls")
    with pytest.raises(NotificationFailed, match="SSLCertVerificationError"):
        notifier.send(message())


def test_smtp_starttls_refused_by_plain_server(smtp_server: SmtpSink) -> None:
    """A server that cannot encrypt gets nothing, rather than the message in the clear."""
    to = "never.plain@example.com"
    with pytest.raises(NotificationFailed, match="SMTPNotSupportedError"):
        smtp_notifier(smtp_server, security="starttls").send(message(to_email=to))
    assert smtp_server.messages(to=to, timeout=0.2) == []


def test_smtp_server_down_fails_quickly() -> None:
    notifier = SmtpNotifier("127.0.0.1", SENDER, port=closed_port(), timeout=3)
    started = time.monotonic()
    with pytest.raises(NotificationFailed) as caught:
        notifier.send(message())
    assert time.monotonic() - started < 2
    assert "ConnectionRefusedError" in str(caught.value)
    assert "wang@example.com" not in str(caught.value)
    assert caught.value.__cause__ is None


def test_smtp_skips_messages_without_email() -> None:
    """No address, no connection: the closed port would fail if it were tried."""
    notifier = SmtpNotifier("127.0.0.1", SENDER, port=closed_port(), timeout=3)
    notifier.send(message(to_email=None))
    assert not notifier.applies_to(message(to_email=None))


def test_smtp_rejects_header_injection() -> None:
    notifier = SmtpNotifier("127.0.0.1", SENDER, port=closed_port())
    bad = Message("a@example.com", None, "Hi\r\nBcc: victim@example.com", "body", "test")
    with pytest.raises(NotificationFailed, match="headers"):
        notifier.send(bad)


# --- log ----------------------------------------------------------------------------------


def test_log_notifier_logs_purpose_and_masked_recipient_never_the_body(caplog) -> None:
    notifier = LogNotifier()
    with caplog.at_level(logging.DEBUG, logger="portal.notify"):
        notifier.send(message())

    [record] = [r for r in caplog.records if r.name == "portal.notify"]
    text = record.getMessage()
    assert "password-reset" in text
    assert "w***@example.com" in text
    assert "138****5678" in text
    assert CODE not in caplog.text
    assert BODY not in caplog.text
    assert "wang@example.com" not in caplog.text
    assert "13812345678" not in caplog.text


def test_log_notifier_keeps_the_last_messages() -> None:
    notifier = LogNotifier(keep=3)
    sent = [message(purpose=f"p{i}") for i in range(5)]
    for item in sent:
        notifier.send(item)
    assert notifier.outbox == sent[-3:]
    assert notifier.outbox[-1].body == BODY  # tests and developers can read the code


# --- SMS ----------------------------------------------------------------------------------


def test_sms_posts_json_with_bearer_token(sms_gateway: SmsGateway) -> None:
    SmsNotifier(sms_gateway.url, "tok-123", timeout=5).send(message(to_email=None))

    [request] = sms_gateway.requests
    assert request.method == "POST"
    assert request.path == "/v1/sms"
    assert request.headers["authorization"] == "Bearer tok-123"
    assert request.headers["content-type"].startswith("application/json")
    assert request.json() == {"mobile": "13812345678", "text": BODY}


def test_a_keyed_sms_carries_its_idempotency_key(sms_gateway: SmsGateway) -> None:
    keyed = Message(None, "13812345678", "", BODY, "accepted", key="ab" * 16)
    SmsNotifier(sms_gateway.url, "tok", timeout=5).send(keyed)
    SmsNotifier(sms_gateway.url, "tok", timeout=5).send(message(to_email=None))
    first, unkeyed = sms_gateway.requests
    assert first.headers["idempotency-key"] == "ab" * 16
    assert "idempotency-key" not in unkeyed.headers


def test_sms_raises_on_500_without_personal_data(sms_gateway: SmsGateway) -> None:
    sms_gateway.status = 500
    with pytest.raises(NotificationFailed, match="HTTP 500") as caught:
        SmsNotifier(sms_gateway.url, "tok", timeout=5).send(message())
    assert "13812345678" not in str(caught.value)
    assert CODE not in str(caught.value)


def test_sms_does_not_follow_redirects(sms_gateway: SmsGateway) -> None:
    """urllib would resend the bearer token to the redirect target."""
    sms_gateway.status = 302
    with pytest.raises(NotificationFailed, match="HTTP 302"):
        SmsNotifier(sms_gateway.url, "tok", timeout=5).send(message())
    assert len(sms_gateway.requests) == 1


def test_sms_gateway_unreachable() -> None:
    notifier = SmsNotifier(f"http://127.0.0.1:{closed_port()}/sms", "tok", timeout=3)
    with pytest.raises(NotificationFailed, match="unreachable"):
        notifier.send(message())


def test_sms_skips_messages_without_mobile(sms_gateway: SmsGateway) -> None:
    SmsNotifier(sms_gateway.url, "tok", timeout=5).send(message(to_mobile=None))
    assert sms_gateway.requests == []


# --- fan-out ------------------------------------------------------------------------------


class Broken(Notifier):
    """A channel that always fails, for the fan-out's bookkeeping."""

    def __init__(self, applies: bool = True) -> None:
        self.applies = applies
        self.tried = 0

    def applies_to(self, message: Message) -> bool:
        return self.applies

    def send(self, message: Message) -> None:
        self.tried += 1
        raise NotificationFailed("broken channel")


def test_fan_out_sends_email_and_sms(smtp_server: SmtpSink, sms_gateway: SmsGateway) -> None:
    to = "both.channels@example.com"
    notifier = FanOutNotifier(
        [smtp_notifier(smtp_server), SmsNotifier(sms_gateway.url, "tok", timeout=5)]
    )
    notifier.send(message(to_email=to, purpose="supplements-requested"))
    assert len(smtp_server.messages(to=to)) == 1
    assert [r.json()["mobile"] for r in sms_gateway.requests] == ["13812345678"]


def test_fan_out_tolerates_one_failure(sms_gateway: SmsGateway, caplog) -> None:
    down = SmtpNotifier("127.0.0.1", SENDER, port=closed_port(), timeout=3)
    notifier = FanOutNotifier([down, SmsNotifier(sms_gateway.url, "tok", timeout=5)])
    with caplog.at_level(logging.WARNING, logger="portal.notify"):
        notifier.send(message())
    assert len(sms_gateway.requests) == 1
    assert "SmtpNotifier" in caplog.text
    assert "wang@example.com" not in caplog.text


def test_fan_out_fails_when_all_applicable_fail() -> None:
    first, second = Broken(), Broken()
    with pytest.raises(NotificationFailed, match="all channels failed"):
        FanOutNotifier([first, second]).send(message())
    assert (first.tried, second.tried) == (1, 1)


def test_fan_out_ignores_channels_that_do_not_apply() -> None:
    """The SMS channel cannot help an applicant without a mobile, so e-mail failing is fatal."""
    skipped, failing = Broken(applies=False), Broken()
    with pytest.raises(NotificationFailed):
        FanOutNotifier([skipped, failing]).send(message(to_mobile=None))
    assert skipped.tried == 0


def test_fan_out_with_no_applicable_channel_fails() -> None:
    with pytest.raises(NotificationFailed, match="no channel"):
        FanOutNotifier([Broken(applies=False)]).send(message())


def test_fan_out_succeeds_when_log_channel_works() -> None:
    log = LogNotifier()
    FanOutNotifier([Broken(), log]).send(message())
    assert len(log.outbox) == 1


# --- configuration ------------------------------------------------------------------------

SMTP_CONFIG = {"NOTIFIER": "smtp", "SMTP_HOST": "mail.example", "SMTP_FROM": SENDER}
SMS_CONFIG = {
    "NOTIFIER": "sms",
    "SMS_GATEWAY_URL": "https://sms.example/v1",
    "SMS_GATEWAY_TOKEN": "t",
}


def test_config_defaults_to_log() -> None:
    assert isinstance(notifier_from_config({}), LogNotifier)
    assert isinstance(notifier_from_config({"NOTIFIER": "log"}), LogNotifier)


def test_config_smtp_defaults() -> None:
    notifier = notifier_from_config(SMTP_CONFIG)
    assert isinstance(notifier, SmtpNotifier)
    assert (notifier.port, notifier.security, notifier.timeout) == (25, "none", 10)
    assert notifier.username is None


def test_config_smtp_implicit_tls_defaults_to_465() -> None:
    notifier = notifier_from_config({**SMTP_CONFIG, "SMTP_SECURITY": "tls"})
    assert isinstance(notifier, SmtpNotifier)
    assert notifier.port == 465


def test_config_smtp_plus_sms_is_a_fan_out() -> None:
    notifier = notifier_from_config({**SMTP_CONFIG, **SMS_CONFIG, "NOTIFIER": "smtp+sms"})
    assert isinstance(notifier, FanOutNotifier)
    assert [type(n) for n in notifier.notifiers] == [SmtpNotifier, SmsNotifier]


@pytest.mark.parametrize(
    ("config", "key"),
    [
        ({**SMTP_CONFIG, "SMTP_HOST": None}, "SMTP_HOST"),
        ({**SMTP_CONFIG, "SMTP_FROM": ""}, "SMTP_FROM"),
        ({**SMS_CONFIG, "SMS_GATEWAY_URL": None}, "SMS_GATEWAY_URL"),
        ({**SMS_CONFIG, "SMS_GATEWAY_TOKEN": ""}, "SMS_GATEWAY_TOKEN"),
        (
            {**SMTP_CONFIG, **SMS_CONFIG, "NOTIFIER": "smtp+sms", "SMS_GATEWAY_TOKEN": ""},
            "SMS_GATEWAY_TOKEN",
        ),
        ({**SMS_CONFIG, "SMS_GATEWAY_URL": "file:///etc/passwd"}, "SMS_GATEWAY_URL"),
        ({**SMTP_CONFIG, "SMTP_PORT": "smtp"}, "SMTP_PORT"),
        ({**SMTP_CONFIG, "SMTP_PORT": 70000}, "SMTP_PORT"),
        ({**SMTP_CONFIG, "SMTP_TIMEOUT": "0"}, "SMTP_TIMEOUT"),
        ({**SMS_CONFIG, "SMS_TIMEOUT": "soon"}, "SMS_TIMEOUT"),
        ({**SMTP_CONFIG, "SMTP_SECURITY": "ssl3"}, "SMTP_SECURITY"),
        ({**SMTP_CONFIG, "SMTP_SECURITY": "tls", "SMTP_USERNAME": "u"}, "SMTP_PASSWORD"),
        ({**SMTP_CONFIG, "SMTP_USERNAME": "u", "SMTP_PASSWORD": "p"}, "SMTP_SECURITY"),
        ({"NOTIFIER": "pigeon"}, "NOTIFIER"),
    ],
)
def test_config_errors_name_the_key(config: dict, key: str) -> None:
    with pytest.raises(ValueError, match=key):
        notifier_from_config(config)


def test_config_never_echoes_the_password() -> None:
    config = {**SMTP_CONFIG, "SMTP_USERNAME": "u", "SMTP_PASSWORD": "hunter2"}
    with pytest.raises(ValueError) as caught:
        notifier_from_config(config)
    assert "hunter2" not in str(caught.value)


# --- masking and messages -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("wang@example.com", "w***@example.com"),
        ("w@example.com", "w***@example.com"),
        ("Zhang.San+gov@mail.hengyang.example", "Z***@mail.hengyang.example"),
        ("no-at-sign", "***"),
        ("@example.com", "***"),
        ("", "***"),
        (None, "***"),
    ],
)
def test_mask_email(address: str | None, masked: str) -> None:
    assert mask_email(address) == masked


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("13812345678", "138****5678"),
        ("138 1234 5678", "138****5678"),
        ("138-1234-5678", "138****5678"),
        ("+8613812345678", "+86****5678"),
        ("8123456", "****56"),
        ("1234", "****"),
        (None, "****"),
    ],
)
def test_mask_mobile(number: str | None, masked: str) -> None:
    assert mask_mobile(number) == masked


def test_message_needs_a_recipient() -> None:
    with pytest.raises(ValueError, match="to_email or to_mobile"):
        Message(None, None, "s", "b", "test")
