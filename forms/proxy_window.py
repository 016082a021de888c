"""The proxy window's two decisions on a request: accept (with the agent and the two codes of
the project code) or refuse (with reasons)."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Regexp, ValidationError

from forms.base import BaseForm

TWO_DIGITS = re.compile(r"(?!00)[0-9]{2}")


def _two_digits(form, field) -> None:
    if not TWO_DIGITS.fullmatch(field.data or ""):
        raise ValidationError(_l("请填写两位数字代码（不能是 00）。"))


class AcceptForm(BaseForm):
    agent = RadioField(
        _l("指派代理员"),
        choices=[],
        validate_choice=False,
        validators=[InputRequired(message=_l("请选择代理员。"))],
    )
    department = StringField(
        _l("中央业务指导部门代码"),
        description=_l("项目代码第三段，两位数字，按 GB/T 40058-2021 §4.4 填写。"),
        validators=[_two_digits],
        render_kw={"inputmode": "numeric"},
    )
    project_type = StringField(
        _l("项目类型代码"),
        description=_l("项目代码第四段，两位数字，按 GB/T 40058-2021 §4.5 填写。"),
        validators=[_two_digits],
        render_kw={"inputmode": "numeric"},
    )

    def validate_agent(self, field) -> None:
        if field.data not in {str(value) for value, _label in field.choices}:
            raise ValidationError(_l("请选择代理员。"))


class RefuseForm(BaseForm):
    reasons = TextAreaField(
        _l("不予受理的理由"),
        description=_l("投资方会在消息和代理申请页上看到这些理由。最多 1000 个字。"),
        validators=[
            InputRequired(message=_l("请写明不予受理的理由。")),
            Length(max=1000, message=_l("最多 1000 个字，请精简。")),
        ],
    )


class ReassignForm(BaseForm):
    """The head gives a project another agent; ``seen`` is the agent the page showed."""

    agent = RadioField(
        _l("新的代理员"),
        choices=[],
        validate_choice=False,
        validators=[InputRequired(message=_l("请选择新的代理员。"))],
    )
    seen = HiddenField(validators=[Regexp(r"[0-9]{1,9}\Z", message=_l("请刷新页面后重试。"))])
