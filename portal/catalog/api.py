"""The public read-only JSON API, described by /api/openapi.json.

Every text is given in both languages, as ``{"zh": ..., "en": ...}``.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from flask_babel import gettext as _

from portal.access import public
from portal.catalog import openapi, opendata, queries
from portal.catalog.models import Center, ServiceItem
from portal.catalog.presenters import search_problem
from portal.catalog.search import search
from portal.errors import render_error
from portal.extensions import csrf, limiter

api = Blueprint("api", __name__, url_prefix="/api")
csrf.exempt(api)
# Every API call counts toward one per-client limit, shared by all the API's routes.
api_rate_limit = limiter.shared_limit(lambda: current_app.config["API_RATE_LIMIT"], scope="api")


class BadParameter(ValueError):
    """A query parameter is not what the API accepts; the message says what is."""


def _positive_int(name: str, default: int, maximum: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise BadParameter(
            _("参数 %(name)s 必须是 1 到 %(max)d 之间的整数。", name=name, max=maximum)
        )
    return int(raw)


@api.errorhandler(BadParameter)
def _bad_parameter(error: BadParameter):
    return render_error(400, str(error))


def item_summary(item: ServiceItem) -> dict:
    return {
        "code": item.code,
        "name": item.name,
        "kind": item.kind,
        "mode": item.mode,
        "department": item.department.slug,
        "audiences": item.audiences,
        "online": item.online,
        "immediate": item.immediate,
        "statutory_limit_working_days": item.statutory_limit,
        "promised_limit_working_days": item.promised_limit,
        "free": item.is_free,
        "url": f"/items/{item.code}",
    }


def item_detail(item: ServiceItem) -> dict:
    return item_summary(item) | {
        "summary": item.summary,
        "implementing_body": item.implementing_body,
        "legal_basis": item.legal_basis,
        "conditions": item.conditions,
        "materials": [
            {
                "code": m.code,
                "name": m.name,
                "originals": m.originals,
                "copies": m.copies,
                "required": m.required,
                "source": m.source,
                "note": m.note,
                "blank_form": f"/items/{item.code}/files/{m.blank_form}" if m.blank_form else None,
                "sample": f"/items/{item.code}/files/{m.sample}" if m.sample else None,
            }
            for m in item.materials
        ],
        "process": item.process,
        "visits": item.visits,
        "locations": [
            {"center": window.center.slug, "window": window.code, "name": window.name}
            for window in item.windows
        ],
        "fees": [fee.code for fee in item.fees],
        "life_events": [event.slug for event in item.life_events],
        "mode_note": item.mode_note,
        "consultation_phone": item.consultation_phone,
        "complaint_phone": item.complaint_phone,
    }


def center_record(center: Center) -> dict:
    return {
        "slug": center.slug,
        "kind": center.kind,
        "name": center.name,
        "address": center.address,
        "hours": center.hours,
        "phone": center.phone,
        "windows": [
            {"code": w.code, "name": w.name, "location": w.location} for w in center.windows
        ],
    }


@api.get("/openapi.json")
@public
@api_rate_limit
def openapi_document():
    return jsonify(openapi.document())


@api.get("/v1/items")
@public
@api_rate_limit
def items():
    page = _positive_int("page", 1, 100_000)
    per_page = _positive_int("per_page", 20, current_app.config["API_MAX_PER_PAGE"])
    total = queries.count_items()
    return jsonify(
        {
            "page": page,
            "per_page": per_page,
            "total": total,
            "items": [item_summary(i) for i in queries.fetch_items_page(page, per_page)],
        }
    )


@api.get("/v1/items/<code>")
@public
@api_rate_limit
def item(code: str):
    found = queries.fetch_item(code)
    if found is None:
        return render_error(404, _("没有编码为 %(code)s 的事项。", code=code[:64]))
    return jsonify(item_detail(found))


@api.get("/v1/centers")
@public
@api_rate_limit
def centers():
    return jsonify({"centers": [center_record(c) for c in queries.fetch_centers()]})


@api.get("/v1/fees")
@public
@api_rate_limit
def fees():
    return jsonify(opendata.fees_json(queries.fetch_fee_items()))


@api.get("/v1/search")
@public
@api_rate_limit
def search_items():
    query = request.args.get("q", "").strip()
    if not query:
        return render_error(400, _("请用参数 q 给出要搜索的内容。"))
    problem = search_problem(query, current_app.config["SEARCH_MAX_LENGTH"])
    if problem:
        return render_error(400, problem)
    hits = search(query)
    return jsonify(
        {
            "query": query,
            "results": [item_summary(hit.item) | {"score": round(hit.score, 3)} for hit in hits],
        }
    )
