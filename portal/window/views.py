"""The window console: staff sign-in, the pre-review queue, one case and its decision."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from forms.base import CONTROL_CHARACTER_MESSAGE, has_control_characters
from forms.window import DecisionForm, HistorySearchForm
from portal.access import staff_required
from portal.clock import beijing
from portal.complaints import handling as complaint_handling
from portal.complaints.numbering import display_ticket
from portal.filing import notices
from portal.filing.downloads import attachment_response, find_attachment
from portal.filing.numbering import display_number
from portal.filing.presenters import Case
from portal.storage import content_disposition
from portal.window import history as case_history
from portal.window import operations, presenters
from portal.window.answers import present_answers
from portal.window.models import Role

window = Blueprint("window", __name__, url_prefix="/staff")


def _case(public_id: str):
    application = operations.find_case(current_user, public_id)
    if application is None:
        abort(404)
    return application


@window.get("")
@staff_required()
def queue():
    entries = operations.review_queue(
        current_user, current_app.extensions["calendar"], beijing.today()
    )
    return render_template("window/queue.html", entries=entries)


@window.get("/history")
@staff_required()
def history():
    """The window's decided cases, searched by number, applicant and decision date."""
    form = HistorySearchForm(formdata=request.args)
    results = None
    if form.validate():  # nothing asked for (every field is optional) lists every case
        results = case_history.decided_cases(
            current_user, form.search(), request.args.get("page", 1, type=int)
        )
    arguments = {k: v for k, v in request.args.items() if k in form.data and v}
    return render_template(
        "window/history.html", form=form, results=results, arguments=arguments
    ), (400 if form.errors else 200)


@window.route("/cases/<public_id>", methods=["GET", "POST"])
@staff_required()
def case(public_id: str):
    application = _case(public_id)
    form = DecisionForm()
    reasons = {
        m.code: (request.form.get(f"reason-{m.code}") or "").strip()
        for m in application.item.materials
    }
    problem = None
    if request.method == "POST" and form.validate():
        try:
            problem = _decide(application, form, {k: v for k, v in reasons.items() if v})
        except operations.NotAllowed:
            problem = (
                _(
                    "这个案件已经由其他工作人员处理过了，现在是“%(status)s”，不能再作这个决定。",
                    status=Case(application).status,
                )
                if not Case(application).can_be_decided
                else _("这个案件现在不能作这个决定（可能已经处理过了）。")
            )
        if problem is None:
            flash(_("已记录决定，申请人可以在办理进度里看到。"))
            return redirect(url_for("window.case", public_id=public_id))
    if problem:
        form.decision.errors.append(problem)
    if request.method == "GET":
        operations.audit(current_user, "viewed-case", application)
    return render_template(
        "window/case.html",
        application=application,
        case=Case(application),
        form=form,
        reasons=reasons,
        steps=operations.step_deadlines(current_app.extensions["calendar"], application),
        answers=present_answers(application.item.questions, application.answers),
        # Only the supervision office sees complaints about the case; the window never does.
        complaints=complaint_handling.about_case(current_user, application),
    ), (400 if problem else 200)


def _decide(application, form: DecisionForm, reasons: dict[str, str]) -> str | None:
    """Carry out the chosen decision; a sentence saying what is missing, or None."""
    choice = form.decision.data
    if choice == "accept":
        operations.accept(
            current_user, application, form.opinion.data or "", current_app.extensions["calendar"]
        )
    elif choice == "supplements":
        if not reasons:
            return _("补正要一次性写清全部需要补的材料：请至少给一份材料写明原因。")
        # The reasons are fields of their own (one per material), outside the form class.
        if any(has_control_characters(text, multi_line=True) for text in reasons.values()):
            return str(CONTROL_CHARACTER_MESSAGE)
        operations.request_supplements(current_user, application, reasons)
    else:
        if not (form.decline_reason.data or "").strip():
            return _("不予受理必须写明理由。")
        operations.decline(
            current_user, application, form.decline_reason.data, form.right_authority.data or ""
        )
    return None


@window.get("/cases/<public_id>/notice.pdf")
@staff_required()
def notice(public_id: str):
    """The latest notice of the case, as issued."""
    application = _case(public_id)
    issued = notices.latest_notice(application) or abort(404)
    return _notice_response(application, issued)


@window.get("/cases/<public_id>/notices/<notice_number>.pdf")
@staff_required()
def notice_file(public_id: str, notice_number: str):
    application = _case(public_id)
    issued = notices.find_notice(application, notice_number) or abort(404)
    return _notice_response(application, issued)


def _notice_response(application, issued) -> Response:
    operations.audit(current_user, "printed-notice", application, notice=issued.number)
    return Response(
        issued.pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": content_disposition(f"{issued.number}.pdf")},
    )


@window.get("/cases/<public_id>/files/<attachment_id>")
@staff_required()
def attachment_file(public_id: str, attachment_id: str):
    application = _case(public_id)
    attachment = find_attachment(application, attachment_id)
    operations.audit(
        current_user, "opened-material", application, material=attachment.material.code
    )
    return attachment_response(attachment)


@window.get("/cases/<public_id>/authority")
@staff_required()
def authority_file(public_id: str):
    """The letter of authorisation of a case filed for its applicant (Art. 29)."""
    application = _case(public_id)
    authority = application.authority or abort(404)
    operations.audit(current_user, "opened-material", application, material=authority.kind)
    return attachment_response(authority)


@window.get("/deliveries")
@staff_required(*Role.SEEING_DELIVERIES)
def deliveries():
    from portal.backoffice.dispatcher import stuck_deliveries

    messages = [m for m in stuck_deliveries() if operations.may_see(current_user, m.application)]
    return render_template("window/deliveries.html", messages=messages)


@window.post("/deliveries/<id:message_id>/resend")
@staff_required(Role.ADMINISTRATOR)
def resend(message_id: int):
    from portal.backoffice.dispatcher import resend as resend_message

    if operations.visible_delivery(current_user, message_id) is None:
        abort(404)
    if not resend_message(message_id):
        abort(404)
    operations.audit(current_user, "resent-delivery", message=message_id)
    flash(_("已重新排队发送。"))
    return redirect(url_for("window.deliveries"))


LIGHT_LABELS = {"green": _l("正常"), "yellow": _l("即将到期"), "red": _l("已超期")}


@window.app_template_global()
def light_label(value: str) -> str:
    return str(LIGHT_LABELS[str(value)])


window.add_app_template_global(display_number, "display_number")
window.add_app_template_global(display_ticket, "display_ticket")
window.add_app_template_global(presenters.case_status, "case_status")
window.add_app_template_global(presenters.decision_label, "decision_label")
window.add_app_template_global(presenters.applicant_identifier, "applicant_identifier")
