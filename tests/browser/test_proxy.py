"""The proxy eligibility checker in Chromium, with axe-core, on a phone and a desktop, in
Chinese and in English: from the home page to the explanation, the checker's errors next to
their fields, and the answer naming the rule and the next step."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
axe = Axe()

WORDS = {
    "zh": {
        "home_link": "投资项目全程委托代理（免费）：看看您的项目是否符合条件",
        "free": "全程委托代理一律免费，不收任何委托代理服务费。",
        "check_link": "看看我的项目是否符合条件",
        "submit": "查看结果",
        "choose_type": "请选择投资类型。",
        "decimals": "投资额最多精确到分（小数点后两位）。",
        "foreign": "外商投资项目",
        "usd": "美元",
        "no": "否",
        "amount": "投资额",
        "yes_heading": "您的项目符合全程委托代理条件",
        "no_heading": "您的项目不在全程委托代理范围内",
        "next": "网上申请全程委托代理",
    },
    "en": {
        "home_link": "Free proxy service for investment projects: check whether your project qualifies",
        "free": "The proxy service is always free: no proxy service fee is ever charged.",
        "check_link": "Check whether my project qualifies",
        "submit": "See the answer",
        "choose_type": "Choose the type of investment.",
        "decimals": "Enter the investment amount to the cent at most (two decimal places).",
        "foreign": "A foreign-invested project",
        "usd": "US dollars (USD)",
        "no": "No",
        "amount": "Investment amount",
        "yes_heading": "Your project qualifies for the proxy service",
        "no_heading": "Your project does not qualify for the proxy service",
        "next": "Request the proxy service online",
    },
}


def _no_violations(page: Page, step: str) -> None:
    results = axe.run(page)
    assert results.violations_count == 0, f"{step}: {results.generate_report()}"


def _fits(page: Page, step: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{step}: {overflow}px of sideways scrolling"


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_checker_from_the_home_page_to_an_answer(page: Page, live_server, viewport, language):
    words = WORDS[language]
    page.set_viewport_size(viewport)
    page.goto(live_server + "/")
    if language == "en":
        page.get_by_role("link", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("link", name=words["home_link"]).click()
    expect(page.locator("main")).to_contain_text(words["free"])
    _no_violations(page, f"about ({language})")
    _fits(page, "about")

    page.get_by_role("link", name=words["check_link"]).click()
    _no_violations(page, f"checker ({language})")
    _fits(page, "checker")

    # Errors first: nothing chosen and too many decimals, each beside its field and summarised.
    page.get_by_label(words["amount"], exact=True).fill("2000000.001")
    page.get_by_role("button", name=words["submit"]).click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text(words["choose_type"])
    expect(summary).to_contain_text(words["decimals"])
    expect(page.locator("#amount-error")).to_contain_text(words["decimals"])
    _no_violations(page, f"checker with errors ({language})")

    # A cent below the threshold, then the threshold itself.
    page.get_by_label(words["foreign"], exact=True).check()
    page.get_by_label(words["usd"], exact=True).check()
    page.get_by_label(words["no"], exact=True).check()
    page.get_by_label(words["amount"], exact=True).fill("1999999.99")
    page.get_by_role("button", name=words["submit"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["no_heading"])
    _no_violations(page, f"not eligible ({language})")

    page.go_back()
    page.get_by_label(words["foreign"], exact=True).check()
    page.get_by_label(words["usd"], exact=True).check()
    page.get_by_label(words["no"], exact=True).check()
    page.get_by_label(words["amount"], exact=True).fill("2,000,000.00")
    page.get_by_role("button", name=words["submit"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["yes_heading"])
    expect(page.locator("main")).to_contain_text(words["next"])
    _no_violations(page, f"eligible ({language})")
    _fits(page, "answer")
