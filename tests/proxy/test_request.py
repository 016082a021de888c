"""The proxy request: one question a page, check answers, submit, the number, the
acknowledgement and its PDF, the message; the server's second eligibility check keeps
nothing of a refused request; no field anywhere carries a fee."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, inspect, select

from forms import proxy as proxy_forms
from portal.extensions import db
from portal.messaging.models import SentMessage
from portal.proxy import models, presenters, requests
from portal.proxy.exchange_rates import Rate, RateTable
from portal.proxy.models import ProxyDraft, ProxyRequest
from tests.factories import make_applicant, sign_in_as
from tests.pages import assert_page_basics
from tests.proxy.journey import ANSWERS, fill, letter, make_company

FEE_WORDS = re.compile(r"fee|charge|due|price|cost|payment|pay|收费|费")


class FixedRates:
    def __init__(self, table):
        self._table = table

    def table(self):
        return self._table


@pytest.fixture
def rates(app, monkeypatch):
    table = RateTable(15, {"USD": [Rate("USD", date(2026, 12, 1), Decimal("7.0785"))]})
    monkeypatch.setitem(app.extensions, "exchange_rates", FixedRates(table))


@pytest.fixture
def company(app, client, rates):
    applicant_id = make_company(app)
    sign_in_as(client, applicant_id)
    return applicant_id


def _count(app, model, **where) -> int:
    with app.app_context():
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return db.session.scalar(query)


def test_the_request_needs_a_signed_in_account(client):
    start = client.get("/proxy/request")
    assert start.status_code == 200 and "/account/sign-in?next=" in start.get_data(as_text=True)
    page = client.get("/proxy/request/project")
    assert page.status_code == 302 and "/sign-in" in page.headers["Location"]


def test_the_start_page_says_it_is_free_and_what_to_prepare(client, company):
    page = client.get("/proxy/request")
    assert page.status_code == 200
    assert_page_basics(page, "zh-Hans")
    text = page.get_data(as_text=True)
    assert "一律免费" in text and "委托书" in text and 'href="/proxy/request/project"' in text


@pytest.mark.parametrize(
    ("step", "data", "messages"),
    [
        ("project", {"project_name": ""}, ["请填写项目名称。"]),
        ("project", {"project_name": "项" * 101}, ["项目名称最多 100 个字。"]),
        (
            "investor",
            {"investor_name": "", "investor_type": "", "origin": ""},
            ["请填写投资方名称。", "请选择投资类型。", "请填写投资方来自哪里。"],
        ),
        (
            "investor",
            {"investor_name": "A", "investor_type": "bogus", "origin": "B"},
            ["请选择投资类型。"],
        ),
        (
            "amount",
            {"amount": "", "currency": ""},
            ["请填写投资额。", "请选择投资额是人民币还是美元。"],
        ),
        ("amount", {"amount": "1e6", "currency": "USD"}, ["投资额请只填数字"]),
        ("amount", {"amount": "-5", "currency": "CNY"}, ["投资额必须大于零。"]),
        ("amount", {"amount": "1.001", "currency": "CNY"}, ["投资额最多精确到分"]),
        ("industry", {"industry": ""}, ["请填写所属行业。"]),
        ("location", {"location": "110101"}, ["请选择项目所在的县市区。"]),
        ("key-project", {"key_project": ""}, ["请选择是否为重点项目。"]),
        ("needs", {"needs": ""}, ["请说明项目需要办理哪些事项。"]),
        ("needs", {"needs": "要" * 1001}, ["最多 1000 个字，请精简。"]),
        (
            "contact",
            {"contact_name": "", "contact_mobile": "12345", "contact_email": "x@"},
            ["请填写联系人。", "请输入 11 位手机号码", "请输入正确的电子邮箱"],
        ),
        ("letter", {}, ["请上传签字盖章的委托书。"]),
    ],
)
def test_each_page_refuses_what_is_wrong_beside_the_field_and_in_order(
    client, company, step, data, messages
):
    page = client.post(f"/proxy/request/{step}", data=data, content_type="multipart/form-data")
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    summary = text.split('class="error-summary"')[1].split("</div>")[0]
    positions = [summary.find(message) for message in messages]
    assert all(p >= 0 for p in positions) and positions == sorted(positions), summary
    for message in messages:
        assert text.count(message) >= 2  # in the summary and beside its field
    assert "<title>错误：" in text


def test_a_control_character_is_refused(client, company):
    page = client.post("/proxy/request/project", data={"project_name": "项目\x00"})
    assert page.status_code == 400 and "控制字符" in page.get_data(as_text=True)


def test_a_person_may_request_only_for_a_foreign_investor(app, client, rates):
    applicant_id, _ = make_applicant(app)
    sign_in_as(client, applicant_id)
    local = {"investor_name": "某公司", "investor_type": "local", "origin": "蒸湘区"}
    page = client.post("/proxy/request/investor", data=local)
    assert page.status_code == 400 and "个人账户只能代表外国投资者" in page.get_data(as_text=True)
    assert client.post("/proxy/request/investor", data=ANSWERS["investor"]).status_code == 302


def test_a_file_that_is_not_a_document_is_refused(client, company):
    data = {"file": (__import__("io").BytesIO(b"MZ\x90\x00" + b"\x00" * 200), "委托书.pdf")}
    page = client.post("/proxy/request/letter", data=data, content_type="multipart/form-data")
    assert page.status_code == 400
    assert 'id="file-error"' in page.get_data(as_text=True)


def test_the_whole_request_gets_a_number_an_acknowledgement_and_a_message(app, client, company):
    fill(client)
    check = client.get("/proxy/request/check")
    assert check.status_code == 200
    text = check.get_data(as_text=True)
    assert "衡阳新能源电池生产基地项目" in text and "US$2,000,000.00" in text
    assert "委托书.pdf" in text and "蒸湘区" in text and "还没有填写" not in text
    done = client.post("/proxy/request/submit")
    assert done.status_code == 302
    received = client.get(done.headers["Location"])
    assert received.status_code == 200
    assert_page_basics(received, "zh-Hans")
    number = re.search(r"DL-\d{8}-\d{5}-[\dX]", received.get_data(as_text=True)).group(0)
    assert requests.is_well_formed(number)
    assert not requests.is_well_formed(number[:-1] + ("0" if number[-1] != "0" else "1"))
    public_id = done.headers["Location"].split("/")[-2]
    pdf = client.get(f"/proxy/requests/{public_id}/acknowledgement.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    status = client.get(f"/proxy/requests/{public_id}")
    assert status.status_code == 200 and "等待代理窗口受理" in status.get_data(as_text=True)
    with app.app_context():
        request = db.session.scalar(select(ProxyRequest).where(ProxyRequest.public_id == public_id))
        assert request.rule == "foreign_usd_2m" and request.amount == Decimal("2000000.00")
        assert request.letter["name"] == "委托书.pdf" and request.accept_by is not None
        assert request.center.slug == "city"
        kinds = db.session.scalars(
            select(SentMessage.kind).where(SentMessage.applicant_id == company)
        ).all()
        assert kinds == ["proxy-request-received"]
    assert _count(app, ProxyDraft) == 0 or not _draft_of(app, company)
    # Submitting again (a double click) makes nothing more.
    assert client.post("/proxy/request/submit").status_code == 302
    assert _count(app, ProxyRequest, applicant_id=company) == 1


def _draft_of(app, applicant_id):
    from portal.accounts.models import SignInSession

    with app.app_context():
        return db.session.scalar(
            select(ProxyDraft)
            .join(SignInSession, SignInSession.id == ProxyDraft.sign_in_session_id)
            .where(SignInSession.user_id == applicant_id, SignInSession.user_kind == "applicant")
        )


def test_an_ineligible_request_is_refused_at_submit_and_nothing_is_kept(app, client, company):
    storage = app.extensions["storage"]
    before = set(storage.keys("proxy/"))
    fill(client, amount={"amount": "1,999,999.99", "currency": "USD"})
    assert len(set(storage.keys("proxy/")) - before) == 1  # the letter, while drafting
    page = client.post("/proxy/request/submit")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "不在全程委托代理范围内" in text and "没有保存" in text
    assert _count(app, ProxyRequest, applicant_id=company) == 0
    assert _draft_of(app, company) is None
    assert set(storage.keys("proxy/")) == before
    with app.app_context():
        assert not db.session.scalars(
            select(SentMessage).where(SentMessage.applicant_id == company)
        ).all()


def test_a_key_project_qualifies_whatever_its_amount(app, client, company):
    key = {"key_project": "yes", "key_document_number": "衡政函〔2026〕12号", **letter("文件.pdf")}
    fill(client, **{"amount": {"amount": "100", "currency": "CNY"}, "key-project": key})
    done = client.post("/proxy/request/submit")
    assert done.status_code == 302
    with app.app_context():
        request = db.session.scalar(
            select(ProxyRequest).where(ProxyRequest.applicant_id == company)
        )
        assert request.rule == "key_project" and request.key_document["name"] == "文件.pdf"
        assert request.key_document_number == "衡政函〔2026〕12号"


def test_a_missing_rate_at_submit_keeps_the_draft_and_makes_no_request(
    app, client, company, monkeypatch
):
    fill(
        client,
        investor={"investor_name": "某公司", "investor_type": "out_of_city", "origin": "湖北武汉"},
        amount={"amount": "3000000", "currency": "USD"},
    )
    monkeypatch.setitem(app.extensions, "exchange_rates", FixedRates(RateTable(15, {})))
    page = client.post("/proxy/request/submit")
    assert page.status_code == 400 and "无法换算" in page.get_data(as_text=True)
    assert _count(app, ProxyRequest, applicant_id=company) == 0
    assert _draft_of(app, company) is not None


def test_an_incomplete_draft_cannot_be_submitted(app, client, company):
    client.post("/proxy/request/project", data=ANSWERS["project"])
    page = client.post("/proxy/request/submit")
    assert page.status_code == 400 and "提交前还需要完成" in page.get_data(as_text=True)
    assert _count(app, ProxyRequest, applicant_id=company) == 0


def test_the_contact_is_prefilled_from_the_account(client, company):
    text = client.get("/proxy/request/contact").get_data(as_text=True)
    assert 'value="李明"' in text and 'value="13912345678"' in text


def test_someone_else_cannot_see_a_request(app, client, company):
    fill(client)
    public_id = client.post("/proxy/request/submit").headers["Location"].split("/")[-2]
    other = app.test_client()
    sign_in_as(other, make_company(app, name="另一家公司"))
    assert other.get(f"/proxy/requests/{public_id}").status_code == 404
    assert other.get(f"/proxy/requests/{public_id}/acknowledgement.pdf").status_code == 404


def test_the_request_pages_in_english(client, company):
    client.get("/language/en")
    page = client.get("/proxy/request/amount")
    assert page.status_code == 200
    assert_page_basics(page, "en")
    assert "Investment amount" in page.get_data(as_text=True)


def test_no_proxy_table_has_a_fee_column():
    for mapper in db.Model.registry.mappers:
        if mapper.class_.__module__ != models.__name__:
            continue
        for column in inspect(mapper.class_).columns:
            assert not FEE_WORDS.search(column.name), (mapper.class_.__name__, column.name)


def test_no_request_page_asks_for_a_fee(app):
    with app.test_request_context():
        forms = [cls for name, cls in vars(proxy_forms).items() if name.endswith("Form")]
        for form_class in forms:
            form = form_class(meta={"csrf": False})
            for field in form:
                assert not FEE_WORDS.search(field.name), (form_class.__name__, field.name)
                assert not FEE_WORDS.search(str(field.label.text)), field.label.text


def test_the_locations_are_the_counties_and_districts_of_hengyang():
    assert tuple(presenters.LOCATIONS) == requests.LOCATIONS
    assert all(code.startswith("4304") for code in requests.LOCATIONS)


def test_a_draft_of_an_ended_session_is_forgotten_with_its_files(app, client, company):
    from portal.accounts.models import SignInSession
    from portal.clock import beijing
    from portal.proxy.cleanup import forget_abandoned_drafts

    storage = app.extensions["storage"]
    fill(client)
    draft = _draft_of(app, company)
    key = draft.answers["letter"]["key"]
    with app.app_context():
        forget_abandoned_drafts(storage)
        db.session.commit()
        assert _draft_of(app, company) is not None and storage.exists(key)  # still open
        db.session.get(SignInSession, draft.sign_in_session_id).ended_at = beijing.now()
        db.session.commit()
        assert forget_abandoned_drafts(storage) >= 1
        db.session.commit()
    assert _draft_of(app, company) is None and not storage.exists(key)


def test_every_request_page_is_english_in_english(app, client, company):
    from tests.pages import assert_no_chinese_left

    client.get("/language/en")
    for step in requests.STEPS:
        page = client.get(f"/proxy/request/{step}")
        assert_no_chinese_left(page, step, typed=["李明"])
    english = {**ANSWERS, "project": {"project_name": "Battery plant"}}
    english["investor"] = {**ANSWERS["investor"], "origin": "Germany"}
    english["industry"] = {"industry": "Manufacturing"}
    english["needs"] = {"needs": "Land and permits."}
    fill(client, **english)
    page = client.get("/proxy/request/check")
    assert_no_chinese_left(page, "check", typed=["李明", "委托书.pdf"])
    done = client.post("/proxy/request/submit")
    for path in (done.headers["Location"], done.headers["Location"].rsplit("/", 1)[0]):
        assert_no_chinese_left(client.get(path), path, typed=["李明", "委托书.pdf"])
