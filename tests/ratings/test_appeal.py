"""The window that handled a case appeals a bad rating once (申诉复核); the supervision head of
the case's center decides with reasons; upheld keeps the rating on record, out of the figures.
Nobody else appeals, decides or sees another window's ratings."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.filing.models import Application
from portal.ratings.models import Appeal, Rating
from portal.window.models import StaffAction
from tests.ratings.test_pages import _ended, _follow_up_id, _staff


def _bad_rating(app):
    client, public_id = _ended(app)
    client.post(
        f"/applications/{public_id}/rating",
        data={"level": "very-unsatisfied", "reasons": ["attitude"], "words": "乱评的"},
    )
    return client, public_id, _follow_up_id(app, public_id)


def _rating(app, public_id) -> Rating:
    with app.app_context():
        given = db.session.scalar(
            select(Rating).join(Application).where(Application.public_id == public_id)
        )
        db.session.expunge(given)
        return given


def test_the_window_appeals_once_and_the_head_upholds_with_reasons(app):
    client, public_id, follow_up_id = _bad_rating(app)
    officer = _staff(app, "officer")
    assert "本窗口的差评" in officer.get("/staff").get_data(as_text=True)
    assert follow_up_id in officer.get("/staff/ratings/window").get_data(as_text=True)
    page = f"/staff/ratings/window/{follow_up_id}"
    assert officer.get(page).status_code == 200
    assert officer.post(f"{page}/appeal", data={"grounds": ""}).status_code == 400
    assert (
        officer.post(f"{page}/appeal", data={"grounds": "申请人评价的是另一件事。"}).status_code
        == 302
    )
    # Once: a colleague's second appeal changes nothing.
    _staff(app, "head").post(f"{page}/appeal", data={"grounds": "再申诉"})
    with app.app_context():
        assert db.session.scalars(select(Appeal.grounds)).all().count("再申诉") == 0

    decision = f"/staff/ratings/{follow_up_id}/appeal-decision"
    supervisor = _staff(app, "supervisor")
    assert supervisor.post(decision, data={"decision": "upheld", "reasons": "x"}).status_code == 403
    head = _staff(app, "supervision-head")
    assert "作出复核决定" in head.get(f"/staff/ratings/{follow_up_id}").get_data(as_text=True)
    assert head.post(decision, data={"decision": "upheld", "reasons": ""}).status_code == 400
    assert _rating(app, public_id).out_of_figures is False
    assert (
        head.post(decision, data={"decision": "upheld", "reasons": "核实为误评。"}).status_code
        == 302
    )
    given = _rating(app, public_id)
    assert given.out_of_figures is True and given.level == "very-unsatisfied"  # on record
    # The applicant still sees the rating they gave.
    assert "非常不满意" in client.get(f"/applications/{public_id}").get_data(as_text=True)
    with app.app_context():
        actions = set(db.session.scalars(select(StaffAction.action)).all())
        assert {"rating-appealed", "rating-appeal-decided"} <= actions


def test_a_dismissed_appeal_keeps_the_rating_in_the_figures(app):
    _, public_id, follow_up_id = _bad_rating(app)
    _staff(app, "officer").post(
        f"/staff/ratings/window/{follow_up_id}/appeal", data={"grounds": "不同意"}
    )
    _staff(app, "supervision-head").post(
        f"/staff/ratings/{follow_up_id}/appeal-decision",
        data={"decision": "dismissed", "reasons": "回访确认评价属实。"},
    )
    assert _rating(app, public_id).out_of_figures is False


def test_other_windows_and_centers_neither_see_nor_appeal_nor_decide(app):
    _, _, follow_up_id = _bad_rating(app)
    page = f"/staff/ratings/window/{follow_up_id}"
    other_window = app.test_client()
    from tests.factories import make_staff, sign_in_staff

    staff_id, *_ = make_staff(app, windows=("A07",))
    sign_in_staff(other_window, staff_id)
    assert other_window.get(page).status_code == 404
    assert other_window.post(f"{page}/appeal", data={"grounds": "x"}).status_code == 404
    assert follow_up_id not in other_window.get("/staff/ratings/window").get_data(as_text=True)
    for role in ("supervisor", "supervision-head", "proxy-head", "administrator"):
        assert _staff(app, role).get(page).status_code == 403
    _staff(app, "officer").post(f"{page}/appeal", data={"grounds": "误评"})
    other_head = _staff(app, "supervision-head", center="land-mineral")
    assert (
        other_head.post(
            f"/staff/ratings/{follow_up_id}/appeal-decision",
            data={"decision": "upheld", "reasons": "x"},
        ).status_code
        == 404
    )
