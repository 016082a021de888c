"""The supervision office's follow-up of bad ratings: the list, one page each, two steps."""

from __future__ import annotations

import contextlib

from flask import Blueprint, abort, current_app, redirect, render_template, url_for
from flask_login import current_user

from forms.ratings import (
    APPEAL_DECISION_LABELS,
    LEVEL_LABELS,
    OUTCOME_LABELS,
    AppealDecisionForm,
    AppealForm,
    CallForm,
    FixedForm,
    OutcomeForm,
)
from portal.access import staff_required
from portal.clock import beijing
from portal.ratings import appeal, follow_up, subjects
from portal.ratings.models import Outcome
from portal.ratings.reasons import reasons
from portal.window.models import Role

rating_office = Blueprint("rating_office", __name__, url_prefix="/staff/ratings")
# What a rating is of (a case, a complaint's reply, a proxy request), for every page here.
rating_office.add_app_template_global(subjects.describe, "rating_subject")
OFFICE = Role.SUPERVISION


def _me():
    return current_user._get_current_object()


def _calendar():
    return current_app.extensions["calendar"]


def _follow_up(public_id: str):
    # Another center's follow-up is not there at all for this office.
    found = follow_up.find(_me().center_id, public_id)
    if found is None:
        abort(404)
    return found


@rating_office.get("")
@staff_required(*OFFICE)
def follow_ups():
    today = beijing.today()
    rows = [
        (f, follow_up.due(f, _calendar(), today)) for f in follow_up.for_center(_me().center_id)
    ]
    return render_template("ratings/staff/list.html", rows=rows, levels=LEVEL_LABELS)


def _page(found, status=200, call_form=None, outcome_form=None, decision_form=None):
    lodged = appeal.appeal_of(found.rating)
    return render_template(
        "ratings/staff/follow_up.html",
        follow_up=found,
        appeal=lodged,
        decides=lodged is not None and appeal.may_decide(_me(), lodged),
        decision_form=decision_form or AppealDecisionForm(formdata=None),
        decisions=APPEAL_DECISION_LABELS,
        due=follow_up.due(found, _calendar()),
        latest_fix=follow_up.latest_fix_date(_calendar()),
        call_form=call_form or CallForm(formdata=None),
        fixed_form=FixedForm(formdata=None),
        outcome_form=outcome_form or OutcomeForm(formdata=None),
        levels=LEVEL_LABELS,
        outcomes=OUTCOME_LABELS,
        reasons=reasons(),
    ), status


@rating_office.get("/<public_id>")
@staff_required(*OFFICE)
def page(public_id: str):
    return _page(_follow_up(public_id))


@rating_office.post("/<public_id>/call")
@staff_required(*OFFICE)
def call(public_id: str):
    found = _follow_up(public_id)
    form = CallForm()
    if not form.validate_on_submit():
        return _page(found, 400, call_form=form)
    with contextlib.suppress(follow_up.NotNow):  # called back already: the page says so
        follow_up.record_call(found, _me(), form.note.data)
    return redirect(url_for("rating_office.page", public_id=public_id))


@rating_office.post("/<public_id>/outcome")
@staff_required(*OFFICE)
def outcome(public_id: str):
    found = _follow_up(public_id)
    form = OutcomeForm()
    valid = form.validate_on_submit()
    latest = follow_up.latest_fix_date(_calendar())
    if (
        valid
        and form.outcome.data == Outcome.FIX_BY
        and not beijing.today() < form.fix_by.data <= latest
    ):
        form.fix_by.errors = [OutcomeForm.too_far_message(latest)]
        valid = False
    if not valid:
        return _page(found, 400, outcome_form=form)
    with contextlib.suppress(follow_up.NotNow):
        follow_up.record_outcome(
            found, _me(), form.outcome.data, form.note.data, _calendar(), form.fix_by.data
        )
    return redirect(url_for("rating_office.page", public_id=public_id))


@rating_office.post("/<public_id>/fixed")
@staff_required(*OFFICE)
def fixed(public_id: str):
    found = _follow_up(public_id)
    if not FixedForm().validate_on_submit():
        return _page(found, 400)
    with contextlib.suppress(follow_up.NotNow):  # confirmed already, or no fix asked
        follow_up.record_fixed(found, _me())
    return redirect(url_for("rating_office.page", public_id=public_id))


@rating_office.post("/<public_id>/appeal-decision")
@staff_required(Role.SUPERVISION_HEAD)
def decide_appeal(public_id: str):
    found = _follow_up(public_id)
    lodged = appeal.appeal_of(found.rating)
    if lodged is None:
        abort(404)
    form = AppealDecisionForm()
    if not form.validate_on_submit():
        return _page(found, 400, decision_form=form)
    with contextlib.suppress(appeal.NotNow):  # decided already: the page says how
        appeal.decide(_me(), lodged, form.decision.data, form.reasons.data)
    return redirect(url_for("rating_office.page", public_id=public_id))


# The window's side: its cases' bad ratings, and an appeal of one ---------------------------

WINDOW = tuple(Role.DECIDING)


def _window_rating(public_id: str):
    # Only a rating of a case at one of the member's windows: any other is not there.
    found = follow_up.find(_me().center_id, public_id)
    window_ids = {w.id for w in _me().windows}
    application = found.rating.application if found is not None else None
    if application is None or application.window_id not in window_ids:
        abort(404)
    return found


@rating_office.get("/window")
@staff_required(*WINDOW)
def window_ratings():
    rows = [(r, follow_up.follow_up_of(r)) for r in appeal.for_windows(_me())]
    return render_template("ratings/staff/window.html", rows=rows, levels=LEVEL_LABELS)


def _window_page(found, status=200, form=None):
    return render_template(
        "ratings/staff/window_rating.html",
        follow_up=found,
        appeal=appeal.appeal_of(found.rating),
        may_appeal=appeal.may_appeal(_me(), found.rating),
        form=form or AppealForm(formdata=None),
        levels=LEVEL_LABELS,
        decisions=APPEAL_DECISION_LABELS,
        reasons=reasons(),
    ), status


@rating_office.get("/window/<public_id>")
@staff_required(*WINDOW)
def window_rating(public_id: str):
    return _window_page(_window_rating(public_id))


@rating_office.post("/window/<public_id>/appeal")
@staff_required(*WINDOW)
def lodge_appeal(public_id: str):
    found = _window_rating(public_id)
    form = AppealForm()
    if not form.validate_on_submit():
        return _window_page(found, 400, form)
    with contextlib.suppress(appeal.NotNow):  # appealed already: the page shows it
        appeal.lodge(_me(), found.rating, form.grounds.data)
    return redirect(url_for("rating_office.window_rating", public_id=public_id))
