"""Configuration from environment variables, one class per situation.

Every setting is documented in the README's configuration table. A setting
that production needs and that has no safe default stops start-up with a
sentence naming it.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigurationError(RuntimeError):
    """A required setting is missing or wrong."""


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _env_int(name: str, default: int) -> int:
    raw = _env(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{name} must be a whole number, not {raw!r}") from exc


def _env_bool(name: str, default: bool) -> bool:
    raw = _env(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Settings shared by every situation; read when the app is created."""

    def __init__(self, instance_path: Path) -> None:
        self.instance_path = instance_path
        self.SECRET_KEY = _env("SECRET_KEY")
        self.SQLALCHEMY_DATABASE_URI = _env(
            "DATABASE_URL", f"sqlite:///{instance_path / 'onewindow.db'}"
        )
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.GUIDES_DIR = Path(_env("GUIDES_DIR", str(PROJECT_ROOT / "guides")))
        self.RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", "memory://")
        # Keeps several portals (or test runs) apart in one shared Redis.
        self.RATELIMIT_KEY_PREFIX = _env("RATELIMIT_KEY_PREFIX", "")
        self.RATELIMIT_HEADERS_ENABLED = True
        self.SEARCH_RATE_LIMIT = _env("SEARCH_RATE_LIMIT", "60 per minute")
        self.API_RATE_LIMIT = _env("API_RATE_LIMIT", "300 per minute")
        self.FORCE_HTTPS = _env_bool("FORCE_HTTPS", False)
        self.SESSION_COOKIE_SECURE = self.FORCE_HTTPS
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.PREFERENCE_COOKIE_DAYS = _env_int("PREFERENCE_COOKIE_DAYS", 365)
        self.BABEL_DEFAULT_LOCALE = "zh_Hans_CN"
        self.BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
        self.BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_ROOT / "translations")
        self.SEARCH_MAX_LENGTH = _env_int("SEARCH_MAX_LENGTH", 100)
        self.API_MAX_PER_PAGE = 100
        self.TRUSTED_PROXIES = _env_int("TRUSTED_PROXIES", 0)
        self.CONSULTATION_PHONE = _env("CONSULTATION_PHONE", "0734-12345")
        self.PERMANENT_SESSION_LIFETIME = timedelta(minutes=_env_int("SESSION_IDLE_MINUTES", 30))
        self.SESSION_REFRESH_EACH_REQUEST = True
        self.SIGN_IN_MAX_FAILURES = _env_int("SIGN_IN_MAX_FAILURES", 5)
        self.SIGN_IN_LOCK_MINUTES = _env_int("SIGN_IN_LOCK_MINUTES", 15)
        # Failures for one account from every client before it is locked everywhere.
        self.SIGN_IN_ACCOUNT_MAX_FAILURES = _env_int("SIGN_IN_ACCOUNT_MAX_FAILURES", 100)
        self.TOTP_ENCRYPTION_KEY = _env("TOTP_ENCRYPTION_KEY")
        # Applicants' passwords and one-time codes (portal/accounts/operations.hash_secret):
        # Werkzeug's scrypt, N=2^15. Not read from the environment: nothing weakens it live.
        self.PASSWORD_METHOD = "scrypt"
        self.SIGN_IN_RATE_LIMIT = _env("SIGN_IN_RATE_LIMIT", "10 per minute")
        self.RESET_CODE_MINUTES = _env_int("RESET_CODE_MINUTES", 15)
        self.DRAFT_KEEP_DAYS = _env_int("DRAFT_KEEP_DAYS", 30)
        # The proxy window accepts or refuses a request within this many working days (§五).
        self.PROXY_ACCEPT_WORKING_DAYS = _env_int("PROXY_ACCEPT_WORKING_DAYS", 2)
        # The supervision office calls back a bad rating within this many working days (issue 11).
        self.RATING_CALL_BACK_DAYS = _env_int("RATING_CALL_BACK_DAYS", 1)
        # Electronic supervision (issue 11): a yellow card this many working days before a
        # deadline; a red card still open after this many working days goes to the office head.
        self.CARD_YELLOW_WORKING_DAYS = _env_int("CARD_YELLOW_WORKING_DAYS", 1)
        self.CARD_ESCALATE_WORKING_DAYS = _env_int("CARD_ESCALATE_WORKING_DAYS", 3)
        # The public performance page publishes a rating distribution only from this many.
        self.PERFORMANCE_MIN_RATINGS = _env_int("PERFORMANCE_MIN_RATINGS", 10)
        # Each instance keeps a month's figures this long (and tells caches the same).
        self.PERFORMANCE_CACHE_SECONDS = _env_int("PERFORMANCE_CACHE_SECONDS", 60)
        self.UPLOAD_MAX_FILE_BYTES = _env_int("UPLOAD_MAX_FILE_BYTES", 20_000_000)
        self.UPLOAD_MAX_APPLICATION_BYTES = _env_int("UPLOAD_MAX_APPLICATION_BYTES", 100_000_000)
        # A request is one file plus a few form fields; anything bigger is refused unread.
        self.MAX_CONTENT_LENGTH = self.UPLOAD_MAX_FILE_BYTES + 1_000_000
        self.MAX_FORM_MEMORY_SIZE = 1_000_000
        self.DOWNLOAD_URL_SECONDS = _env_int("DOWNLOAD_URL_SECONDS", 300)
        self.TRACK_RATE_LIMIT = _env("TRACK_RATE_LIMIT", "10 per minute")
        # Complaints filed per client and per account (Redis storage holds it across processes).
        self.COMPLAINT_RATE_LIMIT = _env("COMPLAINT_RATE_LIMIT", "5 per day")
        self.STORAGE_BACKEND = _env("STORAGE_BACKEND", "local")
        self.STORAGE_LOCAL_DIR = _env("STORAGE_LOCAL_DIR", str(instance_path / "uploads"))
        self.S3_ENDPOINT_URL = _env("S3_ENDPOINT_URL")
        self.S3_BUCKET = _env("S3_BUCKET")
        self.S3_ACCESS_KEY = _env("S3_ACCESS_KEY")
        self.S3_SECRET_KEY = _env("S3_SECRET_KEY")
        self.S3_REGION = _env("S3_REGION", "us-east-1")
        self.SCANNER = _env("SCANNER", "off")
        self.CLAMD_HOST = _env("CLAMD_HOST", "127.0.0.1")
        self.CLAMD_PORT = _env_int("CLAMD_PORT", 3310)
        self.CLAMD_SOCKET = _env("CLAMD_SOCKET")
        self.CLAMD_TIMEOUT = _env_int("CLAMD_TIMEOUT", 30)
        self.CLAMD_MAX_STREAM_BYTES = _env_int("CLAMD_MAX_STREAM_BYTES", 25 * 1024 * 1024)
        # refuse: no file is kept unscanned (see docs/architecture.md); hold: keep and flag it.
        self.SCANNER_DOWN_POLICY = _env("SCANNER_DOWN_POLICY", "refuse")
        self.NOTIFIER = _env("NOTIFIER", "log")
        for key in (
            "SMTP_HOST",
            "SMTP_PORT",
            "SMTP_USERNAME",
            "SMTP_PASSWORD",
            "SMTP_SECURITY",
            "SMTP_FROM",
            "SMTP_TIMEOUT",
            "SMS_GATEWAY_URL",
            "SMS_GATEWAY_TOKEN",
            "SMS_TIMEOUT",
        ):
            setattr(self, key, _env(key))
        # How long a message to a person is retried before it is parked (and shown "not sent"
        # in their message box); apart from the back office's, whose outages differ.
        self.MESSAGE_RETRY_HOURS = _env_int("MESSAGE_RETRY_HOURS", 24)
        # Where the portal is reached: links in e-mails, and the material links local storage
        # puts in the back office's case document (none without it).
        self.PORTAL_URL = (_env("PORTAL_URL") or "").rstrip("/")
        self.TRAFFIC_LIGHT_WARN_DAYS = _env_int("TRAFFIC_LIGHT_WARN_DAYS", 1)
        self.BACKOFFICE_BACKEND = _env("BACKOFFICE_BACKEND", "log")
        self.BACKOFFICE_URL = _env("BACKOFFICE_URL")
        self.BACKOFFICE_SECRET = _env("BACKOFFICE_SECRET")
        self.BACKOFFICE_TIMEOUT = _env_int("BACKOFFICE_TIMEOUT", 10)
        # Retry a failing delivery (and a message to a person) for this long before parking it.
        self.BACKOFFICE_RETRY_HOURS = _env_int("BACKOFFICE_RETRY_HOURS", 24)
        self.BACKOFFICE_RETRY_CAP_SECONDS = _env_int("BACKOFFICE_RETRY_CAP_SECONDS", 600)
        # The back-office system BACKOFFICE_URL delivers to: only it may report on those cases.
        self.BACKOFFICE_SYSTEM = _env("BACKOFFICE_SYSTEM", "back-office")
        self.HOLIDAYS_DIR = Path(_env("HOLIDAYS_DIR", str(PROJECT_ROOT / "guides" / "holidays")))
        # The PBoC central parity table the proxy eligibility check converts with.
        self.EXCHANGE_RATES_FILE = Path(
            _env("EXCHANGE_RATES_FILE", str(PROJECT_ROOT / "guides" / "exchange_rates.yaml"))
        )
        self.PAGE_CACHE_ENABLED = _env_bool("PAGE_CACHE_ENABLED", True)
        self.PAGE_CACHE_MAX_ENTRIES = _env_int("PAGE_CACHE_MAX_ENTRIES", 2000)
        self.PAGE_CACHE_VERSION_SECONDS = _env_int("PAGE_CACHE_VERSION_SECONDS", 5)

    def check(self) -> None:
        """Stop start-up when a required setting is missing."""
        if not self.SECRET_KEY:
            raise ConfigurationError(
                "SECRET_KEY is not set: set it to a long random string (see the README)."
            )
        if self.TOTP_ENCRYPTION_KEY:
            from portal.accounts.totp import check_keys

            try:
                check_keys(self.TOTP_ENCRYPTION_KEY)
            except ValueError as exc:
                raise ConfigurationError(
                    "TOTP_ENCRYPTION_KEY must be one or more Fernet keys separated by commas "
                    "(make one with: python -c 'from cryptography.fernet import Fernet; "
                    "print(Fernet.generate_key().decode())')"
                ) from exc
        if self.SCANNER_DOWN_POLICY not in ("refuse", "hold"):
            raise ConfigurationError("SCANNER_DOWN_POLICY must be 'refuse' or 'hold'")
        if self.STORAGE_BACKEND == "s3":
            for key in ("S3_ENDPOINT_URL", "S3_BUCKET", "S3_ACCESS_KEY", "S3_SECRET_KEY"):
                if not getattr(self, key):
                    raise ConfigurationError(f"{key} is required when STORAGE_BACKEND is s3")


class DevelopmentConfig(Config):
    """The embedded default: SQLite and a local folder under instance/."""

    def __init__(self, instance_path: Path) -> None:
        super().__init__(instance_path)
        if not self.SECRET_KEY:
            self.SECRET_KEY = _instance_secret(instance_path)
        _derive_totp_key(self)


# Production fails closed: each stand-in that keeps a checkout runnable (no virus scan, messages
# and case documents only written to the log) stops start-up unless its own setting accepts it.
FAIL_CLOSED_DEFAULTS: tuple[tuple[str, str, str, str], ...] = (
    ("SCANNER", "off", "ALLOW_UNSCANNED_UPLOADS", "uploads would be stored without a virus scan"),
    ("NOTIFIER", "log", "ALLOW_LOG_NOTIFIER", "applicants would get no e-mail or SMS"),
    (
        "BACKOFFICE_BACKEND",
        "log",
        "ALLOW_LOG_BACKOFFICE",
        "accepted cases would never reach the back office",
    ),
)


class ProductionConfig(Config):
    def __init__(self, instance_path: Path) -> None:
        super().__init__(instance_path)
        self.SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
        for _setting, _default, allowance, _why in FAIL_CLOSED_DEFAULTS:
            setattr(self, allowance, _env_bool(allowance, False))

    def check(self) -> None:
        super().check()
        for setting, stand_in, allowance, why in FAIL_CLOSED_DEFAULTS:
            value = str(getattr(self, setting) or "").strip().lower()
            if value == stand_in and not getattr(self, allowance):
                raise ConfigurationError(
                    f"{setting}={stand_in} in production: {why}. Configure {setting} "
                    f"(see the README), or set {allowance}=true to accept this explicitly."
                )
        if not self.TOTP_ENCRYPTION_KEY:
            raise ConfigurationError(
                "TOTP_ENCRYPTION_KEY is not set: staff authenticator secrets are encrypted "
                "with it (see the README)."
            )


class TestConfig(Config):
    def __init__(self, instance_path: Path) -> None:
        super().__init__(instance_path)
        self.TESTING = True
        self.SECRET_KEY = "test-only-secret"
        _derive_totp_key(self)
        self.RATELIMIT_ENABLED = _env_bool("TEST_RATELIMIT_ENABLED", False)
        # Tests post forms directly; tests/test_security.py checks CSRF with it switched on.
        self.WTF_CSRF_ENABLED = _env_bool("TEST_CSRF_ENABLED", False)
        # Tests reload content and expect to see it at once.
        self.PAGE_CACHE_VERSION_SECONDS = 0
        # Tests write cases and read their figures at once.
        self.PERFORMANCE_CACHE_SECONDS = 0
        # A 0.3 s hash per password made or checked was a fifth of the suite's time. The
        # same scrypt at N=2^10 is 50 times cheaper; tests/test_app.py holds every other
        # situation to the full strength.
        self.PASSWORD_METHOD = "scrypt:1024:8:1"


def _derive_totp_key(config: Config) -> None:
    """Development and tests only: a TOTP key from SECRET_KEY when none is set."""
    if not config.TOTP_ENCRYPTION_KEY:
        from portal.accounts.totp import derived_key

        config.TOTP_ENCRYPTION_KEY = derived_key(config.SECRET_KEY)


def _instance_secret(instance_path: Path) -> str:
    """A development secret kept in instance/ so sessions survive a restart."""
    path = instance_path / "secret_key"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "test": TestConfig,
}


def load_config(
    instance_path: Path, overrides: dict | None = None, name: str | None = None
) -> dict:
    name = name or _env("ONEWINDOW_ENV", "development") or "development"
    if name not in CONFIGS:
        raise ConfigurationError(f"ONEWINDOW_ENV must be one of {', '.join(CONFIGS)}, not {name!r}")
    config = CONFIGS[name](instance_path)
    for key, value in (overrides or {}).items():
        setattr(config, key, value)
    config.check()
    return {key: getattr(config, key) for key in dir(config) if key.isupper()}
