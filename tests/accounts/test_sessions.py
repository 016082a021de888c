"""Sign-in sessions live on the server: signing out ends them there, so a copied cookie
stops working; sign out everywhere, a password reset and idleness end them too."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.accounts.models import SignInSession
from portal.clock import beijing
from portal.extensions import db
from tests.factories import PASSWORD, make_applicant


def _signed_in(app, identifier: str):
    client = app.test_client()
    response = client.post(
        "/account/sign-in", data={"identifier": identifier, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def _copy(app, client):
    """Another browser holding the very same session cookie (as a thief would)."""
    thief = app.test_client()
    cookie = client.get_cookie("session")
    thief.set_cookie("session", cookie.value)
    return thief


def test_a_copied_cookie_stops_working_after_sign_out(app):
    _, identifier = make_applicant(app)
    owner = _signed_in(app, identifier)
    thief = _copy(app, owner)
    assert thief.get("/account").status_code == 200
    owner.post("/account/sign-out")
    assert "/account/sign-in" in thief.get("/account").headers["Location"]


def test_only_a_hash_of_the_session_token_is_stored(app):
    applicant_id, identifier = make_applicant(app)
    client = _signed_in(app, identifier)
    with client.session_transaction() as session:
        kind, token = session["_user_id"].split(":", 1)
    assert kind == "applicant"
    with app.app_context():
        hashes = db.session.scalars(
            select(SignInSession.token_hash).where(SignInSession.user_id == applicant_id)
        ).all()
    assert hashes and token not in hashes


def test_a_session_idle_past_the_limit_ends_on_the_server(app, monkeypatch):
    _, identifier = make_applicant(app)
    client = _signed_in(app, identifier)
    later = beijing.now() + app.config["PERMANENT_SESSION_LIFETIME"] + timedelta(minutes=1)
    monkeypatch.setattr(beijing, "now", lambda: later)
    assert "/account/sign-in" in client.get("/account").headers["Location"]


def test_a_password_reset_signs_out_every_session(app):
    import re

    _, identifier = make_applicant(app)
    laptop = _signed_in(app, identifier)
    other = app.test_client()
    with other.post("/account/forgot-password", data={"identifier": identifier}):
        pass
    code = re.search(r"\d{6}", app.extensions["notifier"].outbox[-1].body).group(0)
    new = "another long passphrase"
    other.post(
        "/account/reset-password",
        data={"identifier": identifier, "code": code, "password": new, "password_again": new},
    )
    assert "/account/sign-in" in laptop.get("/account").headers["Location"]


def test_an_old_style_session_id_is_refused(app):
    applicant_id, _ = make_applicant(app)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = f"{applicant_id}:0"  # what a cookie held before this change
    assert "/account/sign-in" in client.get("/account").headers["Location"]


def test_old_sessions_and_spent_failure_counts_are_forgotten(app, monkeypatch):
    from portal.accounts.models import SignInThrottle

    _, identifier = make_applicant(app)
    client = _signed_in(app, identifier)
    client.post("/account/sign-out")
    app.test_client().post("/account/sign-in", data={"identifier": identifier, "password": "no"})
    later = beijing.now() + timedelta(days=31)
    monkeypatch.setattr(beijing, "now", lambda: later)
    result = app.test_cli_runner().invoke(args=["accounts", "forget-old"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert (
            db.session.scalar(select(SignInSession.id).where(SignInSession.ended_at < later))
            is None
        )
        assert db.session.scalar(select(SignInThrottle.id)) is None
