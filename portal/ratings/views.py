"""The applicant's side: rate an ended case on its page, and add one 追评 after the follow-up."""

from __future__ import annotations

import contextlib

from flask import Blueprint, abort, current_app, g, redirect, render_template, url_for
from flask_login import current_user

from forms.ratings import LEVEL_LABELS, OUTCOME_LABELS, LaterRatingForm, RatingForm
from portal.access import applicant_required
from portal.filing import operations, presenters
from portal.ratings import follow_up, rating
from portal.ratings.reasons import reasons

ratings = Blueprint("ratings", __name__)


def _own(public_id: str):
    application = operations.find_own_application(current_user, public_id)
    if application is None:
        abort(404)
    return application


@ratings.app_template_global()
def rating_prompt(application) -> dict:
    """What the owner's case page shows about its rating: the form, or the rating given."""
    # Only an ended case can have been rated (rating.rate): no query for one still running.
    given = rating.rating_of(application) if application.status in rating.ENDED else None
    found = follow_up.follow_up_of(given) if given is not None else None
    return {
        "form": g.get("rating_form") or (RatingForm() if rating.may_rate(application) else None),
        "given": given,
        "follow_up": found,
        "later_form": g.get("later_form")
        or (LaterRatingForm() if given and follow_up.may_rate_again(given) else None),
        "levels": LEVEL_LABELS,
        "outcomes": OUTCOME_LABELS,
        "reasons": reasons(),
    }


def _case_page(application, status: int):
    return render_template(
        "filing/progress.html",
        application=application,
        case=presenters.Case(application, owner=True),
    ), status


@ratings.post("/applications/<public_id>/rating")
@applicant_required
def rate(public_id: str):
    application = _own(public_id)
    form = RatingForm()
    if not rating.may_rate(application):
        # Rated already (another tab) or not ended: the page says where it stands.
        return redirect(url_for("filing.progress", public_id=public_id) + "#rating")
    if not form.validate_on_submit():
        g.rating_form = form
        return _case_page(application, 400)
    with contextlib.suppress(rating.NotNow):
        rating.rate(
            application,
            form.level.data,
            tuple(form.reasons.data or ()),
            form.words.data,
            current_app.extensions["calendar"],
            current_app.config["RATING_CALL_BACK_DAYS"],
        )
    return redirect(url_for("filing.progress", public_id=public_id) + "#rating")


@ratings.post("/applications/<public_id>/rating/again")
@applicant_required
def rate_again(public_id: str):
    application = _own(public_id)
    given = rating.rating_of(application)
    if given is None or not follow_up.may_rate_again(given):
        return redirect(url_for("filing.progress", public_id=public_id) + "#rating")
    form = LaterRatingForm()
    if not form.validate_on_submit():
        g.later_form = form
        return _case_page(application, 400)
    with contextlib.suppress(follow_up.NotNow):
        follow_up.rate_again(given, form.level.data, form.words.data)
    return redirect(url_for("filing.progress", public_id=public_id) + "#rating")
