"""CSRF on every form, and security headers, with the protections switched on."""

from __future__ import annotations

import re

from tests.conftest import fresh_database, load_guides, make_app
from tests.factories import make_applicant, sign_in_as
from tests.pages import assert_page_basics


def test_a_form_posted_without_its_csrf_token_is_refused_with_a_page(tmp_path, monkeypatch):
    monkeypatch.setenv("TEST_CSRF_ENABLED", "true")
    with fresh_database("sqlite", tmp_path) as url:
        app = make_app(url)
        client = app.test_client()
        page = client.get("/account/sign-in").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        refused = client.post("/account/sign-in", data={"identifier": "x", "password": "y"})
        assert refused.status_code == 400
        assert "页面已过期" in refused.get_data(as_text=True)
        accepted = client.post(
            "/account/sign-in", data={"identifier": "x", "password": "y", "csrf_token": token}
        )
        assert accepted.status_code == 200


FORM_PAGES = [
    "/account/sign-in",
    "/account/register",
    "/account/register/individual",
    "/account/register/company",
    "/account/forgot-password",
    "/account/reset-password",
    "/track",
    "/proxy/check",
]


def test_every_form_carries_a_csrf_token(tmp_path, monkeypatch):
    monkeypatch.setenv("TEST_CSRF_ENABLED", "true")
    with fresh_database("sqlite", tmp_path) as url:
        app = make_app(url)
        load_guides(app)
        client = app.test_client()
        applicant_id, _ = make_applicant(app)
        pages = list(FORM_PAGES)
        sign_in_as(client, applicant_id)
        page = client.get("/items/430400-SC-XK-0001/apply").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        location = client.post(
            "/items/430400-SC-XK-0001/apply", data={"csrf_token": token}
        ).headers["Location"]
        public_id = re.search(r"/applications/([0-9a-f]{32})/", location).group(1)
        pages += [
            "/items/430400-SC-XK-0001/apply",
            "/account",
            f"/applications/{public_id}/questions/company-name",
            f"/applications/{public_id}/questions/licence-delivery",
            f"/applications/{public_id}/materials/M01",
            f"/applications/{public_id}/check",
        ]
        for path in pages:
            response = client.get(path)
            assert response.status_code == 200, path
            assert 'method="post"' in response.get_data(as_text=True), path
            assert_page_basics(response, lang="zh-Hans", csrf=True)
