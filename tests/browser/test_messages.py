"""The message box in Chromium, with axe-core, on a phone and a desktop, in Chinese and in
English: every message newest first with its case and delivery, the full text, the notice
it was sent for, and changing how messages come."""

from __future__ import annotations

import uuid

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from portal.accounts.models import Applicant
from portal.extensions import db
from tests.factories import PASSWORD, make_applicant, make_staff, sign_in_as, sign_in_staff
from tests.filing.test_journey import filed

pytestmark = pytest.mark.browser
axe = Axe()


def _no_violations(page: Page, step: str) -> None:
    results = axe.run(page)
    assert results.violations_count == 0, f"{step}: {results.generate_report()}"


def _accepted_case_for(app, language: str) -> tuple[str, str]:
    """An applicant (with e-mail) whose filing the window accepted: identifier, case id."""
    applicant_id, identifier = make_applicant(app, email=f"box-{uuid.uuid4().hex[:8]}@example.com")
    with app.app_context():
        db.session.get(Applicant, applicant_id).language = language
        db.session.commit()
    client = app.test_client()
    sign_in_as(client, applicant_id)
    public_id = filed(client)
    staff_id, *_ = make_staff(app, windows=("A01",))
    officer = app.test_client()
    sign_in_staff(officer, staff_id)
    assert officer.post(f"/staff/cases/{public_id}", data={"decision": "accept"}).status_code == 302
    return identifier, public_id


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_message_box_in_the_browser(page: Page, live_app, live_server, viewport, language):
    identifier, public_id = _accepted_case_for(live_app, language)
    page.set_viewport_size(viewport)
    page.goto(live_server + "/")
    if language == "en":
        page.get_by_role("link", name="English").click()
    page.goto(live_server + "/account/sign-in")
    page.fill("#identifier", identifier)
    page.fill("#password", PASSWORD)
    page.locator("main button[type=submit]").first.click()
    page.goto(live_server + "/account")
    page.get_by_role("link", name="我的消息" if language == "zh" else "Your messages").click()
    _no_violations(page, "message box")
    messages = page.locator("li.message")
    expect(messages).to_have_count(2)  # accepted, then received: newest first
    newest = messages.first
    accepted = "已受理" if language == "zh" else "has been accepted"
    expect(newest.locator("h2")).to_contain_text(accepted)
    expect(newest.locator(".delivery").first).to_be_visible()
    newest.locator("summary").click()
    expect(newest.locator(".message-body")).to_be_visible()
    _no_violations(page, "message open")
    notice = newest.locator("a[href*='/notices/']")
    expect(notice).to_have_count(1)
    # The case's own messages, from its page.
    newest.locator(f"a[href='/applications/{public_id}']").click()
    page.locator(f"a[href='/account/messages/cases/{public_id}']").click()
    expect(page.locator("li.message")).to_have_count(2)
    _no_violations(page, "case messages")
    # Change how messages come.
    page.locator("a[href='/account/messages/channels']").click()
    _no_violations(page, "channels")
    page.locator("#message_channels-0").check()
    page.locator("main button[type=submit]").click()
    expect(page.locator(".notice")).to_be_visible()
    _no_violations(page, "channels saved")
    with live_app.app_context():
        chosen = db.session.scalars(
            db.select(Applicant.message_channels).where(Applicant.identifier == identifier)
        ).one()
    assert chosen == "sms"
