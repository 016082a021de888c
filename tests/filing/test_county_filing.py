"""A county officer files a city-level item for an applicant (县市区代理) through the pages,
on PostgreSQL and SQLite (the ``app`` fixture): the start pages (applicant, item, city window,
the county's day, the letter), the assisted journey, the forward at submission in the same
transaction; the city window decides, the county follows, the applicant sees both centers.
Who may, and the answers next to the field when the input is wrong."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from portal.backoffice.dispatcher import case_document
from portal.backoffice.models import OutboxMessage
from portal.clock import beijing
from portal.extensions import db
from portal.filing.models import Application, CountyFiling, Status
from portal.messaging.models import SentMessage
from portal.window.models import StaffAction
from tests.applying import (
    ANSWERS,
    COMPANY,
    DELIVERY_QUESTION,
    POSTAL_ADDRESS,
    REQUIRED_MATERIALS,
)
from tests.factories import (
    citizen_id,
    make_applicant,
    make_staff,
    pdf_bytes,
    sign_in_as,
    sign_in_staff,
    upload,
)
from tests.pages import assert_no_chinese_left

COUNTY_ZH = "衡阳县政务服务中心"
# The county takes the materials in on Friday 2026-02-13 and files on the make-up Saturday
# 14 February, before the Spring Festival (as tests/filing/test_county_forwarding.py).
COUNTY_DAY = date(2026, 2, 13)
MOMENT = datetime(2026, 2, 14, 2, 0, tzinfo=UTC)  # 10:00 in Beijing
START = "/staff/county-filing"


@pytest.fixture(autouse=True)
def saturday(monkeypatch):
    monkeypatch.setattr(beijing, "now", lambda: MOMENT)


def _client(app, staff_id: int):
    client = app.test_client()
    sign_in_staff(client, staff_id)
    return client


def _officer(app, center="hengyang-county", role="officer", windows=("X11",)):
    staff_id, *_ = make_staff(app, center=center, role=role, windows=windows, name="赵县员")
    return staff_id, _client(app, staff_id)


def _radio(page: str, name: str, label_start: str) -> str:
    options = re.findall(
        rf'<input[^>]*name="{name}"[^>]*value="([^"]+)"[^>]*> <label[^>]*>([^<]+)</label>', page
    )
    return next(value for value, label in options if label.startswith(label_start))


def _start(officer, identifier: str) -> str:
    """Through the start pages to the assisted draft; returns its public id."""
    assert officer.post(START, data={"identifier": identifier}).status_code == 302
    assert officer.post(f"{START}/applicant").status_code == 302
    assert officer.post(f"{START}/item", data={"item": COMPANY}).status_code == 302
    page = officer.get(f"{START}/window").get_data(as_text=True)
    window = _radio(page, "window", "衡阳市政务服务中心")
    assert officer.post(f"{START}/window", data={"window": window}).status_code == 302
    day = {"received_on": COUNTY_DAY.isoformat()}
    assert officer.post(f"{START}/received", data=day).status_code == 302
    response = officer.post(
        f"{START}/letter",
        data=upload(pdf_bytes(), "委托书.pdf"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return re.search(r"/applications/([0-9a-f]{32})", response.headers["Location"]).group(1)


def _fill(officer, public_id: str) -> str:
    base = f"/staff/assisted/applications/{public_id}"
    for code, value in ANSWERS.items():
        assert officer.post(f"{base}/questions/{code}", data={"answer": value}).status_code == 302
    address = officer.post(f"{base}/questions/{DELIVERY_QUESTION}/address", data=POSTAL_ADDRESS)
    assert address.status_code == 302
    for material in REQUIRED_MATERIALS:
        response = officer.post(
            f"{base}/materials/{material}",
            data=upload(pdf_bytes(), f"{material}.pdf"),
            content_type="multipart/form-data",
        )
        assert response.status_code == 302, material
    return base


def _submit(officer, base: str):
    page = officer.get(f"{base}/check").get_data(as_text=True)
    token = re.search(r'id="token" name="token" type="hidden" value="([0-9a-f]+)"', page).group(1)
    return officer.post(f"{base}/submit", data={"token": token, "declaration": "y"})


def _application(public_id: str) -> Application:
    return db.session.scalar(select(Application).where(Application.public_id == public_id))


def test_a_county_officer_files_a_city_item_from_start_to_acceptance(app):
    applicant_id, identifier = make_applicant(app, name="刘县民")
    officer_id, officer = _officer(app)

    console = officer.get("/staff").get_data(as_text=True)
    assert "为申请人代办市级事项" in console
    confirm = officer.post(START, data={"identifier": identifier})
    assert confirm.headers["Location"].endswith(f"{START}/applicant")
    page = officer.get(f"{START}/applicant").get_data(as_text=True)
    assert "刘**" in page and "刘县民" not in page  # masked, enough to recognise
    assert identifier not in page and identifier[-4:] in page

    # The item list holds city-level items filed online; a search narrows it.
    officer.post(f"{START}/applicant")
    items = officer.get(f"{START}/item").get_data(as_text=True)
    assert COMPANY in items
    assert "没有找到" in officer.get(f"{START}/item?q=不存在的事项").get_data(as_text=True)
    # Only city-level windows are offered for the forward.
    officer.post(f"{START}/item", data={"item": COMPANY})
    windows = officer.get(f"{START}/window").get_data(as_text=True)
    assert "衡阳市政务服务中心" in windows and COUNTY_ZH not in windows

    public_id = _start(officer, identifier)
    overview = officer.get(f"/staff/assisted/applications/{public_id}").get_data(as_text=True)
    assert "转报市级：本中心收件日期" in overview and "委托书.pdf" in overview
    draft = officer.get(f"{START}/drafts/{public_id}").get_data(as_text=True)
    assert "2026年2月13日" in draft
    base = _fill(officer, public_id)
    submitted = _submit(officer, base)
    assert submitted.status_code == 302
    # The officer lands on the county's follow page for the case.
    landed = officer.get(submitted.headers["Location"])
    assert landed.status_code == 302
    assert landed.headers["Location"].endswith(f"/staff/forwarded/{public_id}")

    with app.app_context():
        case = _application(public_id)
        assert case.status == Status.SUBMITTED and case.number
        assert case.applicant_id == applicant_id and case.filed_by_id == officer_id
        assert case.authority.display_name == "委托书.pdf"
        assert case.forwarding.received_at_county == COUNTY_DAY
        assert case.forwarding.center.slug == "hengyang-county"
        # Five working days from the county's Friday (the make-up Saturday, then 24–27
        # February), not from the city's Saturday (that would be 28 February).
        assert case.pre_review_by == date(2026, 2, 27)
        assert db.session.get(CountyFiling, case.id) is None  # the forward replaced it
        actions = set(
            db.session.scalars(select(StaffAction.action).where(StaffAction.staff_id == officer_id))
        )
        assert {
            "county-applicant-looked-up",
            "assisted-started",
            "assisted-submitted",
            "county-forwarded",
        } <= actions

    city_id, *_ = make_staff(app, windows=("A01",))
    city = _client(app, city_id)
    queue = city.get("/staff").get_data(as_text=True)
    assert f"由 {COUNTY_ZH} 转报" in queue
    assert city.post(f"/staff/cases/{public_id}", data={"decision": "accept"}).status_code == 302

    follow = officer.get(f"/staff/forwarded/{public_id}").get_data(as_text=True)
    assert "已受理" in follow
    # The back office's case document names the county and its day.
    with app.app_context():
        message = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.application_id == _application(public_id).id)
        )
        document = case_document(message, 3600)
        assert document["forwarded_by"]["center"] == "hengyang-county"
        assert document["forwarded_by"]["received_on"] == "2026-02-13"
        assert document["filed_by"]["authority"]["kind"] == "letter-of-authorisation"
        # The "received" message to the applicant names the county and its day.
        received = db.session.scalars(
            select(SentMessage.body).where(
                SentMessage.applicant_id == applicant_id, SentMessage.kind == "received"
            )
        ).all()
        assert received and all(COUNTY_ZH in body and "2026" in body for body in received)

    applicant = app.test_client()
    sign_in_as(applicant, applicant_id)
    mine = applicant.get(f"/applications/{public_id}").get_data(as_text=True)
    assert f"{COUNTY_ZH} 于 2026年2月13日 收到申请材料" in mine
    assert "转至 衡阳市政务服务中心" in mine
    with applicant.get(f"/applications/{public_id}/receipt.pdf") as response:
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert COUNTY_ZH in text and "2026年2月13日" in text, text


def test_who_may_file_for_the_county(app):
    _, identifier = make_applicant(app, name="刘县民")
    _, officer = _officer(app)
    public_id = _start(officer, identifier)
    for center, role, windows in (
        ("city", "officer", ("A01",)),  # the city files nothing for a county
        ("hengyang-county", "supervisor", ()),  # a county supervisor does not file
    ):
        _, other = _officer(app, center=center, role=role, windows=windows)
        assert other.get(START).status_code == 403
        assert other.post(START, data={"identifier": identifier}).status_code == 403
        assert other.get(f"{START}/drafts/{public_id}").status_code == 403
        assert "为申请人代办市级事项" not in other.get("/staff").get_data(as_text=True)
    # Another county's officer files their own, never this county's draft.
    _, hengnan = _officer(app, center="hengnan")
    assert hengnan.get(START).status_code == 200
    assert hengnan.get(f"{START}/drafts/{public_id}").status_code == 404
    assert hengnan.get(f"/staff/assisted/applications/{public_id}").status_code == 404
    # A later page before the earlier ones are answered goes back to the first.
    assert hengnan.get(f"{START}/letter").headers["Location"].endswith(START)


def test_wrong_input_is_answered_next_to_the_field(app):
    _, identifier = make_applicant(app, name="刘县民")
    _, officer = _officer(app)

    unknown = officer.post(START, data={"identifier": citizen_id()})
    page = unknown.get_data(as_text=True)
    assert unknown.status_code == 400
    assert "请申请人先在本网站注册账户" in page and app.config["CONSULTATION_PHONE"] in page
    assert 'id="identifier-error"' in page
    assert officer.post(START, data={"identifier": "123"}).status_code == 400

    officer.post(START, data={"identifier": identifier})
    officer.post(f"{START}/applicant")
    not_city = officer.post(f"{START}/item", data={"item": "430400-NOT-CITY"})
    assert not_city.status_code == 400
    assert "请选择一个市级事项。" in not_city.get_data(as_text=True)
    officer.post(f"{START}/item", data={"item": COMPANY})
    page = officer.get(f"{START}/window").get_data(as_text=True)
    officer.post(f"{START}/window", data={"window": _radio(page, "window", "衡阳市")})

    assert 'value="2026-02-14"' in officer.get(f"{START}/received").get_data(as_text=True)
    future = officer.post(f"{START}/received", data={"received_on": "2026-02-15"})
    assert future.status_code == 400
    assert "不能晚于今天（2026-02-14）" in future.get_data(as_text=True)
    # Five working days before the make-up Saturday: 13, 12, 11, 10 and 9 February.
    early = officer.post(f"{START}/received", data={"received_on": "2026-02-08"})
    assert early.status_code == 400
    assert "不能早于 2026-02-09" in early.get_data(as_text=True)
    assert officer.post(f"{START}/received", data={"received_on": "2026-02-09"}).status_code == 302
    no_letter = officer.post(f"{START}/letter", data={}, content_type="multipart/form-data")
    assert no_letter.status_code == 400
    assert "请上传申请人签署的委托书。" in no_letter.get_data(as_text=True)


def test_a_refused_forward_leaves_the_draft_as_it_was(app):
    """The officer moves the draft to the county's own window: the forward is refused at
    submission, nothing of the submission is kept, the sentence sits beside the window."""
    _, identifier = make_applicant(app, name="刘县民")
    _, officer = _officer(app)
    public_id = _start(officer, identifier)
    base = _fill(officer, public_id)
    page = officer.get(f"{base}/where").get_data(as_text=True)
    county_window = _radio(page, "window", COUNTY_ZH)
    assert officer.post(f"{base}/where", data={"window": county_window}).status_code == 302
    refused = _submit(officer, base)
    assert refused.status_code == 302
    assert "refused=not-city-level" in refused.headers["Location"]
    shown = officer.get(refused.headers["Location"]).get_data(as_text=True)
    assert "不是市级窗口，不能转报" in shown
    with app.app_context():
        case = _application(public_id)
        assert case.status == Status.DRAFT and case.number is None
        assert case.forwarding is None and case.submitted_at is None
        assert db.session.get(CountyFiling, case.id).received_on == COUNTY_DAY
        assert "submitted" not in {event.kind for event in case.events}
        told = select(SentMessage).where(SentMessage.application_id == case.id)
        assert db.session.scalars(told).first() is None  # nobody was told of a rolled-back step


def test_a_day_grown_too_early_while_filling_in_is_asked_again_at_submission(app, monkeypatch):
    """Started on the Saturday with the county's Friday; submitted on Tuesday 3 March, when the
    5th working day back is 24 February: refused beside the day, nothing kept; the officer
    corrects the day (the materials taken in again) and the submission goes through."""
    _, identifier = make_applicant(app, name="刘县民")
    officer_id, officer = _officer(app)
    public_id = _start(officer, identifier)
    base = _fill(officer, public_id)
    monkeypatch.setattr(beijing, "now", lambda: datetime(2026, 3, 3, 2, 0, tzinfo=UTC))
    officer = _client(app, officer_id)  # signed in again: the old sign-in has gone idle
    refused = _submit(officer, base)
    assert "refused=too-early" in refused.headers["Location"]
    shown = officer.get(refused.headers["Location"]).get_data(as_text=True)
    assert "预审时限已经用完" in shown
    assert shown.index('id="received_on"') < shown.index("预审时限已经用完", shown.index("<h1"))
    with app.app_context():
        assert _application(public_id).status == Status.DRAFT
    again = officer.post(f"{START}/drafts/{public_id}/received", data={"received_on": "2026-03-02"})
    assert again.status_code == 302
    assert _submit(officer, base).status_code == 302
    with app.app_context():
        case = _application(public_id)
        assert case.status == Status.SUBMITTED
        assert case.forwarding.received_at_county == date(2026, 3, 2)


def test_the_start_pages_in_english(app):
    _, identifier = make_applicant(app, name="刘县民")
    _, officer = _officer(app)
    public_id = _start(officer, identifier)
    officer.set_cookie("lang", "en")
    unknown = officer.post(START, data={"identifier": citizen_id()})
    assert "register on this site first" in unknown.get_data(as_text=True)
    assert_no_chinese_left(unknown, START)
    answers = {
        "": {"identifier": identifier},
        "/applicant": {},
        "/item": {"item": COMPANY},
        "/window": None,  # the first city window, read from the page
        "/received": {"received_on": "2026-02-13"},
    }
    for path in (*answers, "/letter"):
        page = officer.get(f"{START}{path}")
        assert page.status_code == 200, path
        assert_no_chinese_left(page, path, typed=["刘**"])  # the masked name is data
        if path in answers:
            text = page.get_data(as_text=True)
            data = answers[path]
            if data is None:
                data = {"window": re.search(r'name="window"[^>]*value="(\d+)"', text)[1]}
            assert officer.post(f"{START}{path}", data=data).status_code == 302, path
    draft = officer.get(f"{START}/drafts/{public_id}")
    assert_no_chinese_left(draft, "draft", typed=["刘县民"])
    future = officer.post(
        f"{START}/drafts/{public_id}/received", data={"received_on": "2026-02-15"}
    )
    assert "cannot be after today" in future.get_data(as_text=True)
