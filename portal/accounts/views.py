"""Applicants' accounts: register, sign in and out, reset a password."""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from forms.accounts import (
    AccountKindForm,
    ForgotPasswordForm,
    RegisterCompanyForm,
    RegisterIndividualForm,
    ResetPasswordForm,
    SignInForm,
)
from portal.access import applicant_required, public
from portal.accounts import devices, operations, throttle
from portal.accounts.identity import mask_citizen_id, mask_mobile
from portal.clock import beijing
from portal.extensions import limiter
from portal.i18n import current_language
from portal.messaging.sending import tell_applicant
from portal.notify import mask_email
from portal.site.views import safe_next

accounts = Blueprint("accounts", __name__, url_prefix="/account")
log = logging.getLogger("portal.accounts")
REGISTER_FORMS = {"individual": RegisterIndividualForm, "company": RegisterCompanyForm}


def _policy() -> throttle.ThrottlePolicy:
    return throttle.ThrottlePolicy.from_config(current_app.config)


@accounts.route("/register", methods=["GET", "POST"])
@public
def register_kind():
    form = AccountKindForm()
    if form.validate_on_submit():
        return redirect(
            url_for("accounts.register", kind=form.kind.data, next=request.args.get("next"))
        )
    return render_template("accounts/register_kind.html", form=form)


@accounts.route("/register/<any(individual, company):kind>", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["SIGN_IN_RATE_LIMIT"], methods=["POST"])
def register(kind: str):
    form = REGISTER_FORMS[kind]()
    if form.validate_on_submit():
        outcome = operations.register_or_find(_registration(kind, form))
        # The same answer for a new number and a taken one (the GOV.UK pattern): the owner of
        # a taken number is told by message, so nobody learns from this page who is registered.
        if outcome.created is not None:
            tell_applicant(outcome.created, "registered")
        elif outcome.existing is not None:
            tell_applicant(outcome.existing, "already-registered")
        flash(
            _(
                "如果这个号码以前没有注册过，账号已经建好，请用刚才设置的密码登录。"
                "如果已经注册过，我们已经给账号注册时留的手机或邮箱发了消息，"
                "您可以直接登录，忘记密码可以找回。"
            )
        )
        return redirect(url_for("accounts.sign_in", next=request.args.get("next")))
    return render_template("accounts/register.html", form=form, kind=kind)


def _registration(kind: str, form) -> operations.Registration:
    return operations.Registration(
        kind=kind,
        identifier=form.identifier.data,
        name=form.name.data,
        mobile=form.mobile.data,
        password=form.password.data,
        email=form.email.data,
        legal_representative=getattr(form, "legal_representative", None)
        and form.legal_representative.data,
        contact_name=getattr(form, "contact_name", None) and form.contact_name.data,
        language=current_language(),
        message_channels=form.message_channels.data,
    )


@accounts.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["SIGN_IN_RATE_LIMIT"], methods=["POST"])
def sign_in():
    form = SignInForm()
    if form.validate_on_submit():
        result, applicant = operations.sign_in(
            form.identifier.data, form.password.data, throttle.current_client(), _policy()
        )
        if result is operations.SignInResult.OK:
            operations.start_session(applicant)
            return _remember_device(applicant, redirect(safe_next(request.args.get("next"))))
        if result is operations.SignInResult.LOCKED:
            form.password.errors.append(
                _(
                    "这个号码在这台设备上输错密码的次数太多，已暂时不能登录。"
                    "请 %(minutes)d 分钟后再试，或者用验证码找回密码。",
                    minutes=current_app.config["SIGN_IN_LOCK_MINUTES"],
                )
            )
        else:
            form.password.errors.append(_("号码或密码不正确。"))
    return render_template("accounts/sign_in.html", form=form)


def _remember_device(applicant, response):
    """Tell the applicant of a sign-in from a browser they have not used (accounts/devices.py)."""
    token = devices.device_token(request.cookies.get(devices.DEVICE_COOKIE))
    if devices.sign_in_from(applicant, token):
        tell_applicant(applicant, "new-device", {"at": beijing.now()})
    response.set_cookie(
        devices.DEVICE_COOKIE,
        token,
        max_age=devices.COOKIE_DAYS * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


@accounts.post("/sign-out")
@applicant_required
def sign_out():
    operations.sign_out(current_user._get_current_object())
    flash(_("您已退出登录。"))
    return redirect(url_for("catalog.home"))


@accounts.post("/sign-out-everywhere")
@applicant_required
def sign_out_everywhere():
    operations.sign_out_everywhere(current_user._get_current_object())
    flash(_("您已在所有设备上退出登录。"))
    return redirect(url_for("accounts.sign_in"))


@accounts.get("")
@applicant_required
def account():
    return render_template(
        "accounts/account.html",
        identifier=mask_citizen_id(current_user.identifier),
        mobile=mask_mobile(current_user.mobile),
        email=mask_email(current_user.email) if current_user.email else None,
    )


@accounts.route("/forgot-password", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["SIGN_IN_RATE_LIMIT"], methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        minutes = current_app.config["RESET_CODE_MINUTES"]
        applicant, code = operations.request_reset(form.identifier.data, minutes)
        if applicant is not None:
            tell_applicant(
                applicant, "password-reset", {"code": code, "minutes": minutes}, secrets=("code",)
            )
        # The same answer whether or not the account exists: nobody learns who is registered.
        flash(
            _(
                "如果这个号码已注册，验证码已发送到注册时留的手机或邮箱，%(minutes)d 分钟内有效。",
                minutes=minutes,
            )
        )
        return redirect(url_for("accounts.reset_password"))
    return render_template("accounts/forgot_password.html", form=form)


@accounts.route("/reset-password", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["SIGN_IN_RATE_LIMIT"], methods=["POST"])
def reset_password():
    form = ResetPasswordForm()
    if form.validate_on_submit():
        if operations.reset_password_for(form.identifier.data, form.code.data, form.password.data):
            flash(_("密码已重设。为了安全，所有设备都已退出登录，请用新密码登录。"))
            return redirect(url_for("accounts.sign_in"))
        form.code.errors.append(_("验证码不正确或已过期。请重新获取验证码。"))
    return render_template("accounts/reset_password.html", form=form)
