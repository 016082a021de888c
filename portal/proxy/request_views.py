"""The proxy request's pages, one question a page: the answers wait in a draft kept with the
sign-in session; check answers; submit; the acknowledgement and the request's own page.

Added to the ``proxy`` blueprint (imported by portal/__init__.py for that)."""

from __future__ import annotations

from flask import Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forms import proxy as proxy_forms
from portal.access import applicant_required, public
from portal.accounts.models import Applicant
from portal.clock import beijing
from portal.filing.operations import UploadRejected
from portal.filing.presenters import rejection_message, upload_limits
from portal.proxy import presenters, requests, uploads
from portal.proxy.acknowledgement import acknowledgement_pdf
from portal.proxy.eligibility import AmountError
from portal.proxy.exchange_rates import NoUsableRate
from portal.proxy.presenters import EligibilityAnswer, amount_message, no_rate_message
from portal.proxy.views import proxy
from portal.storage import content_disposition

FORMS = {
    "project": proxy_forms.ProjectForm,
    "investor": proxy_forms.InvestorForm,
    "amount": proxy_forms.AmountForm,
    "industry": proxy_forms.IndustryForm,
    "location": proxy_forms.LocationForm,
    "key-project": proxy_forms.KeyProjectForm,
    "needs": proxy_forms.NeedsForm,
    "contact": proxy_forms.ContactForm,
    "letter": proxy_forms.LetterForm,
}


def _services() -> dict:
    return {
        "storage": current_app.extensions["storage"],
        "scanner": current_app.extensions["scanner"],
        "limits": upload_limits(),
    }


def _after(step: str) -> str:
    following = requests.next_step(step)
    if following is None:
        return url_for("proxy.request_check")
    return url_for("proxy.request_step", step=following)


@proxy.get("/request")
@public
def request_start():
    """The start page: what to prepare. Signed out, it offers signing in (and comes back)."""
    if not isinstance(current_user._get_current_object(), Applicant):
        return render_template(
            "proxy/request/start.html",
            draft=None,
            resume_url=url_for("accounts.sign_in", next=url_for("proxy.request_start")),
            mine=[],
            statuses=presenters.REQUEST_STATUSES,
            display_number=requests.display_number,
            signed_in=False,
        )
    draft = requests.find_draft(current_user)
    answers = draft.answers if draft else {}
    resume = requests.first_missing(answers) if draft else "project"
    return render_template(
        "proxy/request/start.html",
        draft=draft,
        resume_url=(
            url_for("proxy.request_step", step=resume) if resume else url_for("proxy.request_check")
        ),
        mine=requests.my_requests(current_user),
        statuses=presenters.REQUEST_STATUSES,
        display_number=requests.display_number,
        signed_in=True,
    )


@proxy.route("/request/<step>", methods=["GET", "POST"])
@applicant_required
def request_step(step: str):
    form_class = FORMS.get(step) or abort(404)
    draft = requests.draft_of(current_user)
    answers = draft.answers
    if request.method == "GET":
        form = form_class(data={k: v for k, v in answers.items() if isinstance(v, str)})
    else:
        form = form_class()
    upload_error = None
    if request.method == "POST" and form.validate():
        values = {name: form[name].data for name in answers_fields(form)}
        if step == "amount":
            values["amount"] = str(form.amount.parsed)
        if step == "investor" and not requests.may_request_for(
            current_user, values["investor_type"]
        ):
            form.investor_type.errors.append(presenters.not_foreign_for_a_person())
        elif step == "key-project" and values["key_project"] == "no":
            uploads.discard(current_app.extensions["storage"], answers.get("key_document"))
            requests.record(draft, key_project="no", key_document_number="", key_document=None)
            return redirect(_after(step))
        else:
            upload = request.files.get("file") if "file" in form else None
            if upload is not None and upload.filename:
                slot = "letter" if step == "letter" else "key_document"
                try:
                    stored = uploads.store(slot, upload.stream, upload.filename, **_services())
                except UploadRejected as rejection:
                    upload_error = rejection_message(rejection.reason)
                else:
                    uploads.discard(current_app.extensions["storage"], answers.get(slot))
                    values[slot] = stored
            elif step == "letter" and not answers.get("letter"):
                upload_error = _("请上传签字盖章的委托书。")
            if upload_error:
                form.file.errors = [upload_error]
            else:
                requests.record(draft, **values)
                return redirect(_after(step))
    return render_template(
        "proxy/request/step.html",
        step=step,
        title=presenters.STEP_TITLES[step],
        form=form,
        answers=answers,
        steps=list(requests.STEPS),
        limits=upload_limits(),
    ), (400 if form.errors else 200)


def answers_fields(form) -> set[str]:
    """The form's fields that are answers (not the token or the file)."""
    return {field.name for field in form if field.name not in ("csrf_token", "file")}


@proxy.get("/request/check")
@applicant_required
def request_check():
    draft = requests.find_draft(current_user)
    if draft is None:
        return redirect(url_for("proxy.request_start"))
    return render_template(
        "proxy/request/check.html",
        rows=presenters.answer_rows(draft.answers),
        missing=requests.first_missing(draft.answers),
        form=proxy_forms.SubmitRequestForm(),
        problem=None,
    )


@proxy.post("/request/submit")
@applicant_required
def request_submit():
    draft = requests.find_draft(current_user)
    form = proxy_forms.SubmitRequestForm()
    if draft is None:
        return redirect(url_for("proxy.request_start"))
    missing = requests.first_missing(draft.answers)
    problem = None
    if form.validate() and missing is None:
        try:
            outcome = requests.submit(
                current_user,
                draft,
                rates=current_app.extensions["exchange_rates"].table(),
                calendar=current_app.extensions["calendar"],
                accept_working_days=current_app.config["PROXY_ACCEPT_WORKING_DAYS"],
                storage=current_app.extensions["storage"],
            )
        except AmountError as error:
            problem = amount_message(error)
        except NoUsableRate:
            problem = no_rate_message(beijing.today())
        except requests.NotAllowed:
            problem = presenters.not_foreign_for_a_person()
        else:
            if isinstance(outcome, requests.Refused):
                return render_template(
                    "proxy/request/refused.html", answer=EligibilityAnswer(outcome.answer)
                )
            return redirect(url_for("proxy.request_received", public_id=outcome.public_id))
    return render_template(
        "proxy/request/check.html",
        rows=presenters.answer_rows(draft.answers),
        missing=missing,
        form=form,
        problem=problem,
    ), 400


def _own(public_id: str):
    return requests.find_own(current_user, public_id) or abort(404)


@proxy.get("/requests/<public_id>/received")
@applicant_required
def request_received(public_id: str):
    proxy_request = _own(public_id)
    return render_template(
        "proxy/request/received.html",
        proxy_request=proxy_request,
        number=requests.display_number(proxy_request.number),
    )


@proxy.get("/requests/<public_id>/acknowledgement.pdf")
@applicant_required
def request_acknowledgement(public_id: str):
    proxy_request = _own(public_id)
    return Response(
        acknowledgement_pdf(proxy_request),
        mimetype="application/pdf",
        headers={"Content-Disposition": content_disposition(f"{proxy_request.number}.pdf")},
    )


@proxy.get("/requests/<public_id>")
@applicant_required
def request_page(public_id: str):
    """The investor's page for their request and, once accepted, their project."""
    proxy_request = _own(public_id)
    return render_template(
        "proxy/request/status.html",
        proxy_request=proxy_request,
        number=requests.display_number(proxy_request.number),
        status=presenters.REQUEST_STATUSES[proxy_request.status],
        rows=presenters.answer_rows(presenters.request_answers(proxy_request)),
    )
