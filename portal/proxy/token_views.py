"""The investor's read tokens on the project dashboard: make one (shown once, on the page
that answers the POST, never stored in a URL or a redirect) and revoke one."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forms.proxy_tokens import MakeTokenForm, RevokeTokenForm
from portal.access import applicant_required
from portal.proxy import plan, tokens
from portal.proxy.dashboard_views import _page
from portal.proxy.views import proxy


def _own(code: str):
    return plan.find_for_investor(current_user.id, code) or abort(404)


@proxy.post("/projects/<code>/tokens")
@applicant_required
def make_token(code: str):
    project = _own(code)
    form = MakeTokenForm()
    if not form.validate_on_submit():
        return _page(project, staff=False, status=400, token_form=form)
    try:
        row, token = tokens.make(project, form.name.data)
    except tokens.TooMany:
        form.name.errors = [
            _("一个项目最多有 %(n)d 个有效令牌，请先撤销不用的。", n=tokens.MAX_TOKENS)
        ]
        return _page(project, staff=False, status=400, token_form=form)
    body, status = _page(project, staff=False, new_token=(row, token))
    return body, status, {"Cache-Control": "no-store"}


@proxy.post("/projects/<code>/tokens/<int:token_id>/revoke")
@applicant_required
def revoke_token(code: str, token_id: int):
    project = _own(code)
    if not RevokeTokenForm().validate_on_submit():
        abort(400)
    if tokens.revoke(project, token_id):
        flash(_("令牌已撤销，立即失效。"))
    return redirect(url_for("proxy.project_page", code=code) + "#tokens")
