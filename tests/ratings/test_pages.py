"""The case page asks for the rating once the case has ended (no JavaScript), shows it once
given; the supervision office of the case's center follows a bad one up, nobody else."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.filing.models import Application, Status
from portal.ratings.models import FollowUp, Rating
from tests.factories import make_applicant, make_staff, sign_in_as, sign_in_staff
from tests.filing.test_journey import filed


def _ended(app, status=Status.COMPLETED):
    applicant_id, _ = make_applicant(app)
    client = app.test_client()
    sign_in_as(client, applicant_id)
    public_id = filed(client)
    with app.app_context():
        application = db.session.scalar(
            select(Application).where(Application.public_id == public_id)
        )
        application.status = status
        db.session.commit()
    return client, public_id


def _staff(app, role="supervisor", center="city"):
    windows = ("A01",) if role in ("officer", "head") else ()
    staff_id, *_ = make_staff(app, windows=windows, role=role, center=center)
    client = app.test_client()
    sign_in_staff(client, staff_id)
    return client


def _follow_up_id(app, public_id):
    with app.app_context():
        return db.session.scalar(
            select(FollowUp.public_id)
            .join(Rating)
            .join(Application)
            .where(Application.public_id == public_id)
        )


def test_an_open_case_asks_for_no_rating(app):
    client, public_id = _ended(app, Status.IN_REVIEW)
    page = client.get(f"/applications/{public_id}").get_data(as_text=True)
    assert 'name="level"' not in page
    assert (
        client.post(f"/applications/{public_id}/rating", data={"level": "satisfied"}).status_code
        == 302
    )
    with app.app_context():
        assert (
            db.session.scalar(
                select(Rating).join(Application).where(Application.public_id == public_id)
            )
            is None
        )


def test_the_rating_form_asks_reasons_for_a_bad_rating_then_shows_the_rating(app):
    client, public_id = _ended(app)
    page = client.get(f"/applications/{public_id}").get_data(as_text=True)
    assert "<legend>" in page and 'name="level"' in page
    assert 'type="checkbox"' in page and "checked" not in page  # never a default
    refused = client.post(f"/applications/{public_id}/rating", data={"level": "unsatisfied"})
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert 'href="#reasons"' in text and 'id="reasons-error"' in text
    rated = client.post(
        f"/applications/{public_id}/rating",
        data={"level": "unsatisfied", "reasons": ["slow", "attitude"], "words": "等太久"},
    )
    assert rated.status_code == 302 and rated.headers["Location"].endswith("#rating")
    page = client.get(f"/applications/{public_id}").get_data(as_text=True)
    assert "您的评价" in page and "不满意" in page and "办理时间太长" in page
    assert 'name="level"' not in page
    # Once: a second submit changes nothing.
    client.post(f"/applications/{public_id}/rating", data={"level": "very-satisfied"})
    with app.app_context():
        given = db.session.scalar(
            select(Rating).join(Application).where(Application.public_id == public_id)
        )
        assert given.level == "unsatisfied"


def test_the_office_calls_back_records_an_outcome_and_the_rater_rates_again(app):
    client, public_id = _ended(app)
    client.post(
        f"/applications/{public_id}/rating",
        data={"level": "very-unsatisfied", "reasons": ["slow"]},
    )
    follow_up_id = _follow_up_id(app, public_id)
    office = _staff(app)
    listing = office.get("/staff/ratings").get_data(as_text=True)
    assert follow_up_id in listing and "light-" in listing
    assert "差评回访" in office.get("/staff").get_data(as_text=True)
    assert office.post(f"/staff/ratings/{follow_up_id}/call", data={"note": ""}).status_code == 400
    assert (
        office.post(
            f"/staff/ratings/{follow_up_id}/call", data={"note": "已电话联系。"}
        ).status_code
        == 302
    )
    too_far = office.post(
        f"/staff/ratings/{follow_up_id}/outcome",
        data={"outcome": "fix-by", "fix_by": "2099-01-01", "note": "整改"},
    )
    assert too_far.status_code == 400 and 'id="fix_by-error"' in too_far.get_data(as_text=True)
    assert (
        office.post(
            f"/staff/ratings/{follow_up_id}/outcome",
            data={"outcome": "explained", "note": "已向申请人说明办理时限的规定。"},
        ).status_code
        == 302
    )
    page = client.get(f"/applications/{public_id}").get_data(as_text=True)
    assert "解释说明" in page and "追加评价" in page
    assert (
        client.post(
            f"/applications/{public_id}/rating/again", data={"level": "basically-satisfied"}
        ).status_code
        == 302
    )
    page = client.get(f"/applications/{public_id}").get_data(as_text=True)
    assert "基本满意" in page and "提交追加评价" not in page


def test_only_the_office_of_the_cases_center_sees_its_follow_up(app):
    client, public_id = _ended(app)
    client.post(
        f"/applications/{public_id}/rating", data={"level": "unsatisfied", "reasons": ["other"]}
    )
    follow_up_id = _follow_up_id(app, public_id)
    assert _staff(app, "supervision-head").get(f"/staff/ratings/{follow_up_id}").status_code == 200
    other_center = _staff(app, center="land-mineral")
    assert other_center.get(f"/staff/ratings/{follow_up_id}").status_code == 404
    assert (
        other_center.post(f"/staff/ratings/{follow_up_id}/call", data={"note": "x"}).status_code
        == 404
    )
    assert follow_up_id not in other_center.get("/staff/ratings").get_data(as_text=True)
    for role in ("officer", "head", "proxy-agent", "proxy-head", "administrator"):
        member = _staff(app, role)
        assert member.get("/staff/ratings").status_code == 403
        assert member.get(f"/staff/ratings/{follow_up_id}").status_code == 403
    # Applicants never get in.
    assert client.get("/staff/ratings").status_code == 302
