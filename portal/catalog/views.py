"""Public pages of the catalog: home, search, guides, centers, departments, fees."""

from __future__ import annotations

from typing import TypeVar

from flask import Blueprint, abort, current_app, render_template, request, send_from_directory

from portal.access import public
from portal.catalog import presenters, queries, snapshot
from portal.catalog.page_cache import cached_page
from portal.catalog.search import search
from portal.extensions import limiter

catalog = Blueprint("catalog", __name__)
T = TypeVar("T")
# Ten answers: past that, a reader does better trying other words or a life event.
SEARCH_RESULTS_SHOWN = 10


def _or_404(value: T | None) -> T:
    if value is None:
        abort(404)
    return value


@catalog.get("/")
@public
@cached_page
def home():
    catalog = snapshot.current()
    return render_template(
        "catalog/home.html",
        life_events=catalog.life_events,
        popular=catalog.popular,
        departments=catalog.departments,
        centers=catalog.centers,
    )


@catalog.get("/search")
@public
@limiter.limit(lambda: current_app.config["SEARCH_RATE_LIMIT"])
@cached_page
def search_page():
    query = request.args.get("q", "", type=str).strip()
    problem = presenters.search_problem(query, current_app.config["SEARCH_MAX_LENGTH"])
    hits = [] if problem or not query else search(query, limit=SEARCH_RESULTS_SHOWN)
    return render_template(
        "catalog/search.html",
        query=query,
        problem=problem,
        hits=hits,
        life_events=snapshot.current().life_events if not hits else [],
    ), (400 if problem else 200)


@catalog.get("/items")
@public
@cached_page
def item_list():
    audience = (
        request.args.get("audience") if request.args.get("audience") in queries.AUDIENCES else None
    )
    department = queries.fetch_department(request.args.get("department", ""))
    center = queries.fetch_center(request.args.get("center", ""))
    # A checkbox: sent as online=yes when ticked, absent otherwise.
    online = request.args.get("online") == "yes"
    return render_template(
        "catalog/items.html",
        items=queries.fetch_items(audience, department, center, online=online),
        online=online,
        audience=audience,
        department=department,
        center=center,
        departments=queries.fetch_departments(),
        centers=queries.fetch_centers(),
    )


@catalog.get("/items/<code>")
@public
@cached_page
def item_guide(code: str):
    item = _or_404(snapshot.current().guide_item(code))
    return render_template("catalog/guide.html", item=item, guide=presenters.Guide(item))


@catalog.get("/items/<code>/files/<name>")
@public
def item_file(code: str, name: str):
    item = _or_404(queries.fetch_item(code))
    offered = {m.blank_form for m in item.materials} | {m.sample for m in item.materials}
    if name not in offered - {None}:
        abort(404)
    return send_from_directory(current_app.config["GUIDES_DIR"] / "files", name, as_attachment=True)


@catalog.get("/life-events/<slug>")
@public
@cached_page
def life_event(slug: str):
    event = _or_404(queries.fetch_life_event(slug))
    return render_template(
        "catalog/life_event.html", event=event, items=queries.current_items_of(event.items)
    )


@catalog.get("/departments")
@public
@cached_page
def department_list():
    return render_template("catalog/departments.html", departments=queries.fetch_departments())


@catalog.get("/departments/<slug>")
@public
@cached_page
def department(slug: str):
    found = _or_404(queries.fetch_department(slug))
    return render_template(
        "catalog/department.html",
        department=found,
        items=queries.fetch_items(department=found),
        fees=[fee for fee in found.fee_items if fee.retired_at is None],
    )


@catalog.get("/centers")
@public
@cached_page
def center_list():
    return render_template("catalog/centers.html", centers=queries.fetch_centers())


@catalog.get("/centers/<slug>")
@public
@cached_page
def center(slug: str):
    found = _or_404(queries.fetch_center(slug))
    return render_template(
        "catalog/center.html",
        center=found,
        windows=presenters.windows_with_items(found),
    )


catalog.add_app_template_global(presenters.center_kind_label, "center_kind_label")
catalog.add_app_template_global(presenters.sector_label, "sector_label")
