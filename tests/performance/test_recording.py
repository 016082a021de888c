"""A decision reported by the back office is recorded for the figures once, in its own
transaction, with the deadline it was held to."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from portal.clock import beijing
from portal.extensions import db
from portal.filing.models import Application
from portal.performance.models import CaseDecision
from tests.backoffice.test_inbound import _report, accepted, token  # noqa: F401  (fixtures)


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
