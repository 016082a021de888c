"""The proxy pages added after the plan, in Chromium with axe, zh and en, phone and desktop:
the head's reassigning page and an agent's own projects; the plan's catalog search; the
investor's read tokens on the dashboard; the investor's rating of an ended proxy service."""

from __future__ import annotations

import re
import time
import uuid

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from sqlalchemy import select

from portal.accounts import totp
from portal.accounts.models import Applicant
from portal.extensions import db
from portal.proxy.models import ProxyProject, ProxyRequest
from tests.factories import PASSWORD, make_staff
from tests.proxy.journey import submitted_request
from tests.proxy.projects import accepted_project

pytestmark = pytest.mark.browser
axe = Axe()
WORDS = {
    "zh": {
        "agent": "请选择新的代理员。",
        "found": "公共场所卫生许可",
        "token": "请填写令牌名称。",
        "shown": "只显示这一次",
        "level": "请选择一个评价等级。",
        "rated": "您的评价",
    },
    "en": {
        "agent": "Choose the new agent.",
        "found": "Public place hygiene permit",
        "token": "Enter a token name.",
        "shown": "shown only this once",
        "level": "Choose a rating.",
        "rated": "Your rating",
    },
}


def _checked(page: Page, step: str) -> None:
    results = axe.run(page)
    assert results.violations_count == 0, f"{step}: {results.generate_report()}"
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{step}: {overflow}px of sideways scrolling"


def _context(browser, live_server, viewport, language):
    context = browser.new_context(viewport=viewport)
    context.add_cookies([{"name": "lang", "value": language, "url": live_server}])
    return context, context.new_page()


def _staff(page: Page, live_server: str, staff) -> None:
    _id, username, password, secret = staff
    page.goto(live_server + "/staff/sign-in")
    page.fill("#username", username)
    page.fill("#password", password)
    page.fill("#code", totp.code_at(secret, time.time()))
    page.locator("main button[type=submit]").click()
    expect(page.locator("h1")).to_be_visible()


def _investor(page: Page, live_server: str, live_app, applicant_id: int) -> None:
    with live_app.app_context():
        identifier = db.session.get(Applicant, applicant_id).identifier
    page.goto(live_server + "/account/sign-in")
    page.fill("#identifier", identifier)
    page.fill("#password", PASSWORD)
    page.locator("main button[type=submit]").first.click()
    expect(page.locator("h1")).to_be_visible()


def _applicant_of(live_app, **where) -> int:
    with live_app.app_context():
        query = select(ProxyRequest.applicant_id)
        if "code" in where:
            query = query.join(ProxyProject).where(ProxyProject.code == where["code"])
        else:
            query = query.where(ProxyRequest.public_id == where["public_id"])
        return db.session.scalar(query)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_head_the_agent_and_the_investor_pages(
    browser, live_app, live_server, viewport, language
):
    words = WORDS[language]
    agent = make_staff(live_app, role="proxy-agent", windows=(), name="孙代理员")
    other = f"周代理员{uuid.uuid4().hex[:4]}"  # the live database is shared by every run
    make_staff(live_app, role="proxy-agent", windows=(), name=other)
    head = make_staff(live_app, role="proxy-head", windows=(), name="钱负责")
    code, _ = accepted_project(live_app, agent[0])

    context, page = _context(browser, live_server, viewport, language)
    _staff(page, live_server, agent)
    page.goto(f"{live_server}/staff/proxy/mine")
    expect(page.locator("main")).to_contain_text(code)
    _checked(page, "my projects")
    page.goto(f"{live_server}/staff/proxy/projects/{code}/plan")
    page.locator("#plan-search-q").fill(words["found"])
    page.locator("form.plan-search button").click()
    expect(page.locator("main")).to_contain_text(words["found"])
    _checked(page, "the catalog search")
    page.locator("input[name=item]").first.check()
    page.get_by_role("button", name=re.compile("加入计划|Add to the plan")).click()
    expect(page.locator(".notice")).to_be_visible()
    context.close()

    context, page = _context(browser, live_server, viewport, language)
    _staff(page, live_server, head)
    page.goto(f"{live_server}/staff/proxy/projects/{code}/agent")
    _checked(page, "the agent page")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_contain_text(words["agent"])
    _checked(page, "the agent page with an error")
    page.get_by_label(other).check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".notice")).to_contain_text(other)
    context.close()

    context, page = _context(browser, live_server, viewport, language)
    _investor(page, live_server, live_app, _applicant_of(live_app, code=code))
    page.goto(f"{live_server}/proxy/projects/{code}")
    page.locator("form[action$='/tokens'] button").click()
    expect(page.locator(".error-summary")).to_contain_text(words["token"])
    _checked(page, "a token without a name")
    page.locator("#name").fill("site office")
    page.locator("form[action$='/tokens'] button").click()
    expect(page.locator(".notice")).to_contain_text(words["shown"])
    expect(page.locator("code.token")).to_be_visible()
    _checked(page, "a token made")
    context.close()


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_investor_rates_a_refused_request(browser, live_app, live_server, viewport, language):
    words = WORDS[language]
    public_id = submitted_request(live_app)
    head = make_staff(live_app, role="proxy-head", windows=(), name="钱负责")
    context, page = _context(browser, live_server, viewport, language)
    _staff(page, live_server, head)
    page.goto(f"{live_server}/staff/proxy/{public_id}")
    page.locator("#reasons").fill("选址未定。")
    page.locator("form[action$='/refuse'] button").click()
    expect(page.locator(".notice")).to_be_visible()
    context.close()

    context, page = _context(browser, live_server, viewport, language)
    _investor(page, live_server, live_app, _applicant_of(live_app, public_id=public_id))
    page.goto(f"{live_server}/proxy/requests/{public_id}")
    _checked(page, "the rating form")
    page.locator("form[action$='/rating'] button").click()
    expect(page.locator(".error-summary")).to_contain_text(words["level"])
    _checked(page, "the rating form with an error")
    page.locator("input[name=level][value=satisfied]").check()
    page.locator("form[action$='/rating'] button").click()
    expect(page.locator("#rating")).to_contain_text(words["rated"])
    _checked(page, "rated")
    context.close()
