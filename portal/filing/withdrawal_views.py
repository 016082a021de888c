"""An applicant's pages to delete a draft or withdraw a filing, each behind a confirmation."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forms.accounts_applications import DeleteDraftForm, WithdrawForm
from portal.access import applicant_required
from portal.filing import operations, presenters, withdrawal
from portal.filing.models import Status
from portal.filing.views import filing


def _own(public_id: str):
    return operations.find_own_application(current_user, public_id) or abort(404)


@filing.route("/applications/<public_id>/delete", methods=["GET", "POST"])
@applicant_required
def delete_draft(public_id: str):
    application = _own(public_id)
    if application.status != Status.DRAFT:
        return redirect(url_for("filing.progress", public_id=public_id))
    form = DeleteDraftForm()
    if form.validate_on_submit():
        name = presenters.Case(application).item_name
        if withdrawal.delete_draft(application):
            flash(_("已删除“%(item)s”的草稿。", item=name))
            return redirect(url_for("filing.my_applications"))
        return redirect(url_for("filing.progress", public_id=public_id))
    return render_template(
        "filing/delete_draft.html", application=application, case=presenters.Case(application)
    )


@filing.route("/applications/<public_id>/withdraw", methods=["GET", "POST"])
@applicant_required
def withdraw(public_id: str):
    application = _own(public_id)
    case = presenters.Case(application)
    if not case.can_be_withdrawn:
        return redirect(url_for("filing.progress", public_id=public_id))
    form = WithdrawForm()
    if form.validate_on_submit():
        if withdrawal.withdraw(application):
            flash(_("申请已撤回。窗口不会再审查这份申请。"))
        else:
            flash(_("窗口已经作出了决定，申请不能再撤回。"))
        return redirect(url_for("filing.progress", public_id=public_id))
    return render_template("filing/withdraw.html", application=application, case=case)
