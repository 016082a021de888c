"""Forms for applicants' accounts: register, sign in, reset a password."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, RadioField, SelectChoice, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length, Optional, ValidationError

from forms.base import BaseForm
from portal.accounts.identity import (
    is_valid_citizen_id,
    is_valid_credit_code,
    is_valid_mobile,
    normalize_identifier,
)
from portal.accounts.operations import MIN_PASSWORD_LENGTH
from portal.messaging import channels


def _valid_mobile(form, field) -> None:
    if not is_valid_mobile(field.data or ""):
        raise ValidationError(_l("请输入 11 位手机号码，例如 13812345678。"))


def _new_password() -> PasswordField:
    # A fresh field each time it is placed: WTForms orders fields (and so the error
    # summary) by when they were made, so a field shared from a mixin made earlier would
    # jump to the top of every form that uses it.
    return PasswordField(
        _l("设置密码"),
        description=_l("至少 %(num)d 个字符。请不要使用别处用过的密码。", num=MIN_PASSWORD_LENGTH),
        validators=[
            InputRequired(message=_l("请设置密码。")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=128,
                message=_l("密码至少需要 %(num)d 个字符。", num=MIN_PASSWORD_LENGTH),
            ),
        ],
    )


def _password_again() -> PasswordField:
    return PasswordField(
        _l("再次输入密码"),
        validators=[
            InputRequired(message=_l("请再次输入密码。")),
            EqualTo("password", message=_l("两次输入的密码不一致。")),
        ],
    )


class NewPassword:
    """A new password and its repetition, for a form where they come first."""

    password = _new_password()
    password_again = _password_again()


def _message_channels() -> RadioField:
    return RadioField(
        _l("办理进度消息怎么发给您"),
        description=_l(
            "每一步办理进度都会告诉您。以后可以在“我的账号”里修改。不选时，短信和电子邮件（如果填写了）都发。"
        ),
        choices=[SelectChoice(value, label) for value, label in channels.LABELS.items()],
        validate_choice=False,  # checked with the e-mail address in validate_message_channels
    )


class ChannelChoice:
    """The channel choice, checked against the e-mail address the form also asks for."""

    def validate_message_channels(self, field) -> None:
        if field.data in (None, ""):
            field.data = None
            return
        if field.data not in channels.CHOICES:
            raise ValidationError(_l("请选择短信、电子邮件或两种都要。"))
        if field.data != channels.SMS and not self.email.data:
            raise ValidationError(_l("要用电子邮件接收消息，请在上面填写电子邮箱；或者选择短信。"))


class RegisterIndividualForm(ChannelChoice, BaseForm):
    name = StringField(
        _l("姓名"),
        description=_l("与身份证上的姓名一致。"),
        validators=[InputRequired(message=_l("请填写姓名。")), Length(max=50)],
    )
    identifier = StringField(
        _l("居民身份证号码"),
        description=_l("18 位，最后一位可能是字母 X。"),
        validators=[InputRequired(message=_l("请填写身份证号码。"))],
    )
    mobile = StringField(
        _l("手机号码"),
        description=_l("用于接收办理进度和找回密码的验证码。"),
        validators=[InputRequired(message=_l("请填写手机号码。")), _valid_mobile],
    )
    email = EmailField(
        _l("电子邮箱（选填）"),
        validators=[Optional(), Email(message=_l("请输入正确的电子邮箱，例如 name@example.com。"))],
    )
    message_channels = _message_channels()
    password = _new_password()
    password_again = _password_again()

    def validate_identifier(self, field) -> None:
        if not is_valid_citizen_id(field.data or ""):
            raise ValidationError(_l("身份证号码不正确，请逐位核对（最后一位是校验码）。"))
        field.data = normalize_identifier(field.data)


class RegisterCompanyForm(ChannelChoice, BaseForm):
    name = StringField(
        _l("单位名称"),
        description=_l("与营业执照上的名称一致。"),
        validators=[InputRequired(message=_l("请填写单位名称。")), Length(max=100)],
    )
    identifier = StringField(
        _l("统一社会信用代码"),
        description=_l("18 位，在营业执照上。"),
        validators=[InputRequired(message=_l("请填写统一社会信用代码。"))],
    )
    legal_representative = StringField(
        _l("法定代表人"),
        validators=[InputRequired(message=_l("请填写法定代表人姓名。")), Length(max=50)],
    )
    contact_name = StringField(
        _l("联系人"),
        validators=[InputRequired(message=_l("请填写联系人姓名。")), Length(max=50)],
    )
    mobile = StringField(
        _l("联系人手机号码"),
        validators=[InputRequired(message=_l("请填写手机号码。")), _valid_mobile],
    )
    email = EmailField(
        _l("电子邮箱（选填）"),
        validators=[Optional(), Email(message=_l("请输入正确的电子邮箱，例如 name@example.com。"))],
    )
    message_channels = _message_channels()
    password = _new_password()
    password_again = _password_again()

    def validate_identifier(self, field) -> None:
        if not is_valid_credit_code(field.data or ""):
            raise ValidationError(_l("统一社会信用代码不正确，请逐位核对（最后一位是校验码）。"))
        field.data = normalize_identifier(field.data)


class AccountKindForm(BaseForm):
    kind = RadioField(
        _l("您以什么身份办事？"),
        choices=[
            SelectChoice("individual", _l("个人")),
            SelectChoice("company", _l("企业或其他组织")),
        ],
        validators=[InputRequired(message=_l("请选择以个人还是企业身份办事。"))],
    )


class SignInForm(BaseForm):
    identifier = StringField(
        _l("身份证号码或统一社会信用代码"),
        validators=[
            InputRequired(message=_l("请填写身份证号码或统一社会信用代码。")),
            Length(max=30),
        ],
    )
    password = PasswordField(
        _l("密码"), validators=[InputRequired(message=_l("请填写密码。")), Length(max=128)]
    )


class ForgotPasswordForm(BaseForm):
    identifier = StringField(
        _l("身份证号码或统一社会信用代码"),
        validators=[
            InputRequired(message=_l("请填写身份证号码或统一社会信用代码。")),
            Length(max=30),
        ],
    )


class ResetPasswordForm(BaseForm):
    identifier = StringField(
        _l("身份证号码或统一社会信用代码"),
        validators=[
            InputRequired(message=_l("请填写身份证号码或统一社会信用代码。")),
            Length(max=30),
        ],
    )
    code = StringField(
        _l("验证码"),
        description=_l("我们发送到您手机或邮箱的 6 位数字。"),
        validators=[
            InputRequired(message=_l("请填写验证码。")),
            Length(min=6, max=6, message=_l("验证码是 6 位数字。")),
        ],
    )
    password = _new_password()
    password_again = _password_again()
