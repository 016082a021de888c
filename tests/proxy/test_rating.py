"""The investor rates the proxy service once it has ended: refused, or every permit of the
plan at the end of its road. Five levels, reasons for the bottom two, never a default, once;
a bad rating is followed up by the supervision office, who tells the investor the outcome."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.clock import beijing
from portal.extensions import db
from portal.filing.models import Status
from portal.messaging.models import SentMessage
from portal.proxy.models import ProxyPermit, ProxyProject, ProxyRequest
from portal.ratings import follow_up
from portal.ratings.models import FollowUp, Outcome, Rating, Subject
from portal.window.models import StaffMember
from tests.factories import make_applicant, make_staff, sign_in_as, sign_in_staff
from tests.proxy.journey import submitted_request
from tests.proxy.projects import LAND, PLANNING, accepted_project, add, fixed_rates, staff_client
from tests.proxy.test_plan import _application


def _rating(app, public_id: str) -> Rating | None:
    with app.app_context():
        request = db.session.scalar(select(ProxyRequest).where(ProxyRequest.public_id == public_id))
        found = db.session.scalar(select(Rating).where(Rating.proxy_request_id == request.id))
        if found is not None:
            db.session.expunge(found)
        return found


def _investor(app, public_id: str):
    client = app.test_client()
    with app.app_context():
        applicant_id = db.session.scalar(
            select(ProxyRequest.applicant_id).where(ProxyRequest.public_id == public_id)
        )
    sign_in_as(client, applicant_id)
    return client


def test_a_refused_request_is_rated_once_and_a_bad_rating_followed_up_and_told(app):
    fixed_rates(app)
    public_id = submitted_request(app)
    _, head = staff_client(app, role="proxy-head", name="钱负责")
    investor = _investor(app, public_id)
    page = investor.get(f"/proxy/requests/{public_id}").get_data(as_text=True)
    assert 'id="rating"' not in page  # waiting for the window: nothing to rate yet
    assert (
        head.post(f"/staff/proxy/{public_id}/refuse", data={"reasons": "选址未定。"}).status_code
        == 302
    )
    page = investor.get(f"/proxy/requests/{public_id}").get_data(as_text=True)
    assert "您对全程委托代理服务满意吗？" in page and "checked" not in page  # never a default
    # No level, or a bad one without a reason: errors, nothing kept.
    empty = investor.post(f"/proxy/requests/{public_id}/rating", data={})
    assert empty.status_code == 400 and "请选择一个评价等级。" in empty.get_data(as_text=True)
    bare = investor.post(f"/proxy/requests/{public_id}/rating", data={"level": "very-unsatisfied"})
    assert bare.status_code == 400 and "请选择需要改进的地方。" in bare.get_data(as_text=True)
    assert _rating(app, public_id) is None
    done = investor.post(
        f"/proxy/requests/{public_id}/rating",
        data={"level": "very-unsatisfied", "reasons": ["slow"], "words": "等了很久。"},
    )
    assert done.status_code == 302
    given = _rating(app, public_id)
    assert (given.subject, given.level, given.reasons) == (
        Subject.PROXY,
        "very-unsatisfied",
        ["slow"],
    )
    # Once: a second post changes nothing.
    investor.post(f"/proxy/requests/{public_id}/rating", data={"level": "very-satisfied"})
    assert _rating(app, public_id).level == "very-unsatisfied"
    # The office of the request's center follows it up and tells the investor.
    supervisor_id, *_ = make_staff(app, windows=(), role="supervisor")
    with app.app_context():
        opened = db.session.scalar(select(FollowUp).where(FollowUp.rating_id == given.id))
        assert opened.call_back_by > beijing.today() - timedelta(days=1)
        member = db.session.get(StaffMember, supervisor_id)
        follow_up.record_call(opened, member, "已电话回访。")
        follow_up.record_outcome(
            opened, member, Outcome.EXPLAINED, "已说明选址要求。", app.extensions["calendar"]
        )
        db.session.commit()
        told = db.session.scalars(
            select(SentMessage)
            .where(SentMessage.kind == "rating-follow-up")
            .order_by(SentMessage.id.desc())
        ).first()
        assert "全程委托代理申请 DL-" in told.subject and "已说明选址要求。" in told.body
    office = app.test_client()

    sign_in_staff(office, supervisor_id)
    listed = office.get("/staff/ratings").get_data(as_text=True)
    assert "全程委托代理" in listed
    with app.app_context():
        follow_up_id = db.session.scalar(
            select(FollowUp.public_id).where(FollowUp.rating_id == given.id)
        )
    shown = office.get(f"/staff/ratings/{follow_up_id}")
    assert shown.status_code == 200 and "DL-" in shown.get_data(as_text=True)
    shown = investor.get(f"/proxy/requests/{public_id}").get_data(as_text=True)
    assert "已说明选址要求。" in shown and "非常不满意" in shown
    # The one 追评, after the outcome: the first rating stays as given.
    assert f'action="/proxy/requests/{public_id}/rating/again"' in shown
    empty = investor.post(f"/proxy/requests/{public_id}/rating/again", data={})
    assert empty.status_code == 400 and "请选择一个评价等级。" in empty.get_data(as_text=True)
    again = investor.post(
        f"/proxy/requests/{public_id}/rating/again", data={"level": "basically-satisfied"}
    )
    assert again.status_code == 302
    investor.post(f"/proxy/requests/{public_id}/rating/again", data={"level": "very-satisfied"})
    later = _rating(app, public_id)
    assert (later.level, later.later_level) == ("very-unsatisfied", "basically-satisfied")
    shown = investor.get(f"/proxy/requests/{public_id}").get_data(as_text=True)
    assert "追加评价" in shown and "/rating/again" not in shown


@pytest.fixture
def project(app):
    fixed_rates(app)
    agent_id, agent = staff_client(app)
    code, investor = accepted_project(app, agent_id)
    with app.app_context():
        public_id = db.session.scalar(
            select(ProxyRequest.public_id).join(ProxyProject).where(ProxyProject.code == code)
        )
    return code, agent, investor, public_id


def _link(app, code: str, item: str, status: str) -> None:
    number = _application(app, code, item, status)
    with app.app_context():
        permit = db.session.scalar(
            select(ProxyPermit)
            .join(ProxyProject)
            .where(ProxyProject.code == code)
            .join(ProxyPermit.item)
            .where(ProxyPermit.item.has(code=item))
        )
        from portal.filing.models import Application

        permit.application_id = db.session.scalar(
            select(Application.id).where(Application.number == number)
        )
        db.session.commit()


def test_an_accepted_project_is_rated_only_when_every_permit_has_ended(app, project):
    code, agent, investor, public_id = project
    page = f"/proxy/requests/{public_id}"
    assert 'id="rating"' not in investor.get(page).get_data(as_text=True)  # no permit yet
    for item in (LAND, PLANNING):
        assert add(agent, app, code, item).status_code == 302
    _link(app, code, LAND, Status.COMPLETED)
    # One permit ended, one not filed: not yet, and a post keeps nothing.
    assert 'id="rating"' not in investor.get(page).get_data(as_text=True)
    investor.post(f"{page}/rating", data={"level": "satisfied"})
    assert _rating(app, public_id) is None
    _link(app, code, PLANNING, Status.IN_REVIEW)
    assert 'id="rating"' not in investor.get(page).get_data(as_text=True)
    with app.app_context():
        from portal.filing.models import Application

        for application in db.session.scalars(
            select(Application).join(ProxyPermit, ProxyPermit.application_id == Application.id)
        ):
            if application.status == Status.IN_REVIEW:
                application.status = Status.REFUSED
        db.session.commit()
    assert "您对全程委托代理服务满意吗？" in investor.get(page).get_data(as_text=True)
    assert investor.post(f"{page}/rating", data={"level": "satisfied"}).status_code == 302
    given = _rating(app, public_id)
    assert given.level == "satisfied"
    with app.app_context():  # a good rating opens no follow-up
        assert db.session.scalar(select(FollowUp).where(FollowUp.rating_id == given.id)) is None
    # Only the investor: someone else's account finds no such request.
    stranger = app.test_client()
    sign_in_as(stranger, make_applicant(app, name="陈某", mobile="13700000001")[0])
    assert stranger.post(f"{page}/rating", data={"level": "satisfied"}).status_code == 404


def test_two_ratings_of_the_service_at_once_leave_one(app, backend):
    if backend != "postgresql":
        pytest.skip("SQLite serialises writers: the race needs two real connections")
    import threading

    from portal.proxy import rating as proxy_rating
    from portal.ratings.rating import NotNow

    fixed_rates(app)
    public_id = submitted_request(app)
    _, head = staff_client(app, role="proxy-head", name="钱负责")
    assert (
        head.post(f"/staff/proxy/{public_id}/refuse", data={"reasons": "选址未定。"}).status_code
        == 302
    )
    results, barrier = [], threading.Barrier(2)

    def submit(level):
        with app.app_context():
            request = db.session.scalar(
                select(ProxyRequest).where(ProxyRequest.public_id == public_id)
            )
            barrier.wait()
            try:
                proxy_rating.rate(request, level, ("slow",), None, app.extensions["calendar"], 1)
                db.session.commit()
                results.append("rated")
            except NotNow:
                db.session.rollback()
                results.append("refused")

    threads = [
        threading.Thread(target=submit, args=(lv,)) for lv in ("unsatisfied", "very-unsatisfied")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["rated", "refused"]
    with app.app_context():
        request = db.session.scalar(select(ProxyRequest).where(ProxyRequest.public_id == public_id))
        rows = db.session.scalars(select(Rating).where(Rating.proxy_request_id == request.id)).all()
        assert len(rows) == 1
        assert (
            len(db.session.scalars(select(FollowUp).where(FollowUp.rating_id == rows[0].id)).all())
            == 1
        )
