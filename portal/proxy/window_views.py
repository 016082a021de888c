"""The proxy window's pages: its requests with their acceptance deadline, one request, and
the decisions on it. Proxy-window staff only (403 for other roles); a request of another
center is not found (404)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forms.proxy_window import AcceptForm, RefuseForm
from portal.access import staff_required
from portal.clock import beijing
from portal.filing.downloads import attachment_response
from portal.proxy import presenters, requests, uploads
from portal.proxy import window as proxy_window
from portal.window.models import Role

staff_proxy = Blueprint("proxy_window", __name__, url_prefix="/staff/proxy")
SLOTS = {"letter": "letter", "key-document": "key_document"}


def _request(public_id: str):
    return proxy_window.find(current_user, public_id) or abort(404)


def _accept_form(from_request: bool = True) -> AcceptForm:
    form = AcceptForm() if from_request else AcceptForm(formdata=None)
    form.agent.choices = [(str(a.id), a.name) for a in proxy_window.agents(current_user)]
    return form


@staff_proxy.get("")
@staff_required(*Role.PROXY)
def queue():
    return render_template(
        "proxy/staff/queue.html",
        entries=proxy_window.queue(
            current_user, current_app.extensions["calendar"], beijing.today()
        ),
        display_number=requests.display_number,
        statuses=presenters.REQUEST_STATUSES,
    )


def _page(proxy_request, accept_form, refuse_form, problem=None, status=200):
    return render_template(
        "proxy/staff/request.html",
        proxy_request=proxy_request,
        number=requests.display_number(proxy_request.number),
        status=presenters.REQUEST_STATUSES[proxy_request.status],
        rows=presenters.answer_rows(presenters.request_answers(proxy_request)),
        accept_form=accept_form,
        refuse_form=refuse_form,
        problem=problem,
    ), status


@staff_proxy.get("/<public_id>")
@staff_required(*Role.PROXY)
def request_page(public_id: str):
    return _page(_request(public_id), _accept_form(False), RefuseForm(formdata=None))


@staff_proxy.post("/<public_id>/accept")
@staff_required(*Role.PROXY)
def accept(public_id: str):
    proxy_request = _request(public_id)
    form = _accept_form()
    if form.validate():
        try:
            project = proxy_window.accept(
                current_user,
                proxy_request,
                int(form.agent.data),
                form.department.data,
                form.project_type.data,
            )
        except proxy_window.AlreadyDecided:
            return _page(
                proxy_request, form, RefuseForm(), _("这份代理申请已经由别人处理了。"), 409
            )
        except proxy_window.NoSuchAgent:
            form.agent.errors = [_("请选择代理员。")]
        else:
            flash(_("已受理，项目代码 %(code)s。", code=project.code))
            return redirect(url_for("proxy_window.request_page", public_id=public_id))
    return _page(proxy_request, form, RefuseForm(formdata=None), status=400)


@staff_proxy.post("/<public_id>/refuse")
@staff_required(*Role.PROXY)
def refuse(public_id: str):
    proxy_request = _request(public_id)
    form = RefuseForm()
    if form.validate():
        try:
            proxy_window.refuse(current_user, proxy_request, form.reasons.data)
        except proxy_window.AlreadyDecided:
            return _page(
                proxy_request,
                _accept_form(from_request=False),
                form,
                _("这份代理申请已经由别人处理了。"),
                409,
            )
        flash(_("已决定不予受理，并已通知投资方。"))
        return redirect(url_for("proxy_window.request_page", public_id=public_id))
    return _page(proxy_request, _accept_form(from_request=False), form, status=400)


@staff_proxy.get("/<public_id>/files/<slot>")
@staff_required(*Role.PROXY)
def request_file(public_id: str, slot: str):
    proxy_request = _request(public_id)
    described = getattr(proxy_request, SLOTS.get(slot, ""), None) if slot in SLOTS else None
    if not described:
        abort(404)
    return attachment_response(uploads.as_download(described))
