"""Forms of the supervision office's console: one per handling step."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from forms.base import BaseForm
from forms.window import DayField


class NotAcceptForm(BaseForm):
    reason = RadioField(
        _l("不予受理的理由"),
        choices=[
            SelectChoice("outside-remit", _l("不属于本中心效能监察范围（请写明应当向谁反映）")),
            SelectChoice("duplicate", _l("重复投诉（请写明此前的工单编号）")),
            SelectChoice("no-content", _l("没有投诉内容")),
        ],
        validators=[InputRequired(message=_l("请选择不予受理的理由。"))],
    )
    contact = StringField(
        _l("应当向谁反映（单位和电话）"), validators=[Optional(), Length(max=200)]
    )
    earlier_ticket = StringField(
        _l("此前的工单编号"),
        description=_l("例如 HYTS-20261201-00007-3"),
        validators=[Optional(), Length(max=40)],
    )


class AssignForm(BaseForm):
    handler = SelectField(
        _l("承办人"), coerce=int, validators=[InputRequired(message=_l("请选择承办人。"))]
    )


class StatementRequestForm(BaseForm):
    asked_of = StringField(
        _l("请哪个单位或窗口说明"),
        validators=[InputRequired(message=_l("请写明请哪个单位或窗口说明。")), Length(max=200)],
    )
    question = TextAreaField(
        _l("需要说明的问题"),
        validators=[InputRequired(message=_l("请写明需要说明的问题。")), Length(max=4000)],
    )


class StatementForm(BaseForm):
    statement = TextAreaField(
        _l("书面说明的内容"),
        validators=[InputRequired(message=_l("请录入书面说明的内容。")), Length(max=10000)],
    )


class ReplyForm(BaseForm):
    reply = TextAreaField(
        _l("答复内容（投诉人看到的原文）"),
        validators=[InputRequired(message=_l("请写明答复内容。")), Length(max=10000)],
    )


class ExtensionForm(BaseForm):
    why = TextAreaField(
        _l("延期的原因（会告知投诉人）"),
        validators=[InputRequired(message=_l("请写明延期的原因。")), Length(max=2000)],
    )
    reply_by = DayField(
        _l("新的答复期限"),
        validators=[InputRequired(message=_l("请填写新的答复期限，格式如 2026-10-20。"))],
    )


class QueueFilterForm(BaseForm):
    class Meta:
        csrf = False  # a GET search of the queue changes nothing

    status = SelectField(_l("状态"), validators=[Optional()])
    kind = SelectField(_l("投诉类型"), validators=[Optional()])
