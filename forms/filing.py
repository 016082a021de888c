"""Forms of the online application: one question, one upload, the declaration, a lookup.

Question forms are built from the item's declaration in guides/, so a new item
needs no code.
"""

from __future__ import annotations

import unicodedata
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from forms.base import BaseForm
from portal.filing.numbering import is_well_formed
from portal.i18n import localized


def _text(value) -> str:
    return localized(value) if isinstance(value, dict) else ""


def _required_message(question: dict) -> str:
    if question["type"] in ("choice", "yes-no"):
        return _("请选择一项。")
    return _("请回答这个问题。")


def _field_for(question: dict):
    required = question.get("required", True)
    presence = InputRequired(message=_required_message(question)) if required else Optional()
    label, hint = _text(question["label"]), _text(question.get("hint"))
    kind = question["type"]
    if kind == "text":
        limit = question.get("max_length", 200)
        return StringField(
            label,
            description=hint,
            validators=[presence, Length(max=limit, message=_("最多 %(num)d 个字。", num=limit))],
        )
    if kind == "long-text":
        limit = question.get("max_length", 2000)
        return TextAreaField(
            label,
            description=hint,
            validators=[presence, Length(max=limit, message=_("最多 %(num)d 个字。", num=limit))],
        )
    if kind == "number":
        low, high = question.get("minimum"), question.get("maximum")
        return IntegerField(
            label,
            description=hint,
            validators=[
                presence,
                NumberRange(
                    min=low,
                    max=high,
                    message=_("请填写 %(low)s 到 %(high)s 之间的整数。", low=low, high=high),
                ),
            ],
        )
    if kind == "date":
        return DateField(label, description=hint or _("例如 2026-11-27"), validators=[presence])
    if kind == "yes-no":
        return RadioField(
            label,
            description=hint,
            choices=[SelectChoice("yes", _("是")), SelectChoice("no", _("否"))],
            validators=[presence],
        )
    choices = [SelectChoice(c["value"], _text(c["label"])) for c in question["choices"]]
    return RadioField(label, description=hint, choices=choices, validators=[presence])


def question_form(question: dict, stored: str | None, formdata=None) -> BaseForm:
    """A form with one field, ``answer``, for this question."""
    form_class = type("QuestionForm", (BaseForm,), {"answer": _field_for(question)})
    form = form_class(formdata=formdata)
    if formdata is None and stored not in (None, ""):
        form.answer.data = date.fromisoformat(stored) if question["type"] == "date" else stored
        if question["type"] == "number":
            form.answer.data = int(stored)
    return form


def answer_text(question: dict, value) -> str:
    """How an answer is stored: text, ISO dates, numbers as digits."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def place_form(choices: list[tuple[int, str]], chosen: int | None, formdata=None) -> BaseForm:
    """Where the filing goes: one radio per (window id, "center · window")."""
    form_class = type(
        "PlaceForm",
        (BaseForm,),
        {
            "window": RadioField(
                _("您要到哪个政务服务中心、哪个窗口办理？"),
                description=_("申请会交给您选择的窗口预审和受理；受理后不能改到别处。"),
                choices=[SelectChoice(str(value), label) for value, label in choices],
                validators=[InputRequired(message=_("请选择一个办理地点。"))],
            )
        },
    )
    form = form_class(formdata=formdata)
    if formdata is None and chosen is not None:
        form.window.data = str(chosen)
    return form


class UploadForm(BaseForm):
    file = FileField(_l("选择文件"))


class DeclarationForm(BaseForm):
    token = HiddenField()
    declaration = BooleanField(
        _l("我承诺所填信息和所交材料真实、有效，愿意承担相应的法律责任。"),
        validators=[InputRequired(message=_l("提交前请阅读并勾选承诺。"))],
    )


class ResubmitForm(BaseForm):
    """Only the CSRF token: resubmitting asks nothing more."""


class LookupForm(BaseForm):
    number = StringField(
        _l("申请编号"),
        description=_l("在回执上，例如 HY-20261127-00012-7。"),
        validators=[InputRequired(message=_l("请填写申请编号。")), Length(max=40)],
    )
    secret = StringField(
        _l("查询码或申请人证件号码"),
        description=_l(
            "查询码是回执上的 6 位字母和数字；也可以填申请人的身份证号码或统一社会信用代码。"
        ),
        validators=[InputRequired(message=_l("请填写查询码或证件号码。")), Length(max=30)],
    )

    def validate_number(self, field) -> None:
        # Full-width characters (ＨＹ－２０２６…) come from Chinese keyboards: read them as ASCII.
        if not is_well_formed(unicodedata.normalize("NFKC", field.data or "")):
            raise ValidationError(_l("申请编号格式不对，请对照回执逐位核对。"))
