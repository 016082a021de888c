"""The fee schedule as open data: one row per fee item, the same fields in CSV and JSON.

The schema is documented in docs/open-data.md and on the /open-data page;
change the three together.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from portal.catalog.models import FeeItem

FIELDS = (
    "code",
    "sector",
    "name_zh",
    "name_en",
    "charged_by_zh",
    "charged_by_en",
    "amount_cny",
    "standard_zh",
    "standard_en",
    "unit_zh",
    "unit_en",
    "basis_zh",
    "basis_en",
    "collector_zh",
    "collector_en",
    "service_items",
)


def _charged_by(fee: FeeItem) -> dict[str, str]:
    if fee.institution:
        return fee.institution
    return fee.department.name if fee.department else {"zh": "", "en": ""}


def fee_record(fee: FeeItem) -> dict[str, str | None]:
    charged_by = _charged_by(fee)
    return {
        "code": fee.code,
        "sector": fee.sector,
        "name_zh": fee.name["zh"],
        "name_en": fee.name["en"],
        "charged_by_zh": charged_by["zh"],
        "charged_by_en": charged_by["en"],
        "amount_cny": _decimal_text(fee.amount),
        "standard_zh": fee.standard["zh"],
        "standard_en": fee.standard["en"],
        "unit_zh": fee.unit["zh"],
        "unit_en": fee.unit["en"],
        "basis_zh": fee.basis["zh"],
        "basis_en": fee.basis["en"],
        "collector_zh": fee.collector["zh"],
        "collector_en": fee.collector["en"],
        "service_items": " ".join(item.code for item in fee.items if item.retired_at is None),
    }


def _decimal_text(amount: Decimal | None) -> str | None:
    """Yuan with at least two decimals and no trailing zeros beyond: 80.00, 0.588."""
    if amount is None:
        return None
    text = f"{amount:.4f}".rstrip("0")
    return text + "0" * (2 - len(text.split(".")[1]))


def fees_csv(fees: list[FeeItem]) -> str:
    """CSV with a UTF-8 byte-order mark, so spreadsheet programs show the Chinese."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.DictWriter(buffer, fieldnames=FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for fee in fees:
        writer.writerow(
            {key: "" if value is None else value for key, value in fee_record(fee).items()}
        )
    return buffer.getvalue()


def fees_json(fees: list[FeeItem]) -> dict:
    return {
        "schema": "/open-data#fee-schema",
        "fields": list(FIELDS),
        "fees": [fee_record(f) for f in fees],
    }
