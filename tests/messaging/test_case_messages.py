"""Every change of a case reaches its applicant by e-mail through the real SMTP server and by
SMS through a real SMS gateway process, once per channel, in the applicant's language; a
gateway that is down delays a text without resending the e-mail, and never sends it twice."""

from __future__ import annotations

import random
import re
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from portal.accounts.models import Applicant
from portal.backoffice.delivery import LoggingBackend
from portal.backoffice.dispatcher import deliver_one, system_named
from portal.backoffice.models import OutboxMessage
from portal.catalog.models import FeeItem, ServiceItem
from portal.clock import beijing
from portal.extensions import db
from portal.filing.models import Application, Notice
from portal.filing.numbering import display_number
from portal.filing.operations import record_event
from portal.messaging.models import QueuedMessage, SentMessage
from portal.messaging.outbox import deliver_due_messages
from portal.notify import FanOutNotifier, SmsNotifier, SmtpNotifier
from portal.outbox import RetrySchedule
from portal.window import operations as window
from tests.applying import COMPANY
from tests.backoffice.test_inbound import _report, system_token
from tests.factories import make_applicant, make_staff, pdf_bytes, sign_in_as, sign_in_staff, upload
from tests.filing.test_journey import filed


@pytest.fixture
def notifier(app, smtp_server, sms_receiver, monkeypatch):
    both = FanOutNotifier(
        [
            SmtpNotifier(smtp_server.host, "noreply@zwfw.hengyang.example", port=smtp_server.port),
            SmsNotifier(sms_receiver.url, sms_receiver.token, timeout=2),
        ]
    )
    monkeypatch.setitem(app.extensions, "notifier", both)
    return both


class Person:
    """An applicant with an e-mail address and a mobile number of their own, signed in."""

    def __init__(self, app, language: str = "zh") -> None:
        self.email = f"case-{uuid.uuid4().hex[:10]}@example.com"
        self.mobile = "139" + "".join(random.choice("0123456789") for _ in range(8))
        self.id, self.identifier = make_applicant(app, mobile=self.mobile, email=self.email)
        with app.app_context():
            db.session.get(Applicant, self.id).language = language
            db.session.commit()
        self.client = app.test_client()
        sign_in_as(self.client, self.id)

    def told(self, app) -> list[str]:
        """The kinds of message sent to this person, oldest first."""
        with app.app_context():
            return list(
                db.session.scalars(
                    select(SentMessage.kind)
                    .where(SentMessage.applicant_id == self.id)
                    .order_by(SentMessage.id)
                )
            )


def _deliver(app, notifier) -> None:
    """What the worker does: send every message that is due."""
    with app.app_context():
        while deliver_due_messages(notifier, batch=50):
            pass


def _application(public_id: str) -> Application:
    return db.session.scalar(select(Application).where(Application.public_id == public_id))


def _number(app, public_id: str) -> str:
    with app.app_context():
        return _application(public_id).number


def _officer(app):
    staff_id, *_ = make_staff(app, windows=("A01",))
    officer = app.test_client()
    sign_in_staff(officer, staff_id)
    return officer


def _decide(officer, public_id: str, **data) -> None:
    assert officer.post(f"/staff/cases/{public_id}", data=data).status_code == 302


def _to_back_office(app, public_id: str) -> None:
    with app.app_context():
        message_id = db.session.scalar(
            select(OutboxMessage.id).join(Application).where(Application.public_id == public_id)
        )
        deliver_one(
            message_id,
            LoggingBackend(),
            RetrySchedule(),
            system_id=system_named(app.config["BACKOFFICE_SYSTEM"]).id,
        )


def _published_fee(app):
    """Give the filed item a published fee for the fee notice; taken away afterwards."""
    with app.app_context():
        fee = db.session.scalars(select(FeeItem).where(FeeItem.amount.is_not(None))).first()
        item = db.session.scalar(select(ServiceItem).where(ServiceItem.code == COMPANY))
        item.fees.append(fee)
        db.session.commit()
        return fee.code


def _unpublish_fee(app, code: str) -> None:
    with app.app_context():
        item = db.session.scalar(select(ServiceItem).where(ServiceItem.code == COMPANY))
        item.fees[:] = [f for f in item.fees if f.code != code]
        db.session.commit()


def test_every_step_of_a_case_reaches_the_applicant_by_email_and_sms(
    app, notifier, smtp_server, sms_receiver
):
    person = Person(app)
    officer = _officer(app)
    token = system_token(app, app.config["BACKOFFICE_SYSTEM"])
    public_id = filed(person.client)
    number = _number(app, public_id)
    _decide(officer, public_id, decision="supplements", **{"reason-M02": "章程缺少全体股东签字"})
    person.client.post(
        f"/applications/{public_id}/materials/M02",
        data=upload(pdf_bytes(), "章程.pdf"),
        content_type="multipart/form-data",
    )
    assert person.client.post(f"/applications/{public_id}/supplements").status_code == 302
    _decide(officer, public_id, decision="accept")
    _to_back_office(app, public_id)
    fee = _published_fee(app)
    try:
        reports = [
            {"type": "in-review"},
            {"type": "inspection-scheduled", "date": "2026-12-23"},
            {"type": "suspended", "procedure": "expert_review", "expected_working_days": 5},
            {"type": "resumed"},
            {
                "type": "extended",
                "extension": {"days": 5, "approver": "局长 王强", "reason": "需要征求规划部门意见"},
            },
            {"type": "fee-notice", "fee_items": [fee]},
            {"type": "approved"},
            {"type": "certificate-issued", "certificate_number": "JY14304000012345"},
            {"type": "completed"},
        ]
        for report in reports:
            assert _report(person.client, number, token, **report).status_code == 201, report
    finally:
        _unpublish_fee(app, fee)
    _deliver(app, notifier)

    expected = [
        "received",
        "supplements-requested",
        "resubmitted",
        "accepted",
        "in-review",
        "inspection-scheduled",
        "suspended",
        "resumed",
        "extended",
        "fee-notice",
        "approved",
        "certificate-issued",
        "completed",
    ]
    assert person.told(app) == expected
    mails = smtp_server.messages(count=len(expected), to=person.email)
    texts = sms_receiver.texts(to=person.mobile, count=len(expected))
    assert len(mails) == len(expected) and len(texts) == len(expected), "once per channel"
    shown = display_number(number)
    assert all(shown in m["Subject"] for m in mails)
    assert all(shown in t["text"] and t["text"].startswith("【衡阳一窗通】") for t in texts)
    bodies = [m.get_content() for m in mails]
    assert "查询码" in bodies[0]
    assert "公司章程" in bodies[1] and "章程缺少全体股东签字" in bodies[1]
    with app.app_context():
        application = _application(public_id)
        decide_by = application.decide_by
    assert "需要征求规划部门意见" in bodies[8]
    assert f"{decide_by.year}年{decide_by.month}月{decide_by.day}日" in bodies[8]
    assert "¥" in bodies[9]
    assert "JY14304000012345" in bodies[11] and "市场监管窗口" in bodies[11]
    # Each e-mail's Message-ID comes from its row's key: a resend would be the same message.
    assert all(
        re.fullmatch(r"<[0-9a-f]{32}@zwfw\.hengyang\.example>", m["Message-ID"]) for m in mails
    )


def test_a_decline_a_deemed_acceptance_a_refusal_and_a_withdrawal_are_told_too(
    app, notifier, smtp_server, sms_receiver
):
    person = Person(app, language="en")
    officer = _officer(app)
    token = system_token(app, app.config["BACKOFFICE_SYSTEM"])
    declined, deemed, refused, withdrawn = (filed(person.client) for _ in range(4))
    _decide(
        officer,
        declined,
        decision="decline",
        decline_reason="不属于本中心受理范围",
        right_authority="衡阳市自然资源和规划局",
    )
    with app.app_context():
        # Only this case is overdue: a pre-review day long past, and a "today" just after it.
        _application(deemed).pre_review_by = date(2001, 1, 2)
        db.session.commit()
        window.deem_overdue_accepted(app.extensions["calendar"], date(2001, 1, 3))
        db.session.commit()
    _decide(officer, refused, decision="accept")
    _to_back_office(app, refused)
    assert (
        _report(
            person.client, _number(app, refused), token, type="refused", reasons="选址不符合规划"
        ).status_code
        == 201
    )
    with app.app_context():
        record_event(_application(withdrawn), "withdrawn", "applicant")
        db.session.commit()
    _deliver(app, notifier)

    told = person.told(app)
    assert told.count("received") == 4
    for kind in ("declined", "deemed-accepted", "accepted", "refused", "withdrawn"):
        assert told.count(kind) == 1, kind
    mails = smtp_server.messages(count=len(told), to=person.email)
    assert len(mails) == len(told) and len(sms_receiver.texts(to=person.mobile)) == len(told)
    by_subject = {m["Subject"]: m.get_content() for m in mails}
    decline = next(b for s, b in by_subject.items() if "was declined" in s)
    assert "不属于本中心受理范围" in decline and "administrative review" in decline
    refusal = next(b for s, b in by_subject.items() if "was refused" in s)
    assert "选址不符合规划" in refusal and "lawsuit" in refusal
    assert any("counts as accepted" in s for s in by_subject)
    assert any("withdrawn" in s for s in by_subject)


def test_a_gateway_that_is_down_delays_the_text_and_never_resends_the_email(
    app, notifier, smtp_server, sms_receiver
):
    person = Person(app)
    sms_receiver.stop()
    assert (
        person.client.post(
            "/account/forgot-password", data={"identifier": person.identifier}
        ).status_code
        == 302
    )
    assert len(smtp_server.messages(count=1, to=person.email)) == 1
    box = person.client.get("/account/messages").get_data(as_text=True)
    assert "暂时没有发出去，正在重试" in box and "已发出" in box

    sms_receiver.start()
    with app.app_context():
        db.session.execute(
            update(QueuedMessage)
            .where(QueuedMessage.to_mobile == person.mobile)
            .values(next_attempt_at=beijing.now() - timedelta(seconds=1))
        )
        db.session.commit()
    _deliver(app, notifier)
    [text] = sms_receiver.texts(to=person.mobile, count=1)
    code = re.search(r"\d{6}", text["text"]).group(0)
    # A worker that died after the gateway took the text sends it again with the same key:
    # the gateway sends nothing new.
    with app.app_context():
        row = db.session.scalar(
            select(QueuedMessage).where(QueuedMessage.to_mobile == person.mobile)
        )
        key = row.idempotency_key
        row.status, row.body, row.next_attempt_at = "pending", text["text"], beijing.now()
        db.session.commit()
    _deliver(app, notifier)
    assert sms_receiver.attempts(key) == 2 and len(sms_receiver.texts(to=person.mobile)) == 1
    assert len(smtp_server.messages(to=person.email, timeout=0.5)) == 1, "the e-mail went once"
    box = person.client.get("/account/messages").get_data(as_text=True)
    assert code not in box and "******" in box, "the box never shows a one-time code"


def test_the_message_box_links_each_message_to_its_case_and_its_own_notice(
    app, notifier, smtp_server, sms_receiver
):
    person = Person(app)
    officer = _officer(app)
    token = system_token(app, app.config["BACKOFFICE_SYSTEM"])
    public_id = filed(person.client)
    _decide(officer, public_id, decision="accept")
    _to_back_office(app, public_id)
    number = _number(app, public_id)
    extension = {"days": 3, "approver": "局长 王强", "reason": "需要征求意见"}
    assert (
        _report(person.client, number, token, type="extended", extension=extension).status_code
        == 201
    )
    with app.app_context():
        notices = {
            n.kind: n.number
            for n in db.session.scalars(
                select(Notice).join(Application).where(Application.public_id == public_id)
            )
        }
    page = person.client.get(f"/account/messages/cases/{public_id}").get_data(as_text=True)
    # Newest first: the extension, then the acceptance, then the receipt.
    entries = page.split('<li class="message">')[1:]
    assert len(entries) == 3
    assert f"/notices/{notices['extension']}.pdf" in entries[0]
    assert f"/notices/{notices['acceptance']}.pdf" in entries[1]
    assert "/notices/" not in entries[2]
    assert all(f'href="/applications/{public_id}"' in entry for entry in entries)
    pdf = person.client.get(f"/applications/{public_id}/notices/{notices['acceptance']}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    progress = person.client.get(f"/applications/{public_id}").get_data(as_text=True)
    assert f"/account/messages/cases/{public_id}" in progress
    stranger = Person(app)
    assert stranger.client.get(f"/account/messages/cases/{public_id}").status_code == 404
    assert display_number(number) not in stranger.client.get("/account/messages").get_data(
        as_text=True
    )


def test_a_step_that_rolls_back_tells_nobody_and_a_savepoint_does_not_send_early(app, notifier):
    person = Person(app)
    public_id = filed(person.client)
    with app.app_context():
        record_event(_application(public_id), "withdrawn", "applicant")
        with db.session.begin_nested():
            pass  # a savepoint's commit (a counter, a number) is not the step's commit
        assert person.told(app) == ["received"], "nothing is queued before the step commits"
        db.session.rollback()
        db.session.commit()
    assert person.told(app) == ["received"]
