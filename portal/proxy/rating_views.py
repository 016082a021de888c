"""The investor's rating of the proxy service, on their request's page (``#rating``), and
the one 追评 after the supervision office told the follow-up's outcome."""

from __future__ import annotations

import contextlib

from flask import current_app, g, redirect, url_for

from forms.ratings import LEVEL_LABELS, OUTCOME_LABELS, LaterRatingForm, ProxyRatingForm
from portal.access import applicant_required
from portal.proxy import rating
from portal.proxy.request_views import _own, request_page
from portal.proxy.views import proxy
from portal.ratings import follow_up
from portal.ratings.rating import NotNow
from portal.ratings.reasons import reasons


@proxy.app_template_global()
def proxy_rating_prompt(proxy_request) -> dict:
    """What the request's page shows about the rating: the form, or the rating given."""
    given = rating.rating_of(proxy_request)
    return {
        "form": g.get("proxy_rating_form")
        or (ProxyRatingForm() if rating.may_rate(proxy_request) else None),
        "given": given,
        "follow_up": follow_up.follow_up_of(given) if given is not None else None,
        "later_form": g.get("proxy_later_form")
        or (LaterRatingForm() if given and follow_up.may_rate_again(given) else None),
        "levels": LEVEL_LABELS,
        "outcomes": OUTCOME_LABELS,
        "reasons": reasons(),
    }


@proxy.post("/requests/<public_id>/rating")
@applicant_required
def rate(public_id: str):
    proxy_request = _own(public_id)
    back = redirect(url_for("proxy.request_page", public_id=public_id) + "#rating")
    if not rating.may_rate(proxy_request):
        return back  # rated already (another tab), or not ended: the page says where it stands
    form = ProxyRatingForm()
    if not form.validate_on_submit():
        g.proxy_rating_form = form
        return request_page(public_id), 400
    with contextlib.suppress(NotNow):
        rating.rate(
            proxy_request,
            form.level.data,
            tuple(form.reasons.data or ()),
            form.words.data,
            current_app.extensions["calendar"],
            current_app.config["RATING_CALL_BACK_DAYS"],
        )
    return back


@proxy.post("/requests/<public_id>/rating/again")
@applicant_required
def rate_again(public_id: str):
    proxy_request = _own(public_id)
    back = redirect(url_for("proxy.request_page", public_id=public_id) + "#rating")
    given = rating.rating_of(proxy_request)
    if given is None or not follow_up.may_rate_again(given):
        return back
    form = LaterRatingForm()
    if not form.validate_on_submit():
        g.proxy_later_form = form
        return request_page(public_id), 400
    with contextlib.suppress(follow_up.NotNow):
        follow_up.rate_again(given, form.level.data, form.words.data)
    return back
