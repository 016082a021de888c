"""Staff accounts in the console: sign in and out, sign out everywhere, change the password,
and the administrator's pages for the staff of their center. Added to the ``window``
blueprint, so every staff page shares one prefix and one sign-in page."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from forms.staff import ChangePasswordForm, ConfirmForm
from forms.window import StaffSignInForm
from portal.access import access_rule, public, staff_required
from portal.accounts import sessions, throttle
from portal.extensions import limiter
from portal.site.views import safe_next
from portal.window import operations, staff
from portal.window.models import Role, StaffMember
from portal.window.views import window

# Pages a member with a first or reset password may still reach.
OPEN_BEFORE_PASSWORD_CHANGE = {"window.change_password", "window.sign_out", "window.sign_in"}


def _me() -> StaffMember:
    return current_user._get_current_object()


@window.before_app_request
def _first_the_new_password():
    """A first or reset password must be changed before any other staff page opens."""
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or not (access_rule(view) or "").startswith("staff:"):
        return None
    if request.endpoint in OPEN_BEFORE_PASSWORD_CHANGE:
        return None
    member = current_user._get_current_object()
    if isinstance(member, StaffMember) and member.must_change_password:
        return redirect(url_for("window.change_password"))
    return None


@window.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["SIGN_IN_RATE_LIMIT"], methods=["POST"])
def sign_in():
    form = StaffSignInForm()
    if form.validate_on_submit():
        outcome = staff.staff_sign_in(
            form.username.data,
            form.password.data,
            form.code.data,
            throttle.current_client(),
            throttle.ThrottlePolicy.from_config(current_app.config),
        )
        if outcome.member is not None:
            staff.start_session(outcome.member)
            if outcome.member.must_change_password:
                return redirect(url_for("window.change_password"))
            return redirect(
                safe_next(request.args.get("next"))
                if request.args.get("next")
                else url_for("window.queue")
            )
        if outcome.result == staff.SignIn.LOCKED:
            form.code.errors.append(
                _(
                    "这台设备上的错误次数太多，这个工号暂时不能从这里登录。"
                    "请 %(minutes)d 分钟后再试，或请管理员重设密码。",
                    minutes=current_app.config["SIGN_IN_LOCK_MINUTES"],
                )
            )
        else:
            form.code.errors.append(_("工号、密码或动态验证码不正确；连续错误多次会暂时锁定。"))
    return render_template("window/sign_in.html", form=form)


@window.post("/sign-out")
@staff_required()
def sign_out():
    staff.sign_out(_me())
    flash(_("您已退出登录。"))
    return redirect(url_for("window.sign_in"))


@window.post("/sign-out-everywhere")
@staff_required()
def sign_out_everywhere():
    staff.sign_out_everywhere(_me())
    flash(_("您已在所有设备上退出登录。"))
    return redirect(url_for("window.sign_in"))


@window.get("/account")
@staff_required()
def account():
    me = _me()
    return render_template(
        "window/account.html",
        member=me,
        open_sessions=sessions.open_count(sessions.STAFF, me.id),
        form=ConfirmForm(),
    )


@window.route("/account/password", methods=["GET", "POST"])
@staff_required()
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if staff.change_password(_me(), form.current.data, form.password.data):
            flash(_("密码已修改。其他设备上的登录都已退出。"))
            return redirect(url_for("window.queue"))
        form.current.errors.append(_("现在的密码不正确。"))
    return render_template(
        "window/change_password.html", form=form, first=_me().must_change_password
    ), (400 if form.errors else 200)


# The administrator's pages ----------------------------------------------------------------


def _colleague(staff_id: int) -> StaffMember:
    try:
        return staff.colleague(_me(), staff_id)
    except staff.NotFound:
        abort(404)


@window.get("/admin/staff")
@staff_required(Role.ADMINISTRATOR)
def staff_list():
    operations.audit(_me(), "viewed-staff-list")
    return render_template("window/staff_list.html", members=staff.colleagues(_me()))


@window.post("/admin/staff/<id:staff_id>/deactivate")
@staff_required(Role.ADMINISTRATOR)
def deactivate_staff(staff_id: int):
    member = _colleague(staff_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        done = staff.deactivate(_me(), member)
    except staff.StaffError:
        flash(_("不能停用自己的账号。"))
    else:
        flash(
            _("已停用 %(username)s，其所有登录都已退出。", username=member.username)
            if done
            else _("这个账号已经停用。")
        )
    return redirect(url_for("window.staff_list"))


@window.post("/admin/staff/<id:staff_id>/reset-password")
@staff_required(Role.ADMINISTRATOR)
def reset_staff_password(staff_id: int):
    member = _colleague(staff_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    password = staff.reset_password(_me(), member)
    # Shown once on this page, never put in a redirect, the session cookie or a cache.
    response = make_response(
        render_template("window/staff_password.html", member=member, password=password)
    )
    response.headers["Cache-Control"] = "no-store"
    return response
