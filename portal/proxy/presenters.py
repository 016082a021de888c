"""What the proxy pages, form and API say: labels for codes and messages for refusals.

One place, so the checker page, its form and the API name an investor type or refuse an
amount in the same words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

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
