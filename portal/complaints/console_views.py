"""The supervision office's console: the queue of the center's complaints and one ticket
with its handling steps. Only the office (supervisor, supervision-head) gets in; the
window or department complained about sees a statement request without the complainant."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from forms.base import BaseForm, FieldError
from forms.complaint_office import (
    AssignForm,
    ExtensionForm,
    NotAcceptForm,
    QueueFilterForm,
    ReplyForm,
    StatementForm,
    StatementRequestForm,
)
from portal.access import staff_required
from portal.clock import beijing
from portal.complaints import attachment_links, console, handling
from portal.complaints.deadlines import read_deadlines
from portal.complaints.models import ComplaintStatus, Kind
from portal.complaints.office_models import StatementRequest
from portal.complaints.presenters import KIND_LABELS, STATUS_LABELS
from portal.extensions import db
from portal.filing.downloads import attachment_response
from portal.window.models import Role

complaint_office = Blueprint("complaint_office", __name__, url_prefix="/staff/complaints")
OFFICE = Role.SUPERVISION
S = ComplaintStatus

PROBLEMS = {
    "head-only": lambda: _("只有效能监察室负责人可以审定。"),
    "own-draft": lambda: _("负责人不能审定自己起草的答复，请由其他人起草。"),
    "no-draft": lambda: _("还没有答复草稿。"),
    "contact": lambda: _("不属于本中心范围的，请写明应当向谁反映。"),
    "earlier-ticket": lambda: _("请填写本中心此前已收到的那张工单的编号。"),
    "reason": lambda: _("请选择不予受理的理由。"),
    "same-handler": lambda: _("重新处理的投诉要由第一次答复以外的人承办。"),
    "handler": lambda: _("请选择效能监察室在岗的工作人员。"),
    "reply": lambda: _("请写明答复内容。"),
    "why": lambda: _("请写明延期的原因。"),
    "too-late": lambda: _("答复期限已过，不能再申请延期。"),
    "new-date": lambda: _("新的答复期限要晚于现在的期限，并且最多延长与原期限相同的工作日数。"),
    "once": lambda: _("这件投诉已经申请过一次延期。"),
    "no-extension": lambda: _("没有待审批的延期申请。"),
}


def _me():
    return current_user._get_current_object()


def _calendar():
    return current_app.extensions["calendar"]


def _deadlines():
    return read_deadlines(current_app.config["GUIDES_DIR"])


def _complaint(ticket: str):
    complaint = handling.find_for_office(_me(), ticket)
    if complaint is None:
        abort(404)
    return complaint


@complaint_office.get("")
@staff_required(*OFFICE)
def queue():
    form = QueueFilterForm(formdata=request.args)
    form.status.choices = [("", _("全部"))] + [
        (s, str(STATUS_LABELS[s])) for s in S.ALL if s not in S.FINAL
    ]
    form.kind.choices = [("", _("全部"))] + [(k, str(KIND_LABELS[k])) for k in Kind.ALL]
    form.validate()
    rows = console.queue(
        _me(), _calendar(), beijing.today(), form.status.data or None, form.kind.data or None
    )
    return render_template("complaints/staff/queue.html", rows=rows, form=form)


def _page(
    complaint, status: int = 200, identity: bool = False, problem: str | None = None, **forms
):
    """The ticket page; after a failed step, its form with its errors and ``problem`` (a
    sentence about the step itself), summarised at the top."""
    me = _me()
    errors = []
    for name, form in forms.items():
        errors += form.error_summary()
        if problem:
            errors.append(FieldError(f"step-{name}", problem))
    assign = forms.get("assign") or AssignForm(formdata=None)
    assign.handler.choices = [(m.id, m.name) for m in handling.handlers_for(me, complaint)]
    ticket = console.Ticket(complaint, me, _calendar(), beijing.today())
    response = make_response(
        render_template(
            "complaints/staff/ticket.html",
            ticket=ticket,
            attachments=attachment_links.listed(complaint),
            identity=ticket.identity() if identity else None,
            not_accept=forms.get("not_accept") or NotAcceptForm(formdata=None),
            assign=assign,
            statement_request=forms.get("statement_request") or StatementRequestForm(formdata=None),
            statement=forms.get("statement") or StatementForm(formdata=None),
            reply=forms.get("reply") or ReplyForm(formdata=None, reply=complaint.reply_draft),
            extension=forms.get("extension") or ExtensionForm(formdata=None),
            confirm=BaseForm(formdata=None),
            errors=errors,
            problem=problem,
            failed=next(iter(forms), None),
            S=S,
        ),
        status,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@complaint_office.get("/<ticket>")
@staff_required(*OFFICE)
def ticket(ticket: str):
    return _page(_complaint(ticket))


@complaint_office.get("/<ticket>/attachments/<link>")
@staff_required(*OFFICE)
def attachment(ticket: str, link: str):
    complaint = _complaint(ticket)
    found = attachment_links.attachment_for(complaint, link)
    if found is None:
        abort(403)  # expired, altered, or another ticket's link
    response = attachment_response(found)
    response.headers["Cache-Control"] = "no-store"
    return response


def _done(complaint, message: str):
    flash(message)
    return redirect(url_for("complaint_office.ticket", ticket=complaint.ticket))


def _step(complaint, form_name: str, form: BaseForm, step, message: str):
    """Validate ``form``, take ``step``; the page again with the problem next to the form."""
    problem = None
    if form.validate_on_submit():
        try:
            step(form)
        except handling.HandlingError as error:
            problem = PROBLEMS[error.code]()
        except handling.NotAllowed:
            db.session.rollback()
            complaint = _complaint(complaint.ticket)
            problem = _(
                "这件投诉已经由其他人处理过了，现在是“%(status)s”。",
                status=STATUS_LABELS[complaint.status],
            )
        else:
            return _done(complaint, message)
    elif "csrf_token" in form.errors:
        abort(400)
    return _page(complaint, 400, problem=problem, **{form_name: form})


@complaint_office.post("/<ticket>/accept")
@staff_required(*OFFICE)
def accept(ticket: str):
    complaint = _complaint(ticket)
    return _step(
        complaint,
        "confirm",
        BaseForm(),
        lambda _form: handling.accept(_me(), complaint),
        _("已受理，投诉人会收到通知。"),
    )


@complaint_office.post("/<ticket>/not-accept")
@staff_required(*OFFICE)
def not_accept(ticket: str):
    complaint = _complaint(ticket)
    return _step(
        complaint,
        "not_accept",
        NotAcceptForm(),
        lambda f: handling.not_accept(
            _me(), complaint, f.reason.data, f.contact.data, f.earlier_ticket.data
        ),
        _("已记录不予受理，投诉人会收到理由。"),
    )


@complaint_office.post("/<ticket>/investigate")
@staff_required(*OFFICE)
def investigate(ticket: str):
    complaint = _complaint(ticket)
    form = AssignForm()
    form.handler.choices = [(m.id, m.name) for m in handling.handlers_for(_me(), complaint)]

    def assign(f):
        handler = next(m for m in handling.handlers_for(_me(), complaint) if m.id == f.handler.data)
        handling.start_investigating(_me(), complaint, handler)

    return _step(complaint, "assign", form, assign, _("已开始调查。"))


@complaint_office.post("/<ticket>/statements")
@staff_required(*OFFICE)
def ask_statement(ticket: str):
    complaint = _complaint(ticket)
    return _step(
        complaint,
        "statement_request",
        StatementRequestForm(),
        lambda f: handling.ask_statement(
            _me(), complaint, f.asked_of.data, f.question.data, _calendar(), _deadlines()
        ),
        _("已记录书面说明的要求。"),
    )


def _statement_request(complaint, request_id: int) -> StatementRequest:
    found = db.session.get(StatementRequest, request_id)
    if found is None or found.complaint_id != complaint.id:
        abort(404)
    return found


@complaint_office.post("/<ticket>/statements/<id:request_id>")
@staff_required(*OFFICE)
def enter_statement(ticket: str, request_id: int):
    complaint = _complaint(ticket)
    asked = _statement_request(complaint, request_id)
    return _step(
        complaint,
        "statement",
        StatementForm(),
        lambda f: handling.enter_statement(_me(), asked, f.statement.data),
        _("已录入书面说明。"),
    )


@complaint_office.get("/<ticket>/statements/<id:request_id>")
@staff_required()
def statement_letter(ticket: str, request_id: int):
    """The request as the department or window receives it: the facts, never the
    complainant. The office, and the officers of the window complained about, open it."""
    me = _me()
    complaint = handling.statement_complaint(me, ticket)
    if complaint is None:
        abort(404)
    asked = _statement_request(complaint, request_id)
    return render_template(
        "complaints/staff/statement_letter.html",
        ticket=console.Ticket(complaint, me, _calendar(), beijing.today()),
        asked=asked,
        due_by=asked.due_by,
    )


@complaint_office.post("/<ticket>/reply")
@staff_required(*OFFICE)
def draft_reply(ticket: str):
    complaint = _complaint(ticket)
    return _step(
        complaint,
        "reply",
        ReplyForm(),
        lambda f: handling.draft_reply(_me(), complaint, f.reply.data),
        _("答复草稿已保存，请效能监察室负责人审定。"),
    )


@complaint_office.post("/<ticket>/reply/approve")
@staff_required(Role.SUPERVISION_HEAD)
def approve_reply(ticket: str):
    complaint = _complaint(ticket)
    return _step(
        complaint,
        "confirm",
        BaseForm(),
        lambda _form: handling.approve_reply(_me(), complaint),
        _("答复已审定并发给投诉人。"),
    )


@complaint_office.post("/<ticket>/extension")
@staff_required(*OFFICE)
def ask_extension(ticket: str):
    complaint = _complaint(ticket)
    return _step(
        complaint,
        "extension",
        ExtensionForm(),
        lambda f: handling.ask_extension(
            _me(), complaint, f.why.data, f.reply_by.data, _calendar(), _deadlines()
        ),
        _("延期申请已提交，请效能监察室负责人审批。"),
    )


@complaint_office.post("/<ticket>/extension/approve")
@staff_required(Role.SUPERVISION_HEAD)
def approve_extension(ticket: str):
    complaint = _complaint(ticket)
    return _step(
        complaint,
        "confirm",
        BaseForm(),
        lambda _form: handling.approve_extension(_me(), complaint),
        _("已批准延期，投诉人会收到原因和新的期限。"),
    )


@complaint_office.post("/<ticket>/extension/refuse")
@staff_required(Role.SUPERVISION_HEAD)
def refuse_extension(ticket: str):
    complaint = _complaint(ticket)
    return _step(
        complaint,
        "confirm",
        BaseForm(),
        lambda _form: handling.refuse_extension(_me(), complaint),
        _("未批准延期，答复期限不变。"),
    )


@complaint_office.post("/<ticket>/identity")
@staff_required(*OFFICE)
def show_identity(ticket: str):
    """The complainant's identity, on this response only; the opening is logged."""
    complaint = _complaint(ticket)
    if not BaseForm().validate_on_submit():
        abort(400)
    handling.show_identity(_me(), complaint)
    return _page(complaint, identity=True)
