"""Time-based one-time passwords (RFC 6238, SHA-1, 6 digits, 30 s), the staff's second factor.

The standard that every authenticator app speaks; twenty lines here rather than
a dependency.
"""

from __future__ import annotations

import base64
import hmac
import secrets
import struct
import time
from urllib.parse import quote

STEP_SECONDS = 30
DIGITS = 6


def new_secret() -> str:
    return base64.b32encode(secrets.token_bytes(20)).decode()


def code_at(secret: str, moment: float) -> str:
    counter = int(moment // STEP_SECONDS)
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), "sha1").digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**DIGITS:0{DIGITS}d}"


def verify(secret: str, code: str, moment: float | None = None, drift_steps: int = 1) -> bool:
    """True if ``code`` is right now or one step either side (clocks drift)."""
    moment = time.time() if moment is None else moment
    code = (code or "").strip().replace(" ", "")
    return any(
        hmac.compare_digest(code_at(secret, moment + step * STEP_SECONDS), code)
        for step in range(-drift_steps, drift_steps + 1)
    )


def provisioning_uri(secret: str, account: str, issuer: str = "OneWindow Hengyang") -> str:
    return (
        f"otpauth://totp/{quote(issuer)}:{quote(account)}?secret={secret}"
        f"&issuer={quote(issuer)}&digits={DIGITS}&period={STEP_SECONDS}"
    )
