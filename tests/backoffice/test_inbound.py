"""The back office reports progress: authenticated, applied once, refused when it does not
fit, and shown to the applicant in plain words."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from portal.backoffice.delivery import LoggingBackend
from portal.backoffice.dispatcher import deliver_one, system_named
from portal.backoffice.inbound import add_system
from portal.clock import beijing
from portal.extensions import db
from portal.filing.models import Application
from portal.filing.numbering import check_character
from portal.outbox import RetrySchedule
from tests.backoffice.test_dispatcher import _accepted_case


def system_token(app, name: str) -> str:
    """A fresh bearer token for the back-office system called ``name``."""
    with app.app_context():
        _, token = add_system(name, new_token=True)
        db.session.commit()
    return token


@pytest.fixture
def token(app) -> str:
    """The token of the system this portal delivers to (BACKOFFICE_SYSTEM)."""
    return system_token(app, app.config["BACKOFFICE_SYSTEM"])


def delivered_case(app, system: str | None = None) -> tuple[str, str]:
    """An accepted case, delivered to ``system`` (default BACKOFFICE_SYSTEM): id and number."""
    public_id, message_id = _accepted_case(app)
    with app.app_context():
        deliver_one(
            message_id,
            LoggingBackend(),
            RetrySchedule(),
            system_id=system_named(system or app.config["BACKOFFICE_SYSTEM"]).id,
        )
        number = db.session.scalar(
            select(Application.number).where(Application.public_id == public_id)
        )
    return public_id, number


@pytest.fixture
def accepted(app):
    return delivered_case(app)


def _report(client, number: str, token: str, **report):
    report.setdefault("event_id", uuid.uuid4().hex)
    return client.post(
        f"/api/v1/backoffice/cases/{number}/events",
        json=report,
        headers={"Authorization": f"Bearer {token}"},
    )


def test_a_report_needs_a_valid_token(client, accepted):
    _, number = accepted
    assert (
        client.post(
            f"/api/v1/backoffice/cases/{number}/events", json={"event_id": "x", "type": "in-review"}
        ).status_code
        == 401
    )
    assert _report(client, number, "not-a-token", type="in-review").status_code == 401


def test_an_unknown_case_is_a_404_and_a_malformed_report_a_400(client, token, accepted):
    _, number = accepted
    unknown = number[:-7] + "99999"
    unknown += check_character(unknown[2:])
    assert _report(client, unknown, token, type="in-review").status_code == 404
    assert _report(client, "not-a-number", token, type="in-review").status_code == 404
    assert _report(client, number, token, type="teleported").status_code == 400
    assert _report(client, number, token, type="refused", reasons="bad\x00byte").status_code == 400


def test_progress_is_applied_once_and_the_applicant_sees_it(app, client, token, accepted):
    public_id, number = accepted
    event_id = uuid.uuid4().hex
    first = _report(client, number, token, event_id=event_id, type="in-review")
    again = _report(client, number, token, event_id=event_id, type="in-review")
    assert first.status_code == 201 and again.status_code == 200 and again.get_json()["repeated"]
    with app.app_context():
        application = db.session.scalar(
            select(Application).where(Application.public_id == public_id)
        )
        assert [e.kind for e in application.events].count("backoffice-in-review") == 1


def test_an_illegal_transition_is_refused_with_the_reason(client, token, accepted):
    _, number = accepted
    response = _report(client, number, token, type="completed")
    assert response.status_code == 409
    assert "cannot follow" in response.get_json()["error"]["message"]


def test_an_extension_and_a_suspension_move_the_decision_date(client, token, accepted):
    _, number = accepted
    _report(client, number, token, type="in-review")
    extended = _report(
        client,
        number,
        token,
        type="extended",
        extension={"days": 10, "approver": "局长 王强", "reason": "需要征求规划部门意见"},
    )
    assert extended.status_code == 201
    twice = _report(
        client,
        number,
        token,
        type="extended",
        extension={"days": 5, "approver": "x", "reason": "y"},
    )
    assert twice.status_code == 422 and "only one extension" in twice.get_json()["error"]["message"]
    suspended = _report(
        client, number, token, type="suspended", procedure="expert_review", expected_working_days=5
    )
    assert suspended.status_code == 201 and suspended.get_json()["status"] == "suspended"
    assert _report(client, number, token, type="resumed").get_json()["status"] == "in-review"


def test_a_refusal_needs_reasons_and_the_applicant_reads_them(app, token, accepted):
    public_id, number = accepted
    client = app.test_client()
    assert _report(client, number, token, type="refused").status_code == 422
    assert (
        _report(client, number, token, type="refused", reasons="选址不符合国土空间规划").status_code
        == 201
    )
    with app.app_context():
        application = db.session.scalar(
            select(Application).where(Application.public_id == public_id)
        )
        assert application.status == "refused"


def test_a_fee_notice_may_only_carry_published_fees(client, token, accepted):
    _, number = accepted
    response = _report(client, number, token, type="fee-notice", fee_items=["FA-0001"])
    assert response.status_code == 422 and "piggy-back" in response.get_json()["error"]["message"]


def test_a_suspension_reported_at_seven_in_the_morning_is_dated_that_day(
    app, client, token, accepted, monkeypatch
):
    _, number = accepted
    _report(client, number, token, type="in-review")
    # 07:00 in Beijing on the day after the acceptance: still the previous day in UTC.
    next_day = beijing.today() + timedelta(days=1)
    early = datetime.combine(next_day, time(7, 0), tzinfo=beijing.BEIJING).astimezone(UTC)
    assert early.date() < next_day
    monkeypatch.setattr(beijing, "now", lambda: early)
    answer = _report(
        client, number, token, type="suspended", procedure="expert_review", expected_working_days=3
    )
    assert answer.status_code == 201
    with app.app_context():
        clock = db.session.scalar(select(Application.clock).where(Application.number == number))
    assert clock["suspensions"][-1]["started_on"] == next_day.isoformat()


def test_an_extension_report_issues_a_dated_notice_with_the_new_decision_date(app, token, accepted):
    from pypdf import PdfReader

    from portal.filing.models import Notice, NoticeKind
    from portal.i18n import long_date

    _, number = accepted
    client = app.test_client()
    _report(client, number, token, type="in-review")
    answer = _report(
        client,
        number,
        token,
        type="extended",
        extension={"days": 10, "approver": "局长 王强", "reason": "需要征求规划部门意见"},
    )
    assert answer.status_code == 201
    with app.app_context():
        application = db.session.scalar(select(Application).where(Application.number == number))
        [notice] = db.session.scalars(
            select(Notice).where(
                Notice.application_id == application.id, Notice.kind == NoticeKind.EXTENSION
            )
        ).all()
        with app.test_request_context():
            new_date = long_date(application.decide_by)
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(notice.pdf)).pages)
    assert "需要征求规划部门意见" in text
    assert new_date.replace(" ", "") in text.replace(" ", "")
