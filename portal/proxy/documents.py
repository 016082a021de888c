"""The proxy project's documents: uploaded once to the project by its agent (or the proxy
window's head), with the checks and the virus scan of any upload, and picked for a material
slot of any of the project's assisted drafts without uploading the bytes again.

A picked document becomes an ordinary attachment of the application (the window, the back
office and the receipt see it as any material) that shares the document's storage key. The
object lives under ``proxy/``, which the filing clean-up never sweeps: replacing the
attachment or an expiring draft never deletes bytes another attachment or the project still
uses. Nothing deletes a project document yet (see docs/proxy.md).
"""

from __future__ import annotations

import uuid
from typing import BinaryIO

from sqlalchemy import select

from portal.clock import beijing
from portal.extensions import db
from portal.filing import assisted, operations
from portal.filing.models import Application, Status
from portal.proxy import plan, uploads
from portal.proxy.models import ProxyDocument, ProxyPermit, ProxyProject
from portal.scanning import Scanner
from portal.storage import Storage
from portal.window.models import StaffMember


def upload(
    member: StaffMember,
    project: ProxyProject,
    stream: BinaryIO,
    filename: str | None,
    *,
    storage: Storage,
    scanner: Scanner,
    limits: operations.UploadLimits,
) -> ProxyDocument:
    """Check, scan and store one document of the project; raises ``plan.NotYours`` or the
    filing's ``UploadRejected``."""
    if not plan.may_change(member, project):
        raise plan.NotYours(project.code)
    stored = uploads.store(
        uploads.PROJECT_DOCUMENT,
        stream,
        filename,
        storage=storage,
        scanner=scanner,
        limits=limits,
    )
    document = ProxyDocument(
        public_id=uuid.uuid4().hex,
        project=project,
        storage_key=stored["key"],
        display_name=stored["name"],
        content_type=stored["content_type"],
        size=stored["size"],
        sha256=stored["sha256"],
        scan_status=stored["scan"],
        uploaded_at=beijing.now(),
        uploaded_by_id=member.id,
    )
    db.session.add(document)
    db.session.flush()
    plan.audit(member, "proxy-document-uploaded", project, document=document.public_id)
    return document


def project_of_draft(member: StaffMember, public_id: str) -> ProxyProject | None:
    """The project whose permit this member's assisted draft was filed for, or None."""
    application = assisted.find_assisted(member, public_id)
    if application is None or application.status != Status.DRAFT:
        return None
    permit = plan.permit_of_application(application.id)
    return permit.project if permit is not None else None


def draft_of_project(member: StaffMember, project: ProxyProject, public_id: str):
    """This member's assisted draft for one of ``project``'s permits, or None."""
    application = assisted.find_assisted(member, public_id)
    if application is None or application.status != Status.DRAFT:
        return None
    linked = db.session.scalar(
        select(ProxyPermit.id).where(
            ProxyPermit.application_id == application.id, ProxyPermit.project_id == project.id
        )
    )
    return application if linked else None


def document_of(project: ProxyProject, public_id: str) -> ProxyDocument | None:
    return next((d for d in project.documents if d.public_id == public_id), None)


def pick(
    member: StaffMember,
    application: Application,
    material,
    document: ProxyDocument,
    limits: operations.UploadLimits,
):
    """Attach the project's document in ``material``'s slot of the assisted draft."""
    attachment = operations.attach_stored(
        application,
        material,
        operations.StoredObject(
            document.storage_key,
            document.display_name,
            document.content_type,
            document.size,
            document.sha256,
            document.scan_status,
        ),
        limits,
    )
    assisted.audit(
        member,
        "assisted-document-picked",
        application,
        material=material.code,
        document=document.public_id,
    )
    return attachment
