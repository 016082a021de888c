"""The page cache keeps only what every anonymous reader may see, and nothing skips Flask.

A cached page is served from inside its view, after every request hook (the HTTPS
redirect among them), and only to readers who have not signed in. Private pages tell
browsers and proxies not to store them at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask

from portal.extensions import db
from tests.applying import file_an_application
from tests.conftest import fresh_database, load_guides, make_app
from tests.factories import make_applicant, make_staff, sign_in_as, sign_in_staff

CACHE_HEADER = "X-Page-Cache"


@contextmanager
def _app_with_guides(backend: str, folder, **overrides) -> Iterator[Flask]:
    with fresh_database(backend, folder) as url:
        app = make_app(url, **overrides)
        load_guides(app)
        try:
            yield app
        finally:
            with app.app_context():
                db.engine.dispose()


@pytest.fixture
def fresh_app(backend, tmp_path):
    """An app with the guides loaded and an empty page cache (the shared app's is warm)."""
    with _app_with_guides(backend, tmp_path, PAGE_CACHE_ENABLED=True) as app:
        yield app


@pytest.fixture
def https_app(backend, tmp_path):
    with _app_with_guides(backend, tmp_path, PAGE_CACHE_ENABLED=True, FORCE_HTTPS=True) as app:
        yield app


CACHED_PAGES = ["/", "/centers", "/items/430400-SC-XK-0001", "/fees"]


def test_a_cached_page_still_redirects_plain_http_when_https_is_forced(https_app):
    for path in CACHED_PAGES:
        secure = https_app.test_client()
        assert secure.get(path, base_url="https://localhost").status_code == 200

        plain = https_app.test_client().get(path)
        assert plain.status_code == 301, path
        assert plain.headers["Location"] == f"https://localhost{path}"

        again = secure.get(path, base_url="https://localhost")
        assert again.headers[CACHE_HEADER] == "hit", "served from the cache, over HTTPS"
        assert "Strict-Transport-Security" in again.headers


def _header_links(page: str) -> set[str]:
    prefs = re.search(r'<nav class="prefs".*?</nav>', page, re.S).group(0)
    return set(re.findall(r'href="([^"?]+)', prefs))


def test_a_staff_members_header_never_reaches_an_applicant_or_a_visitor(fresh_app):
    staff_id, *_ = make_staff(fresh_app)
    applicant_id, _ = make_applicant(fresh_app)
    staff, applicant, visitor = (fresh_app.test_client() for _ in range(3))
    sign_in_staff(staff, staff_id)
    sign_in_as(applicant, applicant_id)

    # The second round would be served from the cache if anything were kept.
    for path in CACHED_PAGES + CACHED_PAGES:
        staff_page = staff.get(path).get_data(as_text=True)
        applicant_page = applicant.get(path).get_data(as_text=True)
        visitor_page = visitor.get(path).get_data(as_text=True)
        assert "/staff" in _header_links(staff_page)
        assert _header_links(applicant_page) >= {"/applications", "/account"}
        assert "/staff" not in _header_links(applicant_page)
        assert _header_links(visitor_page) & {"/staff", "/applications", "/account"} == set()
        assert "/account/sign-in" in _header_links(visitor_page)


def test_an_applicants_header_never_reaches_staff(fresh_app):
    staff_id, *_ = make_staff(fresh_app)
    applicant_id, _ = make_applicant(fresh_app)
    applicant, staff = fresh_app.test_client(), fresh_app.test_client()
    sign_in_as(applicant, applicant_id)
    sign_in_staff(staff, staff_id)
    applicant.get("/departments")
    links = _header_links(staff.get("/departments").get_data(as_text=True))
    assert "/staff" in links
    assert "/applications" not in links


def test_public_pages_are_served_from_the_cache_for_visitors_only(fresh_app):
    visitor = fresh_app.test_client()
    first, second = visitor.get("/centers"), visitor.get("/centers")
    assert (first.headers[CACHE_HEADER], second.headers[CACHE_HEADER]) == ("miss", "hit")
    assert first.get_data() == second.get_data()
    visitor.get("/language/en")
    assert visitor.get("/centers").headers[CACHE_HEADER] == "miss", "one entry per language"
    assert visitor.get("/centers").headers[CACHE_HEADER] == "hit"

    applicant_id, _ = make_applicant(fresh_app)
    applicant = fresh_app.test_client()
    sign_in_as(applicant, applicant_id)
    for _ in range(2):
        assert CACHE_HEADER not in applicant.get("/centers").headers, "signed in: rendered"


def test_the_cache_can_be_switched_off(backend, tmp_path):
    with _app_with_guides(backend, tmp_path, PAGE_CACHE_ENABLED=False) as app:
        client = app.test_client()
        for _ in range(2):
            response = client.get("/centers")
            assert response.status_code == 200
            assert CACHE_HEADER not in response.headers


def test_private_pages_say_no_store_and_public_pages_do_not(fresh_app):
    applicant_id, _ = make_applicant(fresh_app)
    applicant = fresh_app.test_client()
    sign_in_as(applicant, applicant_id)
    public_id = file_an_application(applicant)
    progress = applicant.get(f"/applications/{public_id}").get_data(as_text=True)
    attachment = re.search(rf'href="(/applications/{public_id}/files/[^"]+)"', progress).group(1)
    for path in (
        "/account",
        "/applications",
        f"/applications/{public_id}",
        f"/applications/{public_id}/receipt.pdf",
        attachment,
    ):
        response = applicant.get(path)
        response.close()
        assert response.status_code == 200, path
        assert "no-store" in response.headers.get("Cache-Control", ""), path

    staff_id, *_ = make_staff(fresh_app, role="supervisor")
    staff = fresh_app.test_client()
    sign_in_staff(staff, staff_id)
    for path in ("/staff", "/staff/deliveries", f"/staff/cases/{public_id}"):
        response = staff.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response.headers.get("Cache-Control", ""), path

    # Signed out, a private page's redirect to sign-in is not stored either.
    assert "no-store" in fresh_app.test_client().get("/account").headers["Cache-Control"]
    for path in ("/", "/items/430400-SC-XK-0001", "/account/sign-in"):
        response = fresh_app.test_client().get(path)
        assert "no-store" not in response.headers.get("Cache-Control", ""), path
