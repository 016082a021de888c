"""The inbound API through which the back office reports a case's progress (docs/backoffice.md)."""

from __future__ import annotations

import json
from decimal import Decimal

from flask import Blueprint, current_app, jsonify, request
from sqlalchemy.exc import IntegrityError

from portal.access import backoffice_token
from portal.backoffice import inbound
from portal.errors import render_error
from portal.extensions import csrf, db, limiter
from portal.filing.numbering import is_well_formed

backoffice_api = Blueprint("backoffice_api", __name__, url_prefix="/api/v1/backoffice")
csrf.exempt(backoffice_api)


def _problem(status: int, message: str):
    return render_error(status, message)


MAX_REPORT_BYTES = 64 * 1024
MAX_DEPTH = 6  # a report is an object holding at most an object or a list of texts


class _NotAReport(ValueError):
    """The body cannot be read as a report."""


def _refuse_constant(name: str):
    raise _NotAReport(f"'{name}' is not a number a report can hold")


def _parse(body: bytes) -> object:
    """JSON with no NaN or infinities; fractions stay exact (``1e400`` is not infinity)."""
    try:
        return json.loads(body, parse_float=Decimal, parse_constant=_refuse_constant)
    except RecursionError:
        raise _NotAReport("the body is nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as error:  # includes too many digits
        raise _NotAReport(
            str(error) if isinstance(error, _NotAReport) else "the body is not JSON"
        ) from None


def _problem_in(value: object) -> str | None:
    """Why ``value`` cannot be part of a report: too deep, or a control character."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if depth > MAX_DEPTH:
            return "the body is nested too deeply"
        if isinstance(item, str) and any(ord(ch) < 32 and ch not in "\t\n\r" for ch in item):
            return "texts may not contain control characters"
        if isinstance(item, Decimal):
            return "numbers in a report are whole numbers"
        if isinstance(item, dict):
            pending += [(key, depth) for key in item] + [(v, depth + 1) for v in item.values()]
        elif isinstance(item, list):
            pending += [(v, depth + 1) for v in item]
    return None


def _report() -> dict | str:
    """The JSON report, or why it is not one."""
    body = request.stream.read(MAX_REPORT_BYTES + 1)
    if len(body) > MAX_REPORT_BYTES:
        return f"a report may be at most {MAX_REPORT_BYTES // 1024} KiB"
    try:
        report = _parse(body)
    except _NotAReport as error:
        return str(error)
    if not isinstance(report, dict):
        return "the body must be a JSON object"
    problem = _problem_in(report)
    if problem:
        return problem
    event_id, kind = report.get("event_id"), report.get("type")
    if not isinstance(event_id, str) or not 1 <= len(event_id) <= 100:
        return "'event_id' must be a string of 1 to 100 characters"
    if not isinstance(kind, str) or kind not in inbound.TRANSITIONS:
        return f"'type' must be one of: {', '.join(inbound.TRANSITIONS)}"
    return report


@backoffice_api.post("/cases/<number>/events")
@backoffice_token
@limiter.limit(lambda: current_app.config["API_RATE_LIMIT"])
def report_progress(number: str):
    system = inbound.authenticate(request.headers.get("Authorization"))
    if system is None:
        return _problem(401, "a valid bearer token is required")
    if not is_well_formed(number):
        return _problem(404, "no case has this number")
    report = _report()
    if isinstance(report, str):
        return _problem(400, report)
    try:
        outcome = inbound.apply_event(
            system, number[:40], report, current_app.extensions["calendar"]
        )
    except inbound.Refused as refused:
        return _problem(refused.status, str(refused))
    except IntegrityError:  # the same event id, at the same moment, from the same system
        db.session.rollback()
        return _problem(409, "this report arrived twice at the same moment; send it again")
    body = {
        "status": outcome.status,
        "repeated": outcome.repeated,
        "decide_by": outcome.decide_by.isoformat() if outcome.decide_by else None,
    }
    return jsonify(body), (200 if outcome.repeated else 201)
