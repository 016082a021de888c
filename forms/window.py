"""Forms of the window console: staff sign-in, the pre-review decision, the history search."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    PasswordField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import DateInput

from forms.base import BaseForm
from portal.accounts.identity import normalize_identifier
from portal.window.history import HistorySearch


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


WHOLE_IDENTIFIER = re.compile(r"[0-9A-Z]{15,18}")


class DayField(DateField):
    """A day typed as 2026-12-01 (a date picker where the browser has one)."""

    widget = DateInput()

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(_l("请按 2026-12-01 的格式填写日期。"))) from None


class HistorySearchForm(BaseForm):
    """The search over the window's decided cases: a GET form, so a search can be linked."""

    class Meta:
        csrf = False

    number = StringField(
        _l("申请编号"),
        description=_l("可以只填一部分，例如 20261127"),
        validators=[Optional(), Length(max=40)],
    )
    applicant = StringField(
        _l("申请人"),
        description=_l("姓名或单位名称（可以只填一部分），或身份证号、统一社会信用代码的后 4 位"),
        validators=[Optional(), Length(max=100)],
    )

    def validate_applicant(self, field) -> None:
        if field.data and WHOLE_IDENTIFIER.fullmatch(normalize_identifier(field.data)):
            # A search is a link: a whole ID number would sit in addresses and server logs.
            raise ValidationError(str(_l("请只填身份证号或统一社会信用代码的后 4 位。")))

    decided_from = DayField(_l("决定日期从"), validators=[Optional()])
    decided_to = DayField(_l("决定日期到"), validators=[Optional()])

    def validate_decided_to(self, field) -> None:
        if field.data and self.decided_from.data and field.data < self.decided_from.data:
            raise ValidationError(str(_l("结束日期不能早于开始日期。")))

    def search(self) -> HistorySearch:
        return HistorySearch(
            number=self.number.data or "",
            applicant=self.applicant.data or "",
            decided_from=self.decided_from.data,
            decided_to=self.decided_to.data,
        )
