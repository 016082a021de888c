"""`GET /api/v1/proxy/eligibility`: the checker as JSON; `GET /api/v1/proxy/projects/{code}`:
the project dashboard as JSON for the investor's signed-in session or a project read token
(both in /api/openapi.json)."""

from __future__ import annotations

import functools

from flask import Blueprint, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from portal.access import ACCESS_ATTRIBUTE, public
from portal.catalog.api import api_rate_limit
from portal.clock import beijing
from portal.errors import render_error
from portal.extensions import csrf
from portal.proxy import dashboard, eligibility, plan, tokens
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


def _day(value) -> str | None:
    return value.isoformat() if value else None


def dashboard_record(board: dashboard.Dashboard) -> dict:
    project = board.project
    return {
        "code": project.code,
        "project_name": project.request.project_name,
        "investor": project.request.investor_name,
        "agent": project.agent.name,
        "accepted_on": board.accepted_on.isoformat(),
        "elapsed_working_days": board.elapsed_working_days,
        "permits": [
            {
                "id": row.permit.id,
                "item": {"code": row.permit.item.code, "name": row.permit.item.name},
                "status": row.status,
                "next_step": row.step,
                "waits_on": row.waits_on,
                "deadline": _day(row.deadline),
                "waits_for": list(row.permit.waits_for),
                "blocked_by": [other.id for other in row.blocked_by],
                "application": None
                if row.application is None
                else {
                    "number": row.application.number,
                    "filed_by_agent": row.permit.filed_by.name if row.permit.filed_by else None,
                },
            }
            for row in board.rows
        ],
    }


def session_or_read_token(view):
    """The investor's own signed-in session, or a read token of the project asked for
    (``Authorization: Bearer …``, portal/proxy/tokens.py): 401 as JSON otherwise. The view
    gets ``project`` (a token's project, already checked) or None (a session: look it up)."""

    @functools.wraps(view)
    def wrapper(code: str):
        from portal.accounts.models import Applicant

        header = request.headers.get("Authorization")
        if header is not None:
            token = tokens.bearer(header)
            found = tokens.project_for(token, code) if token else None
            if found is None:
                # Unknown, revoked, or another project's token: the same answer for each.
                return render_error(401, _("令牌无效或已撤销。"))
            return view(code, project=found)
        if not isinstance(current_user._get_current_object(), Applicant):
            return render_error(401, _("请先登录投资方的账号。"))
        return view(code, project=None)

    setattr(wrapper, ACCESS_ATTRIBUTE, "applicant-or-read-token")
    return wrapper


@proxy_api.get("/projects/<code>")
@session_or_read_token
@api_rate_limit
def project(code: str, project=None):
    found = project or plan.find_for_investor(current_user.id, code)
    if found is None:
        return render_error(404, _("没有这个项目。"))
    board = dashboard.build(found, current_app.extensions["calendar"], beijing.today())
    response = jsonify(dashboard_record(board))
    response.headers["Cache-Control"] = "no-store"
    return response
