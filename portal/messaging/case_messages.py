"""Every change of a case that its applicant should know of becomes a message.

``portal.filing.operations.record_event`` is the one door every change of a case passes
(window decisions, the back office's reports, the applicant's own steps), and it calls
:func:`note_case_event`; no caller can forget to tell the applicant. The message is
rendered when the transaction commits (``portal.messaging.on_commit``), not when the event is
recorded: by then the step has finished its work (the notice is issued, the new
deadline set), and a step that rolls back tells nobody anything.

``MESSAGES`` maps an event kind to the message kind (its templates live in
``templates/<language>/``); an event not in it (a draft started, a case forwarded to the
back office) sends nothing.
"""

from __future__ import annotations

from portal.messaging import on_commit

MESSAGES = {
    "submitted": "received",
    "resubmitted": "resubmitted",
    "accepted": "accepted",
    "deemed-accepted": "deemed-accepted",
    "supplements-requested": "supplements-requested",
    "declined": "declined",
    "withdrawn": "withdrawn",
    "completed": "completed",
    "backoffice-in-review": "in-review",
    "backoffice-inspection-scheduled": "inspection-scheduled",
    "backoffice-suspended": "suspended",
    "backoffice-resumed": "resumed",
    "backoffice-extended": "extended",
    "backoffice-approved": "approved",
    "backoffice-refused": "refused",
    "backoffice-certificate-issued": "certificate-issued",
    "backoffice-fee-notice": "fee-notice",
    "backoffice-completed": "completed",
}
# The written notice an event issues (portal/filing/notices.py): the message links it.
NOTICES = {
    "accepted": "acceptance",
    "deemed-accepted": "deemed-acceptance",
    "supplements-requested": "supplements",
    "declined": "decline",
    "backoffice-extended": "extension",
    "backoffice-suspended": "suspension",
    "backoffice-refused": "refusal",
}
PROCEDURES = {
    "hearing": {"zh": "听证", "en": "a hearing"},
    "tender": {"zh": "招标", "en": "a tender"},
    "auction": {"zh": "拍卖", "en": "an auction"},
    "inspection": {"zh": "检验、检测、检疫", "en": "inspection, testing or quarantine"},
    "appraisal": {"zh": "鉴定", "en": "an appraisal"},
    "expert_review": {"zh": "专家评审", "en": "an expert review"},
}


def note_case_event(application, event) -> None:
    """Remember ``event`` of ``application``: its message is queued when the step commits."""
    if event.kind in MESSAGES:
        on_commit.when_committed(tell_about, application, event)


def tell_about(application, case_event) -> None:
    """Queue the message for one event of a case to its applicant."""
    from portal.messaging.sending import tell_applicant

    kind = MESSAGES[case_event.kind]
    context, secrets = case_context(application, case_event)
    tell_applicant(
        application.applicant,
        kind,
        context,
        application=application,
        notice=notice_for(application, case_event),
        secrets=secrets,
    )


def notice_for(application, case_event):
    """The notice this event issued: the newest of its kind, issued with or after it."""
    kind = NOTICES.get(case_event.kind)
    if kind is None:
        return None
    issued = [n for n in application.notices if n.kind == kind]
    return issued[-1] if issued else None


def case_context(application, case_event) -> tuple[dict, tuple[str, ...]]:
    """What the templates of this event's message are given, and which values are secret."""
    from portal.filing.numbering import display_number

    detail = case_event.detail or {}
    window = application.window
    notice = notice_for(application, case_event)
    context = {
        "number": display_number(application.number or ""),
        "public_id": application.public_id,
        "item": application.item.name,
        "decide_by": application.decide_by,
        "pre_review_by": application.pre_review_by,
        "accepted_on": application.accepted_on,
        "notice_number": notice.number if notice is not None else None,
        "window": _window(window),
    }
    secrets: tuple[str, ...] = ()
    kind = case_event.kind
    if kind == "submitted":
        context["code"] = application.query_code
        context["county"] = _county(application)
        secrets = ("code",)
    elif kind == "supplements-requested":
        context["materials"] = _requested(application)
    elif kind == "declined":
        decline = application.decline or {}
        context["reason"] = decline.get("reason") or ""
        context["right_authority"] = decline.get("right_authority")
    elif kind == "backoffice-extended":
        context["days"] = detail.get("days")
        context["reason"] = detail.get("reason") or ""
    elif kind == "backoffice-suspended":
        context["procedure"] = PROCEDURES.get(detail.get("procedure", ""), {})
        context["expected_working_days"] = detail.get("expected_working_days")
    elif kind == "backoffice-resumed":
        last = ((application.clock or {}).get("suspensions") or [{}])[-1]
        context["procedure"] = PROCEDURES.get(last.get("procedure", ""), {})
        context["started_on"] = last.get("started_on")
        context["ended_on"] = last.get("ended_on")
    elif kind == "backoffice-inspection-scheduled":
        context["on"] = detail.get("on")
    elif kind == "backoffice-refused":
        context["reasons"] = detail.get("reasons") or ""
    elif kind == "backoffice-certificate-issued":
        context["certificate"] = detail.get("certificate") or ""
    elif kind == "backoffice-fee-notice":
        context["fees"] = _fees(application, detail.get("fee_items") or [])
    return context, secrets


def _window(window) -> dict | None:
    if window is None:
        return None
    return {
        "name": window.name,
        "location": window.location,
        "center": window.center.name,
        "address": window.center.address,
        "hours": window.center.hours,
        "phone": window.center.phone,
    }


def _county(application) -> dict | None:
    """The county center that took the materials in and forwarded them, and its day."""
    forwarding = application.forwarding
    if forwarding is None:
        return None
    return {"center": forwarding.center.name, "received_on": forwarding.received_at_county}


def _requested(application) -> list[dict]:
    reasons = (application.supplement_request or {}).get("reasons", {})
    return [
        {"name": material.name, "reason": reasons[material.code]}
        for material in application.item.materials
        if material.code in reasons
    ]


def _fees(application, codes: list[str]) -> list[dict]:
    return [
        {"name": fee.name, "amount": fee.amount, "standard": fee.standard, "unit": fee.unit}
        for fee in application.item.fees
        if fee.code in codes
    ]
