"""The proxy service's part of /api/openapi.json (merged by portal/catalog/openapi.py)."""

from __future__ import annotations

from portal.proxy.dashboard import Step, WaitsOn
from portal.proxy.eligibility import CURRENCIES, INVESTOR_TYPES, RULES

ELIGIBILITY = {
    "type": "object",
    "required": ["eligible", "rule", "reason", "threshold", "exchange_rate"],
    "properties": {
        "eligible": {"type": "boolean"},
        "rule": {"type": "string", "enum": [r for r in RULES if r != "county_forwarded"]},
        "reason": {"$ref": "#/components/schemas/Bilingual"},
        "threshold": {
            "type": ["object", "null"],
            "description": "null for a key project",
            "required": ["amount", "currency"],
            "properties": {
                "amount": {"type": "string", "pattern": "^[0-9]+\\.[0-9]{2}$"},
                "currency": {"type": "string", "enum": list(CURRENCIES)},
            },
        },
        "exchange_rate": {
            "type": ["object", "null"],
            "description": "the PBoC central parity used to convert, or null if none was",
            "required": ["rate", "date"],
            "properties": {
                "rate": {"type": "string", "description": "yuan for one US dollar"},
                "date": {"type": "string", "format": "date"},
            },
        },
    },
}


def _values(holder: type) -> list[str]:
    return [v for k, v in vars(holder).items() if k.isupper() and isinstance(v, str)]


DAY_OR_NULL = {"type": ["string", "null"], "format": "date"}
PROJECT = {
    "type": "object",
    "required": [
        "code",
        "project_name",
        "investor",
        "agent",
        "accepted_on",
        "elapsed_working_days",
        "permits",
    ],
    "properties": {
        "code": {"type": "string", "description": "the project code (national structure)"},
        "project_name": {"type": "string"},
        "investor": {"type": "string"},
        "agent": {"type": "string", "description": "the proxy window's agent"},
        "accepted_on": {"type": "string", "format": "date"},
        "elapsed_working_days": {
            "type": ["integer", "null"],
            "description": "since the proxy request was accepted; null if the holiday "
            "calendar lacks a year",
        },
        "permits": {
            "type": "array",
            "description": "in the plan's order: each after the permits it waits for",
            "items": {
                "type": "object",
                "required": [
                    "id",
                    "item",
                    "status",
                    "next_step",
                    "waits_on",
                    "deadline",
                    "waits_for",
                    "blocked_by",
                    "application",
                ],
                "properties": {
                    "id": {"type": "integer"},
                    "item": {
                        "type": "object",
                        "properties": {
                            "code": {"type": "string"},
                            "name": {"$ref": "#/components/schemas/Bilingual"},
                        },
                    },
                    "status": {
                        "type": "string",
                        "description": "not-filed, or the application's status",
                    },
                    "next_step": {"type": "string", "enum": _values(Step)},
                    "waits_on": {"type": "string", "enum": _values(WaitsOn)},
                    "deadline": DAY_OR_NULL,
                    "waits_for": {"type": "array", "items": {"type": "integer"}},
                    "blocked_by": {
                        "type": "array",
                        "description": "the permits it waits for that are not granted yet",
                        "items": {"type": "integer"},
                    },
                    "application": {
                        "type": ["object", "null"],
                        "properties": {
                            "number": {"type": "string"},
                            "filed_by_agent": {"type": ["string", "null"]},
                        },
                    },
                },
            },
        },
    },
}

BAD_PARAMETERS = {
    "allOf": [
        {"$ref": "#/components/schemas/Error"},
        {
            "type": "object",
            "properties": {
                "error": {
                    "type": "object",
                    "properties": {
                        "parameters": {
                            "type": "array",
                            "description": "each wrong parameter with what is wrong with it",
                            "items": {
                                "type": "object",
                                "required": ["name", "message"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "message": {"type": "string"},
                                },
                            },
                        }
                    },
                }
            },
        },
    ]
}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERROR = {"$ref": "#/components/schemas/Error"}
PATHS = {
    "/api/v1/proxy/eligibility": {
        "get": {
            "summary": "Does a project qualify for the free proxy service (全程委托代理)?",
            "description": (
                "Thresholds are in their own currency (USD 2,000,000 for foreign-invested "
                "projects, CNY 20,000,000 for domestic projects from outside Hengyang, CNY "
                "8,000,000 for businesses opened by local investors), each inclusive. An "
                "amount in the other currency is converted at the latest PBoC central parity "
                "on or before today (Beijing) in the portal's rate table."
            ),
            "parameters": [
                {
                    "name": "investor_type",
                    "in": "query",
                    "required": True,
                    "schema": {"type": "string", "enum": list(INVESTOR_TYPES)},
                },
                {
                    "name": "amount",
                    "in": "query",
                    "required": True,
                    "description": "more than 0, at most two decimals, at most CNY 10^12",
                    "schema": {"type": "string", "example": "2000000.00"},
                },
                {
                    "name": "currency",
                    "in": "query",
                    "required": True,
                    "schema": {"type": "string", "enum": list(CURRENCIES)},
                },
                {
                    "name": "key_project",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "enum": ["true", "false"], "default": "false"},
                },
            ],
            "responses": {
                "200": _json({"$ref": "#/components/schemas/ProxyEligibility"}, "The answer"),
                "400": _json(
                    {"$ref": "#/components/schemas/BadParameters"},
                    "Parameters missing or wrong, each named",
                ),
                "422": _json(ERROR, "No usable exchange rate to convert the amount"),
                "429": _json(ERROR, "Too many requests"),
            },
        }
    }
}
PATHS["/api/v1/proxy/projects/{code}"] = {
    "get": {
        "summary": "The proxy project's dashboard, for the investor's signed-in session "
        "or a read token of this project",
        "description": "The investor makes read tokens (one or several, named) on the "
        "project's dashboard page, sees each once and can revoke it there. A token reads "
        "its own project only. With an Authorization header the token alone decides: an "
        "unknown, revoked or other project's token is 401.",
        "security": [{}, {"proxyProjectToken": []}],
        "parameters": [
            {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}
        ],
        "responses": {
            "200": _json({"$ref": "#/components/schemas/ProxyProject"}, "The dashboard"),
            "401": _json(ERROR, "Not signed in as an investor, or the token is not valid"),
            "404": _json(ERROR, "No such project of this investor"),
            "429": _json(ERROR, "Too many requests"),
        },
    }
}
SECURITY_SCHEMES = {"proxyProjectToken": {"type": "http", "scheme": "bearer"}}
SCHEMAS = {
    "ProxyEligibility": ELIGIBILITY,
    "BadParameters": BAD_PARAMETERS,
    "ProxyProject": PROJECT,
}
