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


def next_in_counter(key_column, key, limit: int, what: str) -> int:
    """The next sequence from a counter row (``last``) per key, a day or a year, taken in the
    caller's transaction. The conditional UPDATE locks the row, so concurrent callers take
    distinct numbers; the first caller of a key inserts the row, and one that loses that race
    takes the next from the winner's row. Raises once ``limit`` is passed."""
    counter = key_column.class_

    def increment() -> int | None:
        return db.session.execute(
            update(counter)
            .where(key_column == key)
            .values(last=counter.last + 1)
            .returning(counter.last)
        ).scalar()

    sequence = increment()
    if sequence is None:
        try:
            with db.session.begin_nested():
                db.session.add(counter(**{key_column.key: key, "last": 1}))
            sequence = 1
        except IntegrityError:
            # Another caller created the key's row first: take the next from it.
            sequence = increment()
    if sequence is None or sequence > limit:
        raise RuntimeError(f"the {what} sequence for {key} is exhausted")
    return sequence


def next_day_number(day_column, prefix: str, day: date, what: str) -> str:
    """PREFIX + YYYYMMDD + that day's five-digit sequence + the check character, from a
    counter with one row per day (``day_column`` is its key): application numbers and
    complaint tickets are both made here."""
    day_key = day.strftime("%Y%m%d")
    sequence = next_in_counter(day_column, day_key, 99_999, what)
    digits = f"{day_key}{sequence:05d}"
    return f"{prefix}{digits}{check_character(digits)}"


def next_number(day: date) -> str:
    return next_day_number(NumberCounter.day, PREFIX, day, "application number")


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
    sequence = next_in_counter(NoticeCounter.year, year, 999_999, "notice number")
    return f"{NOTICE_PREFIX}-{year}-{sequence:06d}"
