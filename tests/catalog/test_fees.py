"""Fee disclosure: every fee with its basis, on the pages and as open data."""

from __future__ import annotations

import csv
import io

from portal.catalog.content import read_content
from portal.catalog.opendata import FIELDS
from tests.conftest import GUIDES


def test_the_csv_holds_every_fee_item_with_the_documented_columns(client):
    response = client.get("/open-data/fees.csv")
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert tuple(rows[0]) == FIELDS
    published = {fee.code for fee in read_content(GUIDES).fees}
    assert {row["code"] for row in rows} == published
    assert all(row["basis_zh"] and row["collector_zh"] for row in rows)


def test_the_json_matches_the_csv(client):
    data = client.get("/open-data/fees.json").get_json()
    csv_codes = {
        row["code"]
        for row in csv.DictReader(
            io.StringIO(client.get("/open-data/fees.csv").get_data(as_text=True).lstrip("\ufeff"))
        )
    }
    assert {fee["code"] for fee in data["fees"]} == csv_codes
    assert data["fields"] == list(FIELDS)


def test_every_charged_item_shows_its_fees_and_basis_on_the_fee_page(client):
    content = read_content(GUIDES)
    page = client.get("/fees").get_data(as_text=True)
    fees = {fee.code: fee for fee in content.fees}
    for item in content.items:
        for code in item.fees:
            assert fees[code].basis.zh in page.replace("&#34;", '"')
            assert item.name.zh in page


def test_public_institutions_publish_their_fees(client):
    page = client.get("/fees/public-institutions").get_data(as_text=True)
    for sector in ("学校", "医院", "供水", "供气", "供电"):
        assert sector in page
