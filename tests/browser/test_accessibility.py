"""axe-core finds nothing on the public pages, in both languages, on a phone and a desktop."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PAGES = [
    ("/", "home"),
    ("/search?q=开饭店", "search results"),
    ("/search?q=量子纠缠望远镜", "no results"),
    ("/items/430400-SC-XK-0001", "guide"),
    ("/centers/city", "center"),
    ("/fees", "fee schedule"),
    ("/fees/public-institutions", "institution fees"),
    ("/items/NO-SUCH-ITEM", "not found"),
]
axe = Axe()


def _assert_no_violations(page: Page, label: str) -> None:
    results = axe.run(page)
    assert results.violations_count == 0, f"{label}: {results.generate_report()}"


def _choose_english(page: Page, live_server: str) -> None:
    page.goto(live_server + "/")
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


@pytest.mark.parametrize("language", ["zh", "en"])
def test_public_pages_have_no_accessibility_violations(page, live_server, viewport, language):
    page.set_viewport_size(viewport)
    if language == "en":
        _choose_english(page, live_server)
    for path, label in PAGES:
        page.goto(live_server + path)
        _assert_no_violations(page, f"{label} ({language}, {viewport['width']}px)")


def test_a_keyboard_user_can_skip_to_the_content_and_search(page, live_server):
    page.goto(live_server + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="跳到主要内容")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    page.get_by_label("搜索要办的事").fill("提取公积金")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("搜索要办的事")
    expect(page.locator(".cards a").first).to_contain_text("公积金")


def test_large_text_persists_across_pages(page, live_server):
    page.goto(live_server + "/")
    before = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    page.get_by_role("link", name="大字版").click()
    page.goto(live_server + "/fees")
    after = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert after >= before * 1.25


def test_the_guide_fits_a_phone_without_sideways_scrolling(page, live_server):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(live_server + "/items/430400-SC-XK-0001")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_the_guide_prints_on_a4(page, live_server, tmp_path):
    page.goto(live_server + "/items/430400-SC-XK-0001")
    page.emulate_media(media="print")
    expect(page.locator(".main-nav")).to_be_hidden()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
