"""The complainant's pages. This session: following a ticket with its query code."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from forms.complaints import FollowForm
from portal.access import public
from portal.complaints import operations
from portal.complaints.presenters import FollowedComplaint
from portal.extensions import limiter

complaints = Blueprint("complaints", __name__, url_prefix="/complaints")


@complaints.route("/follow", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["TRACK_RATE_LIMIT"], methods=["POST"])
def follow():
    form = FollowForm()
    not_found = False
    if form.validate_on_submit():
        complaint = operations.follow(form.ticket.data, form.code.data)
        if complaint is not None:
            return render_template(
                "complaints/followed.html", complaint=FollowedComplaint(complaint)
            )
        not_found = True
    return render_template("complaints/follow.html", form=form, not_found=not_found), (
        404 if not_found else 200
    )
