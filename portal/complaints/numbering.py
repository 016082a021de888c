"""Ticket numbers (工单编号) and query codes.

A ticket reads HYTS-20261201-00007-3: the day it was received, that day's sequence, and
the same ISO 7064 MOD 11-2 check character as an application number, so a mistyped
ticket is caught before it is looked up. The query code is random and kept only as a
hash bound to its ticket.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date

from portal.complaints.models import TicketCounter
from portal.filing.numbering import (
    check_character,
    new_query_code,
    next_day_number,
    normalize_number,
)

PREFIX = "HYTS"  # 衡阳投诉
TICKET_PATTERN = re.compile(r"HYTS(\d{8})(\d{5})([\dX])")

__all__ = ["code_matches", "display_ticket", "hash_code", "is_well_formed", "new_query_code"]


def next_ticket(day: date) -> str:
    return next_day_number(TicketCounter.day, PREFIX, day, "ticket")


def normalize_ticket(text: str) -> str:
    return normalize_number(text)


def is_well_formed(ticket: str) -> bool:
    match = TICKET_PATTERN.fullmatch(normalize_ticket(ticket))
    return bool(match) and check_character(match.group(1) + match.group(2)) == match.group(3)


def display_ticket(ticket: str) -> str:
    match = TICKET_PATTERN.fullmatch(ticket)
    if not match:
        return ticket
    return f"{PREFIX}-{match.group(1)}-{match.group(2)}-{match.group(3)}"


def hash_code(ticket: str, code: str) -> str:
    # Bound to the ticket: the same code on two tickets hashes differently.
    return hashlib.sha256(f"{ticket}:{code.strip().upper()}".encode()).hexdigest()


def code_matches(ticket: str, code: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_code(ticket, code), stored_hash)
