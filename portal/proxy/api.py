"""`GET /api/v1/proxy/eligibility`: the checker as JSON (described in /api/openapi.json)."""

from __future__ import annotations

from flask import Blueprint, current_app, request
from flask_babel import gettext as _

from portal.access import public
from portal.catalog.api import api_rate_limit
from portal.clock import beijing
from portal.errors import render_error
from portal.extensions import csrf
from portal.proxy import eligibility
from portal.proxy.eligibility import AmountError
from portal.proxy.exchange_rates import NoUsableRate
from portal.proxy.presenters import amount_message, answer_record, no_rate_message

proxy_api = Blueprint("proxy_api", __name__, url_prefix="/api/v1/proxy")
csrf.exempt(proxy_api)

BOOLEANS = {"true": True, "false": False}


def _bad_parameters(problems: dict[str, str]):
    """A 400 whose body names each wrong parameter, in the order they were checked."""
    body, status = render_error(400, " ".join(problems.values()))
    body["error"]["parameters"] = [
        {"name": name, "message": message} for name, message in problems.items()
    ]
    return body, status


def _read_parameters():
    args, problems = request.args, {}
    investor_type = args.get("investor_type", "")
    if investor_type not in eligibility.INVESTOR_TYPES:
        problems["investor_type"] = _("参数 investor_type 必须是 foreign、out_of_city 或 local。")
    amount = None
    if "amount" not in args:
        problems["amount"] = _("缺少参数 amount（投资额）。")
    else:
        try:
            amount = eligibility.parse_amount(args["amount"])
        except AmountError as error:
            problems["amount"] = amount_message(error)
    currency = args.get("currency", "")
    if currency not in eligibility.CURRENCIES:
        problems["currency"] = _("参数 currency 必须是 USD 或 CNY。")
    key_project = BOOLEANS.get(args.get("key_project", "false"))
    if key_project is None:
        problems["key_project"] = _("参数 key_project 必须是 true 或 false。")
    return (investor_type, amount, currency, key_project), problems


@proxy_api.get("/eligibility")
@public
@api_rate_limit
def check_eligibility():
    (investor_type, amount, currency, key_project), problems = _read_parameters()
    if problems:
        return _bad_parameters(problems)
    today = beijing.today()
    try:
        answer = eligibility.check(
            investor_type,
            amount,
            currency,
            rates=current_app.extensions["exchange_rates"].table(),
            on=today,
            key_project=key_project,
        )
    except AmountError as error:
        return _bad_parameters({"amount": amount_message(error)})
    except NoUsableRate:
        return render_error(422, no_rate_message(today))
    return answer_record(answer)
