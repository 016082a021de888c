"""Staff-assisted filing (代办, Administrative Licensing Law Art. 29): a staff member drives the
same filing engine (questions, materials, check, submit) for an applicant of record who is not
the signed-in user.

The applicant stays the applicant: the case is theirs ("my applications", the receipt, the
messages, the lookup), and it records who filed it (``Application.filed_by``) and, where there
is one, the document of that person's authority (``Authority``, e.g. the letter of
authorisation), which is not one of the item's material slots (Art. 31).

Callers decide whether the staff member may file for this applicant (the proxy window's plan,
later the county center's forwarding) and then call :func:`start_assisted_application`. Only
the staff member who started a draft works on it (:func:`find_assisted`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.accounts.models import Applicant
from portal.catalog.models import ServiceItem
from portal.clock import beijing
from portal.extensions import db
from portal.filing import operations
from portal.filing.models import Application, Authority, Status
from portal.window.models import StaffAction

# The timeline's actor for a step the staff member took (ApplicationEvent.actor).
ACTOR = "assisting-staff"
LETTER_OF_AUTHORISATION = "letter-of-authorisation"


@dataclass(frozen=True)
class AuthorityDocument:
    """A stored document the caller already holds (its bytes stay where they are)."""

    kind: str
    storage_key: str
    display_name: str
    content_type: str
    size: int
    sha256: str
    scan_status: str


def start_assisted_application(
    staff,
    applicant: Applicant,
    item: ServiceItem,
    keep_days: int,
    authority: AuthorityDocument | None = None,
) -> Application:
    """A draft of ``item`` for ``applicant`` that ``staff`` fills in; flushes."""
    if not item.online or item.retired_at is not None:
        raise ValueError(f"{item.code} cannot be filed online")
    application = operations.start_application(applicant, item, keep_days, actor=ACTOR)
    application.filed_by_id = staff.id
    if authority is not None:
        application.authority = Authority(
            public_id=uuid.uuid4().hex,
            kind=authority.kind,
            storage_key=authority.storage_key,
            display_name=authority.display_name,
            content_type=authority.content_type,
            size=authority.size,
            sha256=authority.sha256,
            scan_status=authority.scan_status,
            attached_at=beijing.now(),
        )
    db.session.flush()
    audit(staff, "assisted-started", application, item=item.code)
    return application


def audit(staff, action: str, application: Application, **detail) -> None:
    """A line of the staff audit trail. A draft is named by its public id only: the clean-up
    deletes expired drafts, and the trail must not hold them (nor lose its lines)."""
    db.session.add(
        StaffAction(
            staff_id=staff.id,
            action=action,
            application_id=None if application.status == Status.DRAFT else application.id,
            created_at=beijing.now(),
            detail={"application": application.public_id} | detail,
        )
    )


def find_assisted(staff, public_id: str) -> Application | None:
    """An application this staff member filed (or is filing); otherwise None, as not found."""
    if len(public_id) != 32:
        return None
    application = db.session.scalar(
        select(Application)
        .where(Application.public_id == public_id, Application.filed_by_id == staff.id)
        .options(selectinload(Application.attachments), selectinload(Application.events))
    )
    if application is None:
        return None
    return operations.unexpired(application)
