"""Forms for an applicant's own account: a new password, a new mobile or e-mail address,
and the code that confirms the new address."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import Email, InputRequired, Length, Regexp

from forms.accounts import NewPassword, _valid_mobile
from forms.base import BaseForm


class ChangePasswordForm(BaseForm, NewPassword):
    current_password = PasswordField(
        _l("现在的密码"),
        validators=[
            InputRequired(message=_l("请填写现在的密码。")),
            Length(max=128),
        ],
    )

    def __iter__(self):
        """The current password first: the order of the page, and of the error summary."""
        order = ("csrf_token", "current_password", "password", "password_again")
        return iter(sorted(super().__iter__(), key=lambda f: order.index(f.name)))


class NewMobileForm(BaseForm):
    mobile = StringField(
        _l("新的手机号码"),
        description=_l("我们会发一条验证码短信到这个号码，输入验证码后才会更换。"),
        validators=[InputRequired(message=_l("请填写新的手机号码。")), _valid_mobile],
    )


class NewEmailForm(BaseForm):
    email = EmailField(
        _l("新的电子邮箱"),
        description=_l("我们会发一封验证码邮件到这个邮箱，输入验证码后才会更换。"),
        validators=[
            InputRequired(message=_l("请填写新的电子邮箱。")),
            Length(max=254),
            Email(message=_l("请输入正确的电子邮箱，例如 name@example.com。")),
        ],
    )


class ContactCodeForm(BaseForm):
    code = StringField(
        _l("验证码"),
        description=_l("我们刚才发送到新号码或新邮箱的 6 位数字。"),
        validators=[
            InputRequired(message=_l("请填写验证码。")),
            Regexp(r"^\d{6}$", message=_l("验证码是 6 位数字。")),
        ],
    )
