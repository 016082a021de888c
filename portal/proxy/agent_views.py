"""The proxy window's head reassigns a project's agent (``/staff/proxy/projects/<code>/agent``),
and each agent's own projects (``/staff/proxy/mine``). Proxy-window staff only; another
center's project is not found (404); only the head changes the agent (403 for the others)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forms.proxy_window import ReassignForm
from portal.access import staff_required
from portal.proxy import plan
from portal.proxy import window as proxy_window
from portal.proxy.window_views import staff_proxy
from portal.window.models import Role


def _form(project, from_request: bool = True) -> ReassignForm:
    form = ReassignForm() if from_request else ReassignForm(formdata=None, seen=project.agent_id)
    form.agent.choices = [
        (str(a.id), a.name) for a in proxy_window.agents(current_user) if a.id != project.agent_id
    ]
    return form


def _page(project, form, problem=None, status=200):
    return render_template(
        "proxy/staff/agent.html", project=project, form=form, problem=problem
    ), status


@staff_proxy.get("/projects/<code>/agent")
@staff_required(Role.PROXY_HEAD)
def agent_page(code: str):
    project = plan.find(current_user, code) or abort(404)
    return _page(project, _form(project, from_request=False))


@staff_proxy.post("/projects/<code>/agent")
@staff_required(Role.PROXY_HEAD)
def reassign(code: str):
    project = plan.find(current_user, code) or abort(404)
    form = _form(project)
    if not form.validate():
        return _page(project, form, status=400)
    chosen = form.agent.data
    agent_id = int(chosen) if chosen.isascii() and chosen.isdigit() and len(chosen) < 10 else -1
    try:
        proxy_window.reassign(current_user, project, agent_id, int(form.seen.data))
    except proxy_window.NoSuchAgent:
        form.agent.errors = [_("请选择新的代理员。")]
        return _page(project, form, status=400)
    except proxy_window.AgentChanged:
        return _page(
            project,
            _form(project, from_request=False),
            _("代理员刚刚已被别人更换，请看清现在的代理员后再决定。"),
            409,
        )
    flash(_("代理员已更换为 %(name)s，并已通知投资方。", name=project.agent.name))
    return redirect(url_for("proxy_window.agent_page", code=code))


@staff_proxy.get("/mine")
@staff_required(*Role.PROXY)
def my_projects():
    return render_template("proxy/staff/mine.html", projects=proxy_window.my_projects(current_user))
