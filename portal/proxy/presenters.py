"""What the proxy pages, form and API say: labels for codes and messages for refusals.

One place, so the checker page, its form and the API name an investor type or refuse an
amount in the same words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.i18n import current_language, localized, long_date
from portal.proxy.eligibility import (
    CNY,
    FOREIGN,
    LOCAL,
    OUT_OF_CITY,
    THRESHOLDS,
    USD,
    AmountError,
    Answer,
    money_text,
)

INVESTOR_TYPES = {
    FOREIGN: _l("外商投资项目"),
    OUT_OF_CITY: _l("市外境内投资项目（投资商来自衡阳市以外）"),
    LOCAL: _l("市内投资商开设工商企业"),
}
CURRENCIES = {CNY: _l("人民币（元）"), USD: _l("美元")}

AMOUNT_MESSAGES = {
    AmountError.FORMAT: _l("投资额请只填数字，例如 2000000 或 2000000.00。"),
    AmountError.DECIMALS: _l("投资额最多精确到分（小数点后两位）。"),
    AmountError.NOT_POSITIVE: _l("投资额必须大于零。"),
    AmountError.TOO_LARGE: _l("投资额超过一万亿元人民币，请检查是否多填了位数。"),
}


def thresholds() -> dict[str, str]:
    """Each investor type's threshold as the reader reads money."""
    return {
        kind: money_text(threshold.amount, threshold.currency, current_language())
        for kind, threshold in THRESHOLDS.items()
    }


def amount_message(error: AmountError) -> str:
    return str(AMOUNT_MESSAGES[error.reason])


def no_rate_message(day: date) -> str:
    return _(
        "汇率表中没有 %(date)s 可用的美元对人民币汇率中间价，无法换算，也不会估算。"
        "请按项目本身的币种填写，或拨打咨询电话 %(phone)s。",
        date=long_date(day),
        phone=current_app.config["CONSULTATION_PHONE"],
    )


@dataclass(frozen=True)
class EligibilityAnswer:
    """The answer page's view of an ``Answer``: the reason in the reader's language."""

    answer: Answer

    @property
    def eligible(self) -> bool:
        return self.answer.eligible

    @property
    def rule(self) -> str:
        return self.answer.rule

    @property
    def reason(self) -> str:
        return localized(self.answer.reason)

    @property
    def rate(self):
        return self.answer.rate


def answer_record(answer: Answer) -> dict:
    """The API's JSON for an answer; amounts and rates as strings, never floats."""
    threshold = answer.threshold
    rate = answer.rate
    return {
        "eligible": answer.eligible,
        "rule": answer.rule,
        "reason": answer.reason,
        "threshold": (
            {"amount": f"{threshold.amount:.2f}", "currency": threshold.currency}
            if threshold is not None
            else None
        ),
        "exchange_rate": (
            {"rate": str(rate.cny_per_unit), "date": rate.day.isoformat()}
            if rate is not None
            else None
        ),
    }


# The proxy request ---------------------------------------------------------------------

LOCATIONS = {
    "430405": _l("珠晖区"),
    "430406": _l("雁峰区"),
    "430407": _l("石鼓区"),
    "430408": _l("蒸湘区"),
    "430412": _l("南岳区"),
    "430421": _l("衡阳县"),
    "430422": _l("衡南县"),
    "430423": _l("衡山县"),
    "430424": _l("衡东县"),
    "430426": _l("祁东县"),
    "430481": _l("耒阳市"),
    "430482": _l("常宁市"),
}

STEP_TITLES = {
    "project": _l("项目名称"),
    "investor": _l("投资方"),
    "amount": _l("投资额"),
    "industry": _l("所属行业"),
    "location": _l("项目所在县市区"),
    "key-project": _l("重点项目"),
    "needs": _l("需要办理的事项"),
    "contact": _l("联系人"),
    "letter": _l("委托书"),
}

REQUEST_STATUSES = {
    "received": _l("已收到，等待代理窗口受理"),
    "accepted": _l("已受理，代理员已指派"),
    "refused": _l("不予受理"),
}


@dataclass(frozen=True)
class Row:
    step: str
    label: str
    value: str


def answer_rows(answers: dict) -> list[Row]:
    """The check-answers page: each answer as the reader reads it, by the page that asked it."""
    key = answers.get("key_project") == "yes"
    key_text = str(_l("是")) if key else str(_l("否"))
    if key and answers.get("key_document_number"):
        key_text += " · " + answers["key_document_number"]
    if key and answers.get("key_document"):
        key_text += " · " + answers["key_document"]["name"]
    amount = answers.get("amount")
    return [
        Row("project", str(_l("项目名称")), answers.get("project_name", "")),
        Row(
            "investor",
            str(_l("投资方")),
            " · ".join(
                filter(
                    None,
                    [
                        answers.get("investor_name", ""),
                        str(INVESTOR_TYPES.get(answers.get("investor_type"), "")),
                        answers.get("origin", ""),
                    ],
                )
            ),
        ),
        Row(
            "amount",
            str(_l("投资额")),
            money_text(Decimal(amount), answers["currency"], current_language())
            if amount and answers.get("currency")
            else "",
        ),
        Row("industry", str(_l("所属行业")), answers.get("industry", "")),
        Row("location", str(_l("项目所在县市区")), str(LOCATIONS.get(answers.get("location"), ""))),
        Row("key-project", str(_l("重点项目")), key_text if answers.get("key_project") else ""),
        Row("needs", str(_l("需要办理的事项")), answers.get("needs", "")),
        Row(
            "contact",
            str(_l("联系人")),
            " · ".join(
                filter(
                    None,
                    [
                        answers.get("contact_name"),
                        answers.get("contact_mobile"),
                        answers.get("contact_email"),
                    ],
                )
            ),
        ),
        Row("letter", str(_l("委托书")), (answers.get("letter") or {}).get("name", "")),
    ]


def request_answers(request) -> dict:
    """A submitted request's answers in the draft's shape, for the same rows."""
    return {
        "project_name": request.project_name,
        "investor_name": request.investor_name,
        "investor_type": request.investor_type,
        "origin": request.origin,
        "amount": str(request.amount),
        "currency": request.currency,
        "industry": request.industry,
        "location": request.location,
        "key_project": "yes" if request.key_project else "no",
        "key_document_number": request.key_document_number,
        "key_document": request.key_document,
        "needs": request.needs,
        "contact_name": request.contact_name,
        "contact_mobile": request.contact_mobile,
        "contact_email": request.contact_email,
        "letter": request.letter,
    }


def not_foreign_for_a_person() -> str:
    return _("个人账户只能代表外国投资者申请全程委托代理；其他投资方请用企业账户登录后申请。")
