"""What a rating is of, for the pages and messages that show or tell it: one presenter for the
three subjects (a case, a complaint's reply, a proxy request's service), so the office's pages
and the follow-up never compare subject codes themselves."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from portal.filing.models import Application
from portal.i18n import localized
from portal.ratings.models import Rating, Subject

SUBJECT_LABELS = {
    Subject.CASE: _l("办件"),
    Subject.COMPLAINT_REPLY: _l("投诉答复"),
    Subject.PROXY: _l("全程委托代理"),
}


@dataclass(frozen=True)
class Described:
    subject: str
    label: object  # lazy text: 办件 / 投诉答复 / 全程委托代理
    number: str  # as people read it: the case number, the ticket, the proxy request number
    about: str  # the item's name in the reader's language, the project's name, or the ticket
    application: Application | None  # for the case's audit trail; None for the others
    path: str  # the rater's page for it


def describe(rating: Rating) -> Described:
    if rating.subject == Subject.COMPLAINT_REPLY:
        from portal.complaints.numbering import display_ticket

        complaint = rating.complaint_event.complaint
        ticket = display_ticket(complaint.ticket)
        about = localized(complaint.item.name) if complaint.item else ticket
        return Described(
            rating.subject,
            SUBJECT_LABELS[rating.subject],
            ticket,
            about,
            None,
            "/complaints/follow",
        )
    if rating.subject == Subject.PROXY:
        from portal.proxy.requests import display_number

        request = rating.proxy_request
        return Described(
            rating.subject,
            SUBJECT_LABELS[rating.subject],
            display_number(request.number),
            request.project_name,
            None,
            f"/proxy/requests/{request.public_id}",
        )
    from portal.filing.numbering import display_number

    application = rating.application
    return Described(
        Subject.CASE,
        SUBJECT_LABELS[Subject.CASE],
        display_number(application.number),
        localized(application.item.name),
        application,
        f"/applications/{application.public_id}",
    )


def tell_rater(rating: Rating, kind: str, context: dict) -> None:
    """Tell the rater ``kind`` by the ways they have: their account, or for a complainant
    without one the contact they gave (an anonymous complainant: nobody)."""
    from portal.messaging.sending import tell_address, tell_applicant

    described = describe(rating)
    context = {
        **context,
        "subject": rating.subject,
        "number": described.number,
        "path": described.path,
        "public_id": described.application.public_id if described.application else "",
    }
    if rating.subject == Subject.CASE:
        application = rating.application
        tell_applicant(application.applicant, kind, context, application=application)
    elif rating.subject == Subject.PROXY:
        tell_applicant(rating.proxy_request.applicant, kind, context)
    else:
        complaint = rating.complaint_event.complaint
        if complaint.anonymous:
            return
        if complaint.applicant is not None:
            tell_applicant(complaint.applicant, kind, context)
            return
        for channel, address in (
            ("email", complaint.contact_email),
            ("sms", complaint.contact_mobile),
        ):
            if address:
                tell_address(None, channel, address, kind, context, language=complaint.language)
