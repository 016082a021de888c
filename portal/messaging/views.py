"""The applicant's message box and their choice of channels, under /account/messages."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forms.messaging import ChannelsForm
from portal.access import applicant_required
from portal.filing import operations as filing
from portal.filing.numbering import display_number
from portal.messaging import box, channels

messages = Blueprint("messages", __name__, url_prefix="/account/messages")


@messages.get("")
@applicant_required
def message_box():
    return render_template(
        "messaging/box.html",
        entries=box.messages_for(current_user.id),
        case_number=None,
        chosen=channel_label(current_user),
    )


@messages.get("/cases/<public_id>")
@applicant_required
def case_messages(public_id: str):
    application = filing.find_own_application(current_user, public_id)
    if application is None or application.number is None:
        abort(404)
    return render_template(
        "messaging/box.html",
        entries=box.messages_for(current_user.id, application.id),
        case_number=display_number(application.number),
        chosen=channel_label(current_user),
    )


@messages.route("/channels", methods=["GET", "POST"])
@applicant_required
def choose_channels():
    applicant = current_user._get_current_object()
    form = ChannelsForm(has_email=bool(applicant.email))
    if form.validate_on_submit():
        applicant.message_channels = form.message_channels.data
        flash(_("已保存。以后的消息将按您的选择发送。"))
        return redirect(url_for("messages.message_box"))
    if not form.is_submitted():
        form.message_channels.data = applicant.message_channels
    return render_template("messaging/channels.html", form=form, has_email=bool(applicant.email))


def channel_label(applicant) -> str:
    return str(channels.LABELS.get(applicant.message_channels, channels.LABELS[channels.SMS]))
