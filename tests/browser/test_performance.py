"""The public performance page in Chromium with axe, in Chinese and English, on a phone and a
desktop, at normal and large text: the charts are drawn on the server (the page has no
script; axe itself needs JavaScript, so it stays on), each names itself and has its table
beside it; a drill-down reaches an item; a filter not offered is an error next to its field."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from portal.clock import beijing
from tests.performance.conftest import NOW, seed

pytestmark = pytest.mark.browser
axe = Axe()
HEADING = {"zh": "公开晾晒：办件时效、投诉和评价", "en": "Performance in public"}


@pytest.fixture(scope="module")
def seeded(live_app):
    return seed(live_app)


def _no_violations(page: Page, step: str) -> None:
    results = axe.run(page)
    assert results.violations_count == 0, f"{step}: {results.generate_report()}"


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("text_size", ["normal", "large"])
def test_the_performance_page(
    browser, live_server, seeded, viewport, language, text_size, monkeypatch
):
    monkeypatch.setattr(beijing, "now", lambda: NOW)
    context = browser.new_context(viewport=viewport)
    context.add_cookies(
        [
            {"name": "lang", "value": language, "url": live_server},
            {"name": "textsize", "value": text_size, "url": live_server},
        ]
    )
    page = context.new_page()
    page.goto(live_server + "/")
    page.locator("a[href='/performance']").click()
    expect(page.locator("h1")).to_contain_text(HEADING[language])
    page.goto(live_server + "/performance?month=2026-11")
    charts = page.locator("svg.chart[role=img]")
    expect(charts).to_have_count(3)
    expect(charts.first).to_be_visible()
    assert charts.first.bounding_box()["width"] > 200
    expect(page.locator("#timeliness-heading ~ .chart-pair table")).to_be_visible()
    expect(page.locator("text=33.3%").first).to_be_visible()
    _no_violations(page, f"all centers ({language}, {text_size})")
    page.locator("#timeliness-heading ~ .chart-pair tbody a").first.click()
    page.locator("#timeliness-heading ~ .chart-pair tbody a").first.click()
    page.locator("#timeliness-heading ~ .chart-pair tbody a").first.click()
    expect(page.locator("svg.chart").first).to_be_visible()
    assert "item=" in page.url
    _no_violations(page, f"one item ({language}, {text_size})")
    page.goto(live_server + "/performance?month=1999-01")
    expect(page.locator(".error-summary a[href='#month']")).to_be_visible()
    expect(page.locator("#month-error")).to_be_visible()
    _no_violations(page, f"an error ({language}, {text_size})")
    context.close()
