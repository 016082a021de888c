"""The project dashboard, one page for the investor (``/proxy/projects/<code>``, their own
projects only) and the proxy window (``/staff/proxy/projects/<code>``, its center's projects).
Printed, the site's print stylesheet makes it the summary on A4."""

from __future__ import annotations

from flask import abort, current_app, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from forms.proxy_tokens import MakeTokenForm
from portal.access import applicant_required, staff_required
from portal.clock import beijing
from portal.filing.numbering import display_number
from portal.filing.presenters import STATUS_LABELS
from portal.proxy import dashboard, plan, tokens
from portal.proxy.dashboard import Step, WaitsOn
from portal.proxy.views import proxy
from portal.proxy.window_views import staff_proxy
from portal.window.models import Role

STATUSES = {"not-filed": _l("未递交"), **STATUS_LABELS}
STEPS = {
    Step.WAIT_FOR_OTHERS: _l("等前置许可办结后递交"),
    Step.FILE: _l("代理员以投资方名义递交申请"),
    Step.PRE_REVIEW: _l("窗口预审：受理或一次性告知补正"),
    Step.SUPPLEMENT: _l("投资方补正材料"),
    Step.DECIDE: _l("审批部门作出决定"),
    Step.NONE: _l("无，已办结"),
}
WAITS_ON = {
    WaitsOn.PROXY_WINDOW: _l("代理窗口"),
    WaitsOn.INVESTOR: _l("投资方"),
    WaitsOn.WINDOW: _l("受理窗口"),
    WaitsOn.BACK_OFFICE: _l("后台审批部门"),
    WaitsOn.NOBODY: _l("无"),
}


def build(project) -> dashboard.Dashboard:
    """Built for today with the app's calendar (the API presents the same)."""
    return dashboard.build(project, current_app.extensions["calendar"], beijing.today())


def _page(project, staff: bool, status: int = 200, **extra):
    if not staff:
        # The investor's read tokens for the API (portal/proxy/token_views.py).
        extra.setdefault("token_form", MakeTokenForm(formdata=None))
        extra.setdefault("read_tokens", tokens.tokens_of(project))
    return render_template(
        "proxy/dashboard.html",
        board=build(project),
        staff=staff,
        statuses=STATUSES,
        steps=STEPS,
        waits_on=WAITS_ON,
        display_number=display_number,
        **extra,
    ), status


@staff_proxy.get("/projects/<code>")
@staff_required(*Role.PROXY)
def dashboard_page(code: str):
    return _page(plan.find(current_user, code) or abort(404), staff=True)


@proxy.get("/projects/<code>")
@applicant_required
def project_page(code: str):
    return _page(plan.find_for_investor(current_user.id, code) or abort(404), staff=False)
