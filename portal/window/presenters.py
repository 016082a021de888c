"""Labels the console shows for a case's standing and for the window's decisions.

One presenter for every console page (the queue, the history): a template asks
``case_status(application)``, never compares status strings. A status this module does not
know (another part of the portal may add one) still gets a label, naming the code.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.accounts.identity import mask_citizen_id
from portal.filing.models import Application, Status
from portal.filing.presenters import STATUS_LABELS

WITHDRAWN = "withdrawn"  # the applicant's withdrawal, before the window decides
DEEMED = "deemed-accepted"

CONSOLE_STATUS_LABELS = {
    Status.SUBMITTED: _l("新申请"),
    Status.RESUBMITTED: _l("补正后重新提交"),
    DEEMED: _l("逾期未预审，视为受理"),
    WITHDRAWN: _l("申请人已撤回"),
}
DECISION_LABELS = {
    "accepted": _l("受理"),
    DEEMED: _l("视为受理（窗口逾期未答复）"),
    "supplements-requested": _l("一次性告知补正"),
    "declined": _l("不予受理"),
    WITHDRAWN: _l("申请人撤回"),
}


def latest_decision(application: Application) -> str | None:
    """The kind of the last pre-review outcome on the timeline, if any."""
    kinds = [e.kind for e in application.events if e.kind in DECISION_LABELS]
    return kinds[-1] if kinds else None


def case_status(application: Application) -> str:
    status = application.status
    if status in (Status.ACCEPTED, Status.FORWARDED) and latest_decision(application) == DEEMED:
        status = DEEMED
    label = CONSOLE_STATUS_LABELS.get(status) or STATUS_LABELS.get(status)
    return str(label) if label else _("其他状态（%(code)s）", code=status)


def decision_label(kind: str) -> str:
    label = DECISION_LABELS.get(kind)
    return str(label) if label else _("其他（%(code)s）", code=kind)


def applicant_identifier(application: Application) -> str:
    """A person's ID number masked (lists are read over shoulders); a company's code is public."""
    applicant = application.applicant
    if applicant.kind == "company":
        return applicant.identifier
    return mask_citizen_id(applicant.identifier)
