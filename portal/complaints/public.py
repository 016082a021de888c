"""What the complainant, the API and the hotline may see of a complaint's timeline.

The office's own notes stay with the office: a public line is its kind and date, plus the
few fields the shared contract names (RULES: not-accepted's reason, contact and earlier
ticket; the reply; an extension's why and new date).
"""

from __future__ import annotations

from portal.complaints.models import ComplaintStatus

EXTENDED = "extended"
PUBLIC_FIELDS: dict[str, tuple[str, ...]] = {
    ComplaintStatus.NOT_ACCEPTED: ("reason", "contact", "earlier_ticket"),
    ComplaintStatus.REPLIED: ("reply",),
    EXTENDED: ("why", "reply_by"),
}
# The lines a complainant sees: every status change and an extension, nothing internal.
PUBLIC_KINDS = frozenset({*ComplaintStatus.ALL, EXTENDED})


def is_public(kind: str) -> bool:
    return kind in PUBLIC_KINDS


def public_detail(kind: str, detail: dict | None) -> dict:
    detail = detail or {}
    return {name: detail.get(name) for name in PUBLIC_FIELDS.get(kind, ())}


def latest_reply(events) -> tuple[str | None, object]:
    """The reply as the complainant sees it and when it was given (the latest one)."""
    for event in reversed(list(events)):
        if event.kind == ComplaintStatus.REPLIED:
            return (event.detail or {}).get("reply"), event.created_at
    return None, None
