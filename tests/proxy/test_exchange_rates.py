"""The administrator's central parity table: read exactly, refused clearly when wrong."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from portal.config import PROJECT_ROOT
from portal.proxy.exchange_rates import NoUsableRate, RateFileError, load_rates, read_rates


def _write(tmp_path, text):
    path = tmp_path / "exchange_rates.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_table_loads_and_says_it_is_maintained_by_the_administrator():
    table = load_rates(PROJECT_ROOT / "guides")
    rate = table.rate_on("USD", date(2026, 12, 1))
    assert isinstance(rate.cny_per_unit, Decimal)
    header = (PROJECT_ROOT / "guides/exchange_rates.yaml").read_text(encoding="utf-8")
    assert "MAINTAINED BY THE ADMINISTRATOR" in header and "中间价" in header


def test_the_latest_rate_on_or_before_a_day_within_its_age(tmp_path):
    table = read_rates(
        _write(
            tmp_path,
            """
max_age_days: 3
rates:
  USD:
    - {date: 2026-11-27, rate: "7.0813"}
    - {date: 2026-11-25, rate: "7.0822"}
""",
        )
    )
    assert table.rate_on("USD", date(2026, 11, 26)).cny_per_unit == Decimal("7.0822")
    assert table.rate_on("USD", date(2026, 11, 30)).day == date(2026, 11, 27)
    with pytest.raises(NoUsableRate, match="too old"):
        table.rate_on("USD", date(2026, 12, 1))
    with pytest.raises(NoUsableRate, match="no USD rate on or before 2026-11-24"):
        table.rate_on("USD", date(2026, 11, 24))
    with pytest.raises(NoUsableRate):
        table.rate_on("EUR", date(2026, 11, 26))


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("rates: {}", "max_age_days"),
        ("max_age_days: 0\nrates: {}", "max_age_days"),
        ("max_age_days: 5\nrates: {USD: [{date: 2026-11-27, rate: 7.0813}]}", "in quotes"),
        ('max_age_days: 5\nrates: {USD: [{date: 2026-11-27, rate: "-7"}]}', "in quotes"),
        ('max_age_days: 5\nrates: {USD: [{date: 2026-11-27, rate: "7.08131"}]}', "in quotes"),
        ('max_age_days: 5\nrates: {USD: [{date: tomorrow, rate: "7"}]}', "YYYY-MM-DD"),
        ("max_age_days: 5\nrates: {usd: []}", "currency code"),
        (
            'max_age_days: 5\nrates: {USD: [{date: 2026-11-27, rate: "7"},'
            ' {date: 2026-11-27, rate: "7.1"}]}',
            "two rates for 2026-11-27",
        ),
    ],
)
def test_a_wrong_file_is_refused_with_its_name_and_the_problem(tmp_path, body, problem):
    path = _write(tmp_path, body)
    with pytest.raises(RateFileError) as refused:
        read_rates(path)
    assert str(path) in str(refused.value) and problem in str(refused.value)


def test_the_file_is_read_again_when_the_administrator_changes_it(tmp_path, caplog):
    import os

    from portal.proxy.exchange_rates import RateFile

    path = _write(tmp_path, 'max_age_days: 5\nrates: {USD: [{date: 2026-11-30, rate: "7.0798"}]}')
    rates = RateFile(path)
    assert rates.table().rate_on("USD", date(2026, 12, 1)).day == date(2026, 11, 30)
    path.write_text(
        'max_age_days: 5\nrates: {USD: [{date: 2026-11-30, rate: "7.0798"},'
        ' {date: 2026-12-01, rate: "7.0785"}]}',
        encoding="utf-8",
    )
    os.utime(path, ns=(1, 1))  # a different stamp, however fast the test runs
    assert rates.table().rate_on("USD", date(2026, 12, 1)).cny_per_unit == Decimal("7.0785")
    path.write_text("max_age_days: 5\nrates: {USD: [{date: 2026-12-02, rate: 7.1}]}", "utf-8")
    os.utime(path, ns=(2, 2))
    assert rates.table().rate_on("USD", date(2026, 12, 1)).cny_per_unit == Decimal("7.0785")
    assert "last good table" in caplog.text


def test_a_wrong_file_stops_the_portal_at_start_up(tmp_path):
    from portal import create_app

    path = _write(tmp_path, "max_age_days: 5\nrates: {USD: [{date: 2026-12-02, rate: 7.1}]}")
    with pytest.raises(RateFileError, match="in quotes"):
        create_app({"EXCHANGE_RATES_FILE": path}, config_name="test")
