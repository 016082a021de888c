"""The account pages and the supplements page in Chromium, with axe-core on every state
(errors included), on a phone and a desktop, in Chinese and in English."""

from __future__ import annotations

import itertools
import re
import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from sqlalchemy import select

from portal.extensions import db
from portal.filing import operations
from portal.filing.models import Application
from portal.messaging.outbox import deliver_due_messages
from tests.applying import file_an_application, start_application
from tests.browser.conftest import VIEWPORTS
from tests.factories import PASSWORD, make_applicant, pdf_bytes, sign_in_as

pytestmark = pytest.mark.browser
axe = Axe()
_mobiles = itertools.count(13600000001)
NEW_PASSWORD = "a new and long passphrase"


def _no_violations(page: Page, step: str) -> None:
    results = axe.run(page)
    assert results.violations_count == 0, f"{step}: {results.generate_report()}"


def _continue(page: Page) -> None:
    page.locator("main button[type=submit]").first.click()


def _prepared(live_app) -> tuple[str, str, str]:
    """An applicant with a filing the window sent back for supplements, a second filing
    waiting for pre-review, and a draft: (identifier, supplements id, waiting id)."""
    applicant_id, identifier = make_applicant(live_app, mobile=str(next(_mobiles)))
    client = live_app.test_client()
    sign_in_as(client, applicant_id)
    sent_back, waiting = file_an_application(client), file_an_application(client)
    start_application(client)
    with live_app.app_context():
        application = db.session.scalar(
            select(Application).where(Application.public_id == sent_back)
        )
        operations.request_supplements(application, {"M02": "章程缺少全体股东签字"}, "window")
        db.session.commit()
    return identifier, sent_back, waiting


def _latest_code(live_app, purpose: str, to_mobile: str) -> str:
    """The code in the latest message to ``to_mobile``. The portal sends it once the response
    has closed; if that first try lost a race for SQLite's lock, the worker would send it, so
    the test runs the worker's delivery too."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        sent = [
            m
            for m in live_app.extensions["notifier"].outbox
            if m.purpose == purpose and m.to_mobile == to_mobile
        ]
        if sent:
            return re.search(r"(?<!\d)\d{6}(?!\d)", sent[-1].body).group(0)
        time.sleep(0.1)
        with live_app.app_context():
            deliver_due_messages(live_app.extensions["notifier"])
    raise AssertionError(f"no {purpose} message reached {to_mobile}")


# Both languages and both viewports, in two runs rather than four: the pages are the same.
@pytest.mark.parametrize(("language", "viewport_name"), [("zh", "phone"), ("en", "desktop")])
def test_account_and_supplements_pages(
    page: Page, live_app, live_server, language, viewport_name, tmp_path
):
    viewport = VIEWPORTS[viewport_name]
    identifier, sent_back, waiting = _prepared(live_app)
    page.set_viewport_size(viewport)
    page.goto(f"{live_server}/language/{language}")
    page.goto(f"{live_server}/account/sign-in")
    page.fill("#identifier", identifier)
    page.fill("#password", PASSWORD)
    _continue(page)
    where = f"({language}, {viewport['width']}px)"

    page.goto(f"{live_server}/account")
    _no_violations(page, f"account {where}")
    # Change the password: the errors first, then for real.
    page.goto(f"{live_server}/account/password")
    _no_violations(page, f"change password {where}")
    _continue(page)
    expect(page.locator(".error-summary")).to_be_visible()
    _no_violations(page, f"change password, errors {where}")
    page.fill("#current_password", PASSWORD)
    page.fill("#password", NEW_PASSWORD)
    page.fill("#password_again", NEW_PASSWORD)
    _continue(page)
    expect(page.locator(".notice")).to_be_visible()
    # A new mobile number, confirmed by the code sent to it.
    page.goto(f"{live_server}/account/mobile")
    _no_violations(page, f"new mobile {where}")
    page.fill("#mobile", "139123")
    _continue(page)
    expect(page.locator("#mobile-error")).to_be_visible()
    _no_violations(page, f"new mobile, error {where}")
    new_mobile = str(next(_mobiles))
    page.fill("#mobile", new_mobile)
    _continue(page)
    _no_violations(page, f"enter the code {where}")
    page.fill("#code", _latest_code(live_app, "contact-change-code", new_mobile))
    _continue(page)
    expect(page.locator("main")).to_contain_text(new_mobile[:3] + "****" + new_mobile[-4:])

    # Delete a draft and withdraw a filing: the confirmation pages.
    page.goto(f"{live_server}/applications")
    _no_violations(page, f"my applications {where}")
    page.locator("main a[href$='/delete']").first.click()
    _no_violations(page, f"delete draft {where}")
    page.goto(f"{live_server}/applications/{waiting}/withdraw")
    _no_violations(page, f"withdraw {where}")
    _continue(page)
    expect(page.locator("main")).to_contain_text(re.compile(r"\d{4}"))

    # Supplements: continue without the new file, then upload it and resubmit.
    page.goto(f"{live_server}/applications/{sent_back}/supplements")
    expect(page.locator("main")).to_contain_text("章程缺少全体股东签字")
    _no_violations(page, f"supplements {where}")
    _continue(page)
    expect(page.locator(".error-summary a[href='#material-M02']")).to_be_visible()
    _no_violations(page, f"supplements, missing {where}")
    page.locator("#material-M02 a").click()
    sample = tmp_path / "章程.pdf"
    sample.write_bytes(pdf_bytes(4000))
    page.set_input_files("#file", str(sample))
    _continue(page)
    expect(page.locator("#material-M02")).to_contain_text("章程.pdf")
    _continue(page)
    expect(page.locator(".panel-confirm")).to_be_visible()
    expect(page.locator("main")).to_contain_text(re.compile(r"\d{4}"))
    _no_violations(page, f"resubmitted {where}")
