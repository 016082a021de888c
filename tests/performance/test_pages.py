"""The public page, its downloads and the API show the same honest figures, in both
languages, and refuse a filter they do not offer."""

from __future__ import annotations

import csv
import io
import json

from jsonschema import Draft202012Validator

from portal.catalog.models import Center, Department
from portal.extensions import db
from portal.performance import opendata

NOVEMBER = "month=2026-11"


def _slugs(app):
    seeded = app.extensions["seeded"]
    with app.app_context():
        return (
            db.session.get(Center, seeded.center_id).slug,
            db.session.get(Department, seeded.department_id).slug,
            db.session.get(Department, seeded.other_department_id).slug,
        )


def test_the_page_shows_the_figures_with_charts_and_tables(figures_app, at_today):
    client = figures_app.test_client()
    home = client.get("/").get_data(as_text=True)
    assert 'href="/performance"' in home
    response = client.get(f"/performance?{NOVEMBER}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "33.3%" in page  # 1 on time of 2 decided + 1 open and late, never 50%
    assert "66.7%" in page  # slow-service complaints answered on time
    assert page.count('role="img"') == 3 and page.count("<title id=") == 3
    assert "评价分布（共 14 条）" in page
    city, _department, _other = _slugs(figures_app)
    assert f'href="/performance?month=2026-11&amp;center={city}"' in page
    assert "/open-data/performance.csv?month=2026-11" in page

    english = figures_app.test_client()
    english.get("/language/en")
    page = english.get(f"/performance?{NOVEMBER}").get_data(as_text=True)
    assert "On-time rate" in page and "33.3%" in page
    assert "按时办结率" not in page


def test_drilling_down_reaches_items_and_keeps_small_samples_unpublished(figures_app, at_today):
    seeded = figures_app.extensions["seeded"]
    city, department, _other = _slugs(figures_app)
    client = figures_app.test_client()
    page = client.get(f"/performance?{NOVEMBER}&center={city}").get_data(as_text=True)
    assert page.count("评价太少，不公布") == 1  # the other department's three ratings
    assert f"department={department}" in page
    page = client.get(f"/performance?{NOVEMBER}&center={city}&department={department}").get_data(
        as_text=True
    )
    assert f"item={seeded.item_code}" in page
    page = client.get(f"/performance?{NOVEMBER}&center={city}&item={seeded.item_code}").get_data(
        as_text=True
    )
    assert "本月评价 11 条" not in page and "评价分布（共 11 条）" in page
    assert "返回事项列表" in page


def test_a_filter_not_offered_is_an_error_next_to_its_field(figures_app, at_today):
    client = figures_app.test_client()
    response = client.get("/performance?month=1999-01&center=atlantis")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert page.index("请选择列表中的月份") < page.index("请选择列表中的办事大厅")
    assert 'href="#month"' in page and 'id="month-error"' in page
    answer = client.get("/api/v1/performance?item=NOPE")
    assert answer.status_code == 400
    assert "没有这个事项" in answer.get_json()["error"]["message"]


def test_the_csv_and_json_follow_the_documented_schema(figures_app, at_today):
    city, department, other = _slugs(figures_app)
    client = figures_app.test_client()
    response = client.get(f"/open-data/performance.csv?{NOVEMBER}&center={city}")
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert tuple(rows[0]) == opendata.FIELDS
    total = rows[0]
    assert (total["level"], total["center"], total["department"]) == ("total", city, "")
    assert (total["due"], total["decided_on_time"], total["open_late"]) == ("3", "1", "1")
    assert total["on_time_rate"] == "0.3333"
    assert total["complaints_slow_due"] == "3" and total["complaints_slow_on_time"] == "2"
    by_department = {row["department"]: row for row in rows[1:]}
    assert by_department[department]["ratings_published"] == "true"
    assert by_department[department]["ratings_very_unsatisfied"] == "0"
    small = by_department[other]
    assert (small["ratings"], small["ratings_published"], small["ratings_satisfied"]) == (
        "3",
        "false",
        "",
    )
    document = client.get(f"/open-data/performance.json?{NOVEMBER}&center={city}").get_json()
    assert document["fields"] == list(opendata.FIELDS)
    assert (document["month"], document["as_of"], document["min_ratings"]) == (
        "2026-11",
        "2026-11-20",
        10,
    )
    assert [r["level"] for r in document["records"]] == ["total"] + ["department"] * (len(rows) - 1)
    assert document["records"][0]["on_time_rate"] == "0.3333"
    small_json = next(r for r in document["records"] if r["department"] == other)
    assert small_json["ratings_satisfied"] is None and small_json["ratings_published"] is False
    # Every field is documented on the open-data page.
    schema_page = client.get("/open-data").get_data(as_text=True)
    for field in opendata.FIELDS:
        if (
            "complaints_" in field
            and field.count("_") >= 2
            and not field.startswith(
                (
                    "complaints_received",
                    "complaints_due",
                    "complaints_replied",
                    "complaints_on_time",
                )
            )
        ):
            continue  # documented as complaints_<kind>_…
        if field.startswith("ratings_") and field not in ("ratings_published",):
            continue  # documented as the five levels' range
        assert f"<code>{field}</code>" in schema_page, field


def test_the_api_serves_the_same_json_and_is_described(figures_app, at_today):
    client = figures_app.test_client()
    api = client.get(f"/api/v1/performance?{NOVEMBER}")
    download = client.get(f"/open-data/performance.json?{NOVEMBER}")
    assert api.status_code == 200
    assert json.loads(api.data) == json.loads(download.data)
    assert api.get_json()["breakdown"] == "center"
    described = client.get("/api/openapi.json").get_json()
    parameters = described["paths"]["/api/v1/performance"]["get"]["parameters"]
    assert [p["name"] for p in parameters] == ["month", "center", "department", "item"]
    record = described["components"]["schemas"]["PerformanceRecord"]
    assert record["required"] == list(opendata.FIELDS) and set(record["properties"]) == set(
        opendata.FIELDS
    )
    # Every record the API gives is valid against the schema it publishes.
    validator = Draft202012Validator(
        {"$ref": "#/components/schemas/Performance", "components": described["components"]}
    )
    assert list(validator.iter_errors(api.get_json())) == []
