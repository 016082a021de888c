"""Time-based one-time passwords (RFC 6238, SHA-1, 6 digits, 30 s), the staff's second factor.

The standard that every authenticator app speaks; twenty lines here rather than
a dependency. A code works once: the caller remembers the last step it accepted and
passes it as ``after_step``. Secrets are kept sealed (Fernet: AES-128-CBC with
HMAC-SHA256, from ``cryptography``) under TOTP_ENCRYPTION_KEY, so a copy of the database
alone gives nobody a second factor.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import time
from urllib.parse import quote

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

STEP_SECONDS = 30
DIGITS = 6


def new_secret() -> str:
    return base64.b32encode(secrets.token_bytes(20)).decode()


def code_at(secret: str, moment: float) -> str:
    return _code_for_step(secret, int(moment // STEP_SECONDS))


def _code_for_step(secret: str, counter: int) -> str:
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), "sha1").digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**DIGITS:0{DIGITS}d}"


def matching_step(
    secret: str,
    code: str,
    moment: float | None = None,
    drift_steps: int = 1,
    after_step: int | None = None,
) -> int | None:
    """The 30-s step whose code ``code`` is (now or one step either side: clocks drift),
    if that step is later than ``after_step``; None otherwise."""
    moment = time.time() if moment is None else moment
    code = (code or "").strip().replace(" ", "")
    now_step = int(moment // STEP_SECONDS)
    found = None
    for step in range(now_step - drift_steps, now_step + drift_steps + 1):
        # Compare every step, so the time taken does not say which one matched.
        if hmac.compare_digest(_code_for_step(secret, step), code) and found is None:
            found = step
    if found is None or (after_step is not None and found <= after_step):
        return None
    return found


def verify(secret: str, code: str, moment: float | None = None, drift_steps: int = 1) -> bool:
    """True if ``code`` is right now or one step either side (clocks drift)."""
    return matching_step(secret, code, moment, drift_steps) is not None


def provisioning_uri(secret: str, account: str, issuer: str = "OneWindow Hengyang") -> str:
    return (
        f"otpauth://totp/{quote(issuer)}:{quote(account)}?secret={secret}"
        f"&issuer={quote(issuer)}&digits={DIGITS}&period={STEP_SECONDS}"
    )


# Secrets at rest ----------------------------------------------------------------------------


class SecretUnreadable(Exception):
    """A sealed secret does not open with any configured key (wrong or rotated-out key)."""


def derived_key(secret_key: str) -> str:
    """A Fernet key derived from SECRET_KEY: for development and tests only."""
    digest = hashlib.sha256(b"onewindow totp encryption\0" + secret_key.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def parse_keys(setting: str) -> list[str]:
    """TOTP_ENCRYPTION_KEY: one Fernet key, or several separated by commas (the first seals,
    every one opens: a key is rotated by putting the new one first)."""
    return [key.strip() for key in setting.split(",") if key.strip()]


def check_keys(setting: str) -> None:
    """Raise ValueError unless every key is a Fernet key (32 url-safe base64 bytes)."""
    keys = parse_keys(setting)
    if not keys:
        raise ValueError("no key")
    for key in keys:
        Fernet(key.encode())


def _box(setting: str) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in parse_keys(setting)])


def seal(secret: str, setting: str) -> str:
    return _box(setting).encrypt(secret.encode()).decode()


def unseal(sealed: str, setting: str) -> str:
    try:
        return _box(setting).decrypt(sealed.encode()).decode()
    except InvalidToken as error:
        raise SecretUnreadable("the TOTP secret does not open with TOTP_ENCRYPTION_KEY") from error
