"""Nobody learns who is registered, and nobody locks the owner out.

Registration, the sign-in lockout and forgot-password answer the same for a registered
number and one nobody has: same status, same redirect, same page. They do the same work
(one password hash; the message goes after the answer), which is what keeps their timing
alike. Failed sign-ins are counted per (number, client), so five wrong guesses from one
address do not stop the owner signing in from another; the reset code clears every lock.
"""

from __future__ import annotations

import re

import pytest

from portal.accounts import operations
from tests.factories import PASSWORD, citizen_id, make_applicant

ATTACKER = {"REMOTE_ADDR": "127.0.0.2"}
OWNER = {"REMOTE_ADDR": "127.0.0.3"}


def _page_after(client, response) -> str:
    """The page the browser lands on, as text."""
    return client.get(response.headers["Location"]).get_data(as_text=True)


def _register(client, identifier: str):
    password = "a newcomer passphrase"
    return client.post(
        "/account/register/individual",
        buffered=False,
        data={
            "name": "张三",
            "identifier": identifier,
            "mobile": "13912345678",
            "password": password,
            "password_again": password,
        },
    )


def test_registration_answers_the_same_for_a_new_and_a_taken_number(app):
    _, taken = make_applicant(app)
    outbox = app.extensions["notifier"].outbox
    answers = []
    for identifier in (taken, citizen_id()):
        client = app.test_client()
        before = len(outbox)
        with _register(client, identifier) as response:
            assert len(outbox) == before  # nothing is sent before the answer has gone
            answers.append((response.status_code, response.headers["Location"]))
        assert len(outbox) == before + 1  # one message each way: to the owner, or welcome
        answers.append(_page_after(client, response))
    taken_status, taken_page, new_status, new_page = answers
    assert taken_status == new_status and taken_page == new_page
    assert "如果已经注册过" in new_page


def _lock_out(client, identifier: str, app):
    for _attempt in range(app.config["SIGN_IN_MAX_FAILURES"]):
        response = client.post(
            "/account/sign-in",
            data={"identifier": identifier, "password": "wrong-password"},
            environ_base=ATTACKER,
        )
    return response


def test_the_lockout_answers_the_same_for_a_known_and_an_unknown_number(app):
    _, known = make_applicant(app)
    unknown = citizen_id()
    pages = {}
    for identifier in (known, unknown):
        response = _lock_out(app.test_client(), identifier, app)
        assert response.status_code == 200
        pages[identifier] = response.get_data(as_text=True).replace(identifier, "NUMBER")
    assert "暂时不能登录" in pages[known]
    assert pages[known] == pages[unknown]


def test_forgot_password_answers_the_same_and_does_the_same_work(app, monkeypatch):
    _, known = make_applicant(app)
    hashed = []
    real_hash = operations.hash_secret
    monkeypatch.setattr(
        operations, "hash_secret", lambda value: hashed.append(1) or real_hash(value)
    )
    outbox = app.extensions["notifier"].outbox
    answers = []
    for identifier in (known, citizen_id()):
        client = app.test_client()
        before, hashed_before = len(outbox), len(hashed)
        with client.post(
            "/account/forgot-password", data={"identifier": identifier}, buffered=False
        ) as response:
            # The answer never waits on a mail server or SMS gateway: nothing is sent yet.
            assert len(outbox) == before
            answers.append((response.status_code, response.headers["Location"]))
        assert len(hashed) == hashed_before + 1  # one code hashed, kept or not
        answers.append(_page_after(client, response))
    known_status, known_page, unknown_status, unknown_page = answers
    assert known_status == unknown_status and known_page == unknown_page


def test_five_wrong_guesses_from_one_client_do_not_lock_the_owner_out(app):
    _, identifier = make_applicant(app)
    attacker = app.test_client()
    assert "暂时不能登录" in _lock_out(attacker, identifier, app).get_data(as_text=True)
    # The attacker's address stays locked even with the right password …
    again = attacker.post(
        "/account/sign-in",
        data={"identifier": identifier, "password": PASSWORD},
        environ_base=ATTACKER,
    )
    assert "暂时不能登录" in again.get_data(as_text=True)
    # … while the owner, elsewhere, signs in.
    owner = app.test_client()
    signed_in = owner.post(
        "/account/sign-in",
        data={"identifier": identifier, "password": PASSWORD},
        environ_base=OWNER,
    )
    assert signed_in.status_code == 302 and owner.get("/account").status_code == 200


@pytest.fixture
def low_ceiling(app, monkeypatch):
    monkeypatch.setitem(app.config, "SIGN_IN_ACCOUNT_MAX_FAILURES", 8)


def test_a_spread_out_attack_locks_the_account_and_the_reset_code_opens_it(app, low_ceiling):
    _, identifier = make_applicant(app)
    for n in range(8):  # one wrong guess each from eight addresses reaches the ceiling
        app.test_client().post(
            "/account/sign-in",
            data={"identifier": identifier, "password": "wrong-password"},
            environ_base={"REMOTE_ADDR": f"127.0.1.{n}"},
        )
    owner = app.test_client()
    locked = owner.post(
        "/account/sign-in",
        data={"identifier": identifier, "password": PASSWORD},
        environ_base=OWNER,
    )
    assert "暂时不能登录" in locked.get_data(as_text=True)
    with owner.post(
        "/account/forgot-password", data={"identifier": identifier}, environ_base=OWNER
    ):
        pass
    code = re.search(r"\d{6}", app.extensions["notifier"].outbox[-1].body).group(0)
    new = "the owner's new passphrase"
    owner.post(
        "/account/reset-password",
        data={"identifier": identifier, "code": code, "password": new, "password_again": new},
        environ_base=OWNER,
    )
    back_in = owner.post(
        "/account/sign-in", data={"identifier": identifier, "password": new}, environ_base=OWNER
    )
    assert back_in.status_code == 302
