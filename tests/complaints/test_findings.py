"""What the record shows on the day of filing: every deadline of the case, kept, missed or
open, counted over the 2026 National Day holidays (1-7 October off, Saturday 10 October a
make-up working day); and a fee against the item's published schedule. Both languages."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.catalog.models import ServiceItem
from portal.clock import beijing
from portal.clock.calendar import WorkingCalendar
from portal.clock.deadlines import Extension, Procedure, Suspension
from portal.complaints.findings import (
    CaseRecord,
    PublishedFee,
    case_record,
    deadline_findings,
    fee_finding,
    schedule_of,
    shows_missed_deadline,
)
from portal.extensions import db
from portal.filing.models import Application
from tests.applying import file_an_application
from tests.backoffice.test_inbound import delivered_case, system_token
from tests.factories import make_applicant, sign_in_as

CALENDAR = WorkingCalendar()
# Received on Monday 28 September: pre-review ends on 29, 30 September, 8, 9, 10 October.
RECEIVED = date(2026, 9, 28)
ACCEPTED = date(2026, 9, 30)


def _record(**changes) -> CaseRecord:
    values = {
        "received": RECEIVED,
        "answered_on": ACCEPTED,
        "accepted_on": ACCEPTED,
        "promised_days": 5,
        "statutory_days": 20,
    }
    return CaseRecord(**(values | changes))


def _texts(findings, language="en"):
    return [finding["text"][language] for finding in findings]


def test_every_deadline_kept_shows_nothing_missed():
    record = _record(
        decided_on=date(2026, 10, 13),
        needs_inspection=True,
        inspected_on=date(2026, 10, 10),
        needs_sign_off=True,
        signed_off_on=date(2026, 10, 9),
    )
    findings = deadline_findings(CALENDAR, record, today=date(2026, 10, 20))
    assert [f["holds"] for f in findings] == [False] * 5
    assert not shows_missed_deadline(findings)
    assert _texts(findings) == [
        "Pre-review (accept, decline or ask for supplements): due by 10 October 2026, "
        "kept (done on 30 September 2026).",
        "Decision within the promised limit: due by 13 October 2026, kept (done on 13 October 2026).",
        "Decision within the statutory limit: due by 3 November 2026, kept (done on 13 October 2026).",
        "Site inspection: due by 10 October 2026, kept (done on 10 October 2026).",
        "Sign-off by the department head: due by 9 October 2026, kept (done on 9 October 2026).",
    ]
    assert (
        _texts(findings, "zh")[1]
        == "承诺时限内作出决定的期限为2026年10月13日：按期办理（2026年10月13日）。"
    )


def test_a_decision_a_day_late_is_a_missed_promise_but_within_the_law():
    findings = deadline_findings(
        CALENDAR, _record(decided_on=date(2026, 10, 14)), today=date(2026, 10, 20)
    )
    promised, statutory = findings[1], findings[2]
    assert promised["holds"] and not statutory["holds"]
    assert promised["text"]["en"].endswith("missed: done only on 14 October 2026.")
    assert promised["text"]["zh"].endswith("超期，2026年10月14日才办理。")
    assert shows_missed_deadline(findings)


def test_a_pre_review_answered_after_the_make_up_saturday_was_missed():
    findings = deadline_findings(
        CALENDAR, _record(answered_on=date(2026, 10, 12), accepted_on=None), date(2026, 10, 12)
    )
    assert len(findings) == 1 and findings[0]["holds"]
    assert "due by 10 October 2026" in findings[0]["text"]["en"]


def test_an_unanswered_case_is_open_until_its_deadline_and_missed_after():
    record = _record(answered_on=None, accepted_on=None)
    on_the_day = deadline_findings(CALENDAR, record, today=date(2026, 10, 10))
    assert not on_the_day[0]["holds"]
    assert on_the_day[0]["text"]["en"].endswith("still open, not yet due.")
    assert on_the_day[0]["text"]["zh"].endswith("尚未到期，仍在办理。")
    after = deadline_findings(CALENDAR, record, today=date(2026, 10, 11))
    assert after[0]["holds"] and after[0]["text"]["en"].endswith("missed: still not done.")


def test_a_suspension_moves_the_promised_deadline():
    # An appraisal on 12 and 13 October: those working days do not count (Art. 45).
    appraisal = Suspension(Procedure.APPRAISAL, date(2026, 10, 12), 2, date(2026, 10, 14))
    findings = deadline_findings(
        CALENDAR,
        _record(suspensions=(appraisal,), decided_on=date(2026, 10, 15)),
        today=date(2026, 10, 20),
    )
    assert "due by 15 October 2026, kept" in findings[1]["text"]["en"]


def test_an_extension_moves_both_the_promised_and_the_statutory_deadline():
    extension = Extension(10, "局长", "需要专家论证", date(2026, 10, 9))
    findings = deadline_findings(CALENDAR, _record(extension=extension), today=date(2026, 10, 28))
    assert "due by 27 October 2026, missed: still not done" in findings[1]["text"]["en"]
    assert "due by 17 November 2026, still open" in findings[2]["text"]["en"]


SCHEDULE = [
    PublishedFee(
        "FB-BDC-0001",
        {"zh": "不动产登记费（住宅类）", "en": "Real estate registration fee (residential)"},
        Decimal("80"),
    ),
    PublishedFee("FX-RATE", {"zh": "按面积收费", "en": "Charge by area"}, None),
]


def test_a_fee_at_the_standard_holds_nothing():
    finding = fee_finding(SCHEDULE, Decimal("80"), fee_code="FB-BDC-0001")
    assert finding == {
        "kind": "fee",
        "holds": False,
        "text": {
            "zh": "“不动产登记费（住宅类）”公布标准为80.00元，所收80.00元未超过标准。",
            "en": "The published standard of “Real estate registration fee (residential)” is "
            "80.00 yuan; the 80.00 yuan asked is within it.",
        },
    }


def test_a_fee_above_the_standard_is_not_in_the_published_schedule():
    finding = fee_finding(SCHEDULE, Decimal("120.5"), fee_named="不动产登记费（住宅类）")
    assert finding["holds"]
    assert finding["text"]["zh"].endswith("所收120.50元高于标准：不在公布的收费目录内。")
    assert finding["text"]["en"].endswith("is above it: not in the published schedule.")


def test_a_fee_the_schedule_does_not_list_is_not_in_the_published_schedule():
    finding = fee_finding(SCHEDULE, Decimal("30"), fee_named="资料费")
    assert finding["holds"]
    assert (
        finding["text"]["zh"]
        == "所收“资料费”30.00元不在本事项公布的收费项目中：不在公布的收费目录内。"
    )


def test_a_fee_whose_standard_is_a_rate_is_left_to_the_office():
    finding = fee_finding(SCHEDULE, Decimal("300"), fee_code="FX-RATE")
    assert not finding["holds"] and "checks the 300.00 yuan asked" in finding["text"]["en"]


def test_the_published_schedule_comes_from_the_catalog(app):
    with app.app_context():
        item = db.session.scalar(select(ServiceItem).where(ServiceItem.code == "430400-GA-DJ-0002"))
        schedule = schedule_of(item)
    assert [fee.code for fee in schedule] == ["FA-0001", "FA-0002"]
    in_schedule = schedule[0]
    if in_schedule.amount is not None:
        assert not fee_finding(schedule, in_schedule.amount, fee_code=in_schedule.code)["holds"]
    assert fee_finding(schedule, Decimal("1"), fee_named="搭车收费")["holds"]


def test_a_submitted_case_is_read_from_its_timeline(app, client):
    applicant_id, _ = make_applicant(app)
    sign_in_as(client, applicant_id)
    public_id = file_an_application(client)
    with app.app_context():
        application = db.session.scalar(
            select(Application).where(Application.public_id == public_id)
        )
        record = case_record(application)
        today = record.received
    assert record.answered_on is None and record.accepted_on is None
    findings = deadline_findings(app.extensions["calendar"], record, today)
    assert len(findings) == 1 and not findings[0]["holds"]


def _report(client, number: str, token: str, **report):
    return client.post(
        f"/api/v1/backoffice/cases/{number}/events",
        json={"event_id": uuid.uuid4().hex, **report},
        headers={"Authorization": f"Bearer {token}"},
    )


@pytest.mark.parametrize("accepted_days_ago", [0, 30])
def test_the_inspection_and_sign_off_the_back_office_reports_are_measured(
    app, client, accepted_days_ago
):
    """Reported done on a day: kept within 3 and 2 working days of acceptance, else missed."""
    public_id, number = delivered_case(app)
    token = system_token(app, app.config["BACKOFFICE_SYSTEM"])
    today = beijing.today()
    assert (
        _report(client, number, token, type="inspection-scheduled", date=str(today)).status_code
        == 201
    )
    tomorrow = str(today + timedelta(days=1))
    refused = _report(client, number, token, type="inspected", date=tomorrow)
    assert refused.status_code == 422 and "after today" in refused.get_json()["error"]["message"]
    for kind in ("inspected", "signed-off"):
        assert _report(client, number, token, type=kind, date=str(today)).status_code == 201
    with app.app_context():
        application = db.session.scalar(
            select(Application).where(Application.public_id == public_id)
        )
        application.accepted_on = today - timedelta(days=accepted_days_ago)
        record = case_record(application)
        db.session.rollback()
    assert record.needs_inspection and record.inspected_on == record.signed_off_on == today
    findings = deadline_findings(app.extensions["calendar"], record, today)
    measured = [f for f in findings if "现场检查" in f["text"]["zh"] or "签" in f["text"]["zh"]]
    assert len(measured) == 2
    assert all(f["holds"] == bool(accepted_days_ago) for f in measured), measured
