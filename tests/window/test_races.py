"""Two deciders at the same moment, on PostgreSQL: two officers posting a decision on one
filing, and an officer deciding while the deemed-acceptance job runs. Exactly one decision
stands, the back office gets the case at most once, and the loser is told why."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from portal.backoffice.models import OutboxMessage
from portal.clock import beijing
from portal.extensions import db
from portal.filing.models import Application, Status
from portal.window import operations
from tests.conftest import fresh_database, load_guides, make_app
from tests.factories import make_applicant, make_staff, sign_in_as, sign_in_staff
from tests.filing.test_journey import filed


@pytest.fixture
def postgres_app(tmp_path):
    with fresh_database("postgresql", tmp_path) as url:
        app = make_app(url)
        load_guides(app)
        yield app
        with app.app_context():
            db.engine.dispose()


def _file_a_case(app) -> str:
    applicant_id, _ = make_applicant(app)
    client = app.test_client()
    sign_in_as(client, applicant_id)
    return filed(client)


def _officer(app):
    staff_id, *_ = make_staff(app, windows=("A01",))
    client = app.test_client()
    sign_in_staff(client, staff_id)
    return client


def _state(app, public_id: str) -> tuple[str, list[OutboxMessage]]:
    with app.app_context():
        application = db.session.scalar(
            select(Application).where(Application.public_id == public_id)
        )
        messages = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.application_id == application.id)
        ).all()
        return application.status, [(m.event, m.idempotency_key) for m in messages]


def test_two_officers_deciding_one_filing_at_once_make_one_decision(postgres_app, monkeypatch):
    app = postgres_app
    public_id = _file_a_case(app)
    officers = [_officer(app), _officer(app)]
    # Both requests must have read the case as awaiting review before either decides.
    both_loaded = threading.Barrier(2, timeout=30)
    find_case = operations.find_case

    def find_then_wait(member, wanted):
        found = find_case(member, wanted)
        if request_kind.get(threading.get_ident()) == "decision":
            both_loaded.wait()
        return found

    monkeypatch.setattr(operations, "find_case", find_then_wait)
    request_kind: dict[int, str] = {}
    answers: dict[str, tuple[int, str]] = {}

    def decide(client, name: str, data: dict) -> None:
        request_kind[threading.get_ident()] = "decision"
        response = client.post(f"/staff/cases/{public_id}", data=data)
        answers[name] = (response.status_code, response.get_data(as_text=True))

    threads = [
        threading.Thread(target=decide, args=(officers[0], "first", {"decision": "accept"})),
        threading.Thread(target=decide, args=(officers[1], "second", {"decision": "accept"})),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = sorted(code for code, _ in answers.values())
    assert codes == [302, 400], codes
    [loser] = [page for code, page in answers.values() if code == 400]
    assert "这个案件已经由其他工作人员处理过了" in loser
    status, messages = _state(app, public_id)
    assert status == Status.ACCEPTED
    assert [event for event, _ in messages] == ["case.accepted"]
    # The key is the case's and the event's: a rewrite could not invent a second one.
    with app.app_context():
        application = db.session.scalar(
            select(Application).where(Application.public_id == public_id)
        )
        assert messages[0][1] == operations.idempotency_key(application, "case.accepted")


def test_a_decline_while_the_deemed_acceptance_job_runs_stands(postgres_app):
    app = postgres_app
    public_id = _file_a_case(app)
    officer = _officer(app)
    with app.app_context():
        application = db.session.scalar(
            select(Application).where(Application.public_id == public_id)
        )
        application.pre_review_by = beijing.today() - timedelta(days=30)
        db.session.commit()
    job_has_read, officer_has_decided = threading.Event(), threading.Event()
    job_thread: list[int] = []

    def pause_after_the_jobs_select(conn, cursor, statement, *args):
        if threading.get_ident() in job_thread and "pre_review_by <" in statement:
            job_has_read.set()
            officer_has_decided.wait(timeout=30)

    deemed: list[list] = []

    def run_job() -> None:
        job_thread.append(threading.get_ident())
        with app.app_context():
            result = operations.deem_overdue_accepted(app.extensions["calendar"], beijing.today())
            deemed.append([a.public_id for a in result])
            db.session.commit()

    with app.app_context():
        engine = db.engine
    event.listen(engine, "after_cursor_execute", pause_after_the_jobs_select)
    try:
        job = threading.Thread(target=run_job)
        job.start()
        assert job_has_read.wait(timeout=30)
        response = officer.post(
            f"/staff/cases/{public_id}",
            data={"decision": "decline", "decline_reason": "不属本机关受理范围"},
        )
        officer_has_decided.set()
        job.join()
    finally:
        event.remove(engine, "after_cursor_execute", pause_after_the_jobs_select)
    assert response.status_code == 302
    assert deemed == [[]]
    status, messages = _state(app, public_id)
    assert status == Status.DECLINED and messages == []
