"""A whole online filing in Chromium, with axe-core on every step, on a phone and a desktop,
in Chinese and in English: register, find the item, answer, upload, check, submit,
download the receipt, sign out, and look the case up with its number and query code."""

from __future__ import annotations

import itertools
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from portal.accounts.identity import citizen_id_check_character
from tests.browser.conftest import VIEWPORTS
from tests.factories import PASSWORD, pdf_bytes

pytestmark = pytest.mark.browser
axe = Axe()
_people = itertools.count(1)


def _no_violations(page: Page, step: str) -> None:
    results = axe.run(page)
    assert results.violations_count == 0, f"{step}: {results.generate_report()}"


def _continue(page: Page) -> None:
    page.locator("main button[type=submit]").first.click()


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_whole_filing_in_the_browser(page: Page, live_server, viewport, language, tmp_path):
    page.set_viewport_size(viewport)
    page.goto(live_server + "/")
    if language == "en":
        page.get_by_role("link", name="English").click()
    # Register.
    page.goto(live_server + "/account/register")
    _no_violations(page, "account kind")
    page.locator("#kind-0").check()
    _continue(page)
    first17 = f"43040219850615{next(_people):03d}"
    page.fill("#name", "王芳")
    page.fill("#identifier", first17 + citizen_id_check_character(first17))
    page.fill("#mobile", "13812345678")
    page.fill("#password", PASSWORD)
    page.fill("#password_again", PASSWORD)
    _no_violations(page, "register")
    _continue(page)
    # Registration answers the same for a new and a taken number, so one signs in next.
    _no_violations(page, "registered")
    _sign_in(page, first17 + citizen_id_check_character(first17))
    # Find the item by searching in everyday words.
    page.goto(live_server + "/")
    page.fill("#q", "开公司" if language == "zh" else "register a company")
    page.keyboard.press("Enter")
    page.locator(".cards a").first.click()
    _no_violations(page, "guide")
    page.locator("a.button-link").click()
    _no_violations(page, "start")
    _continue(page)
    # Where the filing goes: the item is offered at the city center and two counties.
    page.locator("#window-0").check()
    _no_violations(page, "where to file")
    _continue(page)
    # One question a page.
    page.fill("#answer", "衡阳市示例科技有限公司")
    _no_violations(page, "question")
    _continue(page)
    page.fill("#answer", "100")
    _continue(page)
    page.fill("#answer", "衡阳市蒸湘区解放西路 22 号")
    _continue(page)
    page.locator("#answer-0").check()
    _no_violations(page, "choice question")
    _continue(page)
    # Delivery by post: where to.
    _fill_postal_address(page)
    _no_violations(page, "postal address")
    _continue(page)
    # One material a page: upload the required ones, skip the optional one.
    sample = tmp_path / "材料.pdf"
    sample.write_bytes(pdf_bytes(5000))
    for _material in range(5):
        page.set_input_files("#file", str(sample))
        _continue(page)
        expect(page.locator(".notice")).to_contain_text("材料.pdf")
        page.locator("main .actions a").first.click()
    _no_violations(page, "optional material")
    _continue(page)
    # Check answers, declare, submit.
    expect(page.locator("main")).to_contain_text("衡阳市示例科技有限公司")
    _no_violations(page, "check answers")
    page.locator("#declaration").check()
    _continue(page)
    panel = page.locator(".panel-confirm")
    expect(panel).to_be_visible()
    _no_violations(page, "submitted")
    number, code = [s.strip() for s in panel.locator("strong").all_inner_texts()]
    assert re.fullmatch(r"HY-\d{8}-\d{5}-[\dX]", number) and re.fullmatch(r"[A-Z0-9]{6}", code)
    with page.expect_download() as download:
        page.locator("main a[href$='receipt.pdf']").click()
    assert download.value.path().read_bytes().startswith(b"%PDF")
    # Sign out, then look the case up without an account.
    page.goto(live_server + "/account")
    page.locator("form[action$='/account/sign-out'] button").click()
    page.goto(live_server + "/track")
    page.fill("#number", number)
    page.fill("#secret", code)
    _no_violations(page, "lookup")
    _continue(page)
    expect(page.locator("main")).to_contain_text(number)
    _no_violations(page, "tracked case")


def _fill_postal_address(page: Page) -> None:
    page.select_option("#province", "43")
    page.fill("#city", "衡阳市")
    page.fill("#district", "蒸湘区")
    page.fill("#street", "解放西路 22 号 3 楼")
    page.fill("#postcode", "421001")
    page.fill("#recipient", "王芳")
    page.fill("#mobile", "13812345678")


# Both languages and both screens in two runs, not four: the page is the same either way.
@pytest.mark.parametrize(("language", "screen"), [("zh", "phone"), ("en", "desktop")])
def test_the_postal_address_and_a_number_question_in_the_browser(
    page: Page, live_server, language, screen
):
    """Errors on the address page and on a number question, each beside its field and in the
    summary; the number field brings up a numeric keyboard; axe finds nothing."""
    page.set_viewport_size(VIEWPORTS[screen])
    _register(page, live_server)
    if language == "en":
        page.goto(live_server + "/language/en")
    page.goto(f"{live_server}/items/430400-SC-XK-0001/apply")
    _continue(page)
    page.locator("#window-0").check()
    _continue(page)
    # A number question: the heading is the question; a wrong value is explained.
    number_page = page.url.replace("/questions/company-name", "/questions/registered-capital")
    page.goto(number_page)
    expect(page.locator("h1 label[for=answer]")).to_be_visible()
    assert page.locator("#answer").get_attribute("inputmode") == "numeric"
    page.fill("#answer", "lots")
    _continue(page)
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("万元" if language == "zh" else "ten-thousand yuan")
    _no_violations(page, "number question with an error")
    # Delivery by post, then an address that is not a Chinese postal code.
    page.goto(number_page.replace("/registered-capital", "/licence-delivery"))
    page.locator("#answer-0").check()
    _continue(page)
    _no_violations(page, "postal address")
    _fill_postal_address(page)
    page.fill("#postcode", "4210")
    _continue(page)
    expect(page.locator("#postcode-error")).to_be_visible()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("421001")
    _no_violations(page, "postal address with an error")
    page.fill("#postcode", "421001")
    _continue(page)
    assert "/materials/" in page.url


def _register(page: Page, live_server: str) -> None:
    page.goto(live_server + "/account/register/individual")
    first17 = f"43040219850615{next(_people):03d}"
    page.fill("#name", "王芳")
    page.fill("#identifier", first17 + citizen_id_check_character(first17))
    page.fill("#mobile", "13812345678")
    page.fill("#password", PASSWORD)
    page.fill("#password_again", PASSWORD)
    _continue(page)
    _sign_in(page, first17 + citizen_id_check_character(first17))


def _sign_in(page: Page, identifier: str) -> None:
    """On the sign-in page registration leads to."""
    page.fill("#identifier", identifier)
    page.fill("#password", PASSWORD)
    _continue(page)


CUSTOMS_FILING = "430400-HG-DJ-0001"  # one required material, no questions


def test_uploading_works_without_javascript(browser, live_server, tmp_path):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    _register(page, live_server)
    page.goto(f"{live_server}/items/{CUSTOMS_FILING}/apply")
    _continue(page)
    sample = tmp_path / "备案表.pdf"
    sample.write_bytes(pdf_bytes(4000))
    page.set_input_files("#file", str(sample))
    _continue(page)
    expect(page.locator(".notice")).to_contain_text("备案表.pdf")
    context.close()


def test_a_file_over_the_limit_is_refused_before_it_is_sent(page: Page, live_server, tmp_path):
    _register(page, live_server)
    page.goto(f"{live_server}/items/{CUSTOMS_FILING}/apply")
    _continue(page)
    material_page = page.url
    too_big = tmp_path / "扫描件.pdf"
    too_big.write_bytes(pdf_bytes(20_000_001))
    page.set_input_files("#file", str(too_big))
    posts = []
    page.on("request", lambda request: posts.append(request) if request.method == "POST" else None)
    _continue(page)
    expect(page.locator("[data-upload-status]")).to_contain_text("文件太大")
    assert page.url == material_page
    assert posts == [], "the file was refused in the browser, before any upload"
