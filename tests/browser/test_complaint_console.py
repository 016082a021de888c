"""The supervision office's console in Chromium with axe, in Chinese and English: a handler
finds the complaint on the queue, opens the complainant's identity, accepts, investigates,
asks the window for a statement, drafts the reply (and first makes a mistake); the head
approves it and the complaint is replied."""

from __future__ import annotations

import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from sqlalchemy import select

from portal.accounts import totp
from portal.catalog.models import Center, ServiceItem
from portal.complaints.deadlines import read_deadlines
from portal.complaints.numbering import display_ticket
from portal.complaints.operations import ComplaintDraft, Contact, file_complaint
from portal.config import PROJECT_ROOT
from portal.extensions import db
from tests.factories import make_staff

pytestmark = pytest.mark.browser
axe = Axe()
WORDS = {
    "zh": {"queue": "投诉工单", "identity": "查看投诉人身份", "replied": "已答复"},
    "en": {
        "queue": "Complaints",
        "identity": "Show the complainant's identity",
        "replied": "Replied",
    },
}


def _no_violations(page: Page, step: str) -> None:
    results = axe.run(page)
    assert results.violations_count == 0, f"{step}: {results.generate_report()}"


def _complaint(live_app) -> str:
    with live_app.app_context():
        center = db.session.scalar(select(Center).where(Center.slug == "city"))
        item = db.session.scalars(select(ServiceItem).order_by(ServiceItem.code)).first()
        filed = file_complaint(
            ComplaintDraft(
                kind="slow",
                what_happened="等了三周还没有受理。",
                what_they_want="尽快受理。",
                item=item,
                center=center,
                contact=Contact("欧阳娜", mobile="13900005555"),
            ),
            live_app.extensions["calendar"],
            read_deadlines(PROJECT_ROOT / "guides"),
        )
        db.session.commit()
        return filed.complaint.ticket


def _signed_in(browser, live_app, live_server, viewport, language, role, name, center="city"):
    _, username, password, secret = make_staff(
        live_app, role=role, windows=(), name=name, center=center
    )
    context = browser.new_context(viewport=viewport)
    context.add_cookies([{"name": "lang", "value": language, "url": live_server}])
    page = context.new_page()
    page.goto(live_server + "/staff/sign-in")
    page.fill("#username", username)
    page.fill("#password", password)
    page.fill("#code", totp.code_at(secret, time.time()))
    page.locator("main button[type=submit]").click()
    expect(page.locator("h1")).to_be_visible()
    return context, page


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_handler_and_the_head_take_a_complaint_to_its_reply(
    browser, live_app, live_server, viewport, language
):
    words = WORDS[language]
    ticket = _complaint(live_app)
    handler_context, page = _signed_in(
        browser, live_app, live_server, viewport, language, "supervisor", "监察员丙"
    )
    page.get_by_role("link", name=words["queue"], exact=True).click()
    _no_violations(page, f"queue ({language})")
    page.locator(f"a[href='/staff/complaints/{ticket}']").click()
    expect(page.locator("h1")).to_contain_text(display_ticket(ticket))
    expect(page.locator("main")).not_to_contain_text("欧阳娜")
    _no_violations(page, f"ticket received ({language})")

    page.get_by_role("button", name=words["identity"]).click()
    expect(page.locator("main")).to_contain_text("13900005555")
    _no_violations(page, f"identity shown ({language})")

    page.locator("form[action$='/accept'] button").click()
    expect(page.locator(".notice")).to_be_visible()
    page.select_option("#handler", label="监察员丙")
    page.locator("form[action$='/investigate'] button").click()
    page.fill("#asked_of", "综合受理窗口")
    page.fill("#question", "请说明为何三周未受理。")
    page.locator("form[action$='/statements'] button").click()
    expect(page.locator(".notice")).to_be_visible()
    page.locator("form[action$='/reply'] button").click()  # nothing written: an error
    expect(page.locator(".error-summary")).to_be_visible()
    _no_violations(page, f"reply error ({language})")
    page.fill("#reply", "经核查，窗口已于次日受理，并向您致歉。")
    page.locator("form[action$='/reply'] button").click()
    expect(page.locator(".notice")).to_be_visible()
    _no_violations(page, f"investigating with a draft ({language})")
    handler_context.close()

    head_context, head = _signed_in(
        browser, live_app, live_server, viewport, language, "supervision-head", "监察室主任丁"
    )
    head.goto(f"{live_server}/staff/complaints/{ticket}")
    expect(head.locator("main")).to_contain_text("监察员丙")  # who opened the identity
    _no_violations(head, f"ticket for the head ({language})")
    head.locator("form[action$='/reply/approve'] button").click()
    expect(head.locator(".status-tag").first).to_contain_text(words["replied"])
    expect(head.locator("main")).to_contain_text("经核查，窗口已于次日受理")
    _no_violations(head, f"replied ({language})")
    head_context.close()
