"""Search as people type it: everyday words, any punctuation, either language."""

from __future__ import annotations

import re

import pytest

from portal.catalog.search import normalize, search, terms

EVERYDAY_QUERIES = [
    ("开饭店", "食品经营许可"),
    ("驾照到期", "驾驶证"),
    ("办个体户", "个体工商户"),
    ("提取公积金", "公积金提取"),
    ("开公司", "有限责任公司设立登记"),
    ("新车上牌", "机动车注册登记"),
    ("给员工买社保", "单位社会保险登记"),
    ("房子过户", "不动产"),
    ("工伤", "工伤认定"),
    ("施工许可证", "施工许可"),
    ("进出口报关备案", "收发货人"),
    ("采矿权转让", "采矿权转让"),
]
ENGLISH_QUERIES = [
    ("open a restaurant", "食品经营许可"),
    ("driving licence renewal", "驾驶证"),
    ("withdraw housing provident fund", "公积金提取"),
    ("register a company", "有限责任公司设立登记"),
]


def _top_three(app, query: str) -> list[str]:
    with app.test_request_context():
        return [hit.item.name["zh"] for hit in search(query)[:3]]


@pytest.mark.parametrize(("query", "expected"), EVERYDAY_QUERIES + ENGLISH_QUERIES)
def test_everyday_words_find_the_item_in_the_top_three(app, query, expected):
    top = _top_three(app, query)
    assert any(expected in name for name in top), f"{query!r} gave {top}"


@pytest.mark.parametrize("variant", ["开 饭 店", "开饭店！", "“开饭店”", "  开饭店?  ", "开，饭店"])
def test_punctuation_and_spacing_do_not_matter(app, variant):
    assert _top_three(app, variant) == _top_three(app, "开饭店")


def test_full_width_and_case_fold_alike():
    assert normalize("ＡＢＣ　Driving") == normalize("abc driving")
    assert terms("Driving Licences") == terms("driving licence")


def test_the_search_page_lists_results_with_links(client):
    page = client.get("/search?q=开饭店").get_data(as_text=True)
    assert re.search(r'href="/items/[^"]+">[^<]*食品经营许可', page)


def test_an_empty_result_suggests_life_events_and_the_phone(app, client):
    response = client.get("/search?q=量子纠缠望远镜")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "没有找到" in page
    assert 'href="/life-events/start-business"' in page
    assert app.config["CONSULTATION_PHONE"] in page


def test_an_over_long_search_is_refused_with_a_message(client):
    response = client.get("/search", query_string={"q": "开" * 101})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "搜索内容太长" in page
    assert 'role="alert"' in page


def test_an_empty_search_shows_the_form(client):
    response = client.get("/search?q=")
    assert response.status_code == 200
    assert 'name="q"' in response.get_data(as_text=True)


def test_searches_are_rate_limited_per_client(tmp_path, monkeypatch):
    from tests.conftest import fresh_database, load_guides, make_app

    monkeypatch.setenv("TEST_RATELIMIT_ENABLED", "true")
    with fresh_database("sqlite", tmp_path) as url:
        app = make_app(url, SEARCH_RATE_LIMIT="3 per minute")
        load_guides(app)
        client = app.test_client()
        answers = [client.get("/search?q=开饭店").status_code for _ in range(4)]
        assert answers == [200, 200, 200, 429]
        page = client.get("/search?q=开饭店").get_data(as_text=True)
        assert "请求太频繁" in page
