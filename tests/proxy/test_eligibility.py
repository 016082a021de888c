"""The proxy window's rules: boundaries in both currencies, key projects, refused amounts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from portal.proxy import eligibility
from portal.proxy.eligibility import AmountError, check, parse_amount
from portal.proxy.exchange_rates import NoUsableRate, Rate, RateTable

DAY = date(2026, 12, 1)
RATE = Decimal("7.0785")
TABLE = RateTable(
    15, {"USD": [Rate("USD", date(2026, 11, 30), Decimal("7.0798")), Rate("USD", DAY, RATE)]}
)
EMPTY = RateTable(15, {})


def _check(kind, amount, currency, table=TABLE, **flags):
    return check(kind, Decimal(amount), currency, rates=table, on=DAY, **flags)


@pytest.mark.parametrize(
    ("kind", "amount", "currency", "eligible", "rule"),
    [
        ("foreign", "2000000.00", "USD", True, "foreign_usd_2m"),
        ("foreign", "1999999.99", "USD", False, "foreign_usd_2m"),
        ("out_of_city", "20000000", "CNY", True, "out_of_city_cny_20m"),
        ("out_of_city", "19999999.99", "CNY", False, "out_of_city_cny_20m"),
        ("local", "8000000.00", "CNY", True, "local_cny_8m"),
        ("local", "7999999.99", "CNY", False, "local_cny_8m"),
    ],
)
def test_or_more_means_the_threshold_itself_qualifies(kind, amount, currency, eligible, rule):
    answer = _check(kind, amount, currency, table=EMPTY)
    assert (answer.eligible, answer.rule) == (eligible, rule)
    assert answer.rate is None, "no conversion, no rate (and none needed from the table)"
    assert answer.threshold.amount == eligibility.THRESHOLDS[kind].amount


def test_a_cny_amount_for_a_foreign_project_is_converted_exactly_at_the_day_rate():
    boundary = (Decimal("2000000.00") * RATE).quantize(Decimal("0.01"))  # 14,157,000.00 yuan
    assert _check("foreign", str(boundary), "CNY").eligible
    below = _check("foreign", str(boundary - Decimal("0.01")), "CNY")
    assert not below.eligible
    assert below.rate == Rate("USD", DAY, RATE)
    assert (
        "7.0785" in below.reason["zh"]
        and "2026年12月1日" in below.reason["zh"]
        and "December 1, 2026" in below.reason["en"]
    )


def test_a_usd_amount_for_a_cny_threshold_is_converted_exactly():
    # 8,000,000 / 7.0785 = 1,130,182.948…: the first cent over it qualifies, the last under not.
    assert _check("local", "1130182.95", "USD").eligible  # 8,000,000.0116 yuan
    assert not _check("local", "1130182.94", "USD").eligible  # 7,999,999.94 yuan
    assert _check("out_of_city", "2825457.38", "USD").eligible  # 20,000,000.064 yuan
    assert not _check("out_of_city", "2825457.37", "USD").eligible  # 19,999,999.99 yuan


def test_the_latest_rate_on_or_before_the_day_is_used():
    answer = check("foreign", Decimal("14159600"), "CNY", rates=TABLE, on=date(2026, 11, 30))
    assert answer.rate.day == date(2026, 11, 30) and answer.rate.cny_per_unit == Decimal("7.0798")
    weekend = check("foreign", Decimal("14159600"), "CNY", rates=TABLE, on=date(2026, 12, 6))
    assert weekend.rate.day == DAY


def test_no_rate_for_a_needed_conversion_is_an_error_never_a_guess():
    with pytest.raises(NoUsableRate):
        _check("foreign", "20000000", "CNY", table=EMPTY)
    with pytest.raises(NoUsableRate):
        check("local", Decimal("2000000"), "USD", rates=TABLE, on=date(2026, 12, 17))
    with pytest.raises(NoUsableRate):
        check("local", Decimal("2000000"), "USD", rates=TABLE, on=date(2026, 11, 1))


@pytest.mark.parametrize("kind", ["foreign", "out_of_city", "local"])
def test_a_key_project_qualifies_whatever_the_amount_and_needs_no_rate(kind):
    answer = _check(kind, "0.01", "CNY" if kind == "foreign" else "USD", EMPTY, key_project=True)
    assert (answer.eligible, answer.rule, answer.threshold, answer.rate) == (
        True,
        "key_project",
        None,
        None,
    )
    assert "重点" in answer.reason["zh"] and "Key" in answer.reason["en"]


def test_a_county_forwarded_item_qualifies_whatever_the_amount():
    answer = _check("local", "100", "CNY", county_forwarded=True)
    assert (answer.eligible, answer.rule) == (True, "county_forwarded")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2000000.001", AmountError.DECIMALS),
        ("0", AmountError.NOT_POSITIVE),
        ("0.00", AmountError.NOT_POSITIVE),
        ("-5", AmountError.NOT_POSITIVE),
        ("abc", AmountError.FORMAT),
        ("", AmountError.FORMAT),
        ("1e6", AmountError.FORMAT),
        ("NaN", AmountError.FORMAT),
        ("Infinity", AmountError.FORMAT),
        ("2.000.000", AmountError.FORMAT),
    ],
)
def test_bad_amounts_are_refused_with_a_reason(text, reason):
    with pytest.raises(AmountError) as refused:
        parse_amount(text)
    assert refused.value.reason == reason


def test_amounts_are_read_as_people_type_them():
    assert parse_amount("2,000,000.00") == Decimal("2000000.00")
    assert parse_amount("２０００，０００") == Decimal("2000000")
    assert parse_amount(" 8 000 000 ") == Decimal("8000000")


def test_an_absurd_amount_is_refused_in_either_currency():
    assert _check("local", str(10**12), "CNY").eligible
    with pytest.raises(AmountError) as refused:
        _check("local", str(10**12 + 1), "CNY")
    assert refused.value.reason == AmountError.TOO_LARGE
    with pytest.raises(AmountError):
        _check("foreign", str(10**12 // 7), "USD")  # over a trillion yuan at 7.0785
    with pytest.raises(AmountError):
        _check("foreign", str(10**12 + 1), "USD", table=EMPTY)
    with pytest.raises(AmountError):
        _check("local", "10000000.005", "CNY")


def test_money_is_never_a_float():
    answer = _check("foreign", "14157000.00", "CNY")
    assert isinstance(answer.threshold.amount, Decimal)
    assert isinstance(answer.rate.cny_per_unit, Decimal)


def test_a_converted_amount_a_fraction_short_never_reads_as_the_threshold():
    # USD 1,130,182.94 is 7,999,999.94… yuan: shown rounded down, below the threshold.
    answer = _check("local", "1130182.94", "USD")
    assert not answer.eligible and "¥7,999,999.94" in answer.reason["zh"]
