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
