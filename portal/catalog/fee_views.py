"""Fee disclosure pages and the open-data downloads (source §一, §六; Art. 58–59)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template

from portal.access import public
from portal.catalog import opendata, queries, snapshot
from portal.catalog.page_cache import cached_page
from portal.catalog.presenters import PUBLIC_INSTITUTION_SECTORS

fees = Blueprint("fees", __name__)


@fees.get("/fees")
@public
@cached_page
def government_fees():
    catalog = snapshot.current()
    departments = [
        (department, [fee for fee in department.fee_items if fee.retired_at is None])
        for department in catalog.departments
    ]
    charged_items = [item for item in catalog.items if item.fees]
    return render_template(
        "fees/government.html",
        departments=[(d, f) for d, f in departments if f],
        charged_items=charged_items,
        free_count=len(catalog.items) - len(charged_items),
    )


@fees.get("/fees/public-institutions")
@public
@cached_page
def institution_fees():
    by_sector: dict[str, list] = {sector: [] for sector in PUBLIC_INSTITUTION_SECTORS}
    for fee in queries.fetch_fee_items(PUBLIC_INSTITUTION_SECTORS):
        by_sector[fee.sector].append(fee)
    return render_template("fees/institutions.html", by_sector=by_sector)


@fees.get("/open-data")
@public
@cached_page
def open_data():
    return render_template("fees/open_data.html", fields=opendata.FIELDS)


@fees.get("/open-data/fees.csv")
@public
def fees_csv():
    return Response(
        opendata.fees_csv(queries.fetch_fee_items()),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=hengyang-fees.csv"},
    )


@fees.get("/open-data/fees.json")
@public
def fees_json():
    return jsonify(opendata.fees_json(queries.fetch_fee_items()))
