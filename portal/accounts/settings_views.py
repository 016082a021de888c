"""An applicant's account settings: change the password, the mobile number, the e-mail."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forms.accounts_settings import (
    ChangePasswordForm,
    ContactCodeForm,
    NewEmailForm,
    NewMobileForm,
)
from portal.access import applicant_required
from portal.accounts import contact
from portal.accounts.identity import mask_mobile, normalize_identifier
from portal.accounts.views import accounts
from portal.clock import beijing
from portal.extensions import limiter
from portal.messaging.sending import tell_address, tell_applicant
from portal.notify import mask_email

NEW_ADDRESS_FORMS = {contact.MOBILE: NewMobileForm, contact.EMAIL: NewEmailForm}


def _rate_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


def _applicant():
    return current_user._get_current_object()


def _masked(channel: str, value: str | None) -> str:
    if not value:
        return ""
    return mask_mobile(value) if channel == contact.MOBILE else mask_email(value)


@accounts.route("/password", methods=["GET", "POST"])
@applicant_required
@limiter.limit(_rate_limit, methods=["POST"])
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        applicant = _applicant()
        if contact.change_password(applicant, form.current_password.data, form.password.data):
            _tell_password_changed(applicant)
            flash(_("密码已修改。其他设备上的登录都已退出，这台设备仍然登录。"))
            return redirect(url_for("accounts.account"))
        form.current_password.errors.append(_("现在的密码不正确。"))
    return render_template("accounts/change_password.html", form=form), (
        400 if form.errors else 200
    )


@accounts.route("/<any(mobile, email):channel>", methods=["GET", "POST"])
@applicant_required
@limiter.limit(_rate_limit, methods=["POST"])
def change_contact(channel: str):
    form = NEW_ADDRESS_FORMS[channel]()
    if form.validate_on_submit():
        applicant = _applicant()
        new_value = form[channel].data
        if channel == contact.MOBILE:
            new_value = normalize_identifier(new_value)
        minutes = current_app.config["RESET_CODE_MINUTES"]
        code = contact.issue_code(applicant, channel, new_value, minutes)
        _send_code(applicant, channel, new_value, code, minutes)
        return redirect(url_for("accounts.confirm_contact", channel=channel))
    return render_template("accounts/change_contact.html", form=form, channel=channel), (
        400 if form.errors else 200
    )


@accounts.route("/<any(mobile, email):channel>/confirm", methods=["GET", "POST"])
@applicant_required
@limiter.limit(_rate_limit, methods=["POST"])
def confirm_contact(channel: str):
    applicant = _applicant()
    waiting = contact.pending(applicant, channel)
    form = ContactCodeForm()
    if form.validate_on_submit():
        changed = contact.confirm(applicant, channel, form.code.data) if waiting else None
        if changed is not None:
            if changed.old_value:
                _tell_old_address(applicant, changed)
            flash(_("手机号码已更换。") if channel == contact.MOBILE else _("电子邮箱已更换。"))
            return redirect(url_for("accounts.account"))
        form.code.errors.append(_("验证码不正确或已过期。请重新获取验证码。"))
    elif waiting is None and not form.is_submitted():
        return redirect(url_for("accounts.change_contact", channel=channel))
    return render_template(
        "accounts/confirm_contact.html",
        form=form,
        channel=channel,
        sent_to=_masked(channel, waiting.new_value) if waiting else None,
    ), (400 if form.errors else 200)


def _message_channel(channel: str) -> str:
    """The outbox channel that reaches a mobile number or an e-mail address."""
    return "sms" if channel == contact.MOBILE else "email"


def _tell_password_changed(applicant) -> None:
    tell_applicant(
        applicant,
        "password-changed",
        {"at": beijing.now(), "phone": current_app.config["CONSULTATION_PHONE"]},
    )


def _send_code(applicant, channel: str, new_value: str, code: str, minutes: int) -> None:
    """Only to the new address: entering the code proves it is the applicant's."""
    context = {"channel": channel, "code": code, "minutes": minutes}
    tell_address(applicant, _message_channel(channel), new_value, "contact-change-code", context)


def _tell_old_address(applicant, changed: contact.Changed) -> None:
    """To the address that was replaced: the one the owner still reads if this was not them."""
    context = {
        "channel": changed.channel,
        "new": _masked(changed.channel, changed.new_value),
        "at": beijing.now(),
        "phone": current_app.config["CONSULTATION_PHONE"],
    }
    channel = _message_channel(changed.channel)
    tell_address(applicant, channel, changed.old_value, "contact-changed", context)
