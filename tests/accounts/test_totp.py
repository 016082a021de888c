"""The staff's second factor matches RFC 6238's own test vectors."""

from __future__ import annotations

import base64

from portal.accounts import totp

RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()


def test_the_rfc_6238_test_vectors():
    # RFC 6238 Appendix B, SHA-1, truncated to six digits.
    assert totp.code_at(RFC_SECRET, 59) == "287082"
    assert totp.code_at(RFC_SECRET, 1111111109) == "081804"
    assert totp.code_at(RFC_SECRET, 1234567890) == "005924"
    assert totp.code_at(RFC_SECRET, 2000000000) == "279037"


def test_a_code_is_accepted_one_step_either_side_and_not_beyond():
    secret = totp.new_secret()
    now = 1_800_000_000
    assert totp.verify(secret, totp.code_at(secret, now - 30), now)
    assert totp.verify(secret, totp.code_at(secret, now + 30), now)
    assert not totp.verify(secret, totp.code_at(secret, now - 90), now)
    assert not totp.verify(secret, "", now)


def test_the_provisioning_uri_names_the_account():
    uri = totp.provisioning_uri("ABC", "zhang.wei")
    assert uri.startswith("otpauth://totp/OneWindow%20Hengyang:zhang.wei?secret=ABC")
