"""The complainant's pages: start, one question a page, attachments, check, submit, the
acknowledgement; following a ticket with its query code or from the account; rating."""

from __future__ import annotations

import contextlib
from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from forms.complaints import (
    FollowForm,
    RatingForm,
    ReconsiderForm,
    StartForm,
    SubmitForm,
)
from forms.filing import UploadForm
from forms.ratings import LEVEL_LABELS, OUTCOME_LABELS, LaterRatingForm
from portal.access import applicant_required, public
from portal.complaints import attachments, operations, presenters, rating
from portal.complaints import journey as j
from portal.complaints import steps as asked
from portal.complaints.deadlines import ComplaintDeadlines, read_deadlines
from portal.complaints.models import Kind
from portal.complaints.numbering import display_ticket, is_well_formed, normalize_ticket
from portal.extensions import limiter
from portal.filing.operations import UploadRejected
from portal.filing.presenters import rejection_message, upload_limits
from portal.i18n import long_date
from portal.ratings import follow_up
from portal.storage import content_disposition

complaints = Blueprint("complaints", __name__)


def _deadlines() -> ComplaintDeadlines:
    if "complaint_deadlines" not in current_app.extensions:
        current_app.extensions["complaint_deadlines"] = read_deadlines(
            current_app.config["GUIDES_DIR"]
        )
    return current_app.extensions["complaint_deadlines"]


def _applicant():
    """The signed-in applicant (never a staff member), or None."""
    if current_user.is_authenticated and not current_user.get_id().startswith("staff:"):
        return current_user._get_current_object()
    return None


def _draft() -> j.Draft:
    draft = j.Draft.current()
    if draft is None:
        abort(redirect(url_for("complaints.start_page")))
    return draft


@complaints.get("/complaints/new")
@public
def start_page():
    deadlines = _deadlines()
    form = StartForm(
        case=request.args.get("case", "", type=str)[:32],
        number=request.args.get("number", "", type=str)[:40],
        item=request.args.get("item", "", type=str)[:64],
    )
    return render_template(
        "complaints/start.html",
        form=form,
        accept_days=deadlines.accept_working_days,
        reply_days=[
            (presenters.KIND_LABELS[kind], deadlines.reply_working_days[kind]) for kind in Kind.ALL
        ],
    )


@complaints.post("/complaints/new")
@public
def start():
    form = StartForm()
    if not form.validate():
        return redirect(url_for("complaints.start_page"))
    draft = j.Draft.begin(case=form.case.data, number=form.number.data, item=form.item.data)
    asked.preselect(draft, _applicant())
    return redirect(j.url_for_step(j.KIND))


@complaints.route("/complaints/new/<step>", methods=["GET", "POST"])
@public
def step(step: str):
    draft = _draft()
    if step not in j.QUESTION_STEPS or step not in draft.steps():
        abort(404)
    page = asked.page(step, draft, _applicant(), request.form if request.method == "POST" else None)
    if request.method == "POST" and page.accept():
        return redirect(draft.after(step))
    return render_template(page.template, draft=draft, step=step, page=page, form=page.form), (
        400 if page.form.errors or page.error else 200
    )


@complaints.route("/complaints/new/files", methods=["GET", "POST"])
@public
def files():
    draft = _draft()
    form = UploadForm()
    error = None
    if request.method == "POST" and form.validate():
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            return redirect(draft.after(j.FILES))
        try:
            stored = attachments.store_draft_file(
                draft.id,
                draft.files,
                upload.stream,
                upload.filename,
                storage=current_app.extensions["storage"],
                scanner=current_app.extensions["scanner"],
                limits=upload_limits(),
            )
        except UploadRejected as rejection:
            error = rejection_message(rejection.reason)
        else:
            draft.save(files=[*draft.get("files", []), stored.as_dict()])
            return redirect(url_for("complaints.files"))
    if error:
        form.file.errors = [error]
    return render_template(
        "complaints/files.html",
        draft=draft,
        step=j.FILES,
        form=form,
        files=draft.files,
        max_files=attachments.MAX_FILES,
        limits=upload_limits(),
    ), (400 if error else 200)


@complaints.post("/complaints/new/files/<int:index>/remove")
@public
def remove_file(index: int):
    draft = _draft()
    kept = draft.get("files", [])
    if 0 <= index < len(kept):
        # The bytes stay until the cleanup finds no row pointing to them.
        draft.save(files=kept[:index] + kept[index + 1 :])
    return redirect(url_for("complaints.files"))


@complaints.get("/complaints/new/check")
@public
def check():
    draft = _draft()
    missing = draft.first_unanswered()
    if missing:
        return redirect(j.url_for_step(missing))
    draft.save(checking=True)
    return render_template(
        "complaints/check.html", draft=draft, rows=presenters.check_rows(draft), form=SubmitForm()
    )


def _rate_limit() -> str:
    return current_app.config["COMPLAINT_RATE_LIMIT"]


def _account_key() -> str:
    # The account, not the sign-in session: a new sign-in does not reset the allowance.
    applicant = _applicant()
    return f"complaint-account:{applicant.id if applicant else 'none'}"


def _filed(response) -> bool:
    # Only a complaint actually filed counts against the day's allowance.
    return response.status_code == 302 and "/complaints/filed" in response.location


@complaints.post("/complaints/new/submit")
@public
@limiter.limit(_rate_limit, deduct_when=_filed)
@limiter.limit(
    _rate_limit,
    key_func=_account_key,
    exempt_when=lambda: _applicant() is None,
    deduct_when=_filed,
)
def submit():
    draft = _draft()
    form = SubmitForm()
    if not form.validate():
        return render_template(
            "complaints/check.html", draft=draft, rows=presenters.check_rows(draft), form=form
        ), 400
    try:
        submitted = j.submit(
            draft,
            _applicant(),
            calendar=current_app.extensions["calendar"],
            deadlines=_deadlines(),
            storage=current_app.extensions["storage"],
        )
    except j.Incomplete as incomplete:
        return redirect(j.url_for_step(incomplete.step))
    j.remember_filed(submitted)
    return redirect(url_for("complaints.filed"))


@complaints.get("/complaints/filed")
@public
def filed():
    shown = j.just_filed() or abort(404)
    reply_by = date.fromisoformat(shown["reply_by"])
    return render_template(
        "complaints/filed.html",
        ticket=display_ticket(shown["ticket"]),
        code=shown["code"],
        reply_by=long_date(reply_by),
        next_steps=presenters.next_steps(reply_by),
    )


@complaints.get("/complaints/filed.pdf")
@public
def filed_pdf():
    shown = j.just_filed() or abort(404)
    pdf = presenters.acknowledgement_pdf(
        shown["ticket"], shown["code"], date.fromisoformat(shown["reply_by"])
    )
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": content_disposition(f"{shown['ticket']}.pdf")},
    )


@complaints.route("/complaints/follow", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["TRACK_RATE_LIMIT"], methods=["POST"])
def follow():
    form = FollowForm()
    not_found = False
    if form.validate_on_submit():
        complaint = operations.follow(form.ticket.data, form.code.data)
        if complaint is not None:
            j.remember_followed(complaint.ticket)
            return _followed_page(complaint)
        not_found = True
    return render_template("complaints/follow.html", form=form, not_found=not_found), (
        404 if not_found else 200
    )


def _followed_page(complaint, rating_form=None, ask_form=None, status=200, later_form=None):
    return render_template(
        "complaints/followed.html",
        complaint=presenters.FollowedComplaint(complaint),
        attachments=attachments.attachments_of(complaint),
        rating_form=rating_form or RatingForm(),
        ask_form=ask_form or ReconsiderForm(),
        later_form=later_form or LaterRatingForm(),
        levels=LEVEL_LABELS,
        outcomes=OUTCOME_LABELS,
    ), status


def _followed(ticket: str):
    """A complaint its complainant may see: followed with its code here, or their own."""
    normalized = normalize_ticket(ticket)
    if not is_well_formed(normalized):
        abort(404)
    complaint = j.find_complaint(normalized) or abort(404)
    applicant = _applicant()
    own = applicant is not None and complaint.applicant_id == applicant.id
    if not own and not j.followed_in_session(complaint.ticket):
        abort(404)
    return complaint


@complaints.get("/complaints/tickets/<ticket>")
@public
def ticket(ticket: str):
    return _followed_page(_followed(ticket))


@complaints.post("/complaints/tickets/<ticket>/rating")
@public
def rate(ticket: str):
    complaint = _followed(ticket)
    form = RatingForm()
    if not form.validate():
        return _followed_page(complaint, rating_form=form, status=400)
    # Already rated or no longer replied: the page it returns to says where it stands.
    with contextlib.suppress(rating.NotNow):
        rating.rate(complaint, form.level.data, tuple(form.reasons.data or ()), form.words.data)
    return redirect(url_for("complaints.ticket", ticket=complaint.ticket) + "#rating")


@complaints.post("/complaints/tickets/<ticket>/rating/again")
@public
def rate_again(ticket: str):
    """The one 追评 of the reply's rating, after the office told the follow-up's outcome."""
    complaint = _followed(ticket)
    back = redirect(url_for("complaints.ticket", ticket=complaint.ticket) + "#rating")
    given = rating.rating_of_reply(complaint)
    if given is None or not follow_up.may_rate_again(given):
        return back
    form = LaterRatingForm()
    if not form.validate():
        return _followed_page(complaint, later_form=form, status=400)
    with contextlib.suppress(follow_up.NotNow):
        follow_up.rate_again(given, form.level.data, form.words.data)
    return back


@complaints.post("/complaints/tickets/<ticket>/ask-again")
@public
def ask_again(ticket: str):
    complaint = _followed(ticket)
    form = ReconsiderForm()
    if not form.validate():
        return _followed_page(complaint, ask_form=form, status=400)
    with contextlib.suppress(rating.NotNow):
        rating.ask_again(complaint, form.reason.data)
    return redirect(url_for("complaints.ticket", ticket=complaint.ticket))


@complaints.get("/account/complaints")
@applicant_required
def mine():
    mine = j.complaints_of(current_user)
    return render_template(
        "complaints/mine.html", complaints=[presenters.ComplaintSummary(c) for c in mine]
    )
