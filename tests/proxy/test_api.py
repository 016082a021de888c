"""`GET /api/v1/proxy/eligibility`: the answer's shape, 400 naming each parameter, 422."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from portal.proxy.exchange_rates import Rate, RateTable

URL = "/api/v1/proxy/eligibility"


class FixedRates:
    def __init__(self, table):
        self._table = table

    def table(self):
        return self._table


@pytest.fixture
def rates(app, monkeypatch):
    """The rate table and today's date the API sees, set by the test."""
    from portal.clock import beijing

    table = RateTable(15, {"USD": [Rate("USD", date(2026, 12, 1), Decimal("7.0785"))]})
    monkeypatch.setitem(app.extensions, "exchange_rates", FixedRates(table))
    monkeypatch.setattr(beijing, "today", lambda: date(2026, 12, 2))
    return table


def test_a_foreign_project_at_the_threshold_qualifies(client, rates):
    response = client.get(f"{URL}?investor_type=foreign&amount=2000000.00&currency=USD")
    assert response.status_code == 200
    assert response.get_json() == {
        "eligible": True,
        "rule": "foreign_usd_2m",
        "reason": response.get_json()["reason"],
        "threshold": {"amount": "2000000.00", "currency": "USD"},
        "exchange_rate": None,
    }
    reason = response.get_json()["reason"]
    assert set(reason) == {"zh", "en"} and "USD\xa02,000,000.00" in reason["en"]


def test_a_cent_below_does_not(client, rates):
    answer = client.get(f"{URL}?investor_type=foreign&amount=1999999.99&currency=USD").get_json()
    assert (answer["eligible"], answer["rule"]) == (False, "foreign_usd_2m")


def test_a_converted_amount_names_the_rate_and_its_date(client, rates):
    answer = client.get(f"{URL}?investor_type=foreign&amount=14157000&currency=CNY").get_json()
    assert answer["eligible"] is True
    assert answer["exchange_rate"] == {"rate": "7.0785", "date": "2026-12-01"}
    below = client.get(f"{URL}?investor_type=foreign&amount=14156999.99&currency=CNY").get_json()
    assert below["eligible"] is False
    local = client.get(f"{URL}?investor_type=local&amount=1130182.95&currency=USD").get_json()
    assert (local["eligible"], local["rule"], local["threshold"]) == (
        True,
        "local_cny_8m",
        {"amount": "8000000.00", "currency": "CNY"},
    )


def test_a_key_project_qualifies_whatever_the_amount(client, rates):
    answer = client.get(
        f"{URL}?investor_type=out_of_city&amount=1&currency=USD&key_project=true"
    ).get_json()
    assert answer == {
        "eligible": True,
        "rule": "key_project",
        "reason": answer["reason"],
        "threshold": None,
        "exchange_rate": None,
    }


def test_no_usable_rate_is_a_422_saying_so(client, rates, monkeypatch):
    from portal.clock import beijing

    monkeypatch.setattr(beijing, "today", lambda: date(2027, 1, 30))
    response = client.get(f"{URL}?investor_type=foreign&amount=20000000&currency=CNY")
    assert response.status_code == 422
    assert "汇率" in response.get_json()["error"]["message"]
    # The same day, a check that needs no conversion still answers.
    same = client.get(f"{URL}?investor_type=foreign&amount=2000000&currency=USD")
    assert same.status_code == 200


@pytest.mark.parametrize(
    ("query", "wrong"),
    [
        ("", ["investor_type", "amount", "currency"]),
        ("investor_type=alien&amount=1&currency=CNY", ["investor_type"]),
        ("investor_type=local&amount=1.001&currency=CNY", ["amount"]),
        ("investor_type=local&amount=0&currency=CNY", ["amount"]),
        ("investor_type=local&amount=-3&currency=CNY", ["amount"]),
        ("investor_type=local&amount=abc&currency=CNY", ["amount"]),
        ("investor_type=local&amount=1000000000001&currency=CNY", ["amount"]),
        ("investor_type=local&amount=1&currency=EUR", ["currency"]),
        ("investor_type=local&amount=1&currency=CNY&key_project=yes", ["key_project"]),
        ("investor_type=x&amount=1.234&currency=usd&key_project=1", None),
    ],
)
def test_bad_parameters_are_a_400_naming_each_one(client, rates, query, wrong):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    expected = wrong or ["investor_type", "amount", "currency", "key_project"]
    assert [p["name"] for p in error["parameters"]] == expected
    assert all(p["message"] for p in error["parameters"])


def test_the_english_api_speaks_english(client, rates):
    client.get("/language/en")
    error = client.get(f"{URL}?investor_type=local&amount=1.001&currency=CNY").get_json()
    assert error["error"]["parameters"] == [
        {
            "name": "amount",
            "message": "Enter the investment amount to the cent at most (two decimal places).",
        }
    ]


def test_the_endpoint_is_in_the_openapi_document(client):
    document = client.get("/api/openapi.json").get_json()
    operation = document["paths"][URL]["get"]
    assert {p["name"] for p in operation["parameters"]} == {
        "investor_type",
        "amount",
        "currency",
        "key_project",
    }
    assert set(operation["responses"]) >= {"200", "400", "422"}
