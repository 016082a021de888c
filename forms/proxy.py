"""The proxy service's forms: the eligibility checker (more come with the proxy request)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, StringField
from wtforms.validators import Length, ValidationError

from forms.base import BaseForm
from portal.proxy.eligibility import AmountError, parse_amount
from portal.proxy.presenters import CURRENCIES, INVESTOR_TYPES, amount_message


def _one_of(message):
    """Required, and one of the offered choices, with the same plain message for both
    (WTForms' own "Not a valid choice" names nothing a person chose)."""

    def check(form, field) -> None:
        if field.data not in {choice.value for choice in field.choices}:
            field.data = None
            raise ValidationError(message)

    return check


class EligibilityForm(BaseForm):
    investor_type = RadioField(
        _l("投资类型"),
        choices=[SelectChoice(code, label) for code, label in INVESTOR_TYPES.items()],
        validate_choice=False,
        validators=[_one_of(_l("请选择投资类型。"))],
    )
    amount = StringField(
        _l("投资额"),
        description=_l("项目的总投资额，只填数字，例如 2000000。"),
        validators=[Length(max=40, message=_l("投资额太长了，请只填数字。"))],
        render_kw={"inputmode": "decimal", "spellcheck": "false"},
    )
    currency = RadioField(
        _l("投资额的币种"),
        choices=[SelectChoice(code, label) for code, label in CURRENCIES.items()],
        validate_choice=False,
        validators=[_one_of(_l("请选择投资额是人民币还是美元。"))],
    )
    key_project = RadioField(
        _l("是否为重点招商引资项目或重点建设工程项目？"),
        description=_l("由市人民政府确定的重点项目，有确定文件。"),
        choices=[SelectChoice("yes", _l("是")), SelectChoice("no", _l("否"))],
        validate_choice=False,
        validators=[_one_of(_l("请选择是否为重点项目。"))],
    )

    def validate_amount(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("请填写投资额。"))
        try:
            field.parsed = parse_amount(field.data)
        except AmountError as error:
            raise ValidationError(amount_message(error)) from None
