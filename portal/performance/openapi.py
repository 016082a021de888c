"""The performance figures' part of /api/openapi.json (merged by portal/catalog/openapi.py)."""

from __future__ import annotations

from portal.performance.opendata import FIELDS

_COUNT = {"type": "integer", "minimum": 0}
_RATIO = {"type": ["string", "null"], "pattern": "^[01]\\.[0-9]{4}$"}
_MEAN = {"type": ["string", "null"], "pattern": "^[0-9]+\\.[0-9]$"}
_TEXT = {"type": ["string", "null"]}


def _property(name: str) -> dict:
    if name in ("month",):
        return {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"}
    if name == "as_of":
        return {"type": "string", "format": "date"}
    if name == "level":
        return {"type": "string", "enum": ["total", "center", "department", "item"]}
    if name == "ratings_published":
        return {"type": "boolean"}
    if name.endswith("_rate"):
        return _RATIO
    if name.startswith("mean_"):
        return _MEAN
    if name in ("center", "department", "item", "name_zh", "name_en"):
        return _TEXT
    if name.startswith("ratings_"):
        return {"type": ["integer", "null"], "minimum": 0, "description": "null when unpublished"}
    return _COUNT


SCHEMAS = {
    "PerformanceRecord": {
        "type": "object",
        "description": "One row of the public performance page; docs/open-data.md defines each",
        "required": list(FIELDS),
        "properties": {name: _property(name) for name in FIELDS},
    },
    "Performance": {
        "type": "object",
        "required": ["schema", "month", "as_of", "min_ratings", "breakdown", "fields", "records"],
        "properties": {
            "schema": {"type": "string"},
            "month": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"},
            "as_of": {"type": "string", "format": "date"},
            "min_ratings": {"type": "integer", "minimum": 0},
            "breakdown": {"type": "string", "enum": ["center", "department", "item"]},
            "fields": {"type": "array", "items": {"type": "string"}},
            "records": {
                "type": "array",
                "description": "the total first, then one record per row",
                "items": {"$ref": "#/components/schemas/PerformanceRecord"},
            },
        },
    },
}


def _parameter(name: str, description: str, pattern: str | None = None) -> dict:
    schema: dict = {"type": "string"}
    if pattern:
        schema["pattern"] = pattern
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


PATHS = {
    "/api/v1/performance": {
        "get": {
            "summary": "A month's performance figures (公开晾晒), as on /performance",
            "parameters": [
                _parameter(
                    "month",
                    "the month, one of the last 24 (default: last month)",
                    "^[0-9]{4}-[0-9]{2}$",
                ),
                _parameter("center", "a center's slug (rows: its departments)"),
                _parameter("department", "a department's slug (rows: its items)"),
                _parameter("item", "a service item's code (one row)"),
            ],
            "responses": {
                "200": {
                    "description": "The total and one record per row",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Performance"}}
                    },
                },
                "400": {
                    "description": "A parameter that is not offered",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                },
                "429": {
                    "description": "Too many requests",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                },
            },
        }
    }
}
