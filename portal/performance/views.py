"""The public performance page (公开晾晒) `/performance`, its open data and its API.

Anonymous and cacheable: the figures are kept ``PERFORMANCE_CACHE_SECONDS`` per process and
the answer says the same to caches in front (``Vary: Accept-Language, Cookie`` as every
page). The page, the downloads and the API read the same filters through one form.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, render_template, request
from flask_login import current_user

from forms.performance import FiguresFilterForm
from portal.access import public
from portal.catalog import snapshot
from portal.catalog.api import api_rate_limit
from portal.clock import beijing
from portal.errors import render_error
from portal.i18n import localized
from portal.performance import opendata, presenters
from portal.performance.cache import cached_report
from portal.performance.figures import Month, Selection, months_offered

performance = Blueprint("performance", __name__)


def _read_filters():
    """The form, and the selection it asks for (None while it has errors)."""
    today = beijing.today()
    catalog = snapshot.current()
    centers, departments = catalog.centers, catalog.departments
    items = {item.code: item for item in catalog.items}
    form = FiguresFilterForm(formdata=request.args)
    form.offer(
        months_offered(today),
        [(c.slug, localized(c.name)) for c in centers],
        [(d.slug, localized(d.name)) for d in departments],
        set(items),
    )
    if not form.validate():
        return form, None, {}, today
    month = Month.parse(form.month.data or "") or Month.of(today).previous
    form.month.data = month.key
    center = next((c for c in centers if c.slug == form.center.data), None)
    department = next((d for d in departments if d.slug == form.department.data), None)
    item = items.get(form.item.data or "")
    selection = Selection(
        month,
        center_id=center.id if center else None,
        department_id=department.id if department else None,
        item_id=item.id if item else None,
    )
    chosen = {
        "center": center.slug if center else None,
        "department": department.slug if department else None,
        "item": item.code if item else None,
    }
    names = {
        "center": center.name if center else None,
        "department": department.name if department else None,
        "item": item.name if item else None,
    }
    return form, selection, {"chosen": chosen, "names": names}, today


def _cacheable(response: Response) -> Response:
    seconds = current_app.config["PERFORMANCE_CACHE_SECONDS"]
    if seconds > 0 and not current_user.is_authenticated:
        response.cache_control.public = True
        response.cache_control.max_age = seconds
    return response


@performance.get("/performance")
@public
def page():
    form, selection, context, today = _read_filters()
    if selection is None:
        body = render_template("performance/page.html", form=form, report=None, today=today)
        return body, 400
    report = cached_report(selection, today)
    shown = presenters.rows(report, context["chosen"])
    body = render_template(
        "performance/page.html",
        form=form,
        report=report,
        today=today,
        rows=shown,
        chosen=context["chosen"],
        names=context["names"],
        p=presenters,
    )
    return _cacheable(current_app.make_response(body))


def _figures_or_error():
    form, selection, context, today = _read_filters()
    if selection is None:
        return None, render_error(400, " ".join(e.message for e in form.error_summary()))
    return (cached_report(selection, today), context["chosen"]), None


@performance.get("/open-data/performance.csv")
@public
def figures_csv():
    figures, error = _figures_or_error()
    if error is not None:
        return error
    report, chosen = figures
    response = Response(
        opendata.figures_csv(report, chosen),
        mimetype="text/csv",
        headers={
            "Content-Disposition": (
                f"attachment; filename=hengyang-performance-{report.selection.month.key}.csv"
            )
        },
    )
    return _cacheable(response)


@performance.get("/open-data/performance.json")
@public
def figures_json():
    figures, error = _figures_or_error()
    if error is not None:
        return error
    return _cacheable(jsonify(opendata.figures_json(*figures)))


@performance.get("/api/v1/performance")
@public
@api_rate_limit
def figures_api():
    figures, error = _figures_or_error()
    if error is not None:
        return error
    return _cacheable(jsonify(opendata.figures_json(*figures)))
