"""The staff page of parked hotline callbacks (``portal.complaints.parked_callbacks``)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.access import staff_required
from portal.complaints import parked_callbacks
from portal.complaints.numbering import display_ticket
from portal.complaints.presenters import EVENT_LABELS, STATUS_LABELS
from portal.window.models import Role

hotline_staff = Blueprint("hotline_staff", __name__, url_prefix="/staff/hotline-callbacks")


@hotline_staff.get("")
@staff_required(*Role.SEEING_DELIVERIES)
def parked():
    rows = [
        {
            "callback": c,
            "ticket": display_ticket(c.work_order.complaint.ticket),
            "event": EVENT_LABELS.get(c.event) or STATUS_LABELS.get(c.event) or c.event,
        }
        for c in parked_callbacks.parked_for(current_user._get_current_object())
    ]
    return render_template("complaints/staff/hotline_callbacks.html", rows=rows)


@hotline_staff.post("/<id:callback_id>/resend")
@staff_required(Role.ADMINISTRATOR)
def resend(callback_id: int):
    member = current_user._get_current_object()
    callback = parked_callbacks.visible(member, callback_id)
    if callback is None:
        abort(404)
    # The request's own transaction (portal.transactions) commits the update and its audit.
    if parked_callbacks.send_again(member, callback):
        flash(_("已重新排队发送。"))
    else:
        flash(_("这条回告没有重新发送：它已经不在停止重试的列表里，或者它的来源已被停用。"))
    return redirect(url_for("hotline_staff.parked"))
