"""Delivery of the licence: by post asks for an address in China and a recipient; at the window
says where and when. The address is kept in the answers under clear keys and shown as labels."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from portal.extensions import db
from portal.filing.models import Application
from tests.applying import POSTAL_ADDRESS, give_postal_address
from tests.factories import make_applicant, sign_in_as
from tests.filing.test_journey import answer_everything, choose_place, start, submit

ADDRESS_PAGE = "/applications/{}/questions/licence-delivery/address"


@pytest.fixture
def applicant(app, client):
    applicant_id, identifier = make_applicant(app, name="欧阳娜娜", mobile="13912345678")
    sign_in_as(client, applicant_id)
    return applicant_id, identifier


def _answers(app, public_id: str) -> dict:
    with app.app_context():
        return db.session.scalar(
            select(Application.answers).where(Application.public_id == public_id)
        )


def _choose(client, public_id: str, how: str):
    return client.post(
        f"/applications/{public_id}/questions/licence-delivery", data={"answer": how}
    )


def test_choosing_post_leads_to_the_address_page_with_the_account_as_recipient(client, applicant):
    public_id = start(client)
    choose_place(client, public_id)
    chosen = _choose(client, public_id, "post")
    assert chosen.headers["Location"].endswith(ADDRESS_PAGE.format(public_id))
    page = client.get(ADDRESS_PAGE.format(public_id)).get_data(as_text=True)
    assert "<h1>邮寄到哪里？</h1>" in page
    assert 'value="欧阳娜娜"' in page and 'value="13912345678"' in page
    provinces = re.findall(r'<option value="(\d\d)"', page)
    assert len(provinces) == 31 and "43" in provinces and "81" not in provinces


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postcode", "42100", "邮政编码是 6 位数字，例如 421001，请核对后再填。"),
        ("postcode", "", "请填写 6 位邮政编码，例如 421001。"),
        ("province", "81", "请从列表中选择省、自治区或直辖市。"),
        ("province", "", "请选择收件地址所在的省、自治区或直辖市。"),
        ("mobile", "0734-8868000", "请填写收件人的 11 位手机号码，例如 13812345678。"),
        ("recipient", "", "请填写收件人姓名。"),
        ("street", "", "请填写街道和门牌号，例如 解放西路 22 号 3 楼 301 室。"),
    ],
)
def test_an_address_outside_china_or_incomplete_is_explained(
    app, client, applicant, field, value, message
):
    public_id = start(client)
    _choose(client, public_id, "post")
    response = give_postal_address(client, public_id, {**POSTAL_ADDRESS, field: value})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert page.count(message) == 2, "beside the field and in the summary"
    assert f'href="#{field}"' in page
    assert "licence-delivery.postcode" not in _answers(app, public_id)


def test_the_address_is_kept_under_clear_keys_and_shown_as_labels(app, client, applicant):
    public_id = start(client)
    answer_everything(client, public_id)
    answers = _answers(app, public_id)
    assert answers["licence-delivery"] == "post"
    assert {k: v for k, v in answers.items() if k.startswith("licence-delivery.")} == {
        f"licence-delivery.{part}": value for part, value in POSTAL_ADDRESS.items()
    }
    check = client.get(f"/applications/{public_id}/check").get_data(as_text=True)
    assert "湖南省衡阳市蒸湘区解放西路 22 号 3 楼" in check and "邮政编码 421001" in check
    assert ADDRESS_PAGE.format(public_id) in check, "a change link to the address"
    client.get("/language/en")
    check = client.get(f"/applications/{public_id}/check").get_data(as_text=True)
    assert "解放西路 22 号 3 楼, 蒸湘区, 衡阳市, Hunan" in check
    assert "Postal code 421001" in check


def test_full_width_digits_in_postcode_and_mobile_are_read(app, client, applicant):
    public_id = start(client)
    _choose(client, public_id, "post")
    typed = {**POSTAL_ADDRESS, "postcode": "４２１００１", "mobile": "139 1234 5678"}
    assert give_postal_address(client, public_id, typed).status_code == 302
    answers = _answers(app, public_id)
    assert answers["licence-delivery.postcode"] == "421001"
    assert answers["licence-delivery.mobile"] == "13912345678"


def test_no_submission_while_the_postal_address_is_missing(client, applicant):
    public_id = start(client)
    choose_place(client, public_id)
    _choose(client, public_id, "post")
    page = client.get(f"/applications/{public_id}/check").get_data(as_text=True)
    assert "填写邮寄地址" in page and ADDRESS_PAGE.format(public_id) in page
    response = client.post(f"/applications/{public_id}/submit", data={"declaration": "y"})
    assert response.status_code == 400


def test_collecting_at_the_window_says_where_and_when_and_drops_the_address(app, client, applicant):
    public_id = start(client)
    answer_everything(client, public_id)
    question = client.get(f"/applications/{public_id}/questions/licence-delivery")
    page = question.get_data(as_text=True)
    # Under the window choice: the chosen window, its center's address and opening hours.
    assert "到衡阳市政务服务中心 市场监管窗口（一楼 A 区 01—06 号窗口）领取" in page
    assert "周一至周五 上午 9:00—12:00" in page
    chosen = _choose(client, public_id, "window")
    assert "/address" not in chosen.headers["Location"]
    assert not [k for k in _answers(app, public_id) if k.startswith("licence-delivery.")]
    check = client.get(f"/applications/{public_id}/check").get_data(as_text=True)
    assert "到窗口领取" in check and "延安路与船山大道交汇处" in check and "邮寄地址" not in check
    # The address page is not a step any more: it sends the applicant to the question.
    again = client.get(ADDRESS_PAGE.format(public_id))
    assert again.headers["Location"].endswith("/questions/licence-delivery")


def test_the_receipt_says_where_the_licence_is_posted(client, applicant):
    public_id = start(client)
    answer_everything(client, public_id)
    assert submit(client, public_id).status_code == 302
    with client.get(f"/applications/{public_id}/receipt.pdf") as response:
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    flat = re.sub(r"\s", "", text)
    assert "领取方式" in flat and "湖南省衡阳市蒸湘区解放西路22号3楼" in flat
    assert "421001" in flat
