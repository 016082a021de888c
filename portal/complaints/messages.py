"""Every step of a complaint its complainant should know of becomes a message.

``operations.record_event`` calls :func:`note_complaint_event` for every timeline line; the
message is queued when the step commits (``portal.messaging.on_commit``, the same door as a
case's messages), so a step that rolls back tells nobody and the new date is already set.

Who is told, and how: an account holder through their account's channels and message box
(``tell_applicant``); a real-name complainant without an account at the mobile number and
e-mail address they gave (``tell_address``); an anonymous complainant nobody — they follow
the ticket with its query code.
"""

from __future__ import annotations

from portal.messaging import on_commit

# timeline event kind → message kind (templates in portal/messaging/templates/<language>/)
MESSAGES = {
    "received": "complaint-received",
    "accepted": "complaint-accepted",
    "not-accepted": "complaint-not-accepted",
    "extended": "complaint-extended",
    "replied": "complaint-replied",
    "closed": "complaint-closed",
    "closed-not-rated": "complaint-closed",
}


def note_complaint_event(complaint, event) -> None:
    if event.kind in MESSAGES and not complaint.anonymous:
        on_commit.when_committed(tell_about, complaint, event)


def tell_about(complaint, event) -> None:
    from portal.messaging.sending import tell_address, tell_applicant

    kind = MESSAGES[event.kind]
    context = complaint_context(complaint, event)
    if complaint.applicant is not None:
        tell_applicant(complaint.applicant, kind, context)
        return
    for channel, address in (("email", complaint.contact_email), ("sms", complaint.contact_mobile)):
        if address:
            tell_address(None, channel, address, kind, context, language=complaint.language)


def complaint_context(complaint, event) -> dict:
    """What the templates are given: never the handler, never the findings."""
    from portal.complaints.numbering import display_ticket

    detail = event.detail or {}
    return {
        "ticket": display_ticket(complaint.ticket),
        "accept_by": complaint.accept_by,
        "reply_by": complaint.reply_by,
        "reason": detail.get("reason"),
        "contact": detail.get("contact"),
        "earlier_ticket": display_ticket(detail["earlier_ticket"])
        if detail.get("earlier_ticket")
        else None,
        "why": detail.get("why"),
        "reply": detail.get("reply"),
        "rated": event.kind == "closed",
    }
