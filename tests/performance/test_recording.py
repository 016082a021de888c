"""A decision reported by the back office is recorded for the figures once, in its own
transaction, with the deadline it was held to."""

from __future__ import annotations

import re
import uuid

from sqlalchemy import select

from portal.clock import beijing
from portal.extensions import db
from portal.filing import operations as filing
from portal.filing.models import Application
from portal.performance.models import CaseDecision
from tests.backoffice.test_inbound import _report, accepted, token  # noqa: F401  (fixtures)
from tests.factories import make_applicant, sign_in_as
from tests.window.test_console import officer  # noqa: F401  (a fixture)


def test_an_approval_is_recorded_once_with_its_deadline(app, token, accepted):  # noqa: F811
    public_id, number = accepted
    client = app.test_client()
    event_id = uuid.uuid4().hex
    assert _report(client, number, token, event_id=event_id, type="approved").status_code == 201
    assert _report(client, number, token, event_id=event_id, type="approved").status_code == 200
    with app.app_context():
        application = db.session.scalar(
            select(Application).where(Application.public_id == public_id)
        )
        decisions = db.session.scalars(
            select(CaseDecision).where(CaseDecision.application_id == application.id)
        ).all()
        assert len(decisions) == 1
        decision = decisions[0]
        assert decision.decided_on == beijing.today()
        assert decision.due_on == application.decide_by
        assert decision.on_time is True  # decided the day it was accepted
        assert decision.working_days == 0
        assert decision.promised_days == application.item.promised_limit
        assert (decision.center_id, decision.item_id) == (
            application.center_id,
            application.item_id,
        )


def test_an_immediate_item_is_decided_on_the_spot_at_acceptance(app, officer):  # noqa: F811
    applicant_id, _ = make_applicant(app)
    client = app.test_client()
    sign_in_as(client, applicant_id)
    start = client.post("/items/430400-SC-DJ-0002/apply")  # an immediate item
    public_id = re.search(r"/applications/([0-9a-f]{32})/", start.headers["Location"]).group(1)
    with app.app_context():
        application = db.session.scalar(
            select(Application).where(Application.public_id == public_id)
        )
        city_a01 = next(w for w in filing.places(application.item) if w.code == "A01")
        filing.choose_place(application, city_a01.id, 30)
        filing.submit(application, app.extensions["calendar"])
        db.session.commit()
        application_id = application.id
    officer.post(f"/staff/cases/{public_id}", data={"decision": "accept"})
    with app.app_context():
        decision = db.session.get(CaseDecision, application_id)
        assert (decision.decided_on, decision.due_on, decision.on_time) == (
            beijing.today(),
            beijing.today(),
            True,
        )
        assert decision.working_days == 0 and decision.promised_days == 0
