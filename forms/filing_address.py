"""The postal address asked after "by post": an address in mainland China and its recipient."""

from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length, ValidationError

from forms.base import BaseForm
from portal.accounts.identity import is_valid_mobile, normalize_identifier
from portal.filing import delivery


def _digits(value):
    """Full-width digits from a Chinese keyboard read as ASCII; spaces and dashes dropped."""
    if not isinstance(value, str):
        return value
    return unicodedata.normalize("NFKC", value).replace(" ", "").replace("-", "")


class PostalAddressForm(BaseForm):
    province = SelectField(
        _l("省、自治区、直辖市"),
        choices=[],
        # Checked by validate_province, with a sentence that says what to do.
        validate_choice=False,
        validators=[InputRequired(message=_l("请选择收件地址所在的省、自治区或直辖市。"))],
    )
    city = StringField(
        _l("市（地区、自治州、盟）"),
        description=_l("例如 衡阳市"),
        validators=[
            InputRequired(message=_l("请填写收件地址所在的市，例如 衡阳市。")),
            Length(max=30, message=_l("市的名称最多 30 个字。")),
        ],
    )
    district = StringField(
        _l("区、县（县级市、旗）"),
        description=_l("例如 蒸湘区"),
        validators=[
            InputRequired(message=_l("请填写收件地址所在的区或县，例如 蒸湘区。")),
            Length(max=30, message=_l("区、县的名称最多 30 个字。")),
        ],
    )
    street = StringField(
        _l("街道、门牌号"),
        description=_l("写到门牌号和房间号，例如 解放西路 22 号 3 楼 301 室"),
        validators=[
            InputRequired(message=_l("请填写街道和门牌号，例如 解放西路 22 号 3 楼 301 室。")),
            Length(max=100, message=_l("街道、门牌号最多 100 个字。")),
        ],
    )
    postcode = StringField(
        _l("邮政编码"),
        description=_l("6 位数字，例如 421001"),
        filters=[_digits],
        validators=[InputRequired(message=_l("请填写 6 位邮政编码，例如 421001。"))],
        render_kw={"inputmode": "numeric", "pattern": "[0-9]*", "spellcheck": "false"},
    )
    recipient = StringField(
        _l("收件人姓名"),
        validators=[
            InputRequired(message=_l("请填写收件人姓名。")),
            Length(max=30, message=_l("收件人姓名最多 30 个字。")),
        ],
    )
    mobile = StringField(
        _l("收件人手机号码"),
        description=_l("快递员投递前会打这个电话，例如 13812345678"),
        filters=[_digits],
        validators=[InputRequired(message=_l("请填写收件人的手机号码，例如 13812345678。"))],
        render_kw={"inputmode": "numeric", "spellcheck": "false"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.province.choices = [("", _l("请选择"))] + [
            (code, label) for code, label in delivery.PROVINCES.items()
        ]

    def validate_province(self, field) -> None:
        # The list is the check that the address is in China: nothing else is accepted.
        if field.data not in delivery.PROVINCES:
            raise ValidationError(_l("请从列表中选择省、自治区或直辖市。"))

    def validate_postcode(self, field) -> None:
        if not delivery.POSTCODE.fullmatch(field.data or ""):
            raise ValidationError(_l("邮政编码是 6 位数字，例如 421001，请核对后再填。"))

    def validate_mobile(self, field) -> None:
        if not is_valid_mobile(field.data or ""):
            raise ValidationError(_l("请填写收件人的 11 位手机号码，例如 13812345678。"))
        field.data = normalize_identifier(field.data)

    def parts(self) -> dict[str, str]:
        return {part: getattr(self, part).data for part in delivery.ADDRESS_PARTS}

    def fill(self, answers: dict, question_code: str, *, name: str, mobile: str) -> None:
        """What was given before; the account's name and mobile where nothing was."""
        for part in delivery.ADDRESS_PARTS:
            getattr(self, part).data = answers.get(delivery.address_key(question_code, part), "")
        self.recipient.data = self.recipient.data or name
        self.mobile.data = self.mobile.data or mobile
