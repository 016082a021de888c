"""County forwarding in Chromium with axe, zh and en, phone and desktop: the city window's
queue with the "forwarded by" marker, and the county's list and read-only case page."""

from __future__ import annotations

import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from portal.accounts import totp
from portal.clock import beijing
from portal.extensions import db
from portal.filing.forwarding import forward_to_city
from portal.filing.models import Application
from portal.window.models import StaffMember
from tests.factories import make_applicant, make_staff, sign_in_as
from tests.filing.test_journey import filed

pytestmark = pytest.mark.browser
axe = Axe()


def _no_violations(page: Page, step: str) -> None:
    results = axe.run(page)
    assert results.violations_count == 0, f"{step}: {results.generate_report()}"


def _sign_in(page: Page, live_app, live_server: str, **staff) -> None:
    _, username, password, secret = make_staff(live_app, **staff)
    page.goto(live_server + "/staff/sign-in")
    page.fill("#username", username)
    page.fill("#password", password)
    page.fill("#code", totp.code_at(secret, time.time()))
    page.locator("main button[type=submit]").click()
    expect(page.locator("h1")).to_be_visible()


def _forwarded(live_app) -> str:
    applicant_id, _ = make_applicant(live_app)
    client = live_app.test_client()
    sign_in_as(client, applicant_id)
    public_id = filed(client)
    officer_id, *_ = make_staff(live_app, center="hengyang-county", windows=("X11",))
    with live_app.app_context():
        forward_to_city(
            db.session.scalar(db.select(Application).where(Application.public_id == public_id)),
            db.session.get(StaffMember, officer_id),
            beijing.today(),
            live_app.extensions["calendar"],
        )
        db.session.commit()
    return public_id


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_marked_queue_and_the_county_follow_list(
    browser, live_app, live_server, viewport, language
):
    public_id = _forwarded(live_app)
    marker = {"zh": "由 衡阳县政务服务中心 转报", "en": "Forwarded by Hengyang County"}[language]

    city = browser.new_context(viewport=viewport)
    city.add_cookies([{"name": "lang", "value": language, "url": live_server}])
    page = city.new_page()
    _sign_in(page, live_app, live_server, windows=("A01",))
    row = page.locator("tbody tr", has=page.locator(f"a[href='/staff/cases/{public_id}']"))
    expect(row).to_contain_text(marker)
    _no_violations(page, f"city queue ({language})")
    page.locator(f"a[href='/staff/cases/{public_id}']").click()
    expect(page.locator("main")).to_contain_text(marker)
    _no_violations(page, f"city case ({language})")
    city.close()

    county = browser.new_context(viewport=viewport)
    county.add_cookies([{"name": "lang", "value": language, "url": live_server}])
    page = county.new_page()
    _sign_in(page, live_app, live_server, center="hengyang-county", windows=("X01",))
    page.locator("a[href='/staff/forwarded']").click()
    link = page.locator(f"a[href='/staff/forwarded/{public_id}']")
    expect(link).to_be_visible()
    _no_violations(page, f"county follow list ({language})")
    link.click()
    expect(page.locator("ol.timeline li")).to_have_count(4)
    expect(page.locator("main form")).to_have_count(0)
    _no_violations(page, f"county case page ({language})")
    county.close()
