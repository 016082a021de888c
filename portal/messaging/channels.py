"""How a person is reached: by SMS, by e-mail, or both, as they chose.

The choice is kept on the applicant (``message_channels``). A choice the account can no
longer honour (e-mail chosen, the address since removed) falls back to SMS: every account
has a mobile number, and a message nobody receives is worse than one on the other channel.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

SMS, EMAIL, BOTH = "sms", "email", "both"
CHOICES = (SMS, EMAIL, BOTH)
LABELS = {
    SMS: _l("短信"),
    EMAIL: _l("电子邮件"),
    BOTH: _l("短信和电子邮件"),
}
CHANNEL_LABELS = {"sms": _l("短信"), "email": _l("电子邮件")}


def default_for(email: str | None) -> str:
    """Every channel the person can be reached by: what existing accounts were given."""
    return BOTH if email else SMS


def addresses(applicant) -> list[tuple[str, str]]:
    """(channel, address) pairs a message to ``applicant`` goes to, e-mail first."""
    choice = applicant.message_channels if applicant.message_channels in CHOICES else SMS
    routes = []
    if choice in (EMAIL, BOTH) and applicant.email:
        routes.append(("email", applicant.email))
    if choice in (SMS, BOTH) or not routes:
        routes.append(("sms", applicant.mobile))
    return routes
