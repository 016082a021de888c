"""The proxy project's documents at the proxy window: upload one to the project (from the
plan page), open it, and pick it for a material slot of one of the project's assisted drafts.
Proxy-window staff only (403 for other roles); another center's project, or a draft that is
not this member's, is not found (404); uploading is the project's agent's or the head's."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forms.proxy_plan import PickDocumentForm, ProjectDocumentForm
from portal.access import staff_required
from portal.filing import assisted_views, operations
from portal.filing.downloads import attachment_response
from portal.filing.presenters import Journey, rejection_message, upload_limits
from portal.i18n import format_file_size, localized
from portal.proxy import documents, plan
from portal.proxy.plan_views import _page, _project
from portal.proxy.window_views import staff_proxy
from portal.window.models import Role


@staff_proxy.post("/projects/<code>/documents")
@staff_required(*Role.PROXY)
def document_upload(code: str):
    project = _project(code)
    form = ProjectDocumentForm()
    upload = request.files.get("file")
    if not form.validate():
        return _page(project, problem=_("请刷新页面后重试。"), status=400)
    if upload is None or not upload.filename:
        return _page(project, document_error=_("请选择要上传的文件。"), status=400)
    try:
        document = documents.upload(
            current_user,
            project,
            upload.stream,
            upload.filename,
            storage=current_app.extensions["storage"],
            scanner=current_app.extensions["scanner"],
            limits=upload_limits(),
        )
    except plan.NotYours:
        abort(403)
    except operations.UploadRejected as rejection:
        return _page(project, document_error=rejection_message(rejection.reason), status=400)
    flash(_("已上传项目材料“%(name)s”。", name=document.display_name))
    return redirect(url_for("proxy_window.plan_page", code=project.code) + "#documents")


@staff_proxy.get("/projects/<code>/documents/<document_id>")
@staff_required(*Role.PROXY)
def document_file(code: str, document_id: str):
    project = _project(code)
    return attachment_response(documents.document_of(project, document_id) or abort(404))


def _pick_form(project, from_request: bool = True) -> PickDocumentForm:
    form = PickDocumentForm() if from_request else PickDocumentForm(formdata=None)
    form.document.choices = [
        (d.public_id, f"{d.display_name}（{format_file_size(d.size)}）") for d in project.documents
    ]
    return form


@staff_proxy.route("/drafts/<public_id>/materials/<material_code>/pick", methods=["GET", "POST"])
@staff_required(*Role.PROXY)
def document_pick(public_id: str, material_code: str):
    """Pick one of the project's documents for a material slot of this member's draft."""
    project = documents.project_of_draft(current_user, public_id) or abort(404)
    application = documents.draft_of_project(current_user, project, public_id) or abort(404)
    material = operations.material_of(application, material_code) or abort(404)
    back = Journey(application, "assisted").url(("material", material_code))
    form = _pick_form(project, from_request=request.method == "POST")
    if request.method == "POST" and form.validate():
        document = documents.document_of(project, form.document.data)
        if document is None:
            form.document.errors = [_("请选择一份项目材料。")]
        else:
            try:
                documents.pick(current_user, application, material, document, upload_limits())
            except operations.UploadRejected as rejection:
                form.document.errors = [rejection_message(rejection.reason)]
            else:
                return redirect(back)
    return render_template(
        "proxy/staff/pick_document.html",
        project=project,
        application=application,
        material=material,
        form=form,
        back=back,
    ), (400 if form.errors else 200)


def _source(application, material):
    """On an assisted draft's material page: the project's documents, if it has any."""
    permit = plan.permit_of_application(application.id)
    if permit is None or not permit.project.documents:
        return None
    return (
        _("从项目材料中选择（不用重新上传）：%(name)s", name=localized(material.name)),
        url_for(
            "proxy_window.document_pick",
            public_id=application.public_id,
            material_code=material.code,
        ),
    )


assisted_views.MATERIAL_SOURCES.append(_source)
