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
