"""Handing an attachment's bytes to someone already allowed to have them."""

from __future__ import annotations

from flask import Response, abort, current_app, redirect, stream_with_context

from portal.filing.models import Application, Attachment
from portal.storage import content_disposition


def find_attachment(application: Application, attachment_id: str) -> Attachment:
    attachment = next((a for a in application.attachments if a.public_id == attachment_id), None)
    if attachment is None:
        abort(404)
    return attachment


def attachment_response(attachment: Attachment) -> Response:
    """A short-lived presigned link where storage offers one (S3), else the bytes streamed."""
    storage = current_app.extensions["storage"]
    url = storage.presigned_url(
        attachment.storage_key,
        filename=attachment.display_name,
        expires_seconds=current_app.config["DOWNLOAD_URL_SECONDS"],
    )
    if url:
        return redirect(url)
    return Response(
        stream_with_context(storage.open(attachment.storage_key)),
        mimetype=attachment.content_type,
        headers={
            "Content-Disposition": content_disposition(attachment.display_name),
            "Content-Length": str(attachment.size),
        },
    )
