"""The proxy agent files the project's permits for the investor through the filing engine
(staff-assisted filing, 代办): through the pages, on PostgreSQL and SQLite (the ``app``
fixture), the investor staying the applicant of record, the letter of authorisation beside
the materials, the window accepting, the dashboard following; and who may do it."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import select

from portal.backoffice.delivery import LoggingBackend
from portal.backoffice.dispatcher import case_document, deliver_one, system_named
from portal.backoffice.inbound import add_system
from portal.backoffice.models import OutboxMessage
from portal.catalog.models import Window
from portal.extensions import db
from portal.filing.models import Application, Status
from portal.messaging.models import SentMessage
from portal.outbox import RetrySchedule
from portal.proxy.models import ProxyPermit, ProxyProject
from portal.window.models import StaffAction
from tests.factories import make_staff, pdf_bytes, sign_in_staff, upload
from tests.proxy.projects import (
    CONSTRUCTION,
    LAND,
    PLANNING,
    accepted_project,
    add,
    fixed_rates,
    permit_ids,
    staff_client,
    version_of,
    wait,
)

LAND_MATERIALS = ("M01", "M02", "M03", "M04")  # the required ones (guides/items)


@pytest.fixture
def project(app):
    """(code, the agent's client, the agent's id, the investor's client, permit ids)"""
    fixed_rates(app)
    agent_id, agent = staff_client(app)
    code, investor = accepted_project(app, agent_id)
    for item in (LAND, PLANNING, CONSTRUCTION):
        assert add(agent, app, code, item).status_code == 302
    ids = permit_ids(app, code)
    assert wait(agent, app, code, ids[PLANNING], [ids[LAND]]).status_code == 302
    return code, agent, agent_id, investor, ids


def _file(client, app, code: str, permit: int):
    return client.post(
        f"/staff/proxy/projects/{code}/plan/{permit}/file", data={"version": version_of(app, code)}
    )


def _draft_of(app, permit: int) -> str:
    with app.app_context():
        return db.session.scalar(
            select(Application.public_id)
            .join(ProxyPermit, ProxyPermit.application_id == Application.id)
            .where(ProxyPermit.id == permit)
        )


def _fill_and_submit(agent, public_id: str, materials=LAND_MATERIALS) -> None:
    base = f"/staff/assisted/applications/{public_id}"
    where = agent.get(f"{base}/where")
    if where.status_code == 200:  # the item is offered at several windows: the first
        value = re.search(r'name="window"[^>]*value="(\d+)"', where.get_data(as_text=True))
        assert agent.post(f"{base}/where", data={"window": value.group(1)}).status_code == 302
    for material in materials:
        page = agent.post(
            f"{base}/materials/{material}",
            data=upload(pdf_bytes(), f"{material}.pdf"),
            content_type="multipart/form-data",
        )
        assert page.status_code == 302, page.get_data(as_text=True)[:2000]
    check = agent.get(f"{base}/check")
    assert check.status_code == 200
    token = re.search(
        r'name="token" type="hidden" value="([0-9a-f]+)"', check.get_data(as_text=True)
    )
    done = agent.post(f"{base}/submit", data={"token": token.group(1), "declaration": "y"})
    assert done.status_code == 302, done.get_data(as_text=True)
    assert done.headers["Location"].endswith(f"{base}/submitted")


def test_the_agent_files_the_permits_in_order_and_the_window_accepts(app, project, monkeypatch):
    code, agent, agent_id, investor, ids = project

    # The plan offers to file the land permit; the planning permit waits for it, and says so.
    plan = agent.get(f"/staff/proxy/projects/{code}/plan").get_data(as_text=True)
    assert f"/plan/{ids[LAND]}/file" in plan and f"/plan/{ids[PLANNING]}/file" not in plan
    assert "要等这些许可准予或办结后才能递交" in plan
    refused = _file(agent, app, code, ids[PLANNING])
    assert refused.status_code == 409 and _draft_of(app, ids[PLANNING]) is None

    started = _file(agent, app, code, ids[LAND])
    assert started.status_code == 302
    public_id = _draft_of(app, ids[LAND])
    assert started.headers["Location"].endswith(f"/staff/assisted/applications/{public_id}")
    overview = agent.get(started.headers["Location"]).get_data(as_text=True)
    assert "委托书.pdf" in overview and f"/staff/proxy/projects/{code}/plan" in overview

    # While the agent fills it in, the investor sees it listed, but cannot change it.
    mine = investor.get("/applications").get_data(as_text=True)
    assert "孙代理员 正在代您填写" in mine
    assert investor.get(f"/applications/{public_id}/check").status_code == 404

    check = agent.get(f"/staff/assisted/applications/{public_id}/check").get_data(as_text=True)
    assert "依据委托书代申请人承诺" in check and "衡阳示例投资有限公司" in check
    _fill_and_submit(agent, public_id)

    with app.app_context():
        application = db.session.scalar(
            select(Application).where(Application.public_id == public_id)
        )
        assert application.status == Status.SUBMITTED and application.number
        assert application.filed_by_id == agent_id
        assert application.authority.kind == "letter-of-authorisation"
        investor_id = application.applicant_id
        project_row = db.session.scalar(select(ProxyProject).where(ProxyProject.code == code))
        assert investor_id == project_row.request.applicant_id
        window = db.session.scalar(select(Window).where(Window.id == application.window_id))
        window_code, number, application_id = window.code, application.number, application.id
        # The receipt's message goes to the investor, the applicant of record.
        kinds = db.session.scalars(
            select(SentMessage.kind).where(SentMessage.application_id == application.id)
        ).all()
        assert kinds and all(
            m.applicant_id == investor_id
            for m in db.session.scalars(
                select(SentMessage).where(SentMessage.application_id == application.id)
            )
        )
        actions = set(
            db.session.scalars(select(StaffAction.action).where(StaffAction.staff_id == agent_id))
        )
        assert {"proxy-plan-filing", "assisted-started", "assisted-submitted"} <= actions

    mine = investor.get("/applications").get_data(as_text=True)
    assert "代理窗口递交，代理员 孙代理员" in mine
    assert investor.get(f"/applications/{public_id}").status_code == 200

    # The window: the case in its queue, the letter beside the materials, and it accepts.
    officer_id, *_ = make_staff(app, windows=(window_code,), name="窗口员")
    officer = app.test_client()
    sign_in_staff(officer, officer_id)
    assert public_id in officer.get("/staff").get_data(as_text=True)
    case = officer.get(f"/staff/cases/{public_id}").get_data(as_text=True)
    assert "代理窗口递交，代理员 孙代理员" in case and "委托书" in case
    letter = officer.get(f"/staff/cases/{public_id}/authority")
    assert letter.status_code == 200 and letter.data.startswith(b"%PDF")
    assert officer.post(f"/staff/cases/{public_id}", data={"decision": "accept"}).status_code == 302

    dashboard = agent.get(f"/staff/proxy/projects/{code}").get_data(as_text=True)
    assert "已受理" in dashboard

    # The case goes to the back office with the letter beside the materials; the back office
    # grants it: the planning permit it blocked can now be filed.
    monkeypatch.setitem(app.config, "PORTAL_URL", "https://zwfw.hengyang.example")
    with app.app_context():
        message = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.application_id == application_id)
        )
        document = case_document(message, 3600)
        assert [m["material"] for m in document["materials"]] == list(LAND_MATERIALS)
        assert document["filed_by"]["staff_name"] == "孙代理员"
        assert document["filed_by"]["authority"]["kind"] == "letter-of-authorisation"
        link = document["filed_by"]["authority"]["download_url"]
        deliver_one(
            message.id,
            LoggingBackend(),
            RetrySchedule(),
            system_id=system_named(app.config["BACKOFFICE_SYSTEM"]).id,
        )
        _, token = add_system(app.config["BACKOFFICE_SYSTEM"], new_token=True)
        db.session.commit()
    granted = app.test_client().post(
        f"/api/v1/backoffice/cases/{number}/events",
        json={"event_id": uuid.uuid4().hex, "type": "approved"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert granted.status_code == 201, granted.get_data(as_text=True)
    # The back office opens the letter by its signed link, as it opens a material.
    fetched = app.test_client().get(link.removeprefix("https://zwfw.hengyang.example"))
    assert fetched.status_code == 200 and fetched.data.startswith(b"%PDF")
    assert _file(agent, app, code, ids[PLANNING]).status_code == 302
    assert _draft_of(app, ids[PLANNING]) is not None
    dashboard = agent.get(f"/staff/proxy/projects/{code}").get_data(as_text=True)
    assert "准予许可" in dashboard


def test_who_may_file_and_open_an_assisted_draft(app, project):
    code, agent, _agent_id, investor, ids = project
    _other_id, other_agent = staff_client(app, name="周代理员")
    assert _file(other_agent, app, code, ids[LAND]).status_code == 403
    _, elsewhere = staff_client(app, role="proxy-head", center="hengyang-county", name="郑")
    assert _file(elsewhere, app, code, ids[LAND]).status_code == 404
    officer_id, *_ = make_staff(app, name="窗口员")
    officer = app.test_client()
    sign_in_staff(officer, officer_id)
    assert _file(officer, app, code, ids[LAND]).status_code == 403
    assert _draft_of(app, ids[LAND]) is None

    # The head may file it; the draft is then the head's to fill in, nobody else's.
    _head_id, head = staff_client(app, role="proxy-head", name="钱负责")
    assert _file(head, app, code, ids[LAND]).status_code == 302
    public_id = _draft_of(app, ids[LAND])
    for client in (agent, other_agent, officer, elsewhere):
        assert client.get(f"/staff/assisted/applications/{public_id}/check").status_code == 404
        assert client.get(f"/staff/assisted/applications/{public_id}/authority").status_code == 404
    assert head.get(f"/staff/assisted/applications/{public_id}/check").status_code == 200
    # An applicant is sent to the staff sign-in.
    assert investor.get(f"/staff/assisted/applications/{public_id}").status_code == 302
    # Filed once: a second "file" is refused and nothing changes.
    assert _file(head, app, code, ids[LAND]).status_code == 409


def test_a_project_document_is_uploaded_once_and_picked_for_two_drafts(app, project):
    from datetime import timedelta

    from portal.filing.cleanup import clean_up
    from portal.filing.models import Attachment
    from portal.proxy.cleanup import sweep_unreferenced

    code, agent, _agent_id, _investor, ids = project
    empty = agent.post(
        f"/staff/proxy/projects/{code}/documents",
        data=upload(b"", "空.pdf"),
        content_type="multipart/form-data",
    )
    assert empty.status_code == 400 and "这个文件是空的" in empty.get_data(as_text=True)
    done = agent.post(
        f"/staff/proxy/projects/{code}/documents",
        data=upload(pdf_bytes(3000), "营业执照.pdf"),
        content_type="multipart/form-data",
    )
    assert done.status_code == 302
    plan = agent.get(f"/staff/proxy/projects/{code}/plan").get_data(as_text=True)
    document_id = re.search(r"/documents/([0-9a-f]{32})", plan).group(1)
    assert "营业执照.pdf" in plan

    drafts = []
    for permit in (ids[LAND], ids[CONSTRUCTION]):
        assert _file(agent, app, code, permit).status_code == 302
        public_id = _draft_of(app, permit)
        material = agent.get(f"/staff/assisted/applications/{public_id}/materials/M01")
        pick_url = f"/staff/proxy/drafts/{public_id}/materials/M01/pick"
        assert pick_url in material.get_data(as_text=True)
        assert agent.post(pick_url, data={"document": "0" * 32}).status_code == 400
        picked = agent.post(pick_url, data={"document": document_id})
        assert picked.status_code == 302
        assert picked.headers["Location"].endswith(f"/{public_id}/materials/M01")
        drafts.append(public_id)

    # Another agent's draft, or a project of another center, cannot pick or see it.
    _, other = staff_client(app, name="周代理员")
    assert other.get(f"/staff/proxy/drafts/{drafts[0]}/materials/M01/pick").status_code == 404
    _, elsewhere = staff_client(app, role="proxy-head", center="hengyang-county", name="郑")
    assert elsewhere.get(f"/staff/proxy/projects/{code}/documents/{document_id}").status_code == 404

    # The first draft replaces it with an upload of its own; the clean-up runs: the shared
    # object stays, for the second draft and the project.
    agent.post(
        f"/staff/assisted/applications/{drafts[0]}/materials/M01",
        data=upload(pdf_bytes(), "另一份.pdf"),
        content_type="multipart/form-data",
    )
    with app.app_context():
        keys = db.session.scalars(
            select(Attachment.storage_key)
            .join(Application)
            .where(Application.public_id.in_(drafts), Attachment.replaced_at.is_(None))
        ).all()
        shared = [key for key in keys if key.startswith("proxy/")]
        assert len(shared) == 1
        storage = app.extensions["storage"]
        clean_up(storage, grace=timedelta(0))
        assert shared[0] in set(storage.keys("proxy/"))
        # The proxy sweep, too, keeps what a project document, an attachment or a case's
        # letter of authorisation holds, however old.
        sweep_unreferenced(storage, grace=timedelta(0))
        assert shared[0] in set(storage.keys("proxy/"))
    opened = agent.get(f"/staff/proxy/projects/{code}/documents/{document_id}")
    assert opened.status_code == 200 and opened.data.startswith(b"%PDF")


def test_of_two_filings_of_one_permit_at_once_exactly_one_draft_is_kept(app, project, backend):
    """Two tabs (or the agent and the head) file the same permit at once: one draft, one link."""
    if backend != "postgresql":
        pytest.skip("two connections filing at once need a server database")
    import threading

    from portal.proxy import plan
    from portal.window.models import StaffMember

    code, _agent, agent_id, _investor, ids = project
    barrier = threading.Barrier(2)
    outcomes = []

    def file_it():
        with app.app_context():
            member = db.session.get(StaffMember, agent_id)
            row = db.session.scalar(select(ProxyProject).where(ProxyProject.code == code))
            version, permit = row.plan_version, plan.permit_of(row, ids[LAND])
            barrier.wait()
            try:
                plan.file(member, row, version, permit, 30)
                db.session.commit()
                outcomes.append("won")
            except plan.PlanChanged:
                db.session.rollback()
                outcomes.append("lost")

    threads = [threading.Thread(target=file_it) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["lost", "won"], outcomes
    with app.app_context():
        drafts = db.session.scalars(
            select(Application.id).where(
                Application.filed_by_id == agent_id, Application.status == Status.DRAFT
            )
        ).all()
        assert len(drafts) == 1
        assert db.session.get(ProxyPermit, ids[LAND]).application_id == drafts[0]


def test_an_assisted_draft_left_to_expire_is_cleaned_up_and_the_permit_can_be_filed_again(
    app, project
):
    from datetime import timedelta

    from portal.clock import beijing
    from portal.filing.cleanup import clean_up

    code, agent, _agent_id, _investor, ids = project
    assert _file(agent, app, code, ids[LAND]).status_code == 302
    public_id = _draft_of(app, ids[LAND])
    with app.app_context():
        draft = db.session.scalar(select(Application).where(Application.public_id == public_id))
        draft.expires_at = beijing.now() - timedelta(days=1)
        db.session.commit()
        clean_up(app.extensions["storage"])
        assert db.session.get(ProxyPermit, ids[LAND]).application_id is None
    plan = agent.get(f"/staff/proxy/projects/{code}/plan").get_data(as_text=True)
    assert f"/plan/{ids[LAND]}/file" in plan
    assert _file(agent, app, code, ids[LAND]).status_code == 302
