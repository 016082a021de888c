"""Application numbers and query codes.

A number reads HY-20261127-00012-7: the day it was submitted, that day's
sequence, and an ISO 7064 MOD 11-2 check character (as on a citizen ID), so a
mistyped number is caught before it is looked up. The sequence comes from one
counter row per day, incremented in the submitting transaction: PostgreSQL's row
lock makes concurrent submissions take distinct numbers.
"""

from __future__ import annotations

import re
import secrets
from datetime import date

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.filing.models import NoticeCounter, NumberCounter

PREFIX = "HY"
NUMBER_PATTERN = re.compile(r"HY(\d{8})(\d{5})([\dX])")
# No 0/O, 1/I/L: a code read out over the phone should survive.
QUERY_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
QUERY_CODE_LENGTH = 6


def check_character(digits: str) -> str:
    remainder = 0
    for digit in digits:
        remainder = ((remainder + int(digit)) * 2) % 11
    value = (12 - remainder) % 11
    return "X" if value == 10 else str(value)


def _increment(day_key: str) -> int | None:
    return db.session.execute(
        update(NumberCounter)
        .where(NumberCounter.day == day_key)
        .values(last=NumberCounter.last + 1)
        .returning(NumberCounter.last)
    ).scalar()


def next_number(day: date) -> str:
    day_key = day.strftime("%Y%m%d")
    sequence = _increment(day_key)
    if sequence is None:
        try:
            with db.session.begin_nested():
                db.session.add(NumberCounter(day=day_key, last=1))
            sequence = 1
        except IntegrityError:
            # Another submission created today's counter first: take the next from it.
            sequence = _increment(day_key)
    if sequence is None or sequence > 99_999:
        raise RuntimeError(f"the application number sequence for {day_key} is exhausted")
    digits = f"{day_key}{sequence:05d}"
    return f"{PREFIX}{digits}{check_character(digits)}"


def normalize_number(text: str) -> str:
    return re.sub(r"[\s\-－—]", "", text or "").upper()


def is_well_formed(number: str) -> bool:
    match = NUMBER_PATTERN.fullmatch(normalize_number(number))
    return bool(match) and check_character(match.group(1) + match.group(2)) == match.group(3)


def display_number(number: str) -> str:
    match = NUMBER_PATTERN.fullmatch(number)
    if not match:
        return number
    return f"{PREFIX}-{match.group(1)}-{match.group(2)}-{match.group(3)}"


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


NOTICE_PREFIX = "HYTZ"


def next_notice_number(year: int) -> str:
    """文书编号 HYTZ-2026-000123: one sequence a year, from a counter row locked like the
    application numbers' (two notices issued at once take distinct numbers)."""

    def increment() -> int | None:
        return db.session.execute(
            update(NoticeCounter)
            .where(NoticeCounter.year == year)
            .values(last=NoticeCounter.last + 1)
            .returning(NoticeCounter.last)
        ).scalar()

    sequence = increment()
    if sequence is None:
        try:
            with db.session.begin_nested():
                db.session.add(NoticeCounter(year=year, last=1))
            sequence = 1
        except IntegrityError:
            sequence = increment()
    if sequence is None or sequence > 999_999:
        raise RuntimeError(f"the notice number sequence for {year} is exhausted")
    return f"{NOTICE_PREFIX}-{year}-{sequence:06d}"
