"""Registering, signing in and out, and getting back in, as an applicant does."""

from __future__ import annotations

import re

import pytest

from portal.accounts.identity import citizen_id_check_character, credit_code_check_character
from tests.factories import PASSWORD, make_applicant

FIRST17 = "43040219881203451"
GOOD_ID = FIRST17 + citizen_id_check_character(FIRST17)


def _register_individual(client, **changes):
    data = {
        "name": "张三",
        "identifier": GOOD_ID,
        "mobile": "13912345678",
        "password": PASSWORD,
        "password_again": PASSWORD,
    } | changes
    return client.post("/account/register/individual", data=data)


def test_an_individual_registers_then_signs_in(empty_app):
    client = empty_app.test_client()
    from tests.conftest import load_guides

    load_guides(empty_app)
    with _register_individual(
        client, identifier=GOOD_ID.lower()[:-1] + GOOD_ID[-1].lower()
    ) as response:
        assert response.headers["Location"].startswith("/account/sign-in")
    welcome = empty_app.extensions["notifier"].outbox[-1]
    assert welcome.purpose == "registered" and welcome.to_mobile == "13912345678"
    signed_in = client.post("/account/sign-in", data={"identifier": GOOD_ID, "password": PASSWORD})
    assert signed_in.status_code == 302
    page = client.get("/account").get_data(as_text=True)
    assert "张三" in page
    assert GOOD_ID not in page and GOOD_ID[:3] in page and GOOD_ID[-4:] in page
    assert "139****5678" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"identifier": FIRST17 + ("0" if GOOD_ID[-1] != "0" else "1")}, "身份证号码不正确"),
        ({"mobile": "12345"}, "11 位手机号码"),
        ({"password": "short", "password_again": "short"}, "至少需要 10 个字符"),
        ({"password_again": "something else entirely"}, "两次输入的密码不一致"),
        ({"name": ""}, "请填写姓名"),
    ],
)
def test_registration_mistakes_are_explained_next_to_the_field(client, changes, message):
    response = _register_individual(client, **changes)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert 'class="error-summary"' in page


def test_a_company_registers_with_a_credit_code_starting_with_a_letter(client):
    first17 = "Y1430400MA4L1B2C3"
    response = client.post(
        "/account/register/company",
        data={
            "name": "衡阳市示例农民专业合作社",
            "identifier": first17 + credit_code_check_character(first17),
            "legal_representative": "李明",
            "contact_name": "王芳",
            "mobile": "13812345678",
            "password": PASSWORD,
            "password_again": PASSWORD,
        },
    )
    assert response.status_code == 302


def test_a_wrong_credit_code_check_character_is_refused(client):
    first17 = "91430400MA4L1B2C3"
    wrong = "0" if credit_code_check_character(first17) != "0" else "1"
    response = client.post(
        "/account/register/company",
        data={
            "identifier": first17 + wrong,
            "name": "x",
            "legal_representative": "x",
            "contact_name": "x",
            "mobile": "13812345678",
            "password": PASSWORD,
            "password_again": PASSWORD,
        },
    )
    assert "统一社会信用代码不正确" in response.get_data(as_text=True)


def test_the_same_person_cannot_register_twice_and_the_owner_is_told(app, client):
    _, identifier = make_applicant(app, mobile="13700002222")
    theirs = "the newcomer's own password"
    with _register_individual(
        client, identifier=identifier, name="冒名者", password=theirs, password_again=theirs
    ) as response:
        assert response.headers["Location"].startswith("/account/sign-in")
    told = app.extensions["notifier"].outbox[-1]
    assert told.purpose == "already-registered" and told.to_mobile == "13700002222"
    # The account is the owner's as before: the newcomer's password does not open it.
    wrong = client.post("/account/sign-in", data={"identifier": identifier, "password": theirs})
    assert "号码或密码不正确" in wrong.get_data(as_text=True)
    client.post("/account/sign-in", data={"identifier": identifier, "password": PASSWORD})
    assert "王芳" in client.get("/account").get_data(as_text=True)


def test_sign_in_says_the_same_for_an_unknown_account_and_a_wrong_password(app, client):
    _, identifier = make_applicant(app)
    unknown = client.post(
        "/account/sign-in", data={"identifier": GOOD_ID, "password": "whatever-123"}
    )
    wrong = client.post(
        "/account/sign-in", data={"identifier": identifier, "password": "whatever-123"}
    )
    for response in (unknown, wrong):
        assert "号码或密码不正确" in response.get_data(as_text=True)
    good = client.post(
        "/account/sign-in?next=/applications", data={"identifier": identifier, "password": PASSWORD}
    )
    assert good.headers["Location"] == "/applications"


def test_repeated_failures_lock_the_account_for_a_while(app, client):
    _, identifier = make_applicant(app)
    for _attempt in range(app.config["SIGN_IN_MAX_FAILURES"]):
        response = client.post(
            "/account/sign-in", data={"identifier": identifier, "password": "wrong-password"}
        )
    assert "暂时不能登录" in response.get_data(as_text=True)
    locked = client.post("/account/sign-in", data={"identifier": identifier, "password": PASSWORD})
    assert "暂时不能登录" in locked.get_data(as_text=True)


def test_a_password_is_reset_with_a_one_time_code(app, client):
    _, identifier = make_applicant(app, mobile="13700001111")
    with client.post("/account/forgot-password", data={"identifier": identifier}) as response:
        assert response.headers["Location"].endswith("/account/reset-password")
    message = app.extensions["notifier"].outbox[-1]
    assert message.purpose == "password-reset" and message.to_mobile == "13700001111"
    code = re.search(r"\d{6}", message.body).group(0)
    new = "a brand new passphrase"
    reset = {"identifier": identifier, "code": code, "password": new, "password_again": new}
    assert client.post("/account/reset-password", data=reset).status_code == 302
    reused = client.post("/account/reset-password", data=reset)
    assert "验证码不正确或已过期" in reused.get_data(as_text=True)
    signed_in = client.post("/account/sign-in", data={"identifier": identifier, "password": new})
    assert signed_in.status_code == 302


def test_asking_for_a_code_for_an_unknown_account_looks_the_same(app, client):
    before = len(app.extensions["notifier"].outbox)
    with client.post("/account/forgot-password", data={"identifier": GOOD_ID}) as response:
        assert response.headers["Location"].endswith("/account/reset-password")
    assert len(app.extensions["notifier"].outbox) == before


def test_sign_out_everywhere_ends_every_session(app):
    _, identifier = make_applicant(app)
    phone, laptop = app.test_client(), app.test_client()
    for device in (phone, laptop):
        device.post("/account/sign-in", data={"identifier": identifier, "password": PASSWORD})
        assert device.get("/account").status_code == 200
    phone.post("/account/sign-out-everywhere")
    assert "/account/sign-in" in laptop.get("/account").headers["Location"]


def test_sessions_expire_after_the_idle_time(app):
    assert app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() == 30 * 60
    _, identifier = make_applicant(app)
    client = app.test_client()
    response = client.post(
        "/account/sign-in", data={"identifier": identifier, "password": PASSWORD}
    )
    cookie = response.headers["Set-Cookie"]
    assert "Expires=" in cookie and "HttpOnly" in cookie
