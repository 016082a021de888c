"""Forms of the online application: one question, one upload, the declaration, a lookup.

Question forms are built from the item's declaration in guides/, so a new item
needs no code.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, StopValidation, ValidationError

from forms.base import BaseForm
from portal.filing.numbering import is_well_formed
from portal.i18n import localized


def _text(value) -> str:
    if isinstance(value, str):
        return value
    return localized(value) if isinstance(value, dict) else ""


# A label's trailing unit or question mark is not part of what to "enter": 注册资本（万元）.
_TRAILING_NOTE = re.compile(r"\s*(?:[（(][^（）()]*[）)]|[？?])\s*$")


def _subject(question: dict) -> str:
    """What the question asks for, as a noun to put in a sentence: "registered capital"."""
    label = _TRAILING_NOTE.sub("", _text(question["label"])) or _text(question["label"])
    # English labels start with a capital; inside a sentence it is lower case (not "ID ...").
    if label[:1].isupper() and not label[1:2].isupper():
        label = label[:1].lower() + label[1:]
    return label


class Messages:
    """The error texts of one question: each says what to write, with the guide's own unit and
    example where it gives them, never "Please answer this question" or "Not a valid integer"."""

    def __init__(self, question: dict) -> None:
        self.question = question
        self.subject = _subject(question)
        unit, example = _text(question.get("unit")), _text(question.get("example"))
        # Fragments, so one sentence per kind covers a question with or without them.
        self.unit = _("（单位：%(unit)s）", unit=unit) if unit else ""
        self.example = _("，例如 %(example)s", example=example) if example else ""

    def enter(self) -> str:
        return _(
            "请填写%(subject)s%(unit)s%(example)s。",
            subject=self.subject,
            unit=self.unit,
            example=self.example,
        )

    def choose(self) -> str:
        return _("请选择一项：%(question)s", question=_text(self.question["label"]))

    def too_long(self, limit: int) -> str:
        return _("%(subject)s最多 %(num)d 个字，请删减后再保存。", subject=self.subject, num=limit)

    def whole_number(self) -> str:
        return _(
            "%(subject)s只填整数%(unit)s%(example)s。",
            subject=self.subject,
            unit=self.unit,
            example=self.example,
        )

    def in_range(self, low: int | None, high: int | None) -> str:
        values = {"subject": self.subject, "unit": self.unit}
        if low is not None and high is not None:
            return _(
                "%(subject)s要在 %(low)s 到 %(high)s 之间%(unit)s。",
                low=format_decimal(low),
                high=format_decimal(high),
                **values,
            )
        if low is not None:
            return _("%(subject)s至少是 %(low)s%(unit)s。", low=format_decimal(low), **values)
        return _("%(subject)s不能超过 %(high)s%(unit)s。", high=format_decimal(high), **values)

    def day(self) -> str:
        return _("%(subject)s要写成“年-月-日”，例如 2026-11-27。", subject=self.subject)


class WholeNumber:
    """Digits only (full-width ones and thousands separators read as typed), within range."""

    def __init__(self, messages: Messages, low: int | None, high: int | None) -> None:
        self.messages, self.low, self.high = messages, low, high

    def __call__(self, form, field) -> None:
        typed = unicodedata.normalize("NFKC", field.data or "").replace(",", "").replace(" ", "")
        if not typed.isascii() or not typed.isdigit():
            raise StopValidation(self.messages.whole_number())
        number = int(typed)
        if (self.low is not None and number < self.low) or (
            self.high is not None and number > self.high
        ):
            raise StopValidation(self.messages.in_range(self.low, self.high))
        field.data = str(number)


class DayField(DateField):
    """A date whose unreadable value gets the question's own message, not the library's."""

    def __init__(self, *args, invalid_message: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.invalid_message = invalid_message

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(self.invalid_message) from error


def _field_for(question: dict):
    messages = Messages(question)
    required = question.get("required", True)
    kind = question["type"]
    chooses = kind in ("choice", "yes-no")
    presence = (
        InputRequired(message=messages.choose() if chooses else messages.enter())
        if required
        else Optional()
    )
    label, hint = _text(question["label"]), _text(question.get("hint"))
    if kind in ("text", "long-text"):
        limit = question.get("max_length", 200 if kind == "text" else 2000)
        field_class = StringField if kind == "text" else TextAreaField
        return field_class(
            label,
            description=hint,
            validators=[presence, Length(max=limit, message=messages.too_long(limit))],
        )
    if kind == "number":
        # inputmode, not type="number": no spinner, no scroll-wheel changes, no silent "e".
        return StringField(
            label,
            description=hint,
            validators=[
                presence,
                WholeNumber(messages, question.get("minimum"), question.get("maximum")),
            ],
            render_kw={"inputmode": "numeric", "pattern": "[0-9]*", "spellcheck": "false"},
        )
    if kind == "date":
        return DayField(
            label,
            description=hint or _("例如 2026-11-27"),
            validators=[presence],
            invalid_message=messages.day(),
        )
    if kind == "yes-no":
        choices = [SelectChoice("yes", _("是")), SelectChoice("no", _("否"))]
    else:
        choices = [SelectChoice(c["value"], _text(c["label"])) for c in question["choices"]]
    return RadioField(label, description=hint, choices=choices, validators=[presence])


def question_form(question: dict, stored: str | None, formdata=None) -> BaseForm:
    """A form with one field, ``answer``, for this question."""
    form_class = type("QuestionForm", (BaseForm,), {"answer": _field_for(question)})
    form = form_class(formdata=formdata)
    if formdata is None and stored not in (None, ""):
        form.answer.data = date.fromisoformat(stored) if question["type"] == "date" else stored
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


class AssistedDeclarationForm(DeclarationForm):
    """A staff member filing for the applicant declares on the applicant's behalf, under the
    authority the applicant gave (Art. 29: the letter of authorisation)."""

    declaration = BooleanField(
        _l(
            "我受申请人委托，依据委托书代申请人承诺：所填信息和所交材料真实、有效，"
            "申请人愿意承担相应的法律责任。"
        ),
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
