"""The permit plan and the project dashboard in Chromium with axe, in Chinese and English:
the agent adds three suggested permits, tries an order that would be a ring and is told so
beside the plan, orders them, and reads the dashboard."""

from __future__ import annotations

import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from portal.accounts import totp
from tests.factories import make_staff
from tests.proxy.projects import CONSTRUCTION, LAND, PLANNING, accepted_project

pytestmark = pytest.mark.browser
axe = Axe()
WORDS = {
    "zh": {
        "add": "加入计划",
        "save": "保存顺序",
        "ring": "互相等待",
        "dashboard": "查看项目进度",
        "waits": "等前置许可办结后递交",
        "land": "建设项目用地预审与选址意见书核发",
    },
    "en": {
        "add": "Add to the plan",
        "save": "Save the order",
        "ring": "wait for each other",
        "dashboard": "See the project dashboard",
        "waits": "Filed once the permits it waits for are granted",
        "land": "Issuing the land pre-examination and site selection opinion",
    },
}


def _no_violations(page: Page, step: str) -> None:
    results = axe.run(page)
    assert results.violations_count == 0, f"{step}: {results.generate_report()}"


def _fits(page: Page, step: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{step}: {overflow}px of sideways scrolling"


def _permit_form(page: Page, item: str):
    """The order form of the permit whose item is ``item`` (its code is shown under it)."""
    return page.locator("ol.permit-plan > li", has_text=item).locator("form").first


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_agent_builds_the_plan_and_reads_the_dashboard(
    browser, live_app, live_server, viewport, language
):
    words = WORDS[language]
    agent_id, username, password, secret = make_staff(
        live_app, role="proxy-agent", windows=(), name="孙代理员"
    )
    code, _investor = accepted_project(live_app, agent_id)
    context = browser.new_context(viewport=viewport)
    context.add_cookies([{"name": "lang", "value": language, "url": live_server}])
    page = context.new_page()
    page.goto(live_server + "/staff/sign-in")
    page.fill("#username", username)
    page.fill("#password", password)
    page.fill("#code", totp.code_at(secret, time.time()))
    page.locator("main button[type=submit]").click()
    expect(page.locator("h1")).to_be_visible()

    page.goto(f"{live_server}/staff/proxy/projects/{code}/plan")
    _no_violations(page, "the empty plan")
    _fits(page, "the empty plan")
    for item in (LAND, PLANNING, CONSTRUCTION):
        page.locator(f"input[value='{item}']").check()
        page.get_by_role("button", name=words["add"]).click()
        expect(page.locator(".notice")).to_be_visible()
    _no_violations(page, "three permits")

    # The planning permit waits for the land permit; then the land permit for the planning
    # permit, a ring: refused, named at the top.
    form = _permit_form(page, PLANNING)
    form.get_by_label(words["land"]).check()
    form.get_by_role("button", name=words["save"]).click()
    expect(page.locator(".notice")).to_be_visible()
    form = _permit_form(page, LAND)
    form.locator("input[type=checkbox]").first.check()
    form.get_by_role("button", name=words["save"]).click()
    expect(page.locator(".error-summary")).to_contain_text(words["ring"])
    _no_violations(page, "the ring refused")
    _fits(page, "the ring refused")

    page.get_by_role("link", name=words["dashboard"]).click()
    expect(page.locator("table.permits")).to_contain_text(words["waits"])
    _no_violations(page, "the dashboard")
    _fits(page, "the dashboard")
    context.close()
