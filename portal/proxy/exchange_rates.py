"""The PBoC central parity table (人民币汇率中间价) an administrator keeps in guides/.

The file's format is in its own header (guides/exchange_rates.yaml) and in docs/proxy.md.
Like the holiday calendar, a day the table cannot answer for stops the computation with
``NoUsableRate``: converting an investment at a guessed rate could tell an investor they
qualify when they do not, or the other way round.
"""

from __future__ import annotations

import bisect
import logging
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import yaml

FILE_NAME = "exchange_rates.yaml"
log = logging.getLogger("portal.proxy")
# A rate as the PBoC quotes it: yuan for one unit, at most four decimals (7.0812).
RATE_PATTERN = re.compile(r"^[0-9]{1,3}(\.[0-9]{1,4})?$")
CURRENCY_PATTERN = re.compile(r"^[A-Z]{3}$")


class RateFileError(ValueError):
    """The rate file is wrong; the message names the file and the problem."""


class NoUsableRate(Exception):
    """No rate for ``currency`` on or within ``max_age_days`` before ``day``."""

    def __init__(self, currency: str, day: date, latest: date | None):
        self.currency, self.day, self.latest = currency, day, latest
        if latest is None:
            detail = f"the table has no {currency} rate on or before {day}"
        else:
            detail = f"the latest {currency} rate on or before {day} is from {latest}, too old"
        super().__init__(f"{detail}: add it to guides/{FILE_NAME} from the PBoC central parity")


@dataclass(frozen=True)
class Rate:
    currency: str
    day: date
    cny_per_unit: Decimal


@dataclass
class RateTable:
    max_age_days: int = 15
    rows: dict[str, list[Rate]] = field(default_factory=dict)  # per currency, by date

    def rate_on(self, currency: str, day: date) -> Rate:
        """The latest rate on or before ``day``, if it is at most ``max_age_days`` older."""
        rows = self.rows.get(currency, [])
        index = bisect.bisect_right([row.day for row in rows], day)
        if index == 0:
            raise NoUsableRate(currency, day, None)
        rate = rows[index - 1]
        if day - rate.day > timedelta(days=self.max_age_days):
            raise NoUsableRate(currency, day, rate.day)
        return rate


def _rate(path: Path, currency: str, row) -> Rate:
    if not isinstance(row, dict) or not isinstance(row.get("date"), date):
        raise RateFileError(f"{path}: each {currency} row needs date: YYYY-MM-DD and rate")
    value = row.get("rate")
    if not isinstance(value, str) or not RATE_PATTERN.match(value) or Decimal(value) <= 0:
        raise RateFileError(
            f"{path}: {currency} {row['date']}: rate must be yuan for one unit in quotes, "
            'like "7.0812"'
        )
    return Rate(currency, row["date"], Decimal(value))


def read_rates(path: Path) -> RateTable:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("rates"), dict):
        raise RateFileError(f"{path}: the file needs 'max_age_days' and 'rates'")
    max_age = data.get("max_age_days")
    if not isinstance(max_age, int) or isinstance(max_age, bool) or not 1 <= max_age <= 60:
        raise RateFileError(f"{path}: 'max_age_days' must be a number of days, 1 to 60")
    table = RateTable(max_age)
    for currency, rows in data["rates"].items():
        if not isinstance(currency, str) or not CURRENCY_PATTERN.match(currency):
            raise RateFileError(f"{path}: {currency!r} is not a currency code like USD")
        if not isinstance(rows, list):
            raise RateFileError(f"{path}: 'rates.{currency}' must be a list of rows")
        parsed = sorted((_rate(path, currency, row) for row in rows), key=lambda r: r.day)
        days = [row.day for row in parsed]
        repeated = sorted({d for d in days if days.count(d) > 1})
        if repeated:
            raise RateFileError(f"{path}: {currency} has two rates for {repeated[0]}")
        table.rows[currency] = parsed
    return table


def load_rates(guides: Path) -> RateTable:
    return read_rates(Path(guides) / FILE_NAME)


class RateFile:
    """The table as the file now says: re-read when the file changes, so the rate an
    administrator adds each morning counts without a restart. A file broken after start-up
    keeps the last good table in use and says so in the log; at start-up it stops the app."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._stamp = self._stat()
        self._table = read_rates(self.path)

    def _stat(self) -> tuple[int, int]:
        info = self.path.stat()
        return info.st_mtime_ns, info.st_size

    def table(self) -> RateTable:
        try:
            stamp = self._stat()
        except OSError:
            log.exception("the exchange rate file is gone; the last good table is used")
            return self._table
        if stamp != self._stamp:
            self._stamp = stamp  # a broken version is reported once, not on every request
            try:
                self._table = read_rates(self.path)
            except (OSError, RateFileError, yaml.YAMLError):
                log.exception("the exchange rate file is wrong; the last good table is used")
        return self._table
