"""The public JSON API and its OpenAPI description."""

from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate

COMPANY_REGISTRATION = "430400-SC-XK-0001"


def test_the_openapi_document_is_valid_and_matches_the_routes(app, client):
    document = client.get("/api/openapi.json").get_json()
    validate(document)
    described = set(document["paths"])
    served = {
        re.sub(r"<(?:[^:<>]+:)?(\w+)>", r"{\1}", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
    }
    assert described == served


def test_items_come_a_page_at_a_time(client):
    first = client.get("/api/v1/items?per_page=10").get_json()
    second = client.get("/api/v1/items?per_page=10&page=2").get_json()
    assert first["total"] >= 40
    assert len(first["items"]) == 10
    assert not {i["code"] for i in first["items"]} & {i["code"] for i in second["items"]}
    everything = client.get("/api/v1/items?per_page=100").get_json()
    assert len(everything["items"]) == everything["total"]


@pytest.mark.parametrize(
    "query", ["page=0", "page=abc", "per_page=1000", "per_page=-1", "page=1.5"]
)
def test_bad_paging_gets_a_clear_400(client, query):
    response = client.get(f"/api/v1/items?{query}")
    assert response.status_code == 400
    assert "整数" in response.get_json()["error"]["message"]


def test_one_item_carries_its_whole_guide_in_both_languages(client):
    item = client.get(f"/api/v1/items/{COMPANY_REGISTRATION}").get_json()
    assert item["name"]["zh"] == "有限责任公司设立登记"
    assert item["name"]["en"]
    assert item["legal_basis"][0]["article"]["zh"] == "第二十九条"
    assert item["materials"][0]["blank_form"].endswith(".pdf")
    assert item["statutory_limit_working_days"] >= item["promised_limit_working_days"]


def test_an_unknown_item_is_a_json_404(client):
    response = client.get("/api/v1/items/NOPE")
    assert response.status_code == 404
    assert response.get_json()["error"]["status"] == 404


def test_centers_and_fees(client):
    centers = client.get("/api/v1/centers").get_json()["centers"]
    assert {c["kind"] for c in centers} == {"city", "sub", "county"}
    fees = client.get("/api/v1/fees").get_json()["fees"]
    assert all(fee["basis_zh"] and fee["basis_en"] for fee in fees)


def test_search_answers_and_refuses_cleanly(client):
    results = client.get("/api/v1/search?q=提取公积金").get_json()["results"]
    assert "公积金" in results[0]["name"]["zh"]
    assert client.get("/api/v1/search").status_code == 400
    assert client.get("/api/v1/search", query_string={"q": "x" * 500}).status_code == 400


def test_the_api_needs_no_csrf_token_and_refuses_writes(client):
    assert client.post("/api/v1/items").status_code == 405


def test_the_api_is_rate_limited_per_client(tmp_path, monkeypatch):
    from tests.conftest import fresh_database, load_guides, make_app

    monkeypatch.setenv("TEST_RATELIMIT_ENABLED", "true")
    with fresh_database("sqlite", tmp_path) as url:
        app = make_app(url, API_RATE_LIMIT="2 per minute")
        load_guides(app)
        client = app.test_client()
        answers = [client.get("/api/v1/centers").status_code for _ in range(3)]
        assert answers == [200, 200, 429]
        assert client.get("/api/v1/items").get_json()["error"]["status"] == 429
