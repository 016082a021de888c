"""The first visit follows the browser's language; the reader's own choice wins after that,
and the page cache keeps one page per language."""

from __future__ import annotations

import pytest

from portal.extensions import db
from tests.conftest import fresh_database, load_guides, make_app

ENGLISH_BROWSER = {"Accept-Language": "en-GB,en;q=0.9"}


@pytest.fixture
def cached_app(backend, tmp_path):
    with fresh_database(backend, tmp_path) as url:
        app = make_app(url, PAGE_CACHE_ENABLED=True)
        load_guides(app)
        yield app
        with app.app_context():
            db.engine.dispose()


def test_a_first_visit_from_an_english_browser_is_in_english(client):
    page = client.get("/items", headers=ENGLISH_BROWSER)
    assert '<html lang="en"' in page.get_data(as_text=True)
    assert "Service guides" in page.get_data(as_text=True)


def test_a_browser_asking_for_chinese_or_nothing_gets_chinese(app):
    for headers in ({"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}, {}, {"Accept-Language": "fr"}):
        page = app.test_client().get("/items", headers=headers)
        assert '<html lang="zh-Hans"' in page.get_data(as_text=True), headers


def test_the_language_chosen_on_the_site_wins_over_the_browser(app):
    reader = app.test_client()
    reader.get("/language/zh")
    page = reader.get("/items", headers=ENGLISH_BROWSER)
    assert '<html lang="zh-Hans"' in page.get_data(as_text=True)
    reader.get("/language/en")
    page = reader.get("/items", headers={"Accept-Language": "zh-CN"})
    assert '<html lang="en"' in page.get_data(as_text=True)


def test_pages_tell_shared_caches_they_differ_by_language_and_cookie(client):
    response = client.get("/items", headers=ENGLISH_BROWSER)
    assert "Accept-Language" in response.headers["Vary"]
    assert "Cookie" in response.headers["Vary"]


def test_the_page_cache_keeps_a_page_per_language(cached_app):
    chinese = cached_app.test_client().get("/centers", headers={"Accept-Language": "zh"})
    assert '<html lang="zh-Hans"' in chinese.get_data(as_text=True)
    english = cached_app.test_client().get("/centers", headers=ENGLISH_BROWSER)
    assert '<html lang="en"' in english.get_data(as_text=True)
    assert english.headers["X-Page-Cache"] == "miss", "the Chinese page is not served in English"
    again = cached_app.test_client().get("/centers", headers=ENGLISH_BROWSER)
    assert again.headers["X-Page-Cache"] == "hit"
    assert '<html lang="en"' in again.get_data(as_text=True)
