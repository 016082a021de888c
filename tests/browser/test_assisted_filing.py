"""Staff-assisted filing in Chromium with axe, in Chinese and English, on a phone and a
desktop: the agent files a permit from the plan page, reads the draft's overview, one step of
the journey (a material page offering the project's documents) and the check page with the
declaration made under the letter of authorisation."""

from __future__ import annotations

import io
import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from portal.accounts import totp
from tests.factories import make_staff, pdf_bytes, sign_in_staff
from tests.proxy.projects import LAND, accepted_project, add

pytestmark = pytest.mark.browser
axe = Axe()
WORDS = {
    "zh": {
        "file": "代投资方递交这项许可",
        "continue": "继续填写申请",
        "pick": "从项目材料中选择",
        "check": "核对代办的申请",
        "letter": "依据委托书",
    },
    "en": {
        "file": "File this permit for the investor",
        "continue": "Continue filling it in",
        "pick": "Choose from the project documents",
        "check": "Check the application you are filing for the applicant",
        "letter": "Under the letter of authorisation",
    },
}


def _no_violations(page: Page, step: str) -> None:
    results = axe.run(page)
    assert results.violations_count == 0, f"{step}: {results.generate_report()}"


def _fits(page: Page, step: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{step}: {overflow}px of sideways scrolling"


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_agent_files_a_permit_for_the_investor(
    browser, live_app, live_server, viewport, language
):
    words = WORDS[language]
    agent_id, username, password, secret = make_staff(
        live_app, role="proxy-agent", windows=(), name="孙代理员"
    )
    code, _investor = accepted_project(live_app, agent_id)
    setup = live_app.test_client()
    sign_in_staff(setup, agent_id)
    assert add(setup, live_app, code, LAND).status_code == 302
    uploaded = setup.post(
        f"/staff/proxy/projects/{code}/documents",
        data={"file": (io.BytesIO(pdf_bytes()), "营业执照.pdf")},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 302

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
    _no_violations(page, "the plan with a permit to file and a project document")
    _fits(page, "the plan")
    page.get_by_role("button", name=words["file"]).click()
    expect(page.get_by_role("link", name=words["continue"], exact=True)).to_be_visible()
    _no_violations(page, "the draft's overview")
    _fits(page, "the draft's overview")

    page.get_by_role("link", name=words["continue"], exact=True).click()
    if "/where" in page.url:
        page.locator("input[name=window]").first.check()
        page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text(words["pick"])
    _no_violations(page, "a material step of the assisted journey")
    _fits(page, "a material step")

    page.goto(page.url.rsplit("/materials/", 1)[0] + "/check")
    expect(page.locator("h1")).to_have_text(words["check"])
    expect(page.locator("main")).to_contain_text(words["letter"])
    _no_violations(page, "the check page")
    _fits(page, "the check page")
    context.close()
