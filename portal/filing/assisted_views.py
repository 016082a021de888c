"""Staff-assisted filing's pages under ``/staff/assisted``: the filing journey's own pages
(portal.filing.views.JOURNEY) for a staff member filing for an applicant of record, plus the
draft's overview, the page after submission and the letter of authorisation.

Any signed-in staff member may reach these URLs; each page finds the application only if
this member filed it (portal.filing.assisted.find_assisted), otherwise 404. Who may start
one is the caller's decision (the proxy window's plan, portal/proxy/plan.py).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user

from forms.filing import AssistedDeclarationForm
from portal.access import staff_required
from portal.filing import assisted, presenters
from portal.filing.downloads import attachment_response
from portal.filing.models import Application, Status
from portal.filing.views import Acting, add_journey

staff_assisted = Blueprint("assisted", __name__, url_prefix="/staff/assisted")

# Where a staff member came from, per caller: (label, url) for an application, or None.
# The proxy window adds the project's plan (portal/proxy/plan_views.py).
ORIGINS: list[Callable[[Application], tuple[str, str] | None]] = []
# Where else a material can come from (label, url) on a draft's material page, per caller:
# the proxy window offers the project's documents (portal/proxy/document_views.py).
MATERIAL_SOURCES: list[Callable[[Application, object], tuple[str, str] | None]] = []
# Run right after a submission, in its transaction, per caller (staff, application): the
# county center forwards its filing to the city (portal/filing/county_views.py).
SUBMITTED: list[Callable[[object, Application], None]] = []
# Where a submitted case is shown to the staff member who filed it, per caller: a url or None
# (the county's follow page); else the assisted "submitted" page.
AFTER_SUBMISSION: list[Callable[[Application], str | None]] = []


def _sources(application: Application, material) -> list[tuple[str, str]]:
    return [found for source in MATERIAL_SOURCES if (found := source(application, material))]


add_journey(
    staff_assisted,
    staff_required(),
    Acting(
        assisted.find_assisted,
        assisted.ACTOR,
        "assisted.submitted",
        "assisted.submitted",
        declaration=AssistedDeclarationForm,
        supplements=False,
        submitted=lambda staff, application: _submitted(staff, application),
        sources=_sources,
    ),
)


def _submitted(staff, application: Application) -> None:
    assisted.audit(staff, "assisted-submitted", application, number=application.number)
    for hook in SUBMITTED:
        hook(staff, application)


def _assisted(public_id: str) -> Application:
    return assisted.find_assisted(current_user, public_id) or abort(404)


def origins(application: Application) -> list[tuple[str, str]]:
    return [found for origin in ORIGINS if (found := origin(application))]


@staff_assisted.get("/applications/<public_id>")
@staff_required()
def overview(public_id: str):
    application = _assisted(public_id)
    if application.status != Status.DRAFT:
        return redirect(url_for("assisted.submitted", public_id=public_id))
    return render_template(
        "filing/assisted/overview.html",
        application=application,
        journey=presenters.Journey(application, "assisted"),
        origins=origins(application),
    )


@staff_assisted.get("/applications/<public_id>/submitted")
@staff_required()
def submitted(public_id: str):
    application = _assisted(public_id)
    if application.number is None:
        return redirect(url_for("assisted.check", public_id=public_id))
    for after in AFTER_SUBMISSION:
        if url := after(application):
            return redirect(url)
    return render_template(
        "filing/assisted/submitted.html",
        application=application,
        case=presenters.Case(application),
        origins=origins(application),
    )


@staff_assisted.get("/applications/<public_id>/authority")
@staff_required()
def authority_file(public_id: str):
    authority = _assisted(public_id).authority or abort(404)
    return attachment_response(authority)
