"""Telling an applicant something: render their message, keep it for their message box,
and queue it by each channel they chose (portal/messaging/channels.py).

Everything happens in the caller's transaction: nothing is sent if it rolls back, and
the outbox sends each channel's row after the commit.
"""

from __future__ import annotations

from flask import current_app

from portal.clock import beijing
from portal.extensions import db
from portal.messaging import channels, rendering
from portal.messaging.models import SentMessage
from portal.messaging.outbox import queue_channel

MASK = "******"


def tell_applicant(
    applicant,
    kind: str,
    context: dict | None = None,
    *,
    application=None,
    notice=None,
    secrets: tuple[str, ...] = (),
) -> SentMessage:
    """Queue message ``kind`` to ``applicant`` in their language by their channels.

    ``secrets`` names context values (a one-time code, a query code) that the message
    carries but the message box must not show: the box keeps a copy with them masked.
    """
    language = applicant.language if applicant.language in rendering.LANGUAGES else "zh"
    full = {
        "portal_url": current_app.config.get("PORTAL_URL") or "",
        "window": None,
        **(context or {}),
    }
    masked = {**full, **dict.fromkeys(secrets, MASK)}
    boxed = rendering.render(kind, "email", language, masked)
    sent = SentMessage(
        applicant_id=applicant.id,
        application_id=application.id if application is not None else None,
        notice_id=notice.id if notice is not None else None,
        kind=kind,
        language=language,
        subject=boxed.subject,
        body=boxed.body,
        created_at=beijing.now(),
    )
    db.session.add(sent)
    for channel, address in channels.addresses(applicant):
        text = rendering.render(kind, channel, language, full)
        subject = text.subject or boxed.subject  # an SMS has none; the row keeps the box's
        queue_channel(channel, address, subject, text.body, kind, sent_message=sent)
    return sent


def tell_address(
    applicant, channel: str, address: str, kind: str, context: dict, language: str | None = None
) -> None:
    """Queue message ``kind`` to one address outside the account's channels, in the
    applicant's language: a code to a new address, a warning to the one it replaced.
    Nothing goes in the message box: the box belongs to the account's own addresses.
    Without an account (``applicant`` None: a complainant who left only a contact) the
    message goes in ``language``, Chinese unless said."""
    if applicant is not None:
        language = applicant.language
    language = language if language in rendering.LANGUAGES else "zh"
    full = {"portal_url": current_app.config.get("PORTAL_URL") or "", "window": None, **context}
    text = rendering.render(kind, channel, language, full)
    subject = text.subject or rendering.render(kind, "email", language, full).subject
    queue_channel(channel, address, subject, text.body, kind)
