"""The inbound API through which the back office reports a case's progress (docs/backoffice.md)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from portal.access import backoffice_token
from portal.backoffice import inbound
from portal.errors import render_error
from portal.extensions import csrf, limiter
from portal.filing.numbering import is_well_formed

backoffice_api = Blueprint("backoffice_api", __name__, url_prefix="/api/v1/backoffice")
csrf.exempt(backoffice_api)


def _problem(status: int, message: str):
    return render_error(status, message)


def _has_control_characters(value) -> bool:
    if isinstance(value, str):
        return any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value)
    if isinstance(value, dict):
        return any(
            _has_control_characters(k) or _has_control_characters(v) for k, v in value.items()
        )
    if isinstance(value, list):
        return any(_has_control_characters(v) for v in value)
    return False


def _report() -> dict | str:
    """The JSON report, or why it is not one."""
    report = request.get_json(silent=True)
    if not isinstance(report, dict):
        return "the body must be a JSON object"
    if _has_control_characters(report):
        return "texts may not contain control characters"
    event_id, kind = report.get("event_id"), report.get("type")
    if not isinstance(event_id, str) or not 1 <= len(event_id) <= 100:
        return "'event_id' must be a string of 1 to 100 characters"
    if kind not in inbound.TRANSITIONS:
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
    body = {
        "status": outcome.status,
        "repeated": outcome.repeated,
        "decide_by": outcome.decide_by.isoformat() if outcome.decide_by else None,
    }
    return jsonify(body), (200 if outcome.repeated else 201)
