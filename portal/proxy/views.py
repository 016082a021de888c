"""The proxy service's public pages: what it is, and the eligibility checker (no sign-in)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from forms.proxy import EligibilityForm
from portal.access import public
from portal.clock import beijing
from portal.proxy import eligibility, presenters
from portal.proxy.eligibility import AmountError
from portal.proxy.exchange_rates import NoUsableRate
from portal.proxy.presenters import EligibilityAnswer, amount_message, no_rate_message

proxy = Blueprint("proxy", __name__, url_prefix="/proxy")


@proxy.get("")
@public
def about():
    return render_template("proxy/about.html", thresholds=presenters.thresholds())


@proxy.route("/check", methods=["GET", "POST"])
@public
def check():
    form = EligibilityForm()
    if form.validate_on_submit():
        try:
            answer = eligibility.check(
                form.investor_type.data,
                form.amount.parsed,
                form.currency.data,
                rates=current_app.extensions["exchange_rates"].table(),
                on=beijing.today(),
                key_project=form.key_project.data == "yes",
            )
        except AmountError as error:
            form.amount.errors.append(amount_message(error))
        except NoUsableRate:
            form.currency.errors.append(no_rate_message(beijing.today()))
        else:
            return render_template("proxy/answer.html", answer=EligibilityAnswer(answer))
    return render_template("proxy/check.html", form=form)
