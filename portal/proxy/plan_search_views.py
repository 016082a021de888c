"""The plan's catalog search (``/staff/proxy/projects/<code>/plan/search``): items outside
the project's life events, found by name or words, added to the plan by the agent or the
head. The same who-may rules and the same conditional change as the plan's other changes."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forms.proxy_plan import AddPermitForm
from portal.access import staff_required
from portal.catalog.presenters import search_problem
from portal.i18n import localized
from portal.proxy import plan, plan_search
from portal.proxy.window_views import staff_proxy
from portal.window.models import Role


def _query(source) -> str:
    return (source.get("q", "", type=str) or "").strip()


def _page(project, query: str, form=None, problem=None, status=200):
    too_long = search_problem(query, current_app.config["SEARCH_MAX_LENGTH"])
    items = [] if too_long else plan_search.found(project, query)
    if too_long:
        problem, status = problem or too_long, max(status, 400)
    form = form or AddPermitForm(formdata=None)
    form.item.choices = [(item.code, localized(item.name)) for item in items]
    return render_template(
        "proxy/staff/plan_search.html",
        project=project,
        query=query,
        form=form,
        items=items,
        hints={item.code: item.code for item in items},
        may_change=plan.may_change(current_user, project),
        problem=problem,
    ), status


@staff_proxy.get("/projects/<code>/plan/search")
@staff_required(*Role.PROXY)
def plan_search_page(code: str):
    project = plan.find(current_user, code) or abort(404)
    return _page(project, _query(request.args))


@staff_proxy.post("/projects/<code>/plan/add-found")
@staff_required(*Role.PROXY)
def plan_add_found(code: str):
    project = plan.find(current_user, code) or abort(404)
    query = _query(request.form)[: current_app.config["SEARCH_MAX_LENGTH"]]
    form = AddPermitForm()
    if not form.validate():
        if form.version.errors:
            return _page(project, query, problem=_("请刷新页面后重试。"), status=400)
        return _page(project, query, form=form, status=400)
    item = plan_search.item_to_add(project, form.item.data)
    if item is None:
        form.item.errors = [_("请选择要加入计划的事项。")]
        return _page(project, query, form=form, status=400)
    try:
        plan.add(current_user, project, int(form.version.data), item)
    except plan.NotYours:
        abort(403)
    except plan.PlanChanged:
        return _page(
            project,
            query,
            problem=_("计划已经被别人修改，请查看最新的计划后再改。"),
            status=409,
        )
    flash(_("已把“%(name)s”加入计划。", name=localized(item.name)))
    return redirect(url_for("proxy_window.plan_page", code=code))
