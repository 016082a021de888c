"""The permit plan's pages at the proxy window: the plan with its suggestions and orderings,
and its three changes. Proxy-window staff only (403 for other roles); another center's
project is not found (404); a member who is neither the agent nor the head reads the plan
and gets 403 for a change."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forms.proxy_plan import (
    AddPermitForm,
    FilePermitForm,
    LinkForm,
    ProjectDocumentForm,
    RemovePermitForm,
    WaitsForm,
)
from portal.access import staff_required
from portal.filing import assisted_views
from portal.filing.models import Status
from portal.filing.presenters import Journey, upload_limits
from portal.i18n import localized
from portal.proxy import plan
from portal.proxy.window_views import staff_proxy
from portal.transactions import mark_failed
from portal.window.models import Role


def _project(code: str):
    return plan.find(current_user, code) or abort(404)


def _add_form(project, from_request: bool = True) -> AddPermitForm:
    form = AddPermitForm() if from_request else AddPermitForm(formdata=None)
    form.item.choices = [
        (item.code, localized(item.name))
        for _event, items in plan.suggestions(project)
        for item in items
    ]
    return form


def _waits_forms(project, failed=None) -> dict:
    forms = {}
    for permit in project.permits:
        form = failed[1] if failed and failed[0] == permit.id else WaitsForm(formdata=None)
        form.waits_for.id = f"waits-{permit.id}"
        form.waits_for.choices = [
            (other.id, localized(other.item.name))
            for other in project.permits
            if other is not permit
        ]
        if form.waits_for.data is None or not (failed and failed[0] == permit.id):
            form.waits_for.data = list(permit.waits_for)
        forms[permit.id] = form
    return forms


def _link_forms(project, failed=None) -> dict:
    forms = {}
    for permit in project.permits:
        form = failed[1] if failed and failed[0] == permit.id else LinkForm(formdata=None)
        form.number.id = f"number-{permit.id}"
        forms[permit.id] = form
    return forms


def _page(
    project,
    add_form=None,
    failed=None,
    problem=None,
    status=200,
    linking=None,
    document_error=None,
):
    return render_template(
        "proxy/staff/plan.html",
        project=project,
        permits=plan.ordered(project),
        by_id={permit.id: permit for permit in project.permits},
        may_change=plan.may_change(current_user, project),
        add_form=add_form or _add_form(project, from_request=False),
        hints={
            item.code: localized(event.name)
            for event, items in plan.suggestions(project)
            for item in items
        },
        waits_forms=_waits_forms(project, failed),
        link_forms=_link_forms(project, linking),
        link_errors=linking[1].error_summary() if linking else [],
        problem=problem,
        filing=_filing(project),
        document_form=_document_form(document_error),
        limits=upload_limits(),
    ), status


def _document_form(error):
    form = ProjectDocumentForm(formdata=None)
    if error:
        form.file.errors = [error]
    return form


def _filing(project) -> dict:
    """Per permit: where the agent continues its assisted draft, or why it cannot be filed yet."""
    shown = {}
    for permit in project.permits:
        application = permit.application
        if application is not None:
            if application.status == Status.DRAFT and application.filed_by_id == current_user.id:
                shown[permit.id] = ("continue", Journey(application, "assisted").start_url())
        elif not (permit.item.online and permit.item.retired_at is None):
            shown[permit.id] = ("offline", _("这项事项不能网上申请，请到窗口递交。"))
        elif waiting := plan.waiting_on(project, permit):
            names = "、".join(localized(p.item.name) for p in waiting)
            shown[permit.id] = (
                "waiting",
                _("要等这些许可准予或办结后才能递交：%(names)s。", names=names),
            )
        else:
            shown[permit.id] = ("ready", None)
    return shown


@staff_proxy.get("/projects/<code>/plan")
@staff_required(*Role.PROXY)
def plan_page(code: str):
    return _page(_project(code))


def _refusal(project, error, add_form=None, failed=None):
    """The page again with what stopped the change; nothing of it was written."""
    if isinstance(error, plan.NotYours):
        abort(403)
    if isinstance(error, plan.PlanChanged):
        return _page(project, problem=_("计划已经被别人修改，请查看最新的计划后再改。"), status=409)
    if isinstance(error, plan.WouldCycle):
        ring = " → ".join(localized(p.item.name) for p in [*error.ring, error.ring[0]])
        message = _("不能这样排：这些许可会互相等待，谁也办不了：%(ring)s。", ring=ring)
        return _page(project, failed=failed, problem=message, status=400)
    return _page(
        project,
        problem=_("这项许可已经递交，或者还有别的许可在等它，不能移出计划。"),
        status=409,
    )


def _done(project, message: str):
    flash(message)
    return redirect(url_for("proxy_window.plan_page", code=project.code))


@staff_proxy.post("/projects/<code>/plan/add")
@staff_required(*Role.PROXY)
def plan_add(code: str):
    project = _project(code)
    form = _add_form(project)
    if not form.validate():
        if form.version.errors:
            return _page(project, problem=_("请刷新页面后重试。"), status=400)
        return _page(project, add_form=form, status=400)
    item = plan.item_to_add(project, form.item.data)
    if item is None:
        form.item.errors = [_("请选择要加入计划的事项。")]
        return _page(project, add_form=form, status=400)
    try:
        plan.add(current_user, project, int(form.version.data), item)
    except (plan.NotYours, plan.PlanChanged) as error:
        return _refusal(project, error)
    return _done(project, _("已把“%(name)s”加入计划。", name=localized(item.name)))


def _permit(project, permit_id: int):
    return plan.permit_of(project, permit_id) or abort(404)


@staff_proxy.post("/projects/<code>/plan/<int:permit_id>/waits")
@staff_required(*Role.PROXY)
def plan_waits(code: str, permit_id: int):
    project = _project(code)
    permit = _permit(project, permit_id)
    form = WaitsForm()
    form.waits_for.id = f"waits-{permit.id}"
    if not form.validate():
        # Only a page not sent by this form gets here (a stale version, an id not a number).
        return _page(project, problem=_("请刷新页面后重试。"), status=400)
    try:
        plan.set_waits_for(
            current_user, project, int(form.version.data), permit, form.waits_for.data or []
        )
    except (plan.NotYours, plan.PlanChanged, plan.WouldCycle) as error:
        return _refusal(project, error, failed=(permit.id, form))
    return _done(project, _("已保存“%(name)s”的办理顺序。", name=localized(permit.item.name)))


@staff_proxy.post("/projects/<code>/plan/<int:permit_id>/remove")
@staff_required(*Role.PROXY)
def plan_remove(code: str, permit_id: int):
    project = _project(code)
    permit = _permit(project, permit_id)
    form = RemovePermitForm()
    if not form.validate():
        return _page(project, problem=_("请刷新页面后重试。"), status=400)
    name = localized(permit.item.name)
    try:
        plan.remove(current_user, project, int(form.version.data), permit)
    except (plan.NotYours, plan.PlanChanged, plan.StillNeeded) as error:
        return _refusal(project, error)
    return _done(project, _("已把“%(name)s”移出计划。", name=name))


@staff_proxy.post("/projects/<code>/plan/<int:permit_id>/link")
@staff_required(*Role.PROXY)
def plan_link(code: str, permit_id: int):
    project = _project(code)
    permit = _permit(project, permit_id)
    form = LinkForm()
    form.number.id = f"number-{permit.id}"
    if not form.validate():
        if form.version.errors:
            return _page(project, problem=_("请刷新页面后重试。"), status=400)
        return _page(project, linking=(permit.id, form), status=400)
    try:
        plan.link(current_user, project, int(form.version.data), permit, form.number.data)
    except plan.NotLinkable:
        form.number.errors = [_("没有找到投资方名下这项事项的这份申请，或者它已经关联了别的许可。")]
        return _page(project, linking=(permit.id, form), status=400)
    except (plan.NotYours, plan.PlanChanged) as error:
        return _refusal(project, error)
    return _done(project, _("已关联“%(name)s”的申请。", name=localized(permit.item.name)))


@staff_proxy.post("/projects/<code>/plan/<int:permit_id>/file")
@staff_required(*Role.PROXY)
def plan_file(code: str, permit_id: int):
    """Start filing this permit for the investor through the filing engine (代办)."""
    project = _project(code)
    permit = _permit(project, permit_id)
    form = FilePermitForm()
    if not form.validate():
        return _page(project, problem=_("请刷新页面后重试。"), status=400)
    try:
        application = plan.file(
            current_user,
            project,
            int(form.version.data),
            permit,
            current_app.config["DRAFT_KEEP_DAYS"],
        )
    except plan.NotReady:
        return _page(project, problem=_("这项许可现在还不能递交：见它下面的说明。"), status=409)
    except (plan.NotYours, plan.PlanChanged) as error:
        mark_failed()
        return _refusal(project, error)
    return redirect(Journey(application, "assisted").start_url())


def _origin(application):
    """Back from an assisted draft to the plan of the project it was filed for."""
    permit = plan.permit_of_application(application.id)
    if permit is None:
        return None
    return (
        _("许可计划 %(code)s", code=permit.project.code),
        url_for("proxy_window.plan_page", code=permit.project.code),
    )


assisted_views.ORIGINS.append(_origin)
