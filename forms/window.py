"""Forms of the window console: staff sign-in and the pre-review decision."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from forms.base import BaseForm


class StaffSignInForm(BaseForm):
    username = StringField(
        _l("工号"), validators=[InputRequired(message=_l("请填写工号。")), Length(max=64)]
    )
    password = PasswordField(
        _l("密码"), validators=[InputRequired(message=_l("请填写密码。")), Length(max=128)]
    )
    code = StringField(
        _l("动态验证码"),
        description=_l("身份验证器应用上显示的 6 位数字。"),
        validators=[
            InputRequired(message=_l("请填写动态验证码。")),
            Length(min=6, max=7, message=_l("动态验证码是 6 位数字。")),
        ],
    )


class DecisionForm(BaseForm):
    """One decision on a filing. The reasons for supplements come per material, by name."""

    decision = RadioField(
        _l("审查意见"),
        choices=[
            SelectChoice("accept", _l("受理")),
            SelectChoice("supplements", _l("一次性告知补正")),
            SelectChoice("decline", _l("不予受理")),
        ],
        validators=[InputRequired(message=_l("请选择受理、补正或不予受理。"))],
    )
    opinion = TextAreaField(_l("审查意见说明"), validators=[Optional(), Length(max=2000)])
    decline_reason = TextAreaField(_l("不予受理的理由"), validators=[Optional(), Length(max=2000)])
    right_authority = StringField(
        _l("应当向哪个机关申请（知道的请填写）"), validators=[Optional(), Length(max=200)]
    )
