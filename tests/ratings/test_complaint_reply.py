"""A complaint's reply rated as a case is (好差评): five levels mapped onto the complaint's own
close-or-reopen flow, once per reply, a bad rating under a real name followed up."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.complaints import operations, rating
from portal.complaints.models import Complaint, ComplaintStatus
from portal.complaints.operations import Contact
from portal.extensions import db
from portal.ratings.models import FollowUp, Rating, Subject
from tests.complaints.test_handling import _file
from tests.complaints.test_journey import _replied, acknowledgement, submit, walk_about_item

S = ComplaintStatus


def _reply(complaint: Complaint, text: str = "已核实。") -> None:
    for to in (S.ACCEPTED, S.INVESTIGATING, S.REPLY_APPROVED):
        try:
            operations.move(complaint, to, "office")
        except operations.NotAllowed:
            continue  # a reopened complaint goes straight back to investigating
    operations.move(complaint, S.REPLIED, "office", reply=text)


def _ratings_of(complaint: Complaint) -> list[Rating]:
    events = [e.id for e in complaint.events]
    return list(
        db.session.scalars(
            select(Rating).where(Rating.complaint_event_id.in_(events)).order_by(Rating.id)
        )
    )


@pytest.mark.parametrize(
    ("level", "codes", "status", "answer"),
    [
        ("very-satisfied", (), S.CLOSED, "satisfied"),
        ("satisfied", (), S.CLOSED, "satisfied"),
        ("basically-satisfied", (), S.CLOSED, "basically-satisfied"),
        ("unsatisfied", ("slow",), S.REPLIED, "unsatisfied"),
        ("very-unsatisfied", ("attitude",), S.REPLIED, "unsatisfied"),
    ],
)
def test_the_five_levels_map_onto_the_complaints_flow(app, level, codes, status, answer):
    with app.app_context():
        complaint = _file(contact=Contact("钱七", mobile="13900007771"))
        _reply(complaint)
        db.session.commit()
        rating.rate(complaint, level, codes, "说明")
        db.session.commit()
        assert (complaint.status, complaint.rating) == (status, answer)
        (given,) = _ratings_of(complaint)
        assert (given.subject, given.level, given.center_id) == (
            Subject.COMPLAINT_REPLY,
            level,
            complaint.center_id,
        )
        opened = db.session.scalar(select(FollowUp).where(FollowUp.rating_id == given.id))
        assert (opened is not None) == (answer == "unsatisfied")


def test_each_reply_is_rated_once_and_a_new_reply_afresh(app):
    with app.app_context():
        complaint = _file(contact=Contact("钱七", mobile="13900007772"))
        _reply(complaint)
        db.session.commit()
        with pytest.raises(ValueError):  # a bad rating needs a reason
            rating.rate(complaint, "unsatisfied")
        rating.rate(complaint, "unsatisfied", ("slow",))
        db.session.commit()
        with pytest.raises(rating.NotNow):  # this reply is rated
            rating.rate(complaint, "satisfied")
        rating.ask_again(complaint, "问题没有解决。")
        _reply(complaint, "重新核实后已整改。")
        db.session.commit()
        rating.rate(complaint, "satisfied")
        db.session.commit()
        assert complaint.status == S.CLOSED
        assert [r.level for r in _ratings_of(complaint)] == ["unsatisfied", "satisfied"]


def test_an_anonymous_reply_rating_needs_a_level_and_opens_no_follow_up(app, client):
    walk_about_item(client)
    submit(client)
    ticket, code = acknowledgement(client)
    _replied(app, ticket)
    page = client.post("/complaints/follow", data={"ticket": ticket, "code": code})
    text = page.get_data(as_text=True)
    assert "非常满意" in text and "非常不满意" in text and "checked" not in text
    raw = ticket.replace("-", "")
    empty = client.post(f"/complaints/tickets/{raw}/rating", data={})
    assert empty.status_code == 400 and "请选择一个评价等级。" in empty.get_data(as_text=True)
    bare = client.post(f"/complaints/tickets/{raw}/rating", data={"level": "very-unsatisfied"})
    assert bare.status_code == 400 and "请选择需要改进的地方。" in bare.get_data(as_text=True)
    done = client.post(
        f"/complaints/tickets/{raw}/rating",
        data={"level": "very-unsatisfied", "reasons": ["attitude"], "words": "没有解决。"},
    )
    assert done.status_code == 302
    shown = client.get(f"/complaints/tickets/{raw}").get_data(as_text=True)
    assert "您的评价：非常不满意" in shown and "要求重新处理" in shown
    with app.app_context():
        complaint = db.session.scalar(select(Complaint).where(Complaint.ticket == raw))
        (given,) = _ratings_of(complaint)
        assert given.applicant_id is None and given.words == "没有解决。"
        assert db.session.scalar(select(FollowUp).where(FollowUp.rating_id == given.id)) is None


def test_a_real_name_bad_rating_is_followed_up_then_rated_again_once(app):
    from portal.complaints.presenters import FollowedComplaint
    from portal.ratings import follow_up
    from portal.ratings.models import Outcome
    from portal.window.models import StaffMember
    from tests.factories import make_staff

    supervisor_id, *_ = make_staff(app, windows=(), role="supervisor")
    with app.app_context(), app.test_request_context():
        complaint = _file(contact=Contact("钱七", mobile="13900007773"))
        _reply(complaint)
        db.session.commit()
        rating.rate(complaint, "very-unsatisfied", ("attitude",))
        db.session.commit()
        (given,) = _ratings_of(complaint)
        opened = db.session.scalar(select(FollowUp).where(FollowUp.rating_id == given.id))
        assert not FollowedComplaint(complaint).can_rate_again  # not before the outcome
        member = db.session.get(StaffMember, supervisor_id)
        follow_up.record_call(opened, member, "已回访。")
        follow_up.record_outcome(
            opened, member, Outcome.FIXED, "已当场改正。", app.extensions["calendar"]
        )
        db.session.commit()
        assert FollowedComplaint(complaint).can_rate_again
        follow_up.rate_again(given, "satisfied", None)
        db.session.commit()
        assert not FollowedComplaint(complaint).can_rate_again
        assert (given.level, given.later_level) == ("very-unsatisfied", "satisfied")


def test_the_follow_page_shows_the_outcome_and_takes_the_later_rating(app, client):
    from portal.ratings import follow_up
    from portal.ratings.models import Outcome
    from portal.window.models import StaffMember
    from tests.factories import make_staff, sign_in_staff

    walk_about_item(client)
    submit(client)
    ticket, code = acknowledgement(client)
    _replied(app, ticket)
    client.post("/complaints/follow", data={"ticket": ticket, "code": code})
    raw = ticket.replace("-", "")
    client.post(
        f"/complaints/tickets/{raw}/rating", data={"level": "unsatisfied", "reasons": ["slow"]}
    )
    with app.app_context():
        center = db.session.scalar(select(Complaint).where(Complaint.ticket == raw)).center.slug
    supervisor_id, *_ = make_staff(app, windows=(), role="supervisor", center=center)
    with app.app_context():
        # The office follows up even here (a follow-up opened by hand: the page must show it).
        complaint = db.session.scalar(select(Complaint).where(Complaint.ticket == raw))
        (given,) = _ratings_of(complaint)
        given_id = given.id
        opened = follow_up.open_for(given, app.extensions["calendar"], 1)
        member = db.session.get(StaffMember, supervisor_id)
        follow_up.record_call(opened, member, "已回访。")
        follow_up.record_outcome(
            opened, member, Outcome.EXPLAINED, "已说明。", app.extensions["calendar"]
        )
        db.session.commit()
    page = client.get(f"/complaints/tickets/{raw}").get_data(as_text=True)
    assert "已说明。" in page and f"/complaints/tickets/{raw}/rating/again" in page
    # The office's page of this follow-up names the complaint by its ticket.
    office = app.test_client()
    sign_in_staff(office, supervisor_id)
    with app.app_context():
        follow_up_id = db.session.scalar(
            select(FollowUp.public_id).where(FollowUp.rating_id == given_id)
        )
    shown = office.get(f"/staff/ratings/{follow_up_id}")
    assert shown.status_code == 200 and ticket in shown.get_data(as_text=True)
    assert "投诉答复" in office.get("/staff/ratings").get_data(as_text=True)
    empty = client.post(f"/complaints/tickets/{raw}/rating/again", data={})
    assert empty.status_code == 400 and "<title>错误：" in empty.get_data(as_text=True)
    done = client.post(f"/complaints/tickets/{raw}/rating/again", data={"level": "satisfied"})
    assert done.status_code == 302
    page = client.get(f"/complaints/tickets/{raw}").get_data(as_text=True)
    assert "追加评价" in page and "/rating/again" not in page
