"""The proxy service's forms: the eligibility checker and the request's pages, one a page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import EmailField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

from forms.base import BaseForm
from portal.accounts.identity import is_valid_mobile
from portal.proxy.eligibility import AmountError, parse_amount
from portal.proxy.presenters import CURRENCIES, INVESTOR_TYPES, LOCATIONS, amount_message


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


# The request (portal/proxy/request_views.py). No field asks for, or can carry, a fee:
# tests/proxy/test_request.py reads every field of these forms to prove it.

NEEDS_MAX = 1000


def _required(message):
    return InputRequired(message=message)


def _valid_mobile(form, field) -> None:
    if not is_valid_mobile(field.data or ""):
        raise ValidationError(_l("请输入 11 位手机号码，例如 13812345678。"))


class ProjectForm(BaseForm):
    project_name = StringField(
        _l("项目名称"),
        description=_l("例如：某某新能源电池生产基地项目。"),
        validators=[
            _required(_l("请填写项目名称。")),
            Length(max=100, message=_l("项目名称最多 100 个字。")),
        ],
    )


class InvestorForm(BaseForm):
    investor_name = StringField(
        _l("投资方名称"),
        description=_l("投资企业或投资人的全称。"),
        validators=[
            _required(_l("请填写投资方名称。")),
            Length(max=100, message=_l("投资方名称最多 100 个字。")),
        ],
    )
    investor_type = RadioField(
        _l("投资类型"),
        choices=[SelectChoice(code, label) for code, label in INVESTOR_TYPES.items()],
        validate_choice=False,
        validators=[_one_of(_l("请选择投资类型。"))],
    )
    origin = StringField(
        _l("投资方来自哪里"),
        description=_l("外商投资填国家或地区；市外投资填省、市；市内投资填县市区。"),
        validators=[
            _required(_l("请填写投资方来自哪里。")),
            Length(max=50, message=_l("最多 50 个字。")),
        ],
    )


class AmountForm(BaseForm):
    amount = EligibilityForm.amount
    currency = EligibilityForm.currency
    validate_amount = EligibilityForm.validate_amount


class IndustryForm(BaseForm):
    industry = StringField(
        _l("所属行业"),
        description=_l("例如：先进制造、电子信息、现代物流。"),
        validators=[
            _required(_l("请填写所属行业。")),
            Length(max=50, message=_l("最多 50 个字。")),
        ],
    )


class LocationForm(BaseForm):
    location = RadioField(
        _l("项目所在县市区"),
        choices=[SelectChoice(code, label) for code, label in LOCATIONS.items()],
        validate_choice=False,
        validators=[_one_of(_l("请选择项目所在的县市区。"))],
    )


class KeyProjectForm(BaseForm):
    key_project = EligibilityForm.key_project
    key_document_number = StringField(
        _l("确定文件的文号（选填）"),
        description=_l("例如：衡政函〔2026〕12号。"),
        validators=[Optional(), Length(max=60, message=_l("文号最多 60 个字。"))],
    )
    file = FileField(_l("确定文件（选填）"))


class NeedsForm(BaseForm):
    needs = TextAreaField(
        _l("项目需要办理哪些事项"),
        description=_l("例如：用地、规划、施工许可、开办企业。最多 1000 个字。"),
        validators=[
            _required(_l("请说明项目需要办理哪些事项。")),
            Length(max=NEEDS_MAX, message=_l("最多 1000 个字，请精简。")),
        ],
    )


class ContactForm(BaseForm):
    contact_name = StringField(
        _l("联系人"),
        validators=[
            _required(_l("请填写联系人。")),
            Length(max=50, message=_l("最多 50 个字。")),
        ],
    )
    contact_mobile = StringField(
        _l("手机号码"),
        validators=[_required(_l("请填写手机号码。")), _valid_mobile],
    )
    contact_email = EmailField(
        _l("电子邮箱（选填）"),
        validators=[Optional(), Email(message=_l("请输入正确的电子邮箱，例如 name@example.com。"))],
    )


class LetterForm(BaseForm):
    file = FileField(_l("选择文件"))


class SubmitRequestForm(BaseForm):
    """The check-answers page's button: a CSRF token and nothing else."""
