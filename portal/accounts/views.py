"""Applicants' accounts: register, sign in and out, reset a password."""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from forms.accounts import (
    AccountKindForm,
    ForgotPasswordForm,
    RegisterCompanyForm,
    RegisterIndividualForm,
    ResetPasswordForm,
    SignInForm,
)
from portal.access import applicant_required, public
from portal.accounts import operations
from portal.accounts.identity import mask_citizen_id, mask_mobile
from portal.extensions import limiter
from portal.i18n import current_language
from portal.messaging.outbox import queue_message
from portal.notify import Message, NotificationFailed
from portal.site.views import safe_next

accounts = Blueprint("accounts", __name__, url_prefix="/account")
log = logging.getLogger("portal.accounts")
REGISTER_FORMS = {"individual": RegisterIndividualForm, "company": RegisterCompanyForm}


def _policy() -> operations.SignInPolicy:
    return operations.SignInPolicy(
        max_failures=current_app.config["SIGN_IN_MAX_FAILURES"],
        lock_minutes=current_app.config["SIGN_IN_LOCK_MINUTES"],
    )


def _start_session(applicant) -> None:
    login_user(applicant)
    # Permanent means "expires after the idle lifetime", refreshed on every request.
    from flask import session

    session.permanent = True


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
def register(kind: str):
    form = REGISTER_FORMS[kind]()
    if form.validate_on_submit():
        try:
            applicant = operations.register(_registration(kind, form))
        except operations.AccountExists:
            form.identifier.errors.append(_("这个号码已经注册过。请直接登录，忘记密码可以找回。"))
        else:
            _start_session(applicant)
            flash(_("注册成功，您已登录。"))
            return redirect(
                safe_next(request.args.get("next"))
                if request.args.get("next")
                else url_for("accounts.account")
            )
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
    )


@accounts.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["SIGN_IN_RATE_LIMIT"], methods=["POST"])
def sign_in():
    form = SignInForm()
    if form.validate_on_submit():
        result, applicant = operations.sign_in(form.identifier.data, form.password.data, _policy())
        if result is operations.SignInResult.OK:
            _start_session(applicant)
            return redirect(safe_next(request.args.get("next")))
        if result is operations.SignInResult.LOCKED:
            form.password.errors.append(
                _(
                    "密码错误次数太多，账号已暂时锁定。请 %(minutes)d 分钟后再试，或者找回密码。",
                    minutes=current_app.config["SIGN_IN_LOCK_MINUTES"],
                )
            )
        else:
            form.password.errors.append(_("号码或密码不正确。"))
    return render_template("accounts/sign_in.html", form=form)


@accounts.post("/sign-out")
@applicant_required
def sign_out():
    logout_user()
    flash(_("您已退出登录。"))
    return redirect(url_for("catalog.home"))


@accounts.post("/sign-out-everywhere")
@applicant_required
def sign_out_everywhere():
    operations.sign_out_everywhere(current_user)
    logout_user()
    flash(_("您已在所有设备上退出登录。"))
    return redirect(url_for("accounts.sign_in"))


@accounts.get("")
@applicant_required
def account():
    return render_template(
        "accounts/account.html",
        identifier=mask_citizen_id(current_user.identifier),
        mobile=mask_mobile(current_user.mobile),
    )


@accounts.route("/forgot-password", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["SIGN_IN_RATE_LIMIT"], methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        applicant = operations.find_applicant(form.identifier.data)
        if applicant is not None:
            code = operations.issue_reset_code(applicant, current_app.config["RESET_CODE_MINUTES"])
            if not _send_reset_code(applicant, code):
                form.identifier.errors.append(_("验证码暂时发不出去。请稍后再试，或拨打咨询电话。"))
                return render_template("accounts/forgot_password.html", form=form)
        # The same answer whether or not the account exists: nobody learns who is registered.
        flash(
            _(
                "如果这个号码已注册，验证码已发送到注册时留的手机或邮箱，%(minutes)d 分钟内有效。",
                minutes=current_app.config["RESET_CODE_MINUTES"],
            )
        )
        return redirect(url_for("accounts.reset_password"))
    return render_template("accounts/forgot_password.html", form=form)


def _send_reset_code(applicant, code: str) -> bool:
    message = Message(
        to_email=applicant.email,
        to_mobile=applicant.mobile,
        subject=_("衡阳一窗通：找回密码验证码"),
        body=_(
            "您的验证码是 %(code)s，%(minutes)d 分钟内有效。如果不是您本人操作，请忽略。",
            code=code,
            minutes=current_app.config["RESET_CODE_MINUTES"],
        ),
        purpose="password-reset",
    )
    try:
        queue_message(message)
    except NotificationFailed:
        log.warning("password reset code could not be sent")
        return False
    return True


@accounts.route("/reset-password", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["SIGN_IN_RATE_LIMIT"], methods=["POST"])
def reset_password():
    form = ResetPasswordForm()
    if form.validate_on_submit():
        applicant = operations.find_applicant(form.identifier.data)
        if applicant is not None and operations.reset_password(
            applicant, form.code.data, form.password.data
        ):
            flash(_("密码已重设。为了安全，所有设备都已退出登录，请用新密码登录。"))
            return redirect(url_for("accounts.sign_in"))
        form.code.errors.append(_("验证码不正确或已过期。请重新获取验证码。"))
    return render_template("accounts/reset_password.html", form=form)
