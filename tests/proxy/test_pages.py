"""The proxy service's public pages: the explanation, the checker and its answer, zh and en."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from portal.proxy.exchange_rates import Rate, RateTable
from tests.pages import assert_no_chinese_left, assert_page_basics

RIGHT = {
    "investor_type": "foreign",
    "amount": "2,000,000.00",
    "currency": "USD",
    "key_project": "no",
}


class FixedRates:
    def __init__(self, table):
        self._table = table

    def table(self):
        return self._table


@pytest.fixture
def rates(app, monkeypatch):
    from portal.clock import beijing

    table = RateTable(15, {"USD": [Rate("USD", date(2026, 12, 1), Decimal("7.0785"))]})
    monkeypatch.setitem(app.extensions, "exchange_rates", FixedRates(table))
    monkeypatch.setattr(beijing, "today", lambda: date(2026, 12, 2))


def test_the_home_page_links_the_service(client):
    assert 'href="/proxy"' in client.get("/").get_data(as_text=True)


def test_the_page_explains_who_qualifies_and_that_it_is_free(client):
    page = client.get("/proxy")
    assert page.status_code == 200
    assert_page_basics(page, "zh-Hans")
    text = page.get_data(as_text=True)
    assert "一律免费，不收任何委托代理服务费" in text
    assert "US$2,000,000.00" in text and "¥20,000,000.00" in text and "¥8,000,000.00" in text
    assert "重点招商引资项目" in text and "县市区政务服务中心代理" in text
    assert "0734-12345" in text and 'href="/proxy/check"' in text


def test_the_checker_is_a_form_that_works_without_javascript(client):
    page = client.get("/proxy/check")
    assert_page_basics(page, "zh-Hans")  # its CSRF token: tests/test_security.py
    text = page.get_data(as_text=True)
    assert 'method="post"' in text and "<script" not in text.split("</main>")[0].split("<main")[-1]
    for name in ("investor_type", "amount", "currency", "key_project"):
        assert f'name="{name}"' in text


def test_a_project_at_the_threshold_is_told_it_qualifies_and_what_to_do(client, rates):
    page = client.post("/proxy/check", data=RIGHT)
    assert page.status_code == 200
    assert_page_basics(page, "zh-Hans")
    text = page.get_data(as_text=True)
    assert "您的项目符合全程委托代理条件" in text and "外商投资项目" in text
    assert 'href="/proxy/request"' in text and "一律免费" in text


def test_a_cent_below_is_told_the_ordinary_way(client, rates):
    page = client.post("/proxy/check", data=RIGHT | {"amount": "1999999.99"})
    text = page.get_data(as_text=True)
    assert "不在全程委托代理范围内" in text and 'href="/items?audience=company"' in text


def test_a_converted_answer_shows_the_rate_and_its_date(client, rates):
    data = {
        "investor_type": "local",
        "amount": "1130182.95",
        "currency": "USD",
        "key_project": "no",
    }
    text = client.post("/proxy/check", data=data).get_data(as_text=True)
    assert "符合全程委托代理条件" in text
    assert "2026年12月1日" in text and "7.0785" in text


def test_a_key_project_qualifies_whatever_the_amount(client, rates):
    text = client.post("/proxy/check", data=RIGHT | {"amount": "1", "key_project": "yes"}).get_data(
        as_text=True
    )
    assert "符合全程委托代理条件" in text and "不论投资额多少" in text


def test_no_usable_rate_is_said_next_to_the_currency(client, rates, monkeypatch):
    from portal.clock import beijing

    monkeypatch.setattr(beijing, "today", lambda: date(2027, 2, 1))
    page = client.post("/proxy/check", data=RIGHT | {"currency": "CNY", "amount": "20000000"})
    text = page.get_data(as_text=True)
    assert "没有 2027年2月1日 可用的美元对人民币汇率中间价" in text
    assert 'href="#currency"' in text


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("", "请填写投资额。"),
        ("两百万", "投资额请只填数字"),
        ("2000000.001", "投资额最多精确到分"),
        ("0", "投资额必须大于零。"),
        ("-1", "投资额必须大于零。"),
        ("1000000000000.01", "投资额超过一万亿元人民币"),
    ],
)
def test_a_wrong_amount_is_said_next_to_it(client, rates, amount, message):
    page = client.post("/proxy/check", data=RIGHT | {"currency": "CNY", "amount": amount})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert message in text and 'href="#amount"' in text
    assert "<title>错误：" in text


def test_every_question_unanswered_is_summarised_in_field_order(client):
    text = client.post("/proxy/check", data={}).get_data(as_text=True)
    messages = [
        "请选择投资类型。",
        "请填写投资额。",
        "请选择投资额是人民币还是美元。",
        "请选择是否为重点项目。",
    ]
    positions = [text.index(f'href="#{name}"') for name in RIGHT]
    assert positions == sorted(positions), "the summary follows the fields' order"
    assert all(message in text for message in messages)
    odd = client.post("/proxy/check", data=RIGHT | {"investor_type": "alien", "currency": "EUR"})
    assert "请选择投资类型。" in odd.get_data(as_text=True)


def test_in_english_every_word_is_translated(english, rates):
    for path in ("/proxy", "/proxy/check"):
        page = english.get(path)
        assert_page_basics(page, "en")
        assert_no_chinese_left(page, path)
    about = english.get("/proxy").get_data(as_text=True)
    assert "USD\xa02,000,000.00" in about and "CNY\xa020,000,000.00" in about, "never a bare $"
    answer = english.post("/proxy/check", data=RIGHT | {"currency": "CNY", "amount": "14157000"})
    assert "Your project qualifies for the proxy service" in answer.get_data(as_text=True)
    assert "December 1, 2026" in answer.get_data(as_text=True)
    assert_no_chinese_left(answer, "/proxy/check")
    errors = english.post("/proxy/check", data={"amount": "1.001"})
    text = errors.get_data(as_text=True)
    assert "Choose the type of investment." in text
    assert "Enter the investment amount to the cent at most" in text
    assert_no_chinese_left(errors, "/proxy/check")
