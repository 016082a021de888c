"""The complaints API and the hotline intake in /api/openapi.json (merged by the catalog's
document, which describes the whole public API)."""

from __future__ import annotations

from portal.complaints import intake
from portal.complaints.models import ComplaintStatus, Kind
from portal.complaints.public import PUBLIC_KINDS


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict:
    return _json(_ref("Error"), description)


def _text(longest: int, description: str) -> dict:
    return {"type": "string", "maxLength": longest, "description": description}


COMPLAINT_FIELDS = {
    "kind": {"type": "string", "enum": list(Kind.ALL)},
    "case_number": _text(intake.MAX_CASE_NUMBER, "The case's application number (with query_code)"),
    "query_code": _text(intake.MAX_QUERY_CODE, "The case's query code"),
    "item_code": _text(intake.MAX_CODE, "Without a case: the service item's code"),
    "center_code": _text(intake.MAX_CODE, "Without a case: the center's code (slug)"),
    "window_code": _text(intake.MAX_CODE, "Optional: the window at that center"),
    "happened_on": {"type": "string", "format": "date", "description": "Not in the future"},
    "fee_code": _text(intake.MAX_CODE, "kind fee: a published fee item of the item"),
    "fee_name": _text(intake.MAX_FEE_NAME, "kind fee: the fee in the complainant's words"),
    "amount": {
        "type": "string",
        "pattern": r"^\d{1,10}(\.\d{1,2})?$",
        "description": "kind fee: yuan asked, more than 0 and at most 1000000000",
    },
    "what_happened": _text(intake.MAX_WHAT_HAPPENED, "Required"),
    "what_they_want": _text(intake.MAX_WHAT_THEY_WANT, "Required"),
    "anonymous": {"type": "boolean", "default": False},
    "contact_name": _text(intake.MAX_CONTACT_NAME, "Required unless anonymous"),
    "contact_mobile": _text(20, "Mainland mobile; this or contact_email unless anonymous"),
    "contact_email": _text(intake.MAX_EMAIL, "This or contact_mobile unless anonymous"),
}
NEW_COMPLAINT = {
    "type": "object",
    "required": ["kind", "what_happened", "what_they_want"],
    "properties": COMPLAINT_FIELDS,
}
FILED = {
    "type": "object",
    "required": ["ticket", "query_code", "reply_by", "accept_by"],
    "properties": {
        "ticket": {"type": "string", "example": "HYTS-20261201-00007-3"},
        "query_code": {
            "type": ["string", "null"],
            "description": "Shown once; null when a hotline work order was repeated",
        },
        "reply_by": {"type": "string", "format": "date"},
        "accept_by": {"type": "string", "format": "date"},
    },
}
FIELD_ERRORS = {
    "type": "object",
    "required": ["errors"],
    "properties": {
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "field → what to do, in field order and the request's language",
        }
    },
}
FINDING = {
    "type": "object",
    "required": ["kind", "holds", "text"],
    "properties": {
        "kind": {"type": "string", "enum": ["deadline", "fee"]},
        "holds": {"type": "boolean", "description": "True: the record bears the complaint out"},
        "text": _ref("Bilingual"),
    },
}
COMPLAINT = {
    "type": "object",
    "required": [
        "ticket",
        "kind",
        "status",
        "received_at",
        "accept_by",
        "reply_by",
        "timeline",
        "reply",
        "findings",
    ],
    "properties": {
        "ticket": {"type": "string"},
        "kind": {"type": "string", "enum": list(Kind.ALL)},
        "status": {"type": "string", "enum": list(ComplaintStatus.ALL)},
        "received_at": {"type": "string", "format": "date-time"},
        "accept_by": {"type": "string", "format": "date"},
        "reply_by": {"type": "string", "format": "date"},
        "timeline": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["kind", "at", "detail"],
                "properties": {
                    "kind": {"type": "string", "enum": sorted(PUBLIC_KINDS)},
                    "at": {"type": "string", "format": "date-time"},
                    "detail": {"type": "object"},
                },
            },
        },
        "reply": {
            "type": ["object", "null"],
            "properties": {
                "text": {"type": "string"},
                "at": {"type": "string", "format": "date-time"},
            },
        },
        "findings": {"type": "array", "items": _ref("Finding")},
    },
}
WORK_ORDER = {
    "allOf": [
        _ref("NewComplaint"),
        {
            "type": "object",
            "required": ["work_order_id"],
            "properties": {
                "work_order_id": {"type": "string", "minLength": 1, "maxLength": 100},
            },
        },
    ]
}
WORK_ORDER_ANSWER = {
    "allOf": [
        _ref("FiledComplaint"),
        {"type": "object", "properties": {"repeated": {"type": "boolean"}}},
    ]
}


def paths() -> dict:
    return {
        "/api/v1/complaints": {
            "post": {
                "summary": "File a complaint (the same checks and answers as the pages)",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("NewComplaint")}},
                },
                "responses": {
                    "201": _json(_ref("FiledComplaint"), "Filed: keep the ticket and code"),
                    "400": _json(
                        {"oneOf": [_ref("FieldErrors"), _ref("Error")]},
                        "Fields to correct, or a body that is not a JSON object",
                    ),
                    "429": _error("Too many complaints from this client (COMPLAINT_RATE_LIMIT)"),
                    "503": _error("The working-day calendar does not know this year yet"),
                },
            }
        },
        "/api/v1/complaints/{ticket}": {
            "get": {
                "summary": "Follow a complaint with its query code",
                "parameters": [
                    {
                        "name": "ticket",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "maxLength": 64},
                    },
                    {
                        "name": "X-Query-Code",
                        "in": "header",
                        "required": True,
                        "schema": {"type": "string", "maxLength": 64},
                    },
                ],
                "responses": {
                    "200": _json(_ref("Complaint"), "Status, dates, timeline, reply, findings"),
                    "404": _error("No such ticket, or a wrong code: the same answer"),
                    "429": _error("Too many requests"),
                },
            }
        },
        "/api/v1/hotline/work-orders": {
            "post": {
                "summary": "The 12345 hotline files a work order as a complaint",
                "security": [{"hotlineToken": []}],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("WorkOrder")}},
                },
                "responses": {
                    "201": _json(_ref("WorkOrderAnswer"), "Filed"),
                    "200": _json(
                        _ref("WorkOrderAnswer"),
                        "This work-order id with this body was filed before: the same ticket",
                    ),
                    "400": _json(
                        {"oneOf": [_ref("FieldErrors"), _ref("Error")]},
                        "Fields to correct, or a body that is not a JSON object",
                    ),
                    "401": _error("No valid bearer token"),
                    "409": _error("This work-order id was used with another body"),
                    "429": _error("Too many requests"),
                    "503": _error("The working-day calendar does not know this year yet"),
                },
            }
        },
    }


def schemas() -> dict:
    return {
        "NewComplaint": NEW_COMPLAINT,
        "FiledComplaint": FILED,
        "FieldErrors": FIELD_ERRORS,
        "Finding": FINDING,
        "Complaint": COMPLAINT,
        "WorkOrder": WORK_ORDER,
        "WorkOrderAnswer": WORK_ORDER_ANSWER,
    }


SECURITY_SCHEMES = {"hotlineToken": {"type": "http", "scheme": "bearer"}}
