"""Work orders (工单) from the 12345 hotline, filed as complaints.

Each sending system (``HotlineSource``) has its own bearer token, kept only as a SHA-256
(``flask hotline add-source NAME`` prints it once; ``revoke`` ends it). A work order is
kept by the hotline's own id: the same id with the same body answers with the ticket it
already made, the same id with another body is a conflict, so a hotline that resends after
a lost answer never files a complaint twice. The fields are read by ``intake`` exactly as
the JSON API reads them; the caller's contact details are kept as given.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass

from sqlalchemy import select

from portal.clock import beijing
from portal.complaints import intake
from portal.complaints.hotline_models import HotlineSource, HotlineWorkOrder
from portal.complaints.models import Complaint
from portal.extensions import db

MAX_WORK_ORDER_ID = 100


def hash_token(token: str) -> str:
    # Tokens are 32 random bytes: a plain SHA-256 keeps a leaked table from being usable.
    return hashlib.sha256(token.encode()).hexdigest()


def add_source(
    name: str, callback_url: str | None = None, *, new_token: bool = False
) -> tuple[HotlineSource, str]:
    """Record the system ``name`` with a fresh token (returned once, kept hashed).

    A system that already exists keeps its token unless ``new_token``: then the old one
    stops working. ``callback_url`` (where status changes go back) is set when given.
    """
    token = secrets.token_urlsafe(32)
    source = db.session.scalar(select(HotlineSource).where(HotlineSource.name == name))
    if source is None:
        source = HotlineSource(
            name=name,
            callback_secret=secrets.token_hex(32),
            active=True,
            created_at=beijing.now(),
        )
        db.session.add(source)
    elif not new_token and source.active:
        raise ValueError(f"the hotline source '{name}' already has a token")
    source.token_hash = hash_token(token)
    source.active, source.revoked_at = True, None
    if callback_url is not None:
        source.callback_url = callback_url
    db.session.flush()
    return source, token


def revoke_source(name: str) -> bool:
    """The source's token stops working at once; its callbacks stop going out."""
    source = db.session.scalar(select(HotlineSource).where(HotlineSource.name == name))
    if source is None or not source.active:
        return False
    source.active, source.revoked_at = False, beijing.now()
    db.session.flush()
    return True


def authenticate(header: str | None) -> HotlineSource | None:
    scheme, _, token = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not token or len(token) > 200:
        return None
    return db.session.scalar(
        select(HotlineSource).where(
            HotlineSource.token_hash == hash_token(token.strip()),
            HotlineSource.active.is_(True),
        )
    )


@dataclass(frozen=True)
class Received:
    complaint: Complaint
    query_code: str | None  # only when filed now: a repeat cannot show it again (hashed)
    repeated: bool


class Conflict(Exception):
    """The work-order id was already used with another body."""


def body_hash(body: dict) -> str:
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def receive(source: HotlineSource, work_order_id: str, body: dict) -> Received | intake.Errors:
    """File the work order as a complaint once; the same answer for a repeat."""
    digest = body_hash(body)
    seen = db.session.scalar(
        select(HotlineWorkOrder).where(
            HotlineWorkOrder.source_id == source.id,
            HotlineWorkOrder.work_order_id == work_order_id,
        )
    )
    if seen is not None:
        if seen.body_hash != digest:
            raise Conflict(work_order_id)
        return Received(seen.complaint, None, True)
    draft = intake.read_complaint({k: v for k, v in body.items() if k != "work_order_id"})
    if isinstance(draft, dict):
        return draft
    filed = intake.file(draft)
    db.session.add(
        HotlineWorkOrder(
            source_id=source.id,
            work_order_id=work_order_id,
            body_hash=digest,
            complaint_id=filed.complaint.id,
            received_at=beijing.now(),
        )
    )
    db.session.flush()
    return Received(filed.complaint, filed.query_code, False)
