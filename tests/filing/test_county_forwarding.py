"""A county center forwards a city-level item (县市区政务服务中心代理的需市级许可项目): the
county's receipt starts the clock (also across the Spring Festival, and for deemed
acceptance), the city window's queue and case page say where it came from, the applicant's
timeline shows both centers, and the county follows it read-only to the end.

The filing itself is made through the applicant's pages (the assisted journey that lets a
county officer drive them is another lane's); ``forward_to_city`` is then called as the
assisted submission will call it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import inspect, select

from portal.clock import beijing
from portal.complaints.findings import case_record
from portal.extensions import db
from portal.filing import forwarding
from portal.filing.forwarding import NotForwardable, Refusal, forward_to_city
from portal.filing.models import Application, CountyForwarding, Status
from portal.window.models import StaffAction, StaffMember
from portal.window.operations import deem_overdue_accepted
from tests.factories import make_applicant, make_staff, sign_in_as, sign_in_staff
from tests.filing.test_journey import COUNTY, filed

COUNTY_ZH, COUNTY_EN = "衡阳县政务服务中心", "Hengyang County Government Service Center"
# Friday 2026-02-13, the last working day before the Spring Festival (15–23 February, with
# Saturday 14 February a make-up working day): the county takes the materials in.
COUNTY_DAY = date(2026, 2, 13)
# The filing reaches the city on the make-up Saturday.
CITY_MOMENT = datetime(2026, 2, 14, 2, 0, tzinfo=UTC)  # 10:00 in Beijing


def _application(public_id: str) -> Application:
    return db.session.scalar(select(Application).where(Application.public_id == public_id))


def _client(app, staff_id: int, lang: str = "zh"):
    client = app.test_client()
    if lang == "en":
        client.set_cookie("lang", "en")
    sign_in_staff(client, staff_id)
    return client


def _forward(app, public_id: str, officer_id: int, on: date = COUNTY_DAY) -> None:
    with app.app_context():
        forward_to_city(
            _application(public_id),
            db.session.get(StaffMember, officer_id),
            on,
            app.extensions["calendar"],
        )
        db.session.commit()


def _row(page: str, public_id: str) -> str:
    """The table row of one case on a list page."""
    start = page.index(public_id)
    return page[page.rindex("<tr>", 0, start) : page.index("</tr>", start)]


@pytest.fixture
def at_the_city(app, monkeypatch):
    """Time stands at the city's Saturday; an applicant with one forwarded and one ordinary
    filing made then, and the county officer who forwarded the first."""
    monkeypatch.setattr(beijing, "now", lambda: CITY_MOMENT)
    applicant_id, _ = make_applicant(app, name="刘县民")
    applicant = app.test_client()
    sign_in_as(applicant, applicant_id)
    forwarded, ordinary = filed(applicant), filed(applicant)
    officer_id, *_ = make_staff(app, center="hengyang-county", windows=("X11",), name="赵县员")
    _forward(app, forwarded, officer_id)
    return applicant, forwarded, ordinary, officer_id


def test_the_clock_starts_at_the_county_across_the_spring_festival(app, at_the_city, monkeypatch):
    applicant, forwarded, ordinary, officer_id = at_the_city
    with app.app_context():
        case, other = _application(forwarded), _application(ordinary)
        # Five working days from Friday 13 February: the make-up Saturday, then 24–27 February.
        assert case.pre_review_by == date(2026, 2, 27)
        # Counted from the city's Saturday it would have been 28 February (another make-up
        # Saturday): the ordinary filing made at the same moment.
        assert other.pre_review_by == date(2026, 2, 28)
        assert case.forwarding.received_at_county == COUNTY_DAY
        assert case.forwarding.center.slug == "hengyang-county"
        action = db.session.scalar(
            select(StaffAction).where(
                StaffAction.application_id == case.id, StaffAction.action == "county-forwarded"
            )
        )
        assert action.staff_id == officer_id and action.detail["received_on"] == "2026-02-13"
        # Efficiency supervision reads the same start: the county's day.
        assert case_record(case).received == COUNTY_DAY
        assert case_record(other).received == date(2026, 2, 14)

    page = applicant.get(f"/applications/{forwarded}").get_data(as_text=True)
    assert "2026年2月27日" in page  # the pre-review deadline the applicant reads
    assert f"{COUNTY_ZH} 代收并转报" in page
    # Both centers on the timeline, the county first, on the day it received the materials.
    county_line = page.index(f"{COUNTY_ZH} 于 2026年2月13日 收到申请材料")
    forwarded_line = page.index("转至 衡阳市政务服务中心 · 市场监管窗口 审查决定")
    submitted_line = page.index("网上提交申请")
    assert county_line < forwarded_line < submitted_line
    applicant.get("/language/en")
    english = applicant.get(f"/applications/{forwarded}").get_data(as_text=True)
    timeline = english[english.index('class="timeline"') :]
    assert f"{COUNTY_EN} received the materials on February 13, 2026" in timeline, timeline[:1500]
    assert "Forwarded to Hengyang Municipal Government Service Center · Market" in english

    # Nobody answered by 27 February: on 28 February the forwarded filing is deemed accepted
    # from the county's day; the ordinary one, due that very day, is not yet.
    monkeypatch.setattr(beijing, "now", lambda: datetime(2026, 2, 28, 1, 0, tzinfo=UTC))
    with app.app_context():
        calendar = app.extensions["calendar"]
        deemed = deem_overdue_accepted(calendar, beijing.today())
        assert forwarded in {a.public_id for a in deemed}
        assert ordinary not in {a.public_id for a in deemed}
        db.session.commit()
        case = _application(forwarded)
        assert case.status == Status.ACCEPTED and case.accepted_on == COUNTY_DAY
        assert case.decide_by == calendar.add_working_days(COUNTY_DAY, case.item.promised_limit)
        assert _application(ordinary).status == Status.SUBMITTED


def test_the_city_window_sees_the_marker_and_decides_while_the_county_follows(app, at_the_city):
    _, forwarded, ordinary, _ = at_the_city
    city_id, *_ = make_staff(app, windows=("A01",))
    for lang, marker in (
        ("zh", f"由 {COUNTY_ZH} 转报"),
        ("en", f"Forwarded by {COUNTY_EN}"),
    ):
        city = _client(app, city_id, lang)
        queue = city.get("/staff").get_data(as_text=True)
        assert marker in _row(queue, forwarded) and marker not in _row(queue, ordinary)
        page = city.get(f"/staff/cases/{forwarded}").get_data(as_text=True)
        assert marker in page
    assert "收到材料" not in _client(app, city_id).get(f"/staff/cases/{ordinary}").get_data(
        as_text=True
    )

    # Every staff member of the forwarding county follows it; nobody there can decide it.
    officer_id, *_ = make_staff(app, center="hengyang-county", windows=("X01",))
    supervisor_id, *_ = make_staff(app, role="supervisor", center="hengyang-county", windows=())
    for staff_id in (officer_id, supervisor_id):
        county = _client(app, staff_id)
        listed = county.get("/staff/forwarded")
        assert listed.status_code == 200 and forwarded in listed.get_data(as_text=True)
        assert ordinary not in listed.get_data(as_text=True)
        shown = county.get(f"/staff/forwarded/{forwarded}").get_data(as_text=True)
        assert "2026年2月27日" in shown and "2026年2月13日" in shown and "新申请" in shown
        assert 'method="post"' not in shown
        assert county.get(f"/staff/cases/{forwarded}").status_code == 404
        decided = county.post(f"/staff/cases/{forwarded}", data={"decision": "accept"})
        assert decided.status_code == 404
    assert "本中心转报市级的申请" in _client(app, officer_id).get("/staff").get_data(as_text=True)

    # Another county, and the city, never reach it.
    hengnan_id, *_ = make_staff(app, center="hengnan", windows=("X11",))
    hengnan = _client(app, hengnan_id)
    assert forwarded not in hengnan.get("/staff/forwarded").get_data(as_text=True)
    assert hengnan.get(f"/staff/forwarded/{forwarded}").status_code == 404
    city = _client(app, city_id)
    assert city.get("/staff/forwarded").status_code == 403
    assert city.get(f"/staff/forwarded/{forwarded}").status_code == 404
    assert "本中心转报市级的申请" not in city.get("/staff").get_data(as_text=True)

    # The city window decides as usual; the county sees the acceptance and its deadline.
    assert city.post(f"/staff/cases/{forwarded}", data={"decision": "accept"}).status_code == 302
    with app.app_context():
        decide_by = _application(forwarded).decide_by
    shown = _client(app, officer_id, "en").get(f"/staff/forwarded/{forwarded}")
    text = shown.get_data(as_text=True)
    facts = text[text.index('class="facts"') : text.index('class="timeline"')]
    assert "Accepted" in facts and f"{decide_by.day}, {decide_by.year}" in facts, facts
    with app.app_context():
        views = db.session.scalars(
            select(StaffAction.staff_id).where(
                StaffAction.action == "viewed-forwarded-case",
                StaffAction.application_id == _application(forwarded).id,
            )
        ).all()
        assert set(views) == {officer_id, supervisor_id}


def test_a_forward_is_refused_unless_a_county_officer_sends_a_fresh_city_case(app):
    applicant_id, _ = make_applicant(app)
    applicant = app.test_client()
    sign_in_as(applicant, applicant_id)
    city_case, county_case = filed(applicant), filed(applicant, COUNTY)
    officer_id, *_ = make_staff(app, center="hengyang-county", windows=("X11",))
    supervisor_id, *_ = make_staff(app, role="supervisor", center="hengyang-county", windows=())
    city_id, *_ = make_staff(app, windows=("A01",))
    today = beijing.today()

    def refusal(public_id, staff_id, on=today):
        with app.app_context():
            try:
                forward_to_city(
                    _application(public_id),
                    db.session.get(StaffMember, staff_id),
                    on,
                    app.extensions["calendar"],
                )
            except NotForwardable as refused:
                db.session.rollback()
                return refused.refusal
            db.session.commit()
            return None

    assert refusal(city_case, city_id) is Refusal.NOT_COUNTY_OFFICER
    assert refusal(city_case, supervisor_id) is Refusal.NOT_COUNTY_OFFICER
    assert refusal(county_case, officer_id) is Refusal.NOT_CITY_LEVEL
    assert refusal(city_case, officer_id, date(2099, 1, 1)) is Refusal.RECEIVED_LATER
    assert refusal(city_case, officer_id) is None
    assert refusal(city_case, officer_id) is Refusal.ALREADY_FORWARDED
    city = _client(app, city_id)
    city.post(f"/staff/cases/{city_case}", data={"decision": "accept"})
    with app.app_context():
        assert forwarding.is_city_level(_application(city_case).item)
        case = _application(city_case)
        kept = select(CountyForwarding).where(CountyForwarding.application_id == case.id)
        assert len(db.session.scalars(kept).all()) == 1
        assert case.status == Status.ACCEPTED  # the city window decided it as usual
    # Forwarding is part of the free proxy service: its table has nothing to pay.
    columns = {c.key for c in inspect(CountyForwarding).columns}
    assert not {c for c in columns if any(w in c for w in ("fee", "charge", "price", "pay"))}
