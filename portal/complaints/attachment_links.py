"""Short-lived signed links to a complaint's attachments, for the supervision office.

The window opens a case's materials through ``portal.window.file_links``: a token that
names the file and its expiry, signed over the storage key, so an expired or altered link
answers 403. A complaint's attachments are opened the same way, with two differences: the
link lives under the office's own ticket route, so it works only for a signed-in member of
the office of the complaint's center (a copied link is no use to anyone else, the window
complained about included), and the token names the complaint too, so a link of one ticket
never opens a file of another.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, url_for
from itsdangerous import BadData, URLSafeSerializer

from portal.clock import beijing
from portal.complaints.attachments import ComplaintAttachment, attachments_of
from portal.complaints.models import Complaint
from portal.extensions import db

SALT = "onewindow.complaint-attachment.v1"
MAX_TOKEN_LENGTH = 400  # a real token is about 80 characters
# Format names are the same in every language; anything else shows as it was stored.
TYPE_NAMES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPG",
    "image/png": "PNG",
    "application/ofd": "OFD",
}


def _serializer(attachment: ComplaintAttachment) -> URLSafeSerializer:
    # The storage key is in the salt: signed over, never written into the URL.
    return URLSafeSerializer(
        current_app.config["SECRET_KEY"], salt=f"{SALT}:{attachment.storage_key}"
    )


def make_token(attachment: ComplaintAttachment, expires_seconds: int) -> str:
    expires = int(beijing.now().timestamp()) + expires_seconds
    return _serializer(attachment).dumps([attachment.complaint_id, attachment.id, expires])


def attachment_for(complaint: Complaint, token: str) -> ComplaintAttachment | None:
    """The attachment of ``complaint`` a token grants, or None: another complaint's,
    unknown, tampered with, or expired."""
    if len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        _, payload = URLSafeSerializer("").loads_unsafe(token)
        complaint_id, attachment_id, expires = payload
    except (BadData, TypeError, ValueError):
        return None
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in payload):
        return None
    if complaint_id != complaint.id:
        return None
    attachment = db.session.get(ComplaintAttachment, attachment_id)
    if attachment is None or attachment.complaint_id != complaint.id:
        return None
    try:
        _serializer(attachment).loads(token)
    except BadData:
        return None
    if beijing.now().timestamp() >= expires:
        return None
    return attachment


@dataclass(frozen=True)
class Listed:
    name: str
    type: str
    size: int
    url: str


def listed(complaint: Complaint) -> list[Listed]:
    """The ticket page's list: each attachment with a link valid for DOWNLOAD_URL_SECONDS."""
    seconds = current_app.config["DOWNLOAD_URL_SECONDS"]
    return [
        Listed(
            a.display_name,
            TYPE_NAMES.get(a.content_type, a.content_type),
            a.size,
            url_for(
                "complaint_office.attachment",
                ticket=complaint.ticket,
                link=make_token(a, seconds),
            ),
        )
        for a in attachments_of(complaint)
    ]
