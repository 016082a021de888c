"""The window console in Chromium with axe: sign in with the second factor, the queue,
a case, and a decision, on a phone and a desktop."""

from __future__ import annotations

import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from portal.accounts import totp
from tests.factories import make_applicant, make_staff, sign_in_as
from tests.filing.test_journey import filed

pytestmark = pytest.mark.browser
axe = Axe()


def _no_violations(page: Page, step: str) -> None:
    results = axe.run(page)
    assert results.violations_count == 0, f"{step}: {results.generate_report()}"


def test_an_officer_reviews_and_accepts_a_filing(page: Page, live_app, live_server, viewport):
    page.set_viewport_size(viewport)
    applicant_id, _ = make_applicant(live_app)
    client = live_app.test_client()
    sign_in_as(client, applicant_id)
    public_id = filed(client)
    _, username, password, secret = make_staff(live_app, windows=("A01",))
    page.goto(live_server + "/staff/sign-in")
    _no_violations(page, "staff sign-in")
    page.fill("#username", username)
    page.fill("#password", password)
    page.fill("#code", totp.code_at(secret, time.time()))
    page.locator("main button[type=submit]").click()
    expect(page.locator("table")).to_be_visible()
    _no_violations(page, "queue")
    page.locator(f"a[href='/staff/cases/{public_id}']").click()
    _no_violations(page, "case")
    page.locator("#decision-0").check()
    page.fill("#opinion", "材料齐全，符合法定形式")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".notice")).to_be_visible()
    expect(page.locator("main")).to_contain_text("受理通知书")
    _no_violations(page, "decided case")


def _sign_in(page: Page, live_app, live_server: str) -> None:
    _, username, password, secret = make_staff(live_app, windows=("A01",))
    page.goto(live_server + "/staff/sign-in")
    page.fill("#username", username)
    page.fill("#password", password)
    page.fill("#code", totp.code_at(secret, time.time()))
    page.locator("main button[type=submit]").click()
    expect(page.locator("h1")).to_be_visible()


def _filed(live_app) -> str:
    applicant_id, _ = make_applicant(live_app)
    client = live_app.test_client()
    sign_in_as(client, applicant_id)
    return filed(client)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_decision_form_and_the_history_with_and_without_javascript(
    browser, live_app, live_server, viewport, language
):
    public_id = _filed(live_app)
    scripted = browser.new_context(viewport=viewport)
    scripted.add_cookies([{"name": "lang", "value": language, "url": live_server}])
    page = scripted.new_page()
    _sign_in(page, live_app, live_server)

    # Without JavaScript: the page's scripts are never fetched (axe itself still runs, which a
    # context with JavaScript switched off would not let it). Every field shows.
    plain = browser.new_context(viewport=viewport)
    plain.route("**/*.js", lambda route: route.abort())
    plain.add_cookies(scripted.cookies())
    bare = plain.new_page()
    bare.goto(f"{live_server}/staff/cases/{public_id}")
    for field in ("#opinion", "#reason-M01", "#decline_reason", "#right_authority"):
        expect(bare.locator(field)).to_be_visible()
    _no_violations(bare, f"decision form without JavaScript ({language})")
    plain.close()

    page.goto(f"{live_server}/staff/cases/{public_id}")
    # Only the chosen decision's fields show; none before a choice.
    for group in ("accept", "supplements", "decline"):
        expect(page.locator(f"[data-decision-fields={group}]")).to_be_hidden()
    page.locator("#decision-1").check()
    expect(page.locator("#reason-M01")).to_be_visible()
    expect(page.locator("#decline_reason")).to_be_hidden()
    page.locator("#decision-2").check()
    expect(page.locator("#decline_reason")).to_be_visible()
    expect(page.locator("#opinion")).to_be_hidden()
    expect(page.locator("#reason-M01")).to_be_hidden()
    _no_violations(page, f"decision form with JavaScript ({language})")
    page.fill("#decline_reason", "不属于本机关职权范围")
    page.locator("main form[data-decision-form] button[type=submit]").click()
    expect(page.locator(".notice")).to_be_visible()

    page.goto(f"{live_server}/staff/history")
    link = page.locator(f"a[href='/staff/cases/{public_id}']")
    expect(link).to_be_visible()
    _no_violations(page, f"history ({language})")
    page.fill("#number", link.inner_text())
    page.locator("main form button[type=submit]").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    page.fill("#decided_from", "2030-01-02")
    page.fill("#decided_to", "2030-01-01")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    scripted.close()
