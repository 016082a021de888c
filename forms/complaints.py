"""The complainant's forms."""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    EmailField,
    HiddenField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from forms import ratings as ratings_forms
from forms.base import BaseForm
from portal.accounts.identity import is_valid_mobile
from portal.clock import beijing
from portal.complaints.limits import MAX_FEE_NAME, MAX_REASON, MAX_WHAT_HAPPENED, MAX_WHAT_THEY_WANT
from portal.complaints.numbering import is_well_formed
from portal.complaints.presenters import KIND_LABELS


class FollowForm(BaseForm):
    ticket = StringField(
        _l("工单编号"),
        description=_l("在投诉受理回执上，例如 HYTS-20261201-00007-3。"),
        validators=[InputRequired(message=_l("请填写工单编号。")), Length(max=40)],
    )
    code = StringField(
        _l("查询码"),
        description=_l("提交投诉时给您的 6 位字母和数字。"),
        validators=[InputRequired(message=_l("请填写查询码。")), Length(max=20)],
    )

    def validate_ticket(self, field) -> None:
        # A mistyped ticket is caught by its check character before anything is looked up.
        if not is_well_formed(unicodedata.normalize("NFKC", field.data or "")):
            raise ValidationError(_l("工单编号格式不对，请对照回执逐位核对。"))


# The journey: one question a page ---------------------------------------------------------


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


# Bounded so the whole draft fits the signed session cookie (4 KB) with five attachments.
MAX_FEE_ASKED = Decimal("1000000.00")


class KindForm(BaseForm):
    kind = RadioField(
        _l("您要投诉什么问题？"),
        choices=_choices(KIND_LABELS.items()),
        validators=[InputRequired(message=_l("请选择要投诉的问题。"))],
        validate_choice=True,
    )


class AboutForm(BaseForm):
    about = RadioField(
        _l("投诉和什么有关？"),
        choices=[
            SelectChoice("case", _l("一件已经提交的申请（有申请编号）")),
            SelectChoice("item", _l("到大厅或窗口办事时遇到的问题（没有申请编号）")),
        ],
        validators=[InputRequired(message=_l("请选择投诉和什么有关。"))],
    )


def own_case_form(choices: list[tuple[str, str]], data=None) -> BaseForm:
    """The signed-in applicant's submitted cases to pick from."""

    class OwnCaseForm(BaseForm):
        case = RadioField(
            _l("投诉的是哪一件申请？"),
            choices=_choices(choices),
            validators=[InputRequired(message=_l("请选择一件申请。"))],
        )

    return OwnCaseForm(formdata=data)


class CaseLookupForm(BaseForm):
    number = StringField(
        _l("申请编号"),
        description=_l("在申请回执上，例如 HY-20261201-00007-3。"),
        validators=[InputRequired(message=_l("请填写申请编号。")), Length(max=40)],
    )
    secret = StringField(
        _l("查询码"),
        description=_l("申请回执上的 6 位查询码。"),
        validators=[InputRequired(message=_l("请填写查询码。")), Length(max=30)],
    )


def item_form(choices: list[tuple[str, str]], data=None) -> BaseForm:
    class ItemForm(BaseForm):
        item = RadioField(
            _l("办的是哪个事项？"),
            choices=_choices(choices),
            validators=[InputRequired(message=_l("请选择一个事项。"))],
        )

    return ItemForm(formdata=data)


def place_form(choices: list[tuple[str, str]], data=None) -> BaseForm:
    class PlaceForm(BaseForm):
        place = RadioField(
            _l("在哪个大厅、哪个窗口？"),
            choices=_choices(choices),
            validators=[InputRequired(message=_l("请选择大厅或窗口。"))],
        )
        day = DateField(
            _l("哪一天（选填）"),
            description=_l("例如 2026-11-30。不记得可以不填。"),
            validators=[Optional()],
        )

        def validate_day(self, field) -> None:
            if field.data is not None and field.data > beijing.today():
                raise ValidationError(_l("日期不能晚于今天。"))
            if field.data is not None and field.data < beijing.today() - timedelta(days=3 * 365):
                raise ValidationError(_l("日期太早了：请填写三年之内的日期。"))

    return PlaceForm(formdata=data)


class WhatHappenedForm(BaseForm):
    what = TextAreaField(
        _l("发生了什么？"),
        description=_l(
            "请写清楚时间、经过和您遇到的问题，不超过 %(max)s 个字。", max=MAX_WHAT_HAPPENED
        ),
        validators=[
            InputRequired(message=_l("请写下发生了什么。")),
            Length(
                max=MAX_WHAT_HAPPENED,
                message=_l("请不要超过 %(max)s 个字。", max=MAX_WHAT_HAPPENED),
            ),
        ],
    )


class WhatTheyWantForm(BaseForm):
    want = TextAreaField(
        _l("您希望怎样处理？"),
        description=_l(
            "例如：尽快办结、退还多收的费用、道歉。不超过 %(max)s 个字。", max=MAX_WHAT_THEY_WANT
        ),
        validators=[
            InputRequired(message=_l("请写下您希望怎样处理。")),
            Length(
                max=MAX_WHAT_THEY_WANT,
                message=_l("请不要超过 %(max)s 个字。", max=MAX_WHAT_THEY_WANT),
            ),
        ],
    )


NOT_LISTED = "not-listed"


def parse_amount(text: str | None) -> Decimal:
    """A positive amount in yuan with at most two decimals; ValueError with what to do."""
    cleaned = unicodedata.normalize("NFKC", text or "").replace(",", "").replace("元", "").strip()
    if not cleaned:
        raise ValueError(str(_l("请填写被要求交了多少钱。")))
    if not AMOUNT.fullmatch(cleaned):
        raise ValueError(str(_l("请只填写金额数字，例如 50 或 12.50。")))
    amount = Decimal(cleaned)
    if amount <= 0:
        raise ValueError(str(_l("金额要大于 0。")))
    if amount > MAX_FEE_ASKED:
        raise ValueError(str(_l("金额不能超过 1,000,000 元。")))
    return amount.quantize(Decimal("0.01"))


AMOUNT = re.compile(r"\d{1,9}(\.\d{1,2})?")


def fee_form(choices: list[tuple[str, str]], data=None) -> BaseForm:
    class FeeForm(BaseForm):
        fee = RadioField(
            _l("收的是哪一项费用？"),
            choices=_choices([*choices, (NOT_LISTED, _l("不在上面的列表里"))]),
            validators=[InputRequired(message=_l("请选择收的是哪一项费用。"))],
        )
        fee_named = StringField(
            _l("费用的名称"),
            description=_l("选“不在上面的列表里”时填写，按收费时的说法或票据上的名称。"),
            validators=[
                Length(max=MAX_FEE_NAME, message=_l("请不要超过 %(max)s 个字。", max=MAX_FEE_NAME))
            ],
        )
        asked = StringField(
            _l("被要求交了多少钱（元）"),
            description=_l("例如 50 或 12.50。"),
            validators=[Length(max=20, message=_l("请只填写金额数字，例如 50 或 12.50。"))],
        )

        def validate_fee_named(self, field) -> None:
            if self.fee.data == NOT_LISTED and not field.data:
                raise ValidationError(_l("请填写费用的名称。"))

        def validate_asked(self, field) -> None:
            try:
                self.amount = parse_amount(field.data)
            except ValueError as problem:
                raise ValidationError(str(problem)) from problem

    return FeeForm(formdata=data)


class ContactForm(BaseForm):
    way = RadioField(
        _l("需要我们怎样联系您？"),
        choices=[
            SelectChoice("named", _l("实名投诉：留下姓名和联系方式，处理结果会告诉您")),
            SelectChoice("anonymous", _l("匿名投诉：不留任何个人信息，只能凭工单编号和查询码查询")),
        ],
        validators=[InputRequired(message=_l("请选择实名还是匿名投诉。"))],
    )
    name = StringField(_l("姓名"), validators=[Length(max=50, message=_l("姓名不超过 50 个字。"))])
    mobile = StringField(_l("手机号码"), validators=[Length(max=20)])
    email = EmailField(_l("电子邮箱"), validators=[Length(max=254)])

    def validate_name(self, field) -> None:
        if self.way.data == "named" and not field.data:
            raise ValidationError(_l("实名投诉请填写姓名。"))

    def validate_mobile(self, field) -> None:
        if self.way.data != "named":
            return
        if field.data and not is_valid_mobile(field.data):
            raise ValidationError(_l("请输入 11 位手机号码，例如 13812345678。"))
        if not field.data and not self.email.data:
            raise ValidationError(_l("请至少留下手机号码或电子邮箱中的一个。"))

    def validate_email(self, field) -> None:
        if self.way.data == "named" and field.data and not EMAIL.fullmatch(field.data):
            raise ValidationError(_l("请输入正确的电子邮箱，例如 name@example.com。"))


EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s]+")


class SubmitForm(BaseForm):
    """Only the CSRF token: the answers are already checked and in the session."""


class StartForm(BaseForm):
    case = HiddenField()
    number = HiddenField()
    item = HiddenField()


class RatingForm(ratings_forms.RatingForm):
    """The reply rated as a case is (好差评): five levels, reasons for the bottom two, words;
    portal/complaints/rating.py maps the level onto the complaint's own three answers."""

    level = ratings_forms.levels(_l("您对答复满意吗？"))


class ReconsiderForm(BaseForm):
    reason = TextAreaField(
        _l("为什么要求重新处理？"),
        description=_l("请说明答复哪里没有解决您的问题，不超过 %(max)s 个字。", max=MAX_REASON),
        validators=[
            InputRequired(message=_l("请写下要求重新处理的理由。")),
            Length(max=MAX_REASON, message=_l("请不要超过 %(max)s 个字。", max=MAX_REASON)),
        ],
    )
