"""Forms of staff accounts: a new password, and the administrator's confirmations."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField
from wtforms.validators import EqualTo, InputRequired, Length, ValidationError

from forms.base import BaseForm
from portal.accounts.operations import MIN_PASSWORD_LENGTH


class ChangePasswordForm(BaseForm):
    current = PasswordField(
        _l("现在的密码"),
        description=_l("第一次登录时，就是管理员交给您的初始密码。"),
        validators=[InputRequired(message=_l("请填写现在的密码。")), Length(max=128)],
    )
    password = PasswordField(
        _l("新密码"),
        description=_l("至少 %(num)d 个字符。请不要使用别处用过的密码。", num=MIN_PASSWORD_LENGTH),
        validators=[
            InputRequired(message=_l("请设置新密码。")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=128,
                message=_l("密码至少需要 %(num)d 个字符。", num=MIN_PASSWORD_LENGTH),
            ),
        ],
    )
    password_again = PasswordField(
        _l("再次输入新密码"),
        validators=[
            InputRequired(message=_l("请再次输入新密码。")),
            EqualTo("password", message=_l("两次输入的密码不一致。")),
        ],
    )

    def validate_password(self, field) -> None:
        if field.data and field.data == self.current.data:
            raise ValidationError(_l("新密码不能和现在的密码相同。"))


class ConfirmForm(BaseForm):
    """A button that changes something: only its CSRF token is checked."""
