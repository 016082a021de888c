"""Check characters of Chinese identity numbers, so a typo is caught at the form.

Citizen ID (居民身份证号, GB 11643-1999): 17 digits and an ISO 7064 MOD 11-2
check character. Unified social credit code (统一社会信用代码, GB 32100-2015):
18 characters from a 31-letter alphabet with a MOD 31 check character. The
first character of a credit code may be a letter (A, N, Y …), which some
libraries wrongly reject.
"""

from __future__ import annotations

import re
from datetime import date

from portal.clock import beijing

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
ID_PATTERN = re.compile(r"[1-9]\d{16}[\dX]")

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
CREDIT_PATTERN = re.compile(rf"[{CREDIT_ALPHABET}]{{18}}")


def normalize_identifier(value: str) -> str:
    """Upper case, no spaces: people type x for X and add spaces in groups."""
    return re.sub(r"\s+", "", value or "").upper()


def citizen_id_check_character(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def is_valid_citizen_id(value: str, today: date | None = None) -> bool:
    number = normalize_identifier(value)
    if not ID_PATTERN.fullmatch(number):
        return False
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if not date(1900, 1, 1) <= birth <= (today or beijing.today()):
        return False
    return citizen_id_check_character(number[:17]) == number[17]


def credit_code_check_character(first17: str) -> str:
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def is_valid_credit_code(value: str) -> bool:
    code = normalize_identifier(value)
    if not CREDIT_PATTERN.fullmatch(code):
        return False
    return credit_code_check_character(code[:17]) == code[17]


def mask_citizen_id(value: str) -> str:
    """Show the region and the last four: enough to recognise, not to reuse."""
    number = normalize_identifier(value)
    return number[:3] + "*" * (len(number) - 7) + number[-4:] if len(number) > 7 else "****"


def mask_mobile(value: str) -> str:
    digits = normalize_identifier(value)
    return digits[:3] + "****" + digits[-4:] if len(digits) >= 11 else "****"


def mask_name(value: str) -> str:
    """王芳 → 王*, 欧阳娜娜 → 欧***: the family name is enough to recognise oneself."""
    return value[:1] + "*" * max(len(value) - 1, 1) if value else ""


MOBILE_PATTERN = re.compile(r"1[3-9]\d{9}")


def is_valid_mobile(value: str) -> bool:
    return MOBILE_PATTERN.fullmatch(normalize_identifier(value)) is not None
