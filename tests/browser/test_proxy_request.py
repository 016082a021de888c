"""The proxy request in Chromium with axe-core, on a phone and a desktop, in Chinese and in
English: a company signs in, answers one question a page (an error first), uploads the letter
of authorisation, checks its answers, submits and downloads the acknowledgement."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD, pdf_bytes
from tests.proxy.journey import make_company

pytestmark = pytest.mark.browser
axe = Axe()

WORDS = {
    "zh": {"required": "请填写项目名称。", "received": "代理申请已提交"},
    "en": {"required": "Enter the project name.", "received": "Proxy request submitted"},
}


def _no_violations(page: Page, step: str) -> None:
    results = axe.run(page)
    assert results.violations_count == 0, f"{step}: {results.generate_report()}"


def _continue(page: Page) -> None:
    page.locator("main button[type=submit]").first.click()


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_whole_proxy_request_in_the_browser(
    page: Page, live_app, live_server, viewport, language, tmp_path
):
    words = WORDS[language]
    page.set_viewport_size(viewport)
    page.goto(live_server + "/")
    if language == "en":
        page.get_by_role("link", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    company = make_company(live_app, mobile="13912340000")
    with live_app.app_context():
        from portal.accounts.models import Applicant
        from portal.extensions import db

        identifier = db.session.get(Applicant, company).identifier
    page.goto(live_server + "/account/sign-in")
    page.fill("#identifier", identifier)
    page.fill("#password", PASSWORD)
    _continue(page)
    page.goto(live_server + "/proxy/request")
    _no_violations(page, f"start ({language})")
    page.locator("main a.button").click()
    # One question a page; an empty answer first: beside the field and in the summary.
    _continue(page)
    expect(page.locator(".error-summary")).to_contain_text(words["required"])
    expect(page.locator("#project_name-error")).to_contain_text(words["required"])
    _no_violations(page, f"project with an error ({language})")
    page.fill("#project_name", "衡阳新能源电池生产基地项目")
    _continue(page)
    page.fill("#investor_name", "Example Energy GmbH")
    page.locator("#investor_type-0").check()
    page.fill("#origin", "Germany")
    _no_violations(page, f"investor ({language})")
    _continue(page)
    page.fill("#amount", "2,000,000")
    page.locator("#currency-1").check()
    _continue(page)
    page.fill("#industry", "Advanced manufacturing")
    _continue(page)
    page.locator("#location-3").check()
    _no_violations(page, f"location ({language})")
    _continue(page)
    page.locator("#key_project-1").check()
    _no_violations(page, f"key project ({language})")
    _continue(page)
    page.fill("#needs", "Land, planning permit, construction permit.")
    _continue(page)
    expect(page.locator("#contact_mobile")).to_have_value("13912340000")
    _no_violations(page, f"contact ({language})")
    _continue(page)
    letter = tmp_path / "letter.pdf"
    letter.write_bytes(pdf_bytes(4000))
    page.set_input_files("#file", str(letter))
    _no_violations(page, f"letter ({language})")
    _continue(page)
    expect(page.locator("main")).to_contain_text("letter.pdf")
    _no_violations(page, f"check answers ({language})")
    _continue(page)
    panel = page.locator(".panel-confirm")
    expect(panel).to_contain_text(words["received"])
    number = panel.locator("strong").inner_text().strip()
    assert re.fullmatch(r"DL-\d{8}-\d{5}-[\dX]", number)
    _no_violations(page, f"received ({language})")
    with page.expect_download() as download:
        page.locator("main a[href$='acknowledgement.pdf']").click()
    assert download.value.path().read_bytes().startswith(b"%PDF")
    page.locator("main a[href^='/proxy/requests/']:not([href$='.pdf'])").click()
    expect(page.locator("main")).to_contain_text(number)
    _no_violations(page, f"the request's page ({language})")


def test_the_proxy_window_lists_accepts_and_refuses(page: Page, live_app, live_server, viewport):
    import time

    from portal.accounts import totp
    from tests.factories import make_staff
    from tests.proxy.journey import submitted_request

    page.set_viewport_size(viewport)
    to_accept, to_refuse = submitted_request(live_app), submitted_request(live_app)
    make_staff(live_app, role="proxy-agent", center="city", windows=(), name="孙代理员")
    _, username, password, secret = make_staff(
        live_app, role="proxy-head", center="city", windows=()
    )
    page.goto(live_server + "/staff/sign-in")
    page.fill("#username", username)
    page.fill("#password", password)
    page.fill("#code", totp.code_at(secret, time.time()))
    _continue(page)
    page.goto(live_server + "/staff/proxy")
    expect(page.locator("table")).to_be_visible()
    _no_violations(page, "proxy window list")
    page.locator(f"a[href='/staff/proxy/{to_refuse}']").click()
    _no_violations(page, "a request")
    page.locator(f"form[action$='/{to_refuse}/refuse'] button").click()
    expect(page.locator("#reasons-error")).to_be_visible()
    _no_violations(page, "refusal without reasons")
    page.fill("#reasons", "投资方尚未确定项目选址。")
    page.locator(f"form[action$='/{to_refuse}/refuse'] button").click()
    expect(page.locator(".notice")).to_be_visible()
    _no_violations(page, "refused")
    page.goto(f"{live_server}/staff/proxy/{to_accept}")
    page.get_by_label("孙代理员").first.check()
    page.fill("#department", "04")
    page.fill("#project_type", "01")
    page.locator(f"form[action$='/{to_accept}/accept'] button").click()
    expect(page.locator("main")).to_contain_text("430400-04-01-")
    _no_violations(page, "accepted")
