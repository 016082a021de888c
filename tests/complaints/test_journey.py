"""The complainant's journey through the pages: each page's checks, the case number and
query code checked with one answer, fee amounts, anonymity, nothing written on an abandoned
or failing submit, the acknowledgement and its PDF, following, rating and asking again."""

from __future__ import annotations

import io
import random
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from flask import current_app
from sqlalchemy import func, select

from forms.complaints import parse_amount
from portal.clock import beijing
from portal.complaints import attachments, operations
from portal.complaints.attachments import ComplaintAttachment
from portal.complaints.limits import MAX_WHAT_HAPPENED, MAX_WHAT_THEY_WANT
from portal.complaints.models import Complaint, ComplaintStatus, Rating
from portal.extensions import db
from portal.filing.models import Application
from portal.messaging.models import QueuedMessage, SentMessage
from tests.applying import file_an_application
from tests.conftest import fresh_database, load_guides, make_app
from tests.factories import make_applicant, pdf_bytes, sign_in_as
from tests.pages import assert_no_chinese_left, assert_page_basics

FEE_ITEM = "430400-GA-DJ-0002"
S = ComplaintStatus


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _window_choice(client) -> str:
    page = client.get("/complaints/new/place").get_data(as_text=True)
    return re.search(r'name="place"[^>]*value="(w\d+)"', page).group(1)


def start(client, **preselect) -> None:
    client.get("/complaints/new")
    response = client.post("/complaints/new", data=preselect)
    assert response.status_code == 302 and response.location.endswith("/complaints/new/kind")


def answer(client, step: str, **data):
    return client.post(f"/complaints/new/{step}", data=data)


def walk_about_item(client, kind="misconduct", item=FEE_ITEM, way="anonymous", **contact):
    """Through every page up to the check page, about an item at a window."""
    start(client)
    assert answer(client, "kind", kind=kind).location.endswith("/about")
    assert answer(client, "about", about="item").location.endswith("/item")
    assert answer(client, "item", item=item).location.endswith("/place")
    assert answer(client, "place", place=_window_choice(client)).location.endswith("/what")
    assert answer(client, "what", what="窗口工作人员态度很差。").location.endswith("/want")
    nxt = answer(client, "want", want="请调查并道歉。").location
    if kind == "fee":
        assert nxt.endswith("/fee")
        assert (
            answer(client, "fee", fee="not-listed", fee_named="资料费", asked="30").status_code
            == 302
        )
    assert client.post("/complaints/new/files", data={}).location.endswith("/contact")
    response = answer(client, "contact", way=way, **contact)
    assert response.location.endswith("/complaints/new/check"), response.get_data(as_text=True)


def submit(client):
    return client.post("/complaints/new/submit", data={})


def acknowledgement(client) -> tuple[str, str]:
    page = client.get("/complaints/filed").get_data(as_text=True)
    ticket = re.search(r"<strong>(HYTS-\d{8}-\d{5}-[\dX])</strong>", page).group(1)
    code = re.search(r"</p>\s*<p>[^<]*<br><strong>([A-Z0-9]{6})</strong>", page).group(1)
    return ticket, code


# The pages -------------------------------------------------------------------------------


def test_the_start_page_says_what_a_complaint_is_for_and_the_deadlines(client):
    page = client.get("/complaints/new")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert_page_basics(page, "zh-Hans")
    assert "效能监察室" in text and "匿名" in text
    assert "5 个工作日" in text and "10 个工作日" in text and "15 个工作日" in text


def test_the_footer_guides_and_case_pages_link_to_it(client, app):
    assert 'href="/complaints/new"' in client.get("/").get_data(as_text=True)
    guide = client.get(f"/items/{FEE_ITEM}").get_data(as_text=True)
    assert f"/complaints/new?item={FEE_ITEM}" in guide
    applicant_id, _ = make_applicant(app)
    sign_in_as(client, applicant_id)
    public_id = file_an_application(client)
    case_page = client.get(f"/applications/{public_id}").get_data(as_text=True)
    assert f"/complaints/new?case={public_id}" in case_page


def test_a_page_of_the_journey_without_a_draft_sends_to_the_start(client):
    fresh = client.application.test_client()
    assert fresh.get("/complaints/new/what").location.endswith("/complaints/new")


@pytest.mark.parametrize(
    ("step", "data", "message"),
    [
        ("kind", {}, "请选择要投诉的问题。"),
        ("kind", {"kind": "bribery"}, "error-message"),
        ("about", {}, "请选择投诉和什么有关。"),
        ("what", {"what": ""}, "请写下发生了什么。"),
        ("what", {"what": "长" * (MAX_WHAT_HAPPENED + 1)}, "请不要超过 500 个字。"),
        ("want", {"want": "长" * (MAX_WHAT_THEY_WANT + 1)}, "请不要超过 200 个字。"),
        ("contact", {}, "请选择实名还是匿名投诉。"),
        ("contact", {"way": "named"}, "实名投诉请填写姓名。"),
        ("contact", {"way": "named", "name": "王芳"}, "请至少留下手机号码或电子邮箱中的一个。"),
        ("contact", {"way": "named", "name": "王芳", "mobile": "1234"}, "11 位手机号码"),
        ("contact", {"way": "named", "name": "王芳", "email": "no-at"}, "正确的电子邮箱"),
    ],
)
def test_every_page_says_what_to_do_next_to_the_field(client, step, data, message):
    start(client)
    client.post("/complaints/new/kind", data={"kind": "slow"})
    client.post("/complaints/new/about", data={"about": "item"})
    response = answer(client, step, **data)
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert (message in text and "error-summary" in text and 'aria-invalid="true"' in text) or (
        message in text and "error-message" in text
    )


def test_the_place_page_refuses_a_day_in_the_future(client):
    start(client)
    answer(client, "kind", kind="slow")
    answer(client, "about", about="item")
    answer(client, "item", item=FEE_ITEM)
    tomorrow = (beijing.today() + timedelta(days=1)).isoformat()
    response = answer(client, "place", place=_window_choice(client), day=tomorrow)
    assert response.status_code == 400 and "日期不能晚于今天。" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("50", "50.00"), ("12.5", "12.50"), ("１２.３４", "12.34"), ("1,000元", "1000.00")],
)
def test_a_fee_amount_is_a_positive_decimal_of_two_places(typed, expected):
    assert parse_amount(typed) == Decimal(expected)


@pytest.mark.parametrize("typed", ["", "0", "-5", "12.345", "abc", "1e3", "1000000.01", "NaN"])
def test_a_wrong_fee_amount_is_refused(typed):
    with pytest.raises(ValueError):
        parse_amount(typed)


def test_the_fee_page_lists_the_items_published_fees_and_checks_the_amount(client, app):
    start(client)
    answer(client, "kind", kind="fee")
    answer(client, "about", about="item")
    answer(client, "item", item=FEE_ITEM)
    answer(client, "place", place=_window_choice(client))
    answer(client, "what", what="多收了钱。")
    answer(client, "want", want="退还。")
    page = client.get("/complaints/new/fee").get_data(as_text=True)
    assert 'value="FA-0001"' in page and 'value="not-listed"' in page
    refused = answer(client, "fee", fee="not-listed", asked="12.345")
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "请填写费用的名称。" in text and "例如 50 或 12.50" in text


def test_the_draft_stays_small_enough_for_the_session_cookie(client):
    """The longest answers and five attachments still fit one 4 KB cookie."""
    start(client)
    answer(client, "kind", kind="other")
    answer(client, "about", about="item")
    words = "".join(
        random.choice("的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要")
        for _ in range(MAX_WHAT_HAPPENED)
    )
    answer(client, "what", what=words)
    answer(client, "want", want=words[:MAX_WHAT_THEY_WANT])
    for n in range(attachments.MAX_FILES):
        client.post(
            "/complaints/new/files", data={"file": (io.BytesIO(pdf_bytes()), f"票据{n}.pdf")}
        )
    cookie = client.get_cookie("session")
    assert cookie is not None and len(cookie.value) < 3800


# The case: picked, or its number and query code -----------------------------------------


def _filed_case(app):
    applicant_id, _ = make_applicant(app)
    owner = app.test_client()
    sign_in_as(owner, applicant_id)
    public_id = file_an_application(owner)
    with app.app_context():
        case = db.session.scalar(select(Application).where(Application.public_id == public_id))
        return applicant_id, owner, public_id, case.number, case.query_code


def test_anyone_names_a_case_by_its_number_and_code_with_one_answer_for_either_mistake(app, client):
    _, _, _, number, code = _filed_case(app)
    start(client)
    answer(client, "kind", kind="slow")
    answer(client, "about", about="case")
    wrong_code = answer(
        client, "case", number=number, secret="ZZZZZZ" if code != "ZZZZZZ" else "YYYYYY"
    )
    unknown = answer(client, "case", number=number[:-7] + "99999" + number[-2:], secret=code)
    assert wrong_code.status_code == unknown.status_code == 400
    sentence = "申请编号和查询码对不上。"
    assert sentence in wrong_code.get_data(as_text=True) and sentence in unknown.get_data(
        as_text=True
    )
    assert answer(client, "case", number=number, secret=code).location.endswith("/what")


def test_a_signed_in_applicant_picks_their_case_and_it_is_preselected_from_the_case_page(app):
    applicant_id, owner, public_id, number, _ = _filed_case(app)
    owner.get(f"/complaints/new?case={public_id}")
    owner.post("/complaints/new", data={"case": public_id})
    answer(owner, "kind", kind="slow")
    page = owner.get("/complaints/new/case").get_data(as_text=True)
    assert f'value="{public_id}" checked' in page or re.search(
        rf'checked[^>]*value="{public_id}"|value="{public_id}"[^>]*checked', page
    )
    assert answer(owner, "case", case=public_id).location.endswith("/what")
    answer(owner, "what", what="一直没有审批。")
    answer(owner, "want", want="尽快办理。")
    owner.post("/complaints/new/files", data={})
    contact = owner.get("/complaints/new/contact").get_data(as_text=True)
    assert 'value="王芳"' in contact and 'value="13812345678"' in contact  # prefilled
    answer(owner, "contact", way="named", name="王芳", mobile="13812345678")
    assert submit(owner).location.endswith("/complaints/filed")
    ticket, _ = acknowledgement(owner)
    with app.app_context():
        complaint = db.session.scalar(
            select(Complaint).where(Complaint.applicant_id == applicant_id)
        )
        assert complaint.application.number == number
        assert complaint.findings and complaint.findings[0]["kind"] == "deadline"
    mine = owner.get("/account/complaints").get_data(as_text=True)
    assert ticket in mine


# Submitting ------------------------------------------------------------------------------


def test_a_signed_in_applicant_filing_through_the_pages_is_told_it_was_received(app):
    applicant_id, _ = make_applicant(app, mobile="13700005555")
    client = app.test_client()
    sign_in_as(client, applicant_id)
    walk_about_item(client, way="named", name="王芳", mobile="13700005555")
    assert submit(client).location.endswith("/complaints/filed")
    ticket, _ = acknowledgement(client)
    with app.app_context():
        boxed = db.session.scalars(
            select(SentMessage).where(SentMessage.applicant_id == applicant_id)
        ).all()
        assert [m.kind for m in boxed] == ["complaint-received"]
        assert ticket in boxed[0].subject or ticket in boxed[0].body
        # Queued for the account's channels, leaving after the commit.
        queued = db.session.scalars(
            select(QueuedMessage).where(QueuedMessage.sent_message_id == boxed[0].id)
        ).all()
        assert queued and {m.purpose for m in queued} == {"complaint-received"}


def test_an_anonymous_complaint_keeps_no_contact_and_shows_its_ticket_once(app, client):
    walk_about_item(client, kind="fee")
    check = client.get("/complaints/new/check").get_data(as_text=True)
    assert check.count("修改") >= 7 and "资料费" in check and "30.00 元" in check
    before = _count(app, Complaint)
    assert submit(client).location.endswith("/complaints/filed")
    assert _count(app, Complaint) == before + 1
    acknowledgement(client)
    with app.app_context():
        complaint = db.session.scalar(select(Complaint).order_by(Complaint.id.desc()))
        assert complaint.anonymous and complaint.applicant_id is None
        assert (complaint.contact_name, complaint.contact_mobile, complaint.contact_email) == (
            None,
            None,
            None,
        )
        assert complaint.fee_named == "资料费" and complaint.fee_asked == Decimal("30.00")
        assert complaint.findings[-1]["kind"] == "fee" and complaint.findings[-1]["holds"]
    pdf = client.get("/complaints/filed.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    # The draft is gone: submitting again files nothing more.
    assert client.post("/complaints/new/submit").location.endswith("/complaints/new")
    assert _count(app, Complaint) == before + 1


def test_an_abandoned_journey_writes_nothing(app, client):
    before = (_count(app, Complaint), _count(app, ComplaintAttachment))
    start(client)
    answer(client, "kind", kind="slow")
    answer(client, "about", about="item")
    client.post("/complaints/new/files", data={"file": (io.BytesIO(pdf_bytes()), "a.pdf")})
    assert (_count(app, Complaint), _count(app, ComplaintAttachment)) == before


def test_a_failure_while_attaching_leaves_no_ticket(app, client, monkeypatch):
    walk_about_item(client)
    client.post("/complaints/new/files", data={"file": (io.BytesIO(pdf_bytes()), "a.pdf")})
    before = (_count(app, Complaint), _count(app, ComplaintAttachment))

    def broken(complaint, files):
        raise RuntimeError("the attachment rows could not be written")

    monkeypatch.setattr(attachments, "attach", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        response = submit(client)
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
    assert response.status_code == 500
    assert (_count(app, Complaint), _count(app, ComplaintAttachment)) == before


def test_attachments_are_checked_scanned_stored_and_filed_with_the_ticket(app, client):
    start(client)
    refused = client.post(
        "/complaints/new/files", data={"file": (io.BytesIO(b"MZ\x90\x00"), "a.pdf")}
    )
    assert refused.status_code == 400
    walk_about_item(client)
    client.post("/complaints/new/files", data={"file": (io.BytesIO(pdf_bytes()), "票据.pdf")})
    submit(client)
    with app.app_context():
        complaint = db.session.scalar(select(Complaint).order_by(Complaint.id.desc()))
        rows = attachments.attachments_of(complaint)
        assert [r.display_name for r in rows] == ["票据.pdf"]
        assert current_app.extensions["storage"].exists(rows[0].storage_key)


def test_an_unsubmitted_drafts_files_are_cleaned_up_after_the_grace(app, client):
    start(client)
    client.post("/complaints/new/files", data={"file": (io.BytesIO(pdf_bytes()), "a.pdf")})
    with app.app_context():
        storage = current_app.extensions["storage"]
        assert attachments.delete_orphans(storage) == 0  # still within the grace
        left = [
            k
            for k in storage.keys("complaints/")
            if not db.session.scalar(
                select(ComplaintAttachment).where(ComplaintAttachment.storage_key == k)
            )
        ]
        assert left
        attachments.delete_orphans(storage, grace=timedelta(seconds=-60))
        assert not any(storage.exists(k) for k in left)


@pytest.fixture
def limited_app(backend, tmp_path):
    """The limiter switched on (tests run without it) and two complaints a day."""
    with fresh_database(backend, tmp_path) as url:
        limited = make_app(url, RATELIMIT_ENABLED=True, COMPLAINT_RATE_LIMIT="2 per day")
        load_guides(limited)
        yield limited
        with limited.app_context():
            db.engine.dispose()


def test_the_rate_limit_counts_filed_complaints_per_client_and_per_account(limited_app):
    client = limited_app.test_client()
    here, elsewhere = {"REMOTE_ADDR": "10.9.8.7"}, {"REMOTE_ADDR": "10.9.8.8"}
    statuses = []
    for _ in range(3):
        walk_about_item(client)
        statuses.append(client.post("/complaints/new/submit", environ_base=here).status_code)
    # A refused page does not count: only a ticket issued does.
    assert statuses == [302, 302, 429]
    applicant_id, _ = make_applicant(limited_app)
    signed_in = limited_app.test_client()
    sign_in_as(signed_in, applicant_id)
    statuses = []
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        walk_about_item(signed_in)
        statuses.append(
            signed_in.post(
                "/complaints/new/submit", environ_base={"REMOTE_ADDR": address}
            ).status_code
        )
    # The same account from a new address each time is still held to its allowance.
    assert statuses == [302, 302, 429]
    walk_about_item(client)
    assert client.post("/complaints/new/submit", environ_base=elsewhere).status_code == 302


# Following and rating --------------------------------------------------------------------


def _replied(app, ticket: str, days_ago: int = 0) -> None:
    with app.app_context():
        complaint = db.session.scalar(
            select(Complaint).where(Complaint.ticket == ticket.replace("-", ""))
        )
        for to in (S.ACCEPTED, S.INVESTIGATING, S.REPLY_APPROVED):
            operations.move(complaint, to, "office")
        operations.move(complaint, S.REPLIED, "office", reply="已核实，已对工作人员批评教育。")
        complaint.events[-1].created_at = beijing.now() - timedelta(days=days_ago)
        db.session.commit()


def test_an_anonymous_complainant_follows_rates_and_asks_once_for_another_look(app, client):
    walk_about_item(client)
    submit(client)
    ticket, code = acknowledgement(client)
    _replied(app, ticket)
    page = client.post("/complaints/follow", data={"ticket": ticket, "code": code})
    text = page.get_data(as_text=True)
    assert "已对工作人员批评教育" in text and "满意" in text
    raw = ticket.replace("-", "")
    assert client.post(f"/complaints/tickets/{raw}/rating", data={}).status_code == 400
    client.post(
        f"/complaints/tickets/{raw}/rating", data={"level": Rating.UNSATISFIED, "reasons": ["slow"]}
    )
    page = client.get(f"/complaints/tickets/{raw}").get_data(as_text=True)
    assert "要求重新处理" in page
    assert client.post(f"/complaints/tickets/{raw}/ask-again", data={}).status_code == 400
    client.post(f"/complaints/tickets/{raw}/ask-again", data={"reason": "问题没有解决。"})
    with app.app_context():
        complaint = db.session.scalar(select(Complaint).where(Complaint.ticket == raw))
        assert complaint.status == S.REOPENED and complaint.reopened_once
        assert complaint.reconsider_reason == "问题没有解决。"
        # The next reply is rated afresh; the first rating stays on the timeline.
        assert complaint.rating is None
        assert [e.detail.get("rating") for e in complaint.events if e.kind == "rated"] == [
            Rating.UNSATISFIED
        ]
    # Someone else's session has not followed it: the same 404 as an unknown ticket.
    assert app.test_client().get(f"/complaints/tickets/{raw}").status_code == 404


def test_satisfied_closes_it_and_late_asking_again_is_not_offered(app, client):
    walk_about_item(client)
    submit(client)
    ticket, code = acknowledgement(client)
    raw = ticket.replace("-", "")
    _replied(app, ticket, days_ago=16)
    client.post("/complaints/follow", data={"ticket": ticket, "code": code})
    client.post(
        f"/complaints/tickets/{raw}/rating", data={"level": Rating.UNSATISFIED, "reasons": ["slow"]}
    )
    assert "要求重新处理</h2>" not in client.get(f"/complaints/tickets/{raw}").get_data(
        as_text=True
    )
    walk_about_item(client)
    submit(client)
    ticket, code = acknowledgement(client)
    raw = ticket.replace("-", "")
    _replied(app, ticket)
    client.post("/complaints/follow", data={"ticket": ticket, "code": code})
    client.post(f"/complaints/tickets/{raw}/rating", data={"level": Rating.BASICALLY_SATISFIED})
    with app.app_context():
        complaint = db.session.scalar(select(Complaint).where(Complaint.ticket == raw))
        assert complaint.status == S.CLOSED and complaint.rating == Rating.BASICALLY_SATISFIED


def test_in_english_every_page_of_the_journey_is_translated(english, app):
    typed = ["窗口工作人员态度很差。", "请调查并道歉。", "资料费"]
    assert_no_chinese_left(english.get("/complaints/new"), "/complaints/new")
    walk_about_item(english, kind="fee")
    for step in ("kind", "about", "item", "place", "what", "want", "fee", "files", "contact"):
        path = f"/complaints/new/{step}"
        page = english.get(path)
        assert page.status_code == 200, path
        assert_page_basics(page, "en")  # a title, one h1, the security headers
        assert_no_chinese_left(page, path, typed=typed)
    assert_no_chinese_left(english.get("/complaints/new/check"), "check", typed=typed)
    submit(english)
    page = english.get("/complaints/filed")
    assert_page_basics(page, "en")
    assert_no_chinese_left(page, "/complaints/filed")
    ticket, code = acknowledgement(english)
    _replied(app, ticket)
    followed = english.post("/complaints/follow", data={"ticket": ticket, "code": code})
    assert_no_chinese_left(followed, "followed", typed=["已核实，已对工作人员批评教育。"])


# The same scanning and storage as materials ----------------------------------------------

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


@pytest.fixture(scope="module")
def scanned_app(seaweedfs, clamd_server, tmp_path_factory):
    """The portal on PostgreSQL, storing in SeaweedFS and scanning with clamd."""
    with fresh_database("postgresql", tmp_path_factory.mktemp("scanned")) as url:
        scanned = make_app(url, **seaweedfs.config(), **clamd_server.config())
        scanned.extensions["storage"].ensure_bucket()
        load_guides(scanned)
        yield scanned
        with scanned.app_context():
            db.engine.dispose()


def test_attachments_are_scanned_by_clamd_and_stored_in_s3(scanned_app):
    client = scanned_app.test_client()
    walk_about_item(client)
    infected = client.post("/complaints/new/files", data={"file": (io.BytesIO(EICAR), "票据.pdf")})
    assert infected.status_code == 400 and "病毒" in infected.get_data(as_text=True)
    clean = client.post(
        "/complaints/new/files", data={"file": (io.BytesIO(pdf_bytes()), "票据.pdf")}
    )
    assert clean.status_code == 302
    assert submit(client).location.endswith("/complaints/filed")
    with scanned_app.app_context():
        complaint = db.session.scalar(select(Complaint).order_by(Complaint.id.desc()))
        [row] = attachments.attachments_of(complaint)
        assert row.scan_status == "clean"
        stored = b"".join(current_app.extensions["storage"].open(row.storage_key))
        assert stored == pdf_bytes()
