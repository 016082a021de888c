"""The online application journey: start, one question a page, one material a page,
check answers, declare and submit, receipt, progress, supplements, lookup.

The journey's pages (``JOURNEY``) are registered twice: here for the applicant filing their
own application, and under ``/staff/assisted`` for a staff member filing for an applicant of
record (portal/filing/assisted_views.py). Each blueprint says, by an :class:`Acting`, whose
application a public id names and who acts; the pages themselves are the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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
from flask_babel import gettext as _
from flask_login import current_user

from forms.filing import (
    DeclarationForm,
    LookupForm,
    ResubmitForm,
    UploadForm,
    answer_text,
    place_form,
    question_form,
)
from forms.filing_address import PostalAddressForm
from portal.access import applicant_required, public
from portal.catalog import queries
from portal.extensions import limiter
from portal.filing import notices, operations, presenters
from portal.filing import supplements as asked_again
from portal.filing.downloads import attachment_response, find_attachment
from portal.filing.models import Status
from portal.storage import content_disposition

filing = Blueprint("filing", __name__)


@dataclass(frozen=True)
class Acting:
    """Who fills in a journey on a blueprint, and whose application a public id names."""

    find: Callable[[object, str], object]  # (signed-in user, public id) → application or None
    actor: str  # the timeline's actor for what they do
    done_endpoint: str  # where a case no longer open for editing is shown
    submitted_endpoint: str  # the page after submission
    declaration: type = DeclarationForm
    # Only the applicant answers the window's request for supplements.
    supplements: bool = True
    # Called after a submission this request made (e.g. the staff audit trail).
    submitted: Callable[[object, object], None] | None = None
    # Other places a material can come from: (application, material) → [(label, url)].
    sources: Callable[[object, object], list] | None = None


ACTING: dict[str, Acting] = {
    "filing": Acting(
        operations.find_own_application, "applicant", "filing.progress", "filing.submitted"
    )
}


def _acting() -> Acting:
    return ACTING[request.blueprint]


def _journey(application) -> presenters.Journey:
    return presenters.Journey(application, request.blueprint)


def _own(public_id: str):
    application = _acting().find(current_user, public_id)
    if application is None:
        abort(404)
    return application


def _done_url(application) -> str:
    return url_for(_acting().done_endpoint, public_id=application.public_id)


def _editable(application):
    if application.status not in Status.OPEN_FOR_EDITING:
        abort(redirect(_done_url(application)))
    return application


def _keep_days() -> int:
    return current_app.config["DRAFT_KEEP_DAYS"]


@filing.get("/items/<code>/apply")
@public
def start_page(code: str):
    item = queries.fetch_item(code)
    if item is None or not item.online:
        abort(404)
    return render_template("filing/start.html", item=item, limits=presenters.upload_limits())


@filing.post("/items/<code>/apply")
@applicant_required
def start(code: str):
    item = queries.fetch_item(code)
    if item is None or not item.online:
        abort(404)
    application = operations.start_application(current_user, item, _keep_days())
    return redirect(presenters.Journey(application).first_url())


# The journey (registered by add_journey below) ----------------------------------------


def place(public_id: str):
    """One question: which center and window the filing goes to (only when there is a choice)."""
    application = _editable(_own(public_id))
    journey = _journey(application)
    if presenters.PLACE_STEP not in journey.steps:
        abort(404)
    form = place_form(
        [(w.id, presenters.place_label(w)) for w in journey.places],
        application.window_id,
        request.form if request.method == "POST" else None,
    )
    if request.method == "POST" and form.validate():
        if operations.choose_place(application, int(form.window.data), _keep_days()):
            return redirect(journey.after(presenters.PLACE_STEP))
        form.window.errors = [_("请选择一个办理地点。")]
    return render_template(
        "filing/place.html",
        application=application,
        journey=journey,
        step=presenters.PLACE_STEP,
        form=form,
        hints={str(w.id): presenters.place_hint(w) for w in journey.places},
    ), (400 if form.errors else 200)


def question(public_id: str, question_code: str):
    application = _editable(_own(public_id))
    journey = _journey(application)
    asked = journey.question(question_code) or abort(404)
    form = question_form(
        asked,
        application.answers.get(question_code),
        request.form if request.method == "POST" else None,
    )
    if request.method == "POST" and form.validate():
        operations.record_answer(
            application, asked, answer_text(asked, form.answer.data), _keep_days()
        )
        # The answer may add a step (the postal address after "by post"): ask the new journey.
        return redirect(_journey(application).after(("question", question_code)))
    return render_template(
        "filing/question.html",
        application=application,
        journey=journey,
        step=("question", question_code),
        question=asked,
        form=form,
        option_hints=presenters.option_hints(asked, application),
    ), (400 if form.errors else 200)


def postal_address(public_id: str, question_code: str):
    """The postal address, asked only after the applicant chose delivery by post."""
    application = _editable(_own(public_id))
    journey = _journey(application)
    step = ("address", question_code)
    if step not in journey.steps:
        # Not (or no longer) by post: the question itself is where to go.
        if journey.question(question_code) is None:
            abort(404)
        return redirect(journey.url(("question", question_code)))
    asked = journey.question(question_code)
    form = PostalAddressForm(request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        operations.record_postal_address(application, asked, form.parts(), _keep_days())
        return redirect(journey.after(step))
    if request.method == "GET":
        applicant = application.applicant
        form.fill(application.answers, question_code, name=applicant.name, mobile=applicant.mobile)
    return render_template(
        "filing/address.html",
        application=application,
        journey=journey,
        step=step,
        question=asked,
        form=form,
    ), (400 if form.errors else 200)


def material(public_id: str, material_code: str):
    application = _own(public_id)
    slot = operations.material_of(application, material_code) or abort(404)
    if not _may_change(application, slot):
        return redirect(_done_url(application))
    journey = _journey(application)
    supplementing = application.status in Status.OPEN_FOR_SUPPLEMENTS
    shown = asked_again.shown_attachment(application, slot)
    form = UploadForm()
    error = None
    if request.method == "POST" and form.validate():
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            if supplementing and shown is not None:
                return redirect(url_for("filing.supplements", public_id=public_id))
            if not supplementing and (not slot.required or shown is not None):
                return redirect(journey.after(("material", material_code)))
            # A material the window asked for again needs a new file, whatever was there.
            error = _("请选择要上传的文件。")
        else:
            try:
                operations.attach_material(
                    application,
                    slot,
                    upload.stream,
                    upload.filename,
                    storage=current_app.extensions["storage"],
                    scanner=current_app.extensions["scanner"],
                    limits=presenters.upload_limits(),
                )
            except operations.UploadRejected as rejection:
                error = presenters.rejection_message(rejection.reason)
            else:
                if application.status in Status.OPEN_FOR_SUPPLEMENTS:
                    return redirect(url_for("filing.supplements", public_id=public_id))
                return redirect(journey.url(("material", material_code)))
    if error:
        form.file.errors = [error]
    return render_template(
        "filing/material.html",
        application=application,
        journey=journey,
        step=("material", material_code),
        material=slot,
        form=form,
        attachment=shown,
        limits=presenters.upload_limits(),
        sources=_acting().sources(application, slot) if _acting().sources else [],
    ), (400 if error else 200)


def _may_change(application, slot) -> bool:
    if application.status in Status.OPEN_FOR_SUPPLEMENTS and not _acting().supplements:
        return False
    return operations.may_change_material(application, slot)


def remove_material(public_id: str, material_code: str):
    application = _own(public_id)
    slot = operations.material_of(application, material_code) or abort(404)
    if _may_change(application, slot):
        operations.remove_attachment(application, slot)
    return redirect(_journey(application).url(("material", material_code)))


def check(public_id: str):
    application = _editable(_own(public_id))
    form = _acting().declaration(
        token=operations.submission_token(current_app.secret_key, application)
    )
    return render_template(
        "filing/check.html",
        application=application,
        journey=_journey(application),
        missing=operations.missing_parts(application),
        form=form,
    )


def submit(public_id: str):
    application = _own(public_id)
    if application.status != Status.DRAFT:
        # A double click or a retry after a timeout: the first submission stands.
        return redirect(url_for(_acting().submitted_endpoint, public_id=public_id))
    form = _acting().declaration()
    missing = operations.missing_parts(application)
    token_ok = form.token.data == operations.submission_token(current_app.secret_key, application)
    if not form.validate() or missing or not token_ok:
        return render_template(
            "filing/check.html",
            application=application,
            journey=_journey(application),
            missing=missing,
            form=form,
        ), 400
    # The applicant is told by the "submitted" event (portal/messaging/case_messages.py).
    acting = _acting()
    won = operations.submit(application, current_app.extensions["calendar"], acting.actor)
    if won and acting.submitted is not None:
        acting.submitted(current_user, application)
    return redirect(url_for(acting.submitted_endpoint, public_id=public_id))


@filing.get("/applications/<public_id>/submitted")
@applicant_required
def submitted(public_id: str):
    application = _own(public_id)
    if application.number is None:
        return redirect(url_for("filing.check", public_id=public_id))
    return render_template(
        "filing/submitted.html",
        application=application,
        case=presenters.Case(application, owner=True),
    )


@filing.get("/applications/<public_id>/receipt.pdf")
@applicant_required
def receipt(public_id: str):
    application = _own(public_id)
    if application.number is None:
        abort(404)
    pdf = presenters.receipt_pdf(application)
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": content_disposition(f"{application.number}.pdf")},
    )


@filing.get("/applications/<public_id>/notice.pdf")
@applicant_required
def notice(public_id: str):
    """The latest written notice of the case (Art. 32, 38), as issued."""
    application = _own(public_id)
    return _notice_response(notices.latest_notice(application) or abort(404))


@filing.get("/applications/<public_id>/notices/<notice_number>.pdf")
@applicant_required
def notice_file(public_id: str, notice_number: str):
    """Any notice the case ever received, byte for byte as it was issued."""
    application = _own(public_id)
    return _notice_response(notices.find_notice(application, notice_number) or abort(404))


def _notice_response(issued) -> Response:
    return Response(
        issued.pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": content_disposition(f"{issued.number}.pdf")},
    )


@filing.get("/applications/<public_id>")
@applicant_required
def progress(public_id: str):
    application = _own(public_id)
    if application.status == Status.DRAFT:
        return redirect(_journey(application).resume_url())
    return render_template(
        "filing/progress.html",
        application=application,
        case=presenters.Case(application, owner=True),
    )


@filing.get("/applications/<public_id>/files/<attachment_id>")
@applicant_required
def attachment_file(public_id: str, attachment_id: str):
    return attachment_response(find_attachment(_own(public_id), attachment_id))


@filing.get("/applications")
@applicant_required
def my_applications():
    applications = operations.my_applications(current_user)
    return render_template(
        "filing/mine.html", cases=presenters.Case.listed(applications, owner=True)
    )


@filing.route("/applications/<public_id>/supplements", methods=["GET", "POST"])
@applicant_required
def supplements(public_id: str):
    application = _own(public_id)
    if application.status not in Status.OPEN_FOR_SUPPLEMENTS:
        return redirect(url_for("filing.progress", public_id=public_id))
    form = ResubmitForm()
    rows = asked_again.requested(application)
    errors = []
    if form.validate_on_submit():
        errors = asked_again.still_missing(rows)
        if not errors and operations.resubmit(application, current_app.extensions["calendar"]):
            return redirect(url_for("filing.resubmitted", public_id=public_id))
    return render_template(
        "filing/supplements.html",
        application=application,
        case=presenters.Case(application),
        rows=rows,
        errors=errors,
        form=form,
    ), (400 if errors else 200)


@filing.get("/applications/<public_id>/resubmitted")
@applicant_required
def resubmitted(public_id: str):
    """What happens now that the window has every material it asked for."""
    application = _own(public_id)
    if application.status != Status.RESUBMITTED:
        return redirect(url_for("filing.progress", public_id=public_id))
    return render_template(
        "filing/resubmitted.html", application=application, case=presenters.Case(application)
    )


@filing.route("/track", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["TRACK_RATE_LIMIT"], methods=["POST"])
def track():
    form = LookupForm()
    if request.method == "GET":
        # The receipt's QR code opens this page with the number filled in (never the code).
        form.number.data = request.args.get("number", "", type=str)[:40]
    not_found = False
    if form.validate_on_submit():
        application = operations.look_up(form.number.data, form.secret.data)
        if application is not None:
            return render_template("filing/tracked.html", case=presenters.Case(application))
        not_found = True
    return render_template("filing/track.html", form=form, not_found=not_found), (
        404 if not_found else 200
    )


# The journey's pages, as ``add_journey`` registers them on a blueprint.
JOURNEY = (
    ("/applications/<public_id>/where", place, ("GET", "POST")),
    ("/applications/<public_id>/questions/<question_code>", question, ("GET", "POST")),
    (
        "/applications/<public_id>/questions/<question_code>/address",
        postal_address,
        ("GET", "POST"),
    ),
    ("/applications/<public_id>/materials/<material_code>", material, ("GET", "POST")),
    ("/applications/<public_id>/materials/<material_code>/remove", remove_material, ("POST",)),
    ("/applications/<public_id>/check", check, ("GET",)),
    ("/applications/<public_id>/submit", submit, ("POST",)),
)


def add_journey(blueprint: Blueprint, guard: Callable, acting: Acting) -> None:
    """The journey's pages on ``blueprint``, each behind ``guard`` (an access decorator of
    portal.access), filled in by whom ``acting`` says."""
    ACTING[blueprint.name] = acting
    for rule, view, methods in JOURNEY:
        blueprint.add_url_rule(rule, view.__name__, guard(view), methods=list(methods))


add_journey(filing, applicant_required, ACTING["filing"])
