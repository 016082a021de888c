"""A whole complaint in Chromium by keyboard only, axe-core on every page, in Chinese and
in English: from the footer link through every question, an attachment-less step, contact,
check and submit to the acknowledgement; then following it and rating the reply."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from portal.complaints import operations
from portal.complaints.models import Complaint, ComplaintStatus
from portal.extensions import db

pytestmark = pytest.mark.browser
axe = Axe()
FEE_ITEM = "430400-GA-DJ-0002"


def _no_violations(page: Page, step: str) -> None:
    results = axe.run(page)
    assert results.violations_count == 0, f"{step}: {results.generate_report()}"


def _focused(locator: Locator) -> bool:
    return locator.evaluate("element => element === document.activeElement")


def _tab_to(page: Page, locator: Locator, limit: int = 120) -> None:
    """Tab until the element has the focus, as a keyboard user moves through the page."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if _focused(locator):
            return
    raise AssertionError(f"Tab never reached {locator}")


def _choose(page: Page, name: str, value: str) -> None:
    """Into the radio group with Tab, then the arrow keys to the option (which checks it)."""
    _tab_to(page, page.locator(f"input[name={name}]").first)
    wanted = page.locator(f"input[name={name}][value='{value}']")
    page.keyboard.press("Space")
    for _ in range(20):
        if wanted.is_checked():
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{name}={value} never checked")


def _type(page: Page, selector: str, text: str) -> None:
    _tab_to(page, page.locator(selector))
    page.keyboard.insert_text(text)


def _press_enter_and_wait(page: Page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _submit(page: Page) -> None:
    _tab_to(page, page.locator("main form[method=post] button[type=submit]").last)
    _press_enter_and_wait(page)


def _replied(live_app, ticket: str) -> None:
    with live_app.app_context():
        complaint = db.session.scalar(
            select(Complaint).where(Complaint.ticket == ticket.replace("-", ""))
        )
        for to in ("accepted", "investigating", "reply-approved"):
            operations.move(complaint, to, "office")
        operations.move(complaint, ComplaintStatus.REPLIED, "office", reply="已核实，已退还。")
        db.session.commit()


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_whole_complaint_by_keyboard_and_its_rating(page: Page, live_server, live_app, language):
    page.goto(live_server + f"/items/{FEE_ITEM}")
    if language == "en":
        page.get_by_role("link", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    footer = page.locator("footer a[href='/complaints/new']")
    _tab_to(page, footer)
    _press_enter_and_wait(page)
    _no_violations(page, "start")
    _submit(page)
    _no_violations(page, "kind")
    _submit(page)  # nothing chosen: the error is summarised and next to the field
    expect(page.locator(".error-summary")).to_be_visible()
    _no_violations(page, "kind with an error")
    _choose(page, "kind", "fee")
    _submit(page)
    _no_violations(page, "about")
    _choose(page, "about", "item")
    _submit(page)
    _type(page, "#q", "上牌" if language == "zh" else "licence plate")
    _press_enter_and_wait(page)
    _no_violations(page, "item")
    _choose(page, "item", FEE_ITEM)
    _submit(page)
    _no_violations(page, "place")
    first = page.locator("input[name=place]").first.get_attribute("value")
    _choose(page, "place", first)
    _submit(page)
    _no_violations(page, "what happened")
    _type(page, "#what", "窗口要求另交资料费。")
    _submit(page)
    _no_violations(page, "what they want")
    _type(page, "#want", "退还资料费。")
    _submit(page)
    _no_violations(page, "fee")
    _choose(page, "fee", "not-listed")
    _type(page, "#fee_named", "资料费")
    _type(page, "#asked", "30")
    _submit(page)
    _no_violations(page, "attachments")
    _submit(page)  # none: continue
    _no_violations(page, "contact")
    _choose(page, "way", "anonymous")
    _submit(page)
    _no_violations(page, "check")
    expect(page.locator("main")).to_contain_text("30.00")
    _submit(page)
    _no_violations(page, "acknowledgement")
    text = page.locator("main").inner_text()
    ticket = re.search(r"HYTS-\d{8}-\d{5}-[\dX]", text).group(0)
    code = re.search(r"\n([A-Z0-9]{6})\n", text).group(1)
    expect(page.get_by_role("link", name=re.compile("PDF"))).to_be_visible()
    # The reply comes; the complainant follows the ticket and rates it.
    _replied(live_app, ticket)
    page.goto(live_server + "/complaints/follow")
    _type(page, "#ticket", ticket)
    _type(page, "#code", code)
    _submit(page)
    _no_violations(page, "followed with a reply")
    expect(page.locator("main")).to_contain_text("已核实，已退还。")
    _choose(page, "level", "satisfied")
    _submit(page)
    _no_violations(page, "rated")
    with live_app.app_context():
        complaint = db.session.scalar(
            select(Complaint).where(Complaint.ticket == ticket.replace("-", ""))
        )
        assert complaint.status == ComplaintStatus.CLOSED and complaint.rating == "satisfied"
