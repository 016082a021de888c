"""Who the proxy window takes (source §五), decided by rule, in Decimal only.

The proxy window takes, free of charge: foreign-invested projects of USD 2,000,000 or
more; domestic projects from outside the city of CNY 20,000,000 or more; businesses opened
by local investors of CNY 8,000,000 or more; city-level items a county center forwards;
and key investment-promotion or key construction projects whatever their amount.
"以上" is read as "or more". Each threshold is in its own currency; an amount in the other
currency is converted at the central parity of the day (``exchange_rates``), and the rate
and its date are part of the answer.

Comparisons multiply the threshold by the rate instead of dividing the amount, so they are
exact: USD 2,000,000.00 qualifies and USD 1,999,999.99 does not, at any rate.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from babel.dates import format_date
from babel.numbers import format_currency

from portal.proxy.exchange_rates import NoUsableRate, Rate, RateTable

FOREIGN, OUT_OF_CITY, LOCAL = "foreign", "out_of_city", "local"
INVESTOR_TYPES = (FOREIGN, OUT_OF_CITY, LOCAL)
CNY, USD = "CNY", "USD"
CURRENCIES = (CNY, USD)

# Anything over a trillion yuan is a typing slip, not a project.
MAX_CNY = Decimal(10) ** 12
AMOUNT_PATTERN = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
# Thousands separators people type: "2,000,000", "2，000，000", "2 000 000".
SEPARATORS = re.compile(r"[,，\s]")


@dataclass(frozen=True)
class Threshold:
    rule: str
    amount: Decimal
    currency: str


THRESHOLDS = {
    FOREIGN: Threshold("foreign_usd_2m", Decimal("2000000.00"), USD),
    OUT_OF_CITY: Threshold("out_of_city_cny_20m", Decimal("20000000.00"), CNY),
    LOCAL: Threshold("local_cny_8m", Decimal("8000000.00"), CNY),
}
KEY_PROJECT, COUNTY_FORWARDED = "key_project", "county_forwarded"
RULES = (*(t.rule for t in THRESHOLDS.values()), KEY_PROJECT, COUNTY_FORWARDED)


class AmountError(ValueError):
    """An amount the check refuses; ``reason`` is one of the codes below, for the message."""

    FORMAT, DECIMALS, NOT_POSITIVE, TOO_LARGE = "format", "decimals", "not-positive", "too-large"

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class Answer:
    eligible: bool
    rule: str
    reason: dict[str, str]  # {"zh": …, "en": …}
    threshold: Threshold | None
    rate: Rate | None  # the central parity used, or None when no conversion was needed


def parse_amount(text: str) -> Decimal:
    """An amount as typed: full-width digits and thousands separators are read as meant."""
    cleaned = SEPARATORS.sub("", unicodedata.normalize("NFKC", text or ""))
    if not AMOUNT_PATTERN.match(cleaned):
        raise AmountError(AmountError.FORMAT)
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern admits only plain numbers
        raise AmountError(AmountError.FORMAT) from None
    if amount.as_tuple().exponent < -2:
        raise AmountError(AmountError.DECIMALS)
    if amount <= 0:
        raise AmountError(AmountError.NOT_POSITIVE)
    return amount


LOCALES = {"zh": "zh_Hans_CN", "en": "en"}


def money_text(amount: Decimal, currency: str, language: str) -> str:
    """An amount for a reader: "US$2,000,000.00" in Chinese, "USD 2,000,000.00" in English,
    where a bare "$" would leave a foreign investor guessing which dollar."""
    if language == "en":
        return format_currency(amount, currency, format="¤¤\xa0#,##0.00", locale="en")
    return format_currency(amount, currency, locale=LOCALES[language])


def _money(amount: Decimal, currency: str, locale: str) -> str:
    return money_text(amount, currency, "en" if locale == "en" else "zh")


def _in_cny(amount: Decimal, currency: str, rate: Rate | None) -> Decimal | None:
    if currency == CNY:
        return amount
    return amount * rate.cny_per_unit if rate is not None else None


def check(
    investor_type: str,
    amount: Decimal,
    currency: str,
    *,
    rates: RateTable,
    on: date,
    key_project: bool = False,
    county_forwarded: bool = False,
) -> Answer:
    """The rule that applies and whether it is met; raises ``AmountError`` for a refused
    amount and ``NoUsableRate`` when a conversion is needed and the table has no rate."""
    if investor_type not in INVESTOR_TYPES:
        raise ValueError(f"unknown investor type {investor_type!r}")
    if currency not in CURRENCIES:
        raise ValueError(f"unknown currency {currency!r}")
    if amount <= 0:
        raise AmountError(AmountError.NOT_POSITIVE)
    if amount.as_tuple().exponent < -2:
        raise AmountError(AmountError.DECIMALS)
    threshold = THRESHOLDS[investor_type]
    # A key project or a forwarded item qualifies whatever the amount: it needs no rate.
    needs_rate = not (key_project or county_forwarded) and currency != threshold.currency
    rate = rates.rate_on(USD, on) if needs_rate else None
    # A USD amount is capped in yuan at the day's rate; with no rate at hand, at the same
    # figure in dollars (already absurd), rather than refusing a check that needs no rate.
    cap_rate = rate if rate is not None or currency == CNY else _optional_rate(rates, on)
    in_cny = _in_cny(amount, currency, cap_rate)
    if (in_cny if in_cny is not None else amount) > MAX_CNY:
        raise AmountError(AmountError.TOO_LARGE)

    if key_project:
        return Answer(True, KEY_PROJECT, _key_project_reason(), None, None)
    if county_forwarded:
        return Answer(True, COUNTY_FORWARDED, _county_reason(), None, None)

    if not needs_rate:
        met = amount >= threshold.amount
    elif currency == CNY:  # a CNY amount against the USD threshold
        met = amount >= threshold.amount * rate.cny_per_unit
    else:  # a USD amount against a CNY threshold
        met = amount * rate.cny_per_unit >= threshold.amount
    reason = _threshold_reason(investor_type, threshold, amount, currency, rate, met)
    return Answer(met, threshold.rule, reason, threshold, rate)


def _optional_rate(rates: RateTable, on: date) -> Rate | None:
    try:
        return rates.rate_on(USD, on)
    except NoUsableRate:
        return None


WHO = {
    FOREIGN: {"zh": "外商投资项目", "en": "A foreign-invested project"},
    OUT_OF_CITY: {"zh": "市外境内投资项目", "en": "A domestic project from outside Hengyang"},
    LOCAL: {"zh": "市内投资商开设的工商企业", "en": "A business opened by a local investor"},
}


def _threshold_reason(
    investor_type: str,
    threshold: Threshold,
    amount: Decimal,
    currency: str,
    rate: Rate | None,
    met: bool,
) -> dict[str, str]:
    who = WHO[investor_type]
    zh_limit = _money(threshold.amount, threshold.currency, "zh_Hans_CN")
    en_limit = _money(threshold.amount, threshold.currency, "en")
    zh = f"{who['zh']}投资额{zh_limit}以上（含本数）可以申请全程委托代理。"
    en = f"{who['en']} of {en_limit} or more qualifies for the proxy service."
    if rate is not None:
        # Rounded down, so an amount a fraction of a cent short never reads as the threshold.
        converted = (
            amount * rate.cny_per_unit if currency == USD else amount / rate.cny_per_unit
        ).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
        zh += (
            f"您填写的{_money(amount, currency, 'zh_Hans_CN')}按"
            f"{format_date(rate.day, format='long', locale='zh_Hans_CN')}"
            f"人民币汇率中间价 1 美元对人民币 {rate.cny_per_unit} 元折合约"
            f"{_money(converted, threshold.currency, 'zh_Hans_CN')}。"
        )
        en += (
            f" Your {_money(amount, currency, 'en')} is about "
            f"{_money(converted, threshold.currency, 'en')} at the PBoC central parity of "
            f"{format_date(rate.day, format='long', locale='en')} (USD 1 = CNY {rate.cny_per_unit})."
        )
    if met:
        zh += "您的项目符合条件。"
        en += " Your project qualifies."
    else:
        zh += "您的项目未达到这个金额。"
        en += " Your project is below this amount."
    return {"zh": zh, "en": en}


def _key_project_reason() -> dict[str, str]:
    return {
        "zh": "重点招商引资项目、重点建设工程项目不论投资额多少，都实行免费全程代办。",
        "en": (
            "Key investment-promotion projects and key construction projects get the full "
            "proxy service free of charge, whatever the amount."
        ),
    }


def _county_reason() -> dict[str, str]:
    return {
        "zh": "县市区政务服务中心代理的需市级许可的事项，不论投资额多少，都由代理窗口代办。",
        "en": (
            "A city-level item that a county or district center forwards for an applicant "
            "is carried by the proxy window, whatever the amount."
        ),
    }
