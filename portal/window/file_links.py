"""Short-lived signed download links for materials kept in local storage.

S3 gives the back office a presigned URL for each material of the case document; local
storage has no URL of its own, so the portal signs one and serves the file itself, checked
the way S3 checks a presigned URL: a link past its expiry, or altered in any byte, answers
403, and so does a link whose material has since moved to another storage key.

The token carries the attachment's public id and the expiry (unix seconds, from
``portal.clock.beijing`` so tests can move time); the signature covers those and the
attachment's storage key, which stays out of the URL. Signing uses itsdangerous with
SECRET_KEY and a salt of its own, so no other signed value of the portal is a valid link.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, has_request_context, request
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import select

from portal.access import signed_link
from portal.clock import beijing
from portal.extensions import db
from portal.filing.downloads import attachment_response
from portal.filing.models import Attachment, Authority
from portal.window.operations import audit

files = Blueprint("files", __name__, url_prefix="/files")

SALT = "onewindow.material-download.v1"
MAX_TOKEN_LENGTH = 400  # a real token is about 120 characters
PUBLIC_ID = re.compile(r"[0-9a-f]{32}")


def _serializer(storage_key: str) -> URLSafeSerializer:
    # The storage key is part of the salt: signed over, yet never written into the URL.
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=f"{SALT}:{storage_key}")


def make_token(attachment: Attachment | Authority, expires_seconds: int) -> str:
    expires = int(beijing.now().timestamp()) + expires_seconds
    return _serializer(attachment.storage_key).dumps([attachment.public_id, expires])


def signed_url(attachment: Attachment | Authority, expires_seconds: int) -> str | None:
    """The link the case document gives for ``attachment``; None without a known address.

    The address is ``PORTAL_URL`` (the portal as the back office reaches it), or, inside
    a request, the address the request came to.
    """
    base = current_app.config.get("PORTAL_URL") or (
        request.host_url if has_request_context() else ""
    )
    parts = urlsplit(base or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None  # no address the back office could use
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path.rstrip("/") or "/", url_scheme=parts.scheme
    )
    return adapter.build(
        "files.download",
        {"token": make_token(attachment, expires_seconds)},
        force_external=True,
    )


def attachment_for(token: str) -> Attachment | Authority | None:
    """The attachment (or the letter of authorisation beside the materials) a token grants,
    or None: unknown, tampered with, or expired."""
    if len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        _, payload = URLSafeSerializer("").loads_unsafe(token)
        public_id, expires = payload
    except (BadData, TypeError, ValueError):
        return None
    if not isinstance(public_id, str) or not PUBLIC_ID.fullmatch(public_id):
        return None
    if isinstance(expires, bool) or not isinstance(expires, int):
        return None
    attachment = db.session.scalar(
        select(Attachment).where(Attachment.public_id == public_id)
    ) or db.session.scalar(select(Authority).where(Authority.public_id == public_id))
    if attachment is None:
        return None
    try:
        _serializer(attachment.storage_key).loads(token)
    except BadData:
        return None
    if beijing.now().timestamp() >= expires:
        return None
    return attachment


@files.get("/<token>")
@signed_link
def download(token: str):
    attachment = attachment_for(token)
    if attachment is None:
        abort(403)
    # No one is signed in: the trail records that the link was used, for which material.
    what = attachment.kind if isinstance(attachment, Authority) else attachment.material.code
    audit(None, "material-fetched-by-link", attachment.application, material=what)
    return attachment_response(attachment)
