"""The complaints JSON API and the 12345 hotline's intake (docs/complaints.md).

``POST /api/v1/complaints`` takes the same fields, with the same checks and answers, as
the complainant's pages (``intake``); ``GET /api/v1/complaints/{ticket}`` needs the query
code in ``X-Query-Code`` and answers a wrong code exactly as an unknown ticket.
``POST /api/v1/hotline/work-orders`` is for hotline systems with a bearer token.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

from flask import Blueprint, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from portal.access import hotline_token, public
from portal.catalog.api import api_rate_limit
from portal.clock import beijing
from portal.clock.calendar import CalendarUnknown
from portal.complaints import hotline, intake, operations
from portal.complaints import public as timeline
from portal.complaints.models import Complaint
from portal.complaints.numbering import display_ticket
from portal.errors import render_error
from portal.extensions import csrf, db, limiter

complaints_api = Blueprint("complaints_api", __name__, url_prefix="/api/v1")
csrf.exempt(complaints_api)

MAX_BODY_BYTES = 64 * 1024
MAX_DEPTH = 4  # a complaint is one flat object; a little room for a hotline's own extras
WORK_ORDER_ID = re.compile(r"[\x21-\x7e]{1,100}")
QUERY_CODE_HEADER = "X-Query-Code"


class _NotJSON(ValueError):
    pass


def _refuse_constant(name: str):
    raise _NotJSON(name)


def _body() -> dict | str:
    """The JSON object sent, or why it is not one (in the request's language)."""
    raw = request.stream.read(MAX_BODY_BYTES + 1)
    if len(raw) > MAX_BODY_BYTES:
        return _("请求内容最多 %(kib)d KiB。", kib=MAX_BODY_BYTES // 1024)
    try:
        body = json.loads(raw, parse_float=Decimal, parse_constant=_refuse_constant)
    except (ValueError, RecursionError, UnicodeDecodeError):  # includes _NotJSON
        return _("请求内容不是有效的 JSON。")
    if not isinstance(body, dict):
        return _("请求内容必须是一个 JSON 对象。")
    pending = [(body, 1)]
    while pending:
        item, depth = pending.pop()
        if depth > MAX_DEPTH:
            return _("请求内容嵌套太深。")
        children = (
            item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        )
        pending += [(child, depth + 1) for child in children]
    return body


def _signed_in_applicant():
    from portal.accounts.models import Applicant

    user = current_user._get_current_object() if current_user else None
    return user if isinstance(user, Applicant) else None


def _field_errors(errors: dict[str, str]):
    """400 with ``{"errors": {field: message}}``, kept in field order (jsonify sorts keys)."""
    body = json.dumps({"errors": errors}, ensure_ascii=False)
    return current_app.response_class(body, status=400, mimetype="application/json")


def _filed_answer(complaint: Complaint, query_code: str | None) -> dict:
    return {
        "ticket": display_ticket(complaint.ticket),
        "query_code": query_code,
        "reply_by": complaint.reply_by.isoformat(),
        "accept_by": complaint.accept_by.isoformat(),
    }


def _file(draft) -> tuple[Complaint, str] | None:
    try:
        filed = intake.file(draft)
    except CalendarUnknown:  # a year without a published holiday schedule: no guessed dates
        return None
    return filed.complaint, filed.query_code


@complaints_api.post("/complaints")
@public
@api_rate_limit
@limiter.limit(
    lambda: current_app.config["COMPLAINT_RATE_LIMIT"],
    # Only complaints filed count: a corrected retry after a 400 is not a second complaint.
    deduct_when=lambda response: response.status_code == 201,
)
def file_complaint():
    body = _body()
    if isinstance(body, str):
        return render_error(400, body)
    draft = intake.read_complaint(body, applicant=_signed_in_applicant())
    if isinstance(draft, dict):
        return _field_errors(draft)
    filed = _file(draft)
    if filed is None:
        return render_error(503, _("暂时无法计算办理期限，请稍后再试。"))
    return jsonify(_filed_answer(*filed)), 201


def _local(moment) -> str | None:
    return beijing.aware(moment).astimezone(beijing.BEIJING).isoformat() if moment else None


def complaint_record(complaint: Complaint) -> dict:
    """What the complainant may see: never the handler, the office's notes or the contact."""
    reply, replied_at = timeline.latest_reply(complaint.events)
    return {
        "ticket": display_ticket(complaint.ticket),
        "kind": complaint.kind,
        "status": complaint.status,
        "received_at": _local(complaint.received_at),
        "accept_by": complaint.accept_by.isoformat(),
        "reply_by": complaint.reply_by.isoformat(),
        "timeline": [
            {
                "kind": event.kind,
                "at": _local(event.created_at),
                "detail": timeline.public_detail(event.kind, event.detail),
            }
            for event in complaint.events
            if timeline.is_public(event.kind)
        ],
        "reply": {"text": reply, "at": _local(replied_at)} if reply is not None else None,
        "findings": [
            {"kind": f.get("kind"), "holds": bool(f.get("holds")), "text": f.get("text")}
            for f in complaint.findings or []
        ],
    }


@complaints_api.get("/complaints/<ticket>")
@public
@api_rate_limit
@limiter.limit(lambda: current_app.config["TRACK_RATE_LIMIT"])
def follow_complaint(ticket: str):
    code = request.headers.get(QUERY_CODE_HEADER, "")[:64]
    complaint = operations.follow(ticket[:64], code)
    if complaint is None:
        # The same answer for an unknown ticket and a wrong code (operations.follow hashes
        # either way, so the time taken tells nothing either).
        return render_error(404, _("没有这个工单，或查询码不正确。"))
    response = jsonify(complaint_record(complaint))
    response.headers["Cache-Control"] = "no-store"
    return response


@complaints_api.post("/hotline/work-orders")
@hotline_token
@api_rate_limit
def hotline_work_order():
    source = hotline.authenticate(request.headers.get("Authorization"))
    if source is None:
        return render_error(401, _("需要有效的 Bearer 令牌。"))
    body = _body()
    if isinstance(body, str):
        return render_error(400, body)
    work_order_id = body.get("work_order_id")
    if not isinstance(work_order_id, str) or not WORK_ORDER_ID.fullmatch(work_order_id):
        return _field_errors(
            {"work_order_id": _("work_order_id 必须是 1 到 100 个可见 ASCII 字符。")}
        )
    try:
        received = hotline.receive(source, work_order_id, body)
    except hotline.Conflict:
        return render_error(409, _("这个工单号已用于内容不同的工单。"))
    except CalendarUnknown:
        return render_error(503, _("暂时无法计算办理期限，请稍后再试。"))
    except IntegrityError:  # the same work order, at the same moment: one of them won
        db.session.rollback()
        return render_error(409, _("这个工单同时到达了两次，请重新发送。"))
    if isinstance(received, dict):
        return _field_errors(received)
    answer = _filed_answer(received.complaint, received.query_code) | {
        "repeated": received.repeated
    }
    return jsonify(answer), 200 if received.repeated else 201
