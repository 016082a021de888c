"""The office's list of a complaint's attachments and the staff page of parked hotline
callbacks, in Chromium with axe, in Chinese and English."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_complaint_console import _no_violations, _signed_in
from tests.complaints.test_api import CENTER
from tests.complaints.test_attachment_links import file_with_attachment
from tests.complaints.test_parked_callbacks import park_a_callback

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_attachments_list_and_the_parked_callbacks_page_pass_axe(
    browser, live_app, live_server, viewport, language
):
    ticket = file_with_attachment(live_app)
    context, page = _signed_in(
        browser, live_app, live_server, viewport, language, "supervisor", "监察员甲"
    )
    page.goto(f"{live_server}/staff/complaints/{ticket}")
    link = page.get_by_role("link", name="收费单据.pdf")
    expect(link).to_be_visible()
    _no_violations(page, f"ticket with an attachment ({language})")
    context.close()

    _, parked_ticket, _ = park_a_callback(live_app)
    context, page = _signed_in(
        browser, live_app, live_server, viewport, language, "administrator", "管理员乙", CENTER
    )
    page.goto(f"{live_server}/staff/hotline-callbacks")
    expect(page.locator("main")).to_contain_text(parked_ticket)
    _no_violations(page, f"parked callbacks ({language})")
    page.locator("form[action$='/resend'] button").first.click()
    expect(page.locator(".notice")).to_be_visible()
    _no_violations(page, f"sent again ({language})")
    context.close()
