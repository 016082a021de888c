"""The inbound API through which the back office reports a case's progress (docs/backoffice.md)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from portal.access import backoffice_token
from portal.backoffice import inbound
from portal.errors import render_error
from portal.extensions import csrf, limiter

backoffice_api = Blueprint("backoffice_api", __name__, url_prefix="/api/v1/backoffice")
csrf.exempt(backoffice_api)


def _problem(status: int, message: str):
    return render_error(status, message)


def _report() -> dict | str:
    """The JSON report, or why it is not one."""
    report = request.get_json(silent=True)
    if not isinstance(report, dict):
        return "the body must be a JSON object"
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
