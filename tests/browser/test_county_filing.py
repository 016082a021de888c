"""The county officer's start pages for filing a city-level item in Chromium with axe, zh and
en, phone and desktop: from the console's link through the applicant (a wrong number first),
the item, the city window, the county's day (a future one first), the letter, to the draft's
county page."""

from __future__ import annotations

import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from portal.accounts import totp
from tests.factories import make_applicant, make_staff, pdf_bytes
from tests.filing.test_journey import COMPANY

pytestmark = pytest.mark.browser
axe = Axe()


def _no_violations(page: Page, step: str) -> None:
    results = axe.run(page)
    assert results.violations_count == 0, f"{step}: {results.generate_report()}"


def _sign_in(page: Page, live_app, live_server: str) -> None:
    _, username, password, secret = make_staff(live_app, center="hengyang-county", windows=("X11",))
    page.goto(live_server + "/staff/sign-in")
    page.fill("#username", username)
    page.fill("#password", password)
    page.fill("#code", totp.code_at(secret, time.time()))
    page.locator("main button[type=submit]").click()
    expect(page.locator("h1")).to_be_visible()


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_start_pages(browser, live_app, live_server, viewport, language):
    _, identifier = make_applicant(live_app, name="刘县民")
    context = browser.new_context(viewport=viewport)
    context.add_cookies([{"name": "lang", "value": language, "url": live_server}])
    page = context.new_page()
    _sign_in(page, live_app, live_server)
    page.locator("a[href='/staff/county-filing']").click()

    page.fill("#identifier", "123")
    page.locator("main button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#identifier-error")).to_be_visible()
    _no_violations(page, f"applicant, wrong number ({language})")
    page.fill("#identifier", identifier)
    page.locator("main button[type=submit]").click()

    expect(page.locator("main")).to_contain_text("刘**")
    _no_violations(page, f"confirm ({language})")
    page.locator("main form[method=post] button[type=submit]").click()

    expect(page.locator(f"input[name=item][value='{COMPANY}']")).to_be_visible()
    _no_violations(page, f"item ({language})")
    page.fill("#q", COMPANY)
    page.locator("form[role=search] button").click()
    page.locator(f"input[name=item][value='{COMPANY}']").check()
    page.locator("main form[method=post] button[type=submit]").click()

    _no_violations(page, f"window ({language})")
    page.locator("input[name=window]").first.check()
    page.locator("main form button[type=submit]").click()

    page.fill("#received_on", "2099-01-01")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#received_on-error")).to_be_visible()
    _no_violations(page, f"received, future day ({language})")
    page.goto(live_server + "/staff/county-filing/received")
    page.locator("main form button[type=submit]").click()  # today, the default

    _no_violations(page, f"letter ({language})")
    page.set_input_files(
        "#file",
        files=[{"name": "letter.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}],
    )
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("letter.pdf")
    _no_violations(page, f"assisted overview ({language})")
    page.locator("main a.back-link").first.click()
    expect(page.locator("#received_on")).to_be_visible()
    _no_violations(page, f"county draft page ({language})")
    context.close()
