"""The county center follows the city-level cases it forwarded: a list and a read-only case
page (status, deadlines as dates, the timeline). The city window decides; nothing here can.

Only staff of the forwarding county center see a case (``forwarding.find_forwarded``); any
other county, the city and an unknown id get 404; staff of a center that is no county get
403 on the list.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from portal.access import staff_required
from portal.filing import forwarding
from portal.filing.presenters import Case
from portal.window import operations

forwarded = Blueprint("forwarded", __name__, url_prefix="/staff/forwarded")


@forwarded.get("")
@staff_required()
def follow_list():
    if not forwarding.follows_forwarded(current_user):
        abort(403)
    cases = [Case(a) for a in forwarding.forwarded_by_center(current_user)]
    return render_template(
        "window/forwarded_list.html", cases=cases, limit=forwarding.FOLLOW_LIST_LIMIT
    )


@forwarded.get("/<public_id>")
@staff_required()
def case(public_id: str):
    application = forwarding.find_forwarded(current_user, public_id)
    if application is None:
        abort(404)
    operations.audit(current_user, "viewed-forwarded-case", application)
    return render_template(
        "window/forwarded_case.html", application=application, case=Case(application)
    )


def forwarded_by(application) -> str | None:
    """The county center a case came from, for the city window's queue."""
    return Case(application).forwarded_by


forwarded.add_app_template_global(forwarded_by, "forwarded_by")
forwarded.add_app_template_global(forwarding.follows_forwarded, "follows_forwarded")
