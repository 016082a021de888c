"""The factory and its configuration."""

from __future__ import annotations

import pytest

from portal import create_app
from portal.config import ConfigurationError


def test_production_refuses_to_start_without_a_secret(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app(config_name="production")


def test_an_unknown_environment_is_named(monkeypatch):
    monkeypatch.setenv("ONEWINDOW_ENV", "staging")
    with pytest.raises(ConfigurationError, match="ONEWINDOW_ENV"):
        create_app()


def test_a_bad_number_setting_is_named(monkeypatch):
    monkeypatch.setenv("SEARCH_MAX_LENGTH", "lots")
    with pytest.raises(ConfigurationError, match="SEARCH_MAX_LENGTH"):
        create_app(config_name="test")


def test_health(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


PRODUCTION_READY = {
    "SECRET_KEY": "a-long-production-secret",
    "SCANNER": "clamd",
    "NOTIFIER": "smtp",
    "SMTP_HOST": "127.0.0.1",
    "SMTP_FROM": "portal@example.gov.cn",
    "BACKOFFICE_BACKEND": "webhook",
    "BACKOFFICE_URL": "http://127.0.0.1:9/cases",
    "BACKOFFICE_SECRET": "shared-secret",
    "TOTP_ENCRYPTION_KEY": "tiy6_FAs2oPt5n7eLLlSy6VtDjvEyec4Obsi9iigteA=",
}


def _production_env(monkeypatch, **changes):
    for name in ("ALLOW_UNSCANNED_UPLOADS", "ALLOW_LOG_NOTIFIER", "ALLOW_LOG_BACKOFFICE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in (PRODUCTION_READY | changes).items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)


def test_production_starts_with_real_scanner_notifier_and_back_office(monkeypatch):
    _production_env(monkeypatch)
    app = create_app(config_name="production")
    assert app.extensions["scanner"].enabled


@pytest.mark.parametrize(
    ("setting", "stand_in", "allowance"),
    [
        ("SCANNER", "off", "ALLOW_UNSCANNED_UPLOADS"),
        ("NOTIFIER", "log", "ALLOW_LOG_NOTIFIER"),
        ("BACKOFFICE_BACKEND", "log", "ALLOW_LOG_BACKOFFICE"),
    ],
)
def test_production_refuses_each_stand_in_naming_the_setting(
    monkeypatch, setting, stand_in, allowance
):
    _production_env(monkeypatch, **{setting: stand_in})
    with pytest.raises(ConfigurationError, match=f"{setting}={stand_in}.*{allowance}=true"):
        create_app(config_name="production")
    # The embedded default (the setting left unset) is refused the same way.
    _production_env(monkeypatch, **{setting: None})
    with pytest.raises(ConfigurationError, match=allowance):
        create_app(config_name="production")
    # Switched off by its own setting, and only that one, production starts.
    monkeypatch.setenv(allowance, "true")
    create_app(config_name="production")


def test_allowing_one_stand_in_does_not_allow_the_others(monkeypatch):
    _production_env(monkeypatch, SCANNER="off", NOTIFIER="log", BACKOFFICE_BACKEND="log")
    monkeypatch.setenv("ALLOW_UNSCANNED_UPLOADS", "true")
    monkeypatch.setenv("ALLOW_LOG_BACKOFFICE", "true")
    with pytest.raises(ConfigurationError, match="NOTIFIER=log"):
        create_app(config_name="production")


def test_passwords_are_hashed_at_full_strength_outside_tests(monkeypatch):
    """Tests hash with a cheap scrypt (TestConfig); production and development never do."""
    from portal.accounts.operations import dummy_password_check, hash_secret

    _production_env(monkeypatch)
    monkeypatch.setenv("SECRET_KEY", "a-long-production-secret")
    for name in ("production", "development"):
        app = create_app(config_name=name)
        with app.app_context():
            assert hash_secret("a long passphrase").startswith("scrypt:32768:8:1$")
            dummy_password_check("a long passphrase")  # its hash is made by the same method
    assert create_app(config_name="test").config["PASSWORD_METHOD"] == "scrypt:1024:8:1"


def test_development_keeps_the_embedded_stand_ins(monkeypatch):
    for name in ("SCANNER", "NOTIFIER", "BACKOFFICE_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET_KEY", "a-development-secret")
    app = create_app(config_name="development")
    assert app.config["NOTIFIER"] == "log" and app.config["BACKOFFICE_BACKEND"] == "log"


def _unused_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_database_that_is_away_answers_503_with_retry_after_in_the_readers_language():
    # A PostgreSQL restart looks like this to the portal: nobody answers on its port.
    url = f"postgresql+psycopg://postgres@127.0.0.1:{_unused_port()}/gone"
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "PAGE_CACHE_ENABLED": False}, config_name="test"
    )
    client = app.test_client()
    page = client.get("/fees")
    assert page.status_code == 503 and page.headers["Retry-After"] == "30"
    assert "请过一分钟后再试" in page.get_data(as_text=True)
    client.get("/language/en")
    english = client.get("/items/430400-SC-XK-0001")
    assert english.status_code == 503 and "try again in a minute" in english.get_data(as_text=True)
    api = client.get("/api/v1/items")
    assert api.status_code == 503 and api.get_json()["error"]["status"] == 503
