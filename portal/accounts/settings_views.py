"""An applicant's account settings: change the password, the mobile number, the e-mail."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import force_locale
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
from portal.accounts.identity import mask_email, mask_mobile, normalize_identifier
from portal.accounts.views import accounts
from portal.extensions import limiter
from portal.i18n import LOCALES
from portal.messaging.outbox import queue_message
from portal.notify import Message

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
            queue_message(_password_changed(applicant))
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
        queue_message(_code_message(applicant, channel, new_value, code, minutes))
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
                queue_message(_tell_old_address(applicant, changed))
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


def _in_their_language(applicant):
    return force_locale(LOCALES.get(applicant.language, LOCALES["zh"]))


def _password_changed(applicant) -> Message:
    with _in_their_language(applicant):
        return Message(
            to_email=applicant.email,
            to_mobile=applicant.mobile,
            subject=_("衡阳一窗通：密码已修改"),
            body=_(
                "您的衡阳一窗通账号密码刚刚修改，其他设备上的登录都已退出。"
                "如果不是您本人操作，请立即用验证码找回密码。"
            ),
            purpose="password-changed",
        )


def _code_message(applicant, channel: str, new_value: str, code: str, minutes: int) -> Message:
    with _in_their_language(applicant):
        body = _(
            "您的验证码是 %(code)s，%(minutes)d 分钟内有效。输入后，这个号码或邮箱将成为"
            "您衡阳一窗通账号的联系方式。如果不是您本人操作，请忽略。",
            code=code,
            minutes=minutes,
        )
        if channel == contact.MOBILE:
            return Message(
                to_email=None,
                to_mobile=new_value,
                subject=_("衡阳一窗通：确认新的手机号码"),
                body=body,
                purpose="contact-change-code",
            )
        return Message(
            to_email=new_value,
            to_mobile=None,
            subject=_("衡阳一窗通：确认新的电子邮箱"),
            body=body,
            purpose="contact-change-code",
        )


def _tell_old_address(applicant, changed: contact.Changed) -> Message:
    """To the address that was replaced: the one the owner still reads if this was not them."""
    with _in_their_language(applicant):
        if changed.channel == contact.MOBILE:
            body = _(
                "您衡阳一窗通账号的手机号码已改为 %(new)s。"
                "如果不是您本人操作，请立即找回密码，并拨打 %(phone)s。",
                new=_masked(changed.channel, changed.new_value),
                phone=current_app.config["CONSULTATION_PHONE"],
            )
        else:
            body = _(
                "您衡阳一窗通账号的电子邮箱已改为 %(new)s。"
                "如果不是您本人操作，请立即找回密码，并拨打 %(phone)s。",
                new=_masked(changed.channel, changed.new_value),
                phone=current_app.config["CONSULTATION_PHONE"],
            )
        return Message(
            to_email=changed.old_value if changed.channel == contact.EMAIL else None,
            to_mobile=changed.old_value if changed.channel == contact.MOBILE else None,
            subject=_("衡阳一窗通：账号联系方式已更改"),
            body=body,
            purpose="contact-changed",
        )
