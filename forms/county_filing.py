"""The county officer's start pages for filing a city-level item (one question a page)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import RadioField, SelectChoice, StringField
from wtforms.validators import InputRequired, ValidationError

from forms.base import BaseForm
from forms.filing import DayField
from portal.filing.county_filing import is_identifier


def _identifier(form, field) -> None:
    if not is_identifier(field.data or ""):
        raise ValidationError(
            _l("这不是有效的居民身份证号码或统一社会信用代码（都是 18 位），请核对后重新填写。")
        )


class ApplicantForm(BaseForm):
    identifier = StringField(
        _l("申请人的身份证号码或统一社会信用代码"),
        description=_l(
            "申请人须已在本网站注册账户；申请以申请人的名义提交，回执和通知发给申请人。"
        ),
        validators=[
            InputRequired(message=_l("请填写申请人的身份证号码或统一社会信用代码。")),
            _identifier,
        ],
    )


class ConfirmForm(BaseForm):
    """The confirm button: a CSRF token and nothing else."""


def choice_form(name: str, label, message, choices: list[tuple[str, str]], formdata=None):
    """One radio question built at request time (the item, the window); a value not offered
    gets the question's own message."""
    offered = {value for value, _text in choices}

    def _offered(form, field) -> None:
        if field.data not in offered:
            raise ValidationError(message)

    form_class = type(
        "ChoiceForm",
        (BaseForm,),
        {
            name: RadioField(
                label,
                choices=[SelectChoice(value, text) for value, text in choices],
                validators=[InputRequired(message=message), _offered],
                validate_choice=False,
            )
        },
    )
    return form_class(formdata=formdata)


def item_form(choices, formdata=None):
    return choice_form(
        "item", _l("申请人要办理哪个市级事项？"), _l("请选择一个市级事项。"), choices, formdata
    )


def window_form(choices, formdata=None):
    return choice_form(
        "window",
        _l("转报到市级的哪个窗口？"),
        _l("请选择一个市级窗口。"),
        choices,
        formdata,
    )


class ReceivedForm(BaseForm):
    received_on = DayField(
        _l("本中心收到申请材料的日期"),
        description=_l("预审时限从这一天起算。例如 2026-12-08"),
        validators=[InputRequired(message=_l("请填写本中心收到申请材料的日期。"))],
        invalid_message=_l("请按 2026-12-08 的格式填写日期。"),
    )


class LetterForm(BaseForm):
    file = FileField(_l("申请人签署的委托书"))
