"""The rating form on an ended case's page and the supervision office's follow-up page, in
Chromium with axe, in Chinese and English, on a phone and a desktop: a bad rating without a
reason is refused next to the field and in the summary, then given; the office calls back and
records the outcome; the applicant sees it."""

from __future__ import annotations

import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from portal.accounts import totp
from portal.extensions import db
from portal.filing.models import Application, Status
from portal.ratings.models import FollowUp, Rating
from tests.factories import PASSWORD, make_applicant, make_staff, sign_in_as
from tests.filing.test_journey import filed

pytestmark = pytest.mark.browser
axe = Axe()
WORDS = {
    "zh": {
        "unsatisfied": "不满意",
        "slow": "办理时间太长",
        "send": "提交评价",
        "yours": "您的评价",
    },
    "en": {
        "unsatisfied": "Unsatisfied",
        "slow": "It took too long",
        "send": "Send",
        "yours": "Your rating",
    },
}


def _no_violations(page: Page, step: str) -> None:
    results = axe.run(page)
    assert results.violations_count == 0, f"{step}: {results.generate_report()}"


def _ended_case(app) -> tuple[str, str]:
    applicant_id, identifier = make_applicant(app)
    client = app.test_client()
    sign_in_as(client, applicant_id)
    public_id = filed(client)
    with app.app_context():
        db.session.execute(
            update(Application)
            .where(Application.public_id == public_id)
            .values(status=Status.COMPLETED)
        )
        db.session.commit()
    return identifier, public_id


@pytest.mark.parametrize("language", ["zh", "en"])
def test_rating_an_ended_case_and_its_follow_up(browser, live_app, live_server, viewport, language):
    words = WORDS[language]
    identifier, public_id = _ended_case(live_app)
    context = browser.new_context(viewport=viewport)
    context.add_cookies([{"name": "lang", "value": language, "url": live_server}])
    page = context.new_page()
    page.goto(live_server + "/account/sign-in")
    page.fill("#identifier", identifier)
    page.fill("#password", PASSWORD)
    page.locator("main button[type=submit]").first.click()
    page.goto(f"{live_server}/applications/{public_id}")
    rating = page.locator("#rating")
    expect(rating.locator("legend").first).to_be_visible()
    _no_violations(page, f"rating form ({language})")
    rating.get_by_label(words["unsatisfied"], exact=True).check()
    rating.locator("button[type=submit]").click()
    expect(page.locator(".error-summary a[href='#reasons']")).to_be_visible()
    expect(page.locator("#reasons-error")).to_be_visible()
    _no_violations(page, f"rating errors ({language})")
    rating = page.locator("#rating")
    rating.get_by_label(words["unsatisfied"], exact=True).check()
    rating.get_by_label(words["slow"]).check()
    rating.locator("button[type=submit]").click()
    expect(page.locator("#rating h2")).to_have_text(words["yours"])
    _no_violations(page, f"rating given ({language})")

    with live_app.app_context():
        follow_up = db.session.scalar(
            select(FollowUp.public_id)
            .join(Rating)
            .join(Application)
            .where(Application.public_id == public_id)
        )
    _, username, password, secret = make_staff(live_app, role="supervisor", windows=())
    office_context = browser.new_context(viewport=viewport)
    office_context.add_cookies([{"name": "lang", "value": language, "url": live_server}])
    office = office_context.new_page()
    office.goto(live_server + "/staff/sign-in")
    office.fill("#username", username)
    office.fill("#password", password)
    office.fill("#code", totp.code_at(secret, time.time()))
    office.locator("main button[type=submit]").click()
    office.goto(live_server + "/staff/ratings")
    _no_violations(office, f"follow-up list ({language})")
    office.locator(f"a[href='/staff/ratings/{follow_up}']").click()
    _no_violations(office, f"follow-up page ({language})")
    office.fill("#note", "已电话联系申请人。")
    office.locator("main button[type=submit]").click()
    office.locator("#outcome-2").check()  # 解释说明
    office.fill("#note", "已说明法定办理时限。")
    office.locator("main button[type=submit]").click()
    expect(office.locator("main")).to_contain_text("已说明法定办理时限。")
    _no_violations(office, f"follow-up done ({language})")
    page.reload()
    expect(page.locator("#rating")).to_contain_text("已说明法定办理时限。")
    expect(page.locator("#rating form")).to_have_count(1)  # the 追评, once
    _no_violations(page, f"follow-up rating ({language})")
    context.close()
    office_context.close()


def _staff_page(browser, live_app, live_server, viewport, language, role, windows=()):
    _, username, password, secret = make_staff(live_app, role=role, windows=windows)
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
def test_the_window_appeals_and_the_head_decides(
    browser, live_app, live_server, viewport, language
):
    _, public_id = _ended_case(live_app)
    with live_app.app_context():
        applicant_id = db.session.scalar(
            select(Application.applicant_id).where(Application.public_id == public_id)
        )
    client = live_app.test_client()
    sign_in_as(client, applicant_id)
    client.post(
        f"/applications/{public_id}/rating",
        data={"level": "very-unsatisfied", "reasons": ["attitude"]},
    )
    with live_app.app_context():
        follow_up = db.session.scalar(
            select(FollowUp.public_id)
            .join(Rating)
            .join(Application)
            .where(Application.public_id == public_id)
        )
    context, page = _staff_page(
        browser, live_app, live_server, viewport, language, "officer", ("A01",)
    )
    page.locator("a[href='/staff/ratings/window']").click()
    _no_violations(page, f"window's bad ratings ({language})")
    page.locator(f"a[href='/staff/ratings/window/{follow_up}']").click()
    page.locator("main button[type=submit]").click()  # no grounds: an error
    expect(page.locator("#grounds-error")).to_be_visible()
    _no_violations(page, f"appeal error ({language})")
    page.fill("#grounds", "申请人评价的是另一件事。")
    page.locator("main button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("申请人评价的是另一件事。")
    _no_violations(page, f"appeal lodged ({language})")
    head_context, head = _staff_page(
        browser, live_app, live_server, viewport, language, "supervision-head"
    )
    head.goto(f"{live_server}/staff/ratings/{follow_up}")
    _no_violations(head, f"appeal to decide ({language})")
    head.locator("#decision-0").check()
    head.fill("#reasons", "核实为误评。")
    head.locator("form[action$='/appeal-decision'] button[type=submit]").click()
    expect(head.locator("main")).to_contain_text("核实为误评。")
    _no_violations(head, f"appeal decided ({language})")
    context.close()
    head_context.close()
