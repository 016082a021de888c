"""The queue says where each case stands; the console keeps the window's decided cases,
searchable by number, applicant and decision date, scoped like the queue, a page at a time."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.clock import beijing
from portal.extensions import db
from portal.filing.models import Application, Status
from portal.window import history
from tests.factories import make_applicant, make_staff, sign_in_as, sign_in_staff
from tests.filing.test_journey import filed


@pytest.fixture
def officer(app):
    staff_id, *_ = make_staff(app, windows=("A01",))
    client = app.test_client()
    sign_in_staff(client, staff_id)
    return client


def _file(app, name: str = "王芳") -> tuple[str, object]:
    applicant_id, identifier = make_applicant(app, name=name)
    client = app.test_client()
    sign_in_as(client, applicant_id)
    return filed(client), identifier


def _number(app, public_id: str) -> str:
    with app.app_context():
        return db.session.scalar(
            select(Application.number).where(Application.public_id == public_id)
        )


def _row(page: str, public_id: str) -> str:
    return re.search(
        rf"<tr>\s*<(?:td|th)[^>]*>(?:(?!</tr>).)*{public_id}(?:(?!</tr>).)*</tr>", page, re.S
    ).group(0)


def test_the_queue_shows_new_resubmitted_deemed_and_unknown_statuses(app, officer):
    new, _ = _file(app)
    resubmitted, _ = _file(app)
    deemed, _ = _file(app)
    with app.app_context():
        for public_id, status in ((resubmitted, Status.RESUBMITTED), (deemed, Status.ACCEPTED)):
            application = db.session.scalar(
                select(Application).where(Application.public_id == public_id)
            )
            application.status = status
            if public_id == deemed:
                from portal.filing.operations import record_event

                record_event(application, "deemed-accepted", "system")
        db.session.commit()
    page = officer.get("/staff").get_data(as_text=True)
    assert "新申请" in _row(page, new)
    assert "补正后重新提交" in _row(page, resubmitted)
    assert "逾期未预审，视为受理" in _row(page, deemed)
    with app.test_request_context():
        from portal.window.presenters import case_status

        application = Application(status="withdrawn-by-mistake", events=[])
        assert case_status(application) == "其他状态（withdrawn-by-mistake）"
        application = Application(status="withdrawn", events=[])
        assert case_status(application) == "申请人已撤回"


def test_decided_cases_are_searchable_by_number_applicant_and_date(app, officer):
    mine, identifier = _file(app, name="欧阳娜娜")
    other, _ = _file(app, name="李雷")
    waiting, _ = _file(app, name="欧阳修")
    for public_id in (mine, other):
        assert (
            officer.post(f"/staff/cases/{public_id}", data={"decision": "accept"}).status_code
            == 302
        )
    number = _number(app, mine)

    page = officer.get("/staff/history").get_data(as_text=True)
    assert mine in page and other in page and waiting not in page
    assert "受理" in _row(page, mine)

    by_number = officer.get("/staff/history", query_string={"number": number[2:10] + number[10:15]})
    assert mine in by_number.get_data(as_text=True)
    assert other not in by_number.get_data(as_text=True)
    dashed = officer.get(
        "/staff/history", query_string={"number": f"hy-{number[2:10]}-{number[10:15]}"}
    )
    assert mine in dashed.get_data(as_text=True)

    by_name = officer.get("/staff/history", query_string={"applicant": "欧阳"}).get_data(
        as_text=True
    )
    assert mine in by_name and other not in by_name and waiting not in by_name
    by_id = officer.get("/staff/history", query_string={"applicant": identifier[-4:].lower()})
    assert mine in by_id.get_data(as_text=True)
    masked = identifier[:3] + "*" * 11 + identifier[-4:]
    assert masked in _row(by_id.get_data(as_text=True), mine)
    whole = officer.get("/staff/history", query_string={"applicant": identifier})
    assert whole.status_code == 400
    assert "请只填身份证号或统一社会信用代码的后 4 位" in whole.get_data(as_text=True)

    today = beijing.today()
    in_range = officer.get(
        "/staff/history", query_string={"decided_from": str(today), "decided_to": str(today)}
    ).get_data(as_text=True)
    assert mine in in_range
    tomorrow = str(today + timedelta(days=1))
    later = officer.get("/staff/history", query_string={"decided_from": tomorrow}).get_data(
        as_text=True
    )
    assert mine not in later and "没有符合条件的申请" in later

    wrong = officer.get(
        "/staff/history", query_string={"decided_from": tomorrow, "decided_to": str(today)}
    )
    assert wrong.status_code == 400
    assert "结束日期不能早于开始日期" in wrong.get_data(as_text=True)
    bad = officer.get("/staff/history", query_string={"decided_from": "yesterday"})
    assert bad.status_code == 400 and "请按 2026-12-01 的格式填写日期" in bad.get_data(as_text=True)


def test_history_is_scoped_like_the_queue(app, officer):
    case, _ = _file(app)
    assert officer.post(f"/staff/cases/{case}", data={"decision": "accept"}).status_code == 302
    stranger_id, *_ = make_staff(app, windows=("V01",), center="vehicle-plates", name="李娜")
    stranger = app.test_client()
    sign_in_staff(stranger, stranger_id)
    assert case not in stranger.get("/staff/history").get_data(as_text=True)
    assert case in officer.get("/staff/history").get_data(as_text=True)


def test_history_comes_a_page_at_a_time(app, officer, monkeypatch):
    monkeypatch.setattr(history, "PAGE_SIZE", 2)
    cases = [_file(app, name="分页测试")[0] for _ in range(3)]
    for public_id in cases:
        officer.post(f"/staff/cases/{public_id}", data={"decision": "accept"})
    first = officer.get("/staff/history", query_string={"applicant": "分页测试"}).get_data(
        as_text=True
    )
    assert "第 1 页，共 2 页" in first
    assert cases[2] in first and cases[1] in first and cases[0] not in first
    link = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    second = officer.get(link).get_data(as_text=True)
    assert cases[0] in second and cases[2] not in second
    beyond = officer.get(
        "/staff/history", query_string={"applicant": "分页测试", "page": "99999999999"}
    )
    assert beyond.status_code == 200 and cases[0] in beyond.get_data(as_text=True)
