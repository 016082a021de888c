"""The OpenAPI 3 description of the public read-only API."""

from __future__ import annotations

from portal.catalog.opendata import FIELDS
from portal.proxy import openapi as proxy_openapi

BILINGUAL = {
    "type": "object",
    "required": ["zh", "en"],
    "properties": {"zh": {"type": "string"}, "en": {"type": "string"}},
}
ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "message"],
            "properties": {"status": {"type": "integer"}, "message": {"type": "string"}},
        }
    },
}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict:
    return _json(_ref("Error"), description)


ITEM_SUMMARY = {
    "type": "object",
    "required": ["code", "name", "kind", "mode", "department", "url"],
    "properties": {
        "code": {"type": "string"},
        "name": _ref("Bilingual"),
        "kind": {
            "type": "string",
            "enum": ["licensing", "confirmation", "payment", "registration", "public-service"],
        },
        "mode": {"type": "string", "enum": ["public", "market", "intermediary"]},
        "department": {"type": "string"},
        "audiences": {
            "type": "array",
            "items": {"type": "string", "enum": ["individual", "company"]},
        },
        "online": {"type": "boolean"},
        "immediate": {"type": "boolean"},
        "statutory_limit_working_days": {"type": "integer", "minimum": 0},
        "promised_limit_working_days": {"type": "integer", "minimum": 0},
        "free": {"type": "boolean"},
        "url": {"type": "string"},
    },
}

ITEM = {
    "allOf": [
        _ref("ItemSummary"),
        {
            "type": "object",
            "properties": {
                "summary": _ref("Bilingual"),
                "implementing_body": _ref("Bilingual"),
                "legal_basis": {"type": "array", "items": {"type": "object"}},
                "conditions": {"type": "array", "items": _ref("Bilingual")},
                "materials": {"type": "array", "items": {"type": "object"}},
                "process": {"type": "array", "items": _ref("Bilingual")},
                "visits": {"type": "integer"},
                "locations": {"type": "array", "items": {"type": "object"}},
                "fees": {"type": "array", "items": {"type": "string"}},
                "life_events": {"type": "array", "items": {"type": "string"}},
                "consultation_phone": {"type": "string"},
                "complaint_phone": {"type": "string"},
            },
        },
    ]
}

FEE = {
    "type": "object",
    "properties": {name: {"type": ["string", "null"]} for name in FIELDS},
}

PROGRESS_REPORT = {
    "type": "object",
    "required": ["event_id", "type"],
    "properties": {
        "event_id": {"type": "string", "minLength": 1, "maxLength": 100},
        "type": {
            "type": "string",
            "enum": [
                "in-review",
                "inspection-scheduled",
                "inspected",
                "signed-off",
                "suspended",
                "resumed",
                "extended",
                "approved",
                "refused",
                "certificate-issued",
                "fee-notice",
                "completed",
            ],
        },
        "date": {
            "type": "string",
            "format": "date",
            "description": "inspection-scheduled: the day; inspected, signed-off: the day it was done",
        },
        "reasons": {"type": "string", "description": "refused: the reasons (Art. 38)"},
        "procedure": {
            "type": "string",
            "enum": ["hearing", "tender", "auction", "inspection", "appraisal", "expert_review"],
            "description": "suspended: the Art. 45 procedure",
        },
        "expected_working_days": {
            "type": "integer",
            "minimum": 1,
            "description": "suspended: as told to the applicant",
        },
        "extension": {
            "type": "object",
            "properties": {
                "days": {"type": "integer", "minimum": 1, "maximum": 10},
                "approver": {"type": "string"},
                "reason": {"type": "string"},
            },
        },
        "fee_items": {
            "type": "array",
            "items": {"type": "string"},
            "description": "fee-notice: published fee item codes",
        },
        "certificate_number": {"type": "string"},
    },
}

PAGE = {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}}
PER_PAGE = {
    "name": "per_page",
    "in": "query",
    "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
}


def document() -> dict:
    from portal.complaints import openapi as complaints
    from portal.performance import openapi as performance

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "OneWindow (一窗通) public API",
            "version": "1.0.0",
            "description": (
                "Read-only access to the service guides, centers and fee schedule of "
                "the Hengyang government service center. Texts come in Chinese (zh) and "
                "English (en). Requests are rate limited per client (HTTP 429)."
            ),
        },
        "paths": {
            "/api/v1/items": {
                "get": {
                    "summary": "List service items, a page at a time",
                    "parameters": [PAGE, PER_PAGE],
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "required": ["page", "per_page", "total", "items"],
                                "properties": {
                                    "page": {"type": "integer"},
                                    "per_page": {"type": "integer"},
                                    "total": {"type": "integer"},
                                    "items": {"type": "array", "items": _ref("ItemSummary")},
                                },
                            },
                            "A page of items ordered by code",
                        ),
                        "400": _error("A parameter is not a whole number in range"),
                        "429": _error("Too many requests"),
                    },
                }
            },
            "/api/v1/items/{code}": {
                "get": {
                    "summary": "One service item's whole guide",
                    "parameters": [
                        {
                            "name": "code",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": _json(_ref("Item"), "The guide"),
                        "404": _error("No current item has this code"),
                        "429": _error("Too many requests"),
                    },
                }
            },
            "/api/v1/centers": {
                "get": {
                    "summary": "The city center, its sub-centers and the county centers",
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "properties": {
                                    "centers": {"type": "array", "items": {"type": "object"}}
                                },
                            },
                            "Every center with its windows",
                        ),
                        "429": _error("Too many requests"),
                    },
                }
            },
            "/api/v1/fees": {
                "get": {
                    "summary": "Every published fee item (the open-data fee schedule)",
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "properties": {
                                    "schema": {"type": "string"},
                                    "fields": {"type": "array", "items": {"type": "string"}},
                                    "fees": {"type": "array", "items": _ref("Fee")},
                                },
                            },
                            "The fee schedule",
                        ),
                        "429": _error("Too many requests"),
                    },
                }
            },
            "/api/v1/backoffice/cases/{number}/events": {
                "post": {
                    "summary": "The back office reports a case's progress (docs/backoffice.md)",
                    "security": [{"backOfficeToken": []}],
                    "parameters": [
                        {
                            "name": "number",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "maxLength": 40},
                        }
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("ProgressReport")}},
                    },
                    "responses": {
                        "201": _json(_ref("ProgressOutcome"), "Applied"),
                        "200": _json(
                            _ref("ProgressOutcome"),
                            "This event id was already applied; nothing changed",
                        ),
                        "400": _error("Not a report: the body or its fields are malformed"),
                        "401": _error("No valid bearer token"),
                        "404": _error("No case has this number"),
                        "409": _error("The report does not fit where the case stands"),
                        "422": _error("The report's details are not valid (reasons, fees, clock)"),
                        "429": _error("Too many requests"),
                    },
                }
            },
            "/api/v1/search": {
                "get": {
                    "summary": "Search items in everyday Chinese or English",
                    "parameters": [
                        {
                            "name": "q",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "string", "minLength": 1, "maxLength": 100},
                        }
                    ],
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "properties": {
                                    "query": {"type": "string"},
                                    "results": {"type": "array", "items": _ref("ItemSummary")},
                                },
                            },
                            "Items ranked best first",
                        ),
                        "400": _error("No query, or one that is too long"),
                        "429": _error("Too many requests"),
                    },
                }
            },
            **proxy_openapi.PATHS,
            **complaints.paths(),
            **performance.PATHS,
        },
        "components": {
            "securitySchemes": {
                "backOfficeToken": {"type": "http", "scheme": "bearer"},
                **complaints.SECURITY_SCHEMES,
                **proxy_openapi.SECURITY_SCHEMES,
            },
            "schemas": {
                "Bilingual": BILINGUAL,
                "Error": ERROR,
                "ItemSummary": ITEM_SUMMARY,
                "Item": ITEM,
                "Fee": FEE,
                "ProgressReport": PROGRESS_REPORT,
                **proxy_openapi.SCHEMAS,
                **complaints.schemas(),
                **performance.SCHEMAS,
                "ProgressOutcome": {
                    "type": "object",
                    "required": ["status", "repeated"],
                    "properties": {
                        "status": {"type": "string"},
                        "repeated": {"type": "boolean"},
                        "decide_by": {"type": ["string", "null"], "format": "date"},
                    },
                },
            },
        },
    }
