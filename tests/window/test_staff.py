"""Staff sessions and accounts: sign-out that works and is audited, sessions that end on the
server, sign out everywhere, a TOTP code that works once, secrets sealed at rest, a first
password changed at first sign-in, and an administrator who can close an account or reset
its password — for their own center only, every step in the audit trail."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select, text

from portal import create_app
from portal.accounts import totp
from portal.config import ConfigurationError
from portal.extensions import db
from portal.window.models import StaffAction
from tests.factories import make_staff, sign_in_staff


def _code(secret: str, offset_steps: int = 0) -> str:
    return totp.code_at(secret, time.time() + offset_steps * totp.STEP_SECONDS)


def _sign_in(app, username, password, code, client=None, environ=None):
    client = client or app.test_client()
    response = client.post(
        "/staff/sign-in",
        data={"username": username, "password": password, "code": code},
        environ_base=environ or {},
    )
    return client, response


def _actions(app, staff_id: int) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(StaffAction.action)
                .where(StaffAction.staff_id == staff_id)
                .order_by(StaffAction.id)
            )
        )


def _copy(app, client):
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def test_sign_out_answers_with_the_sign_in_page_and_is_audited(app):
    staff_id, username, password, secret = make_staff(app)
    client, _ = _sign_in(app, username, password, _code(secret))
    response = client.post("/staff/sign-out")
    assert response.status_code == 302 and response.headers["Location"] == "/staff/sign-in"
    assert _actions(app, staff_id)[-2:] == ["signed-in", "signed-out"]


def test_a_copied_staff_cookie_stops_working_after_sign_out(app):
    _, username, password, secret = make_staff(app)
    client, _ = _sign_in(app, username, password, _code(secret))
    thief = _copy(app, client)
    assert thief.get("/staff").status_code == 200
    client.post("/staff/sign-out")
    assert "/staff/sign-in" in thief.get("/staff").headers["Location"]


def test_sign_out_everywhere_ends_every_staff_session(app):
    staff_id, *_ = make_staff(app)
    desk, laptop = app.test_client(), app.test_client()
    for device in (desk, laptop):
        sign_in_staff(device, staff_id)
    page = desk.get("/staff/account").get_data(as_text=True)
    assert "/staff/sign-out-everywhere" in page
    desk.post("/staff/sign-out-everywhere")
    for device in (desk, laptop):
        assert "/staff/sign-in" in device.get("/staff").headers["Location"]
    assert "signed-out-everywhere" in _actions(app, staff_id)


def test_a_totp_code_works_once(app):
    _, username, password, secret = make_staff(app)
    code = _code(secret)
    client, first = _sign_in(app, username, password, code)
    assert first.headers["Location"] == "/staff"
    client.post("/staff/sign-out")
    _, replayed = _sign_in(app, username, password, code)
    assert replayed.status_code == 200 and "动态验证码不正确" in replayed.get_data(as_text=True)
    # An older step is refused too; the next step's code works.
    _, older = _sign_in(app, username, password, _code(secret, -1))
    assert older.status_code == 200
    _, later = _sign_in(app, username, password, _code(secret, 1))
    assert later.headers["Location"] == "/staff"


def test_totp_secrets_are_encrypted_at_rest(app):
    staff_id, *_, secret = make_staff(app)
    with app.app_context():
        stored = db.session.execute(
            text("SELECT totp_secret_encrypted FROM staff_members WHERE id = :id"),
            {"id": staff_id},
        ).scalar_one()
    assert secret not in stored
    assert totp.unseal(stored, app.config["TOTP_ENCRYPTION_KEY"]) == secret
    with pytest.raises(totp.SecretUnreadable):
        totp.unseal(stored, totp.derived_key("some other secret key"))


def test_production_needs_a_totp_encryption_key(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    for allowance in ("ALLOW_UNSCANNED_UPLOADS", "ALLOW_LOG_NOTIFIER", "ALLOW_LOG_BACKOFFICE"):
        monkeypatch.setenv(allowance, "true")  # only the key is missing
    monkeypatch.delenv("TOTP_ENCRYPTION_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="TOTP_ENCRYPTION_KEY"):
        create_app(config_name="production")
    monkeypatch.setenv("TOTP_ENCRYPTION_KEY", "not a key")
    with pytest.raises(ConfigurationError, match="TOTP_ENCRYPTION_KEY"):
        create_app(config_name="production")


def test_a_first_password_is_changed_before_anything_else(app):
    staff_id, username, password, secret = make_staff(app, first_password=True)
    client, signed_in = _sign_in(app, username, password, _code(secret))
    assert signed_in.headers["Location"] == "/staff/account/password"
    for page in ("/staff", "/staff/account", "/staff/deliveries"):
        assert client.get(page).headers["Location"] == "/staff/account/password"
    same = client.post(
        "/staff/account/password",
        data={"current": password, "password": password, "password_again": password},
    )
    assert same.status_code == 400 and "不能和现在的密码相同" in same.get_data(as_text=True)
    new = "a password only I know"
    changed = client.post(
        "/staff/account/password",
        data={"current": password, "password": new, "password_again": new},
    )
    assert changed.headers["Location"] == "/staff"
    assert client.get("/staff").status_code == 200
    assert "password-changed" in _actions(app, staff_id)


@pytest.fixture
def admin(app):
    admin_id, *_ = make_staff(app, windows=(), role="administrator", name="管理员")
    client = app.test_client()
    sign_in_staff(client, admin_id)
    return admin_id, client


def test_an_administrator_deactivates_a_colleague(app, admin):
    admin_id, admin_client = admin
    staff_id, username, password, secret = make_staff(app)
    officer = app.test_client()
    sign_in_staff(officer, staff_id)
    listing = admin_client.get("/staff/admin/staff").get_data(as_text=True)
    assert username in listing and f"/staff/admin/staff/{staff_id}/deactivate" in listing
    assert admin_client.post(f"/staff/admin/staff/{staff_id}/deactivate").status_code == 302
    assert "/staff/sign-in" in officer.get("/staff").headers["Location"]
    _, refused = _sign_in(app, username, password, _code(secret))
    assert refused.status_code == 200
    assert "staff-deactivated" in _actions(app, admin_id)


def test_an_administrator_resets_a_password_which_must_then_be_changed(app, admin):
    admin_id, admin_client = admin
    staff_id, username, password, secret = make_staff(app)
    officer = app.test_client()
    sign_in_staff(officer, staff_id)
    page = admin_client.post(f"/staff/admin/staff/{staff_id}/reset-password")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    new_password = page.get_data(as_text=True).split("<strong>")[1].split("</strong>")[0]
    assert "/staff/sign-in" in officer.get("/staff").headers["Location"]
    _, old = _sign_in(app, username, password, _code(secret))
    assert old.status_code == 200
    _, fresh = _sign_in(app, username, new_password, _code(secret, 1))
    assert fresh.headers["Location"] == "/staff/account/password"
    assert "staff-password-reset" in _actions(app, admin_id)


def test_administration_stays_within_the_center_and_the_role(app, admin):
    _, admin_client = admin
    elsewhere_id, elsewhere, *_ = make_staff(app, windows=("V01",), center="vehicle-plates")
    assert elsewhere not in admin_client.get("/staff/admin/staff").get_data(as_text=True)
    for action in ("deactivate", "reset-password"):
        assert admin_client.post(f"/staff/admin/staff/{elsewhere_id}/{action}").status_code == 404
    officer_id, *_ = make_staff(app)
    officer = app.test_client()
    sign_in_staff(officer, officer_id)
    assert officer.get("/staff/admin/staff").status_code == 403
    assert officer.post(f"/staff/admin/staff/{elsewhere_id}/deactivate").status_code == 403


def test_an_attackers_guesses_do_not_lock_the_officer_out(app):
    _, username, password, secret = make_staff(app)
    attacker = {"REMOTE_ADDR": "127.0.0.2"}
    for _attempt in range(app.config["SIGN_IN_MAX_FAILURES"]):
        _, response = _sign_in(app, username, "guess", "000000", environ=attacker)
    assert "错误次数太多" in response.get_data(as_text=True)
    _, owner = _sign_in(
        app, username, password, _code(secret), environ={"REMOTE_ADDR": "127.0.0.3"}
    )
    assert owner.headers["Location"] == "/staff"


def test_the_staff_commands_deactivate_and_reset(app):
    _, username, _, secret = make_staff(app)
    runner = app.test_cli_runner()
    reset = runner.invoke(args=["staff", "reset-password", username])
    assert reset.exit_code == 0, reset.output
    new_password = reset.output.rsplit(": ", 1)[1].strip()
    _, signed_in = _sign_in(app, username, new_password, _code(secret))
    assert signed_in.headers["Location"] == "/staff/account/password"
    done = runner.invoke(args=["staff", "deactivate", username])
    assert done.exit_code == 0 and "deactivated" in done.output
    _, refused = _sign_in(app, username, new_password, _code(secret, 1))
    assert refused.status_code == 200
    assert runner.invoke(args=["staff", "deactivate", "nobody"]).exit_code != 0
    assert {"staff-password-reset", "staff-deactivated"} <= {
        a for a in _all_actions(app) if a.startswith("staff-")
    }


def _all_actions(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(select(StaffAction.action)))


def test_the_migration_seals_existing_secrets_and_the_downgrade_opens_them(empty_app):
    from flask_migrate import downgrade, upgrade

    secret = totp.new_secret()
    with empty_app.app_context():
        downgrade(revision="0005")
        db.session.execute(
            text(
                "INSERT INTO centers (id, slug, kind, position, name, address, hours, phone) "
                "VALUES (1, 'city', 'city', 0, '{}', '{}', '{}', '0734')"
            )
        )
        db.session.execute(
            text(
                "INSERT INTO staff_members (username, name, role, center_id, password_hash, "
                "totp_secret, session_epoch, failed_sign_ins, active, created_at) VALUES "
                "('old.hand', '老手', 'officer', 1, 'x', :secret, 0, 0, :yes, :now)"
            ),
            {"secret": secret, "yes": True, "now": "2026-01-01 00:00:00+00:00"},
        )
        db.session.commit()
        upgrade()
        sealed, must_change = db.session.execute(
            text("SELECT totp_secret_encrypted, must_change_password FROM staff_members")
        ).one()
        assert secret not in sealed and must_change
        assert totp.unseal(sealed, empty_app.config["TOTP_ENCRYPTION_KEY"]) == secret
        db.session.commit()
        downgrade(revision="0005")
        assert db.session.execute(text("SELECT totp_secret FROM staff_members")).scalar() == secret
        db.session.commit()
        upgrade()


def test_one_code_used_twice_at_once_signs_in_once(app, backend):
    if backend != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    from concurrent.futures import ThreadPoolExecutor

    _, username, password, secret = make_staff(app)
    code = _code(secret)

    def attempt(_):
        return _sign_in(app, username, password, code)[1].status_code

    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = sorted(pool.map(attempt, range(2)))
    assert statuses == [200, 302]
