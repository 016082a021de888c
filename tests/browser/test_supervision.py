"""The supervision dashboard, a card's record and an officer's alerts in Chromium with axe,
in Chinese and English, on a phone and a desktop; the filters work without JavaScript."""

from __future__ import annotations

from datetime import date

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from sqlalchemy import select

from portal.extensions import db
from portal.supervision.cards import sweep
from portal.supervision.models import Card, Subject
from tests.browser.test_ratings import _staff_page
from tests.supervision.test_cards import RULES, case_id, filed_case

pytestmark = pytest.mark.browser
axe = Axe()
WORDS = {
    "zh": {"filter": "筛选", "red": "红牌", "record": "查看记录", "raised": "亮牌"},
    "en": {
        "filter": "Filter",
        "red": "Red card",
        "record": "View the record",
        "raised": "Card raised",
    },
}


def _no_violations(page: Page, step: str) -> None:
    results = axe.run(page)
    assert results.violations_count == 0, f"{step}: {results.generate_report()}"


def _red_card(app) -> str:
    """A filing the window left past its pre-review day: a red card, as the worker raises it."""
    public_id = filed_case(app, pre_review_by=date(2026, 11, 5))
    with app.app_context():
        application_id = case_id(public_id)
        calendar = app.extensions["calendar"]
        sweep(calendar, date(2026, 11, 6), RULES, Subject.CASE, [application_id])
        db.session.commit()
        return db.session.scalar(
            select(Card.label).where(
                Card.subject == Subject.CASE, Card.subject_id == application_id
            )
        )


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_dashboard_and_the_alerts(browser, live_app, live_server, viewport, language):
    words = WORDS[language]
    # The officer of the case's window first: told of the card when it is raised.
    officer, page = _staff_page(
        browser, live_app, live_server, viewport, language, "officer", windows=("A01",)
    )
    label = _red_card(live_app)
    page.goto(live_server + "/staff/supervision/notes")
    expect(page.locator("main")).to_contain_text(label)
    _no_violations(page, f"alerts ({language})")
    officer.close()

    context, page = _staff_page(browser, live_app, live_server, viewport, language, "supervisor")
    page.goto(live_server + "/staff/supervision")
    expect(page.locator("h1")).to_be_visible()
    _no_violations(page, f"dashboard ({language})")
    page.select_option("#level", "red")
    page.get_by_role("button", name=words["filter"]).click()
    row = page.locator("tr", has_text=label)
    expect(row).to_contain_text(words["red"])
    _no_violations(page, f"dashboard filtered ({language})")
    row.get_by_role("link", name=words["record"]).click()
    expect(page.locator("main table")).to_contain_text(words["raised"])
    _no_violations(page, f"card record ({language})")
    context.close()
