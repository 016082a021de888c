"""Test data made through the domain functions, the way the app makes it."""

from __future__ import annotations

import io
import itertools

from portal.accounts import operations
from portal.accounts.identity import citizen_id_check_character
from portal.extensions import db

_serial = itertools.count(1)
PASSWORD = "correct horse battery"


def citizen_id() -> str:
    first17 = "43040219900101" + f"{next(_serial) % 1000:03d}"
    return first17 + citizen_id_check_character(first17)


def make_applicant(app, name: str = "王芳", mobile: str = "13812345678", email: str | None = None):
    with app.app_context():
        applicant = operations.register(
            operations.Registration(
                kind="individual",
                identifier=citizen_id(),
                name=name,
                mobile=mobile,
                password=PASSWORD,
                email=email,
            )
        )
        db.session.commit()
        return applicant.id, applicant.identifier


def _session_id(client, kind: str, user_id: int) -> str:
    """A server-side sign-in session, as signing in makes one."""
    from portal.accounts import sessions

    with client.application.app_context():
        token = sessions.start(kind, user_id)
        db.session.commit()
    return f"{kind}:{token}"


def sign_in_as(client, applicant_id: int) -> None:
    session_id = _session_id(client, "applicant", applicant_id)
    with client.session_transaction() as session:
        session["_user_id"] = session_id
        session["_fresh"] = True


def pdf_bytes(size: int = 2000) -> bytes:
    """Bytes that start like a PDF, exactly ``size`` long (at least 16)."""
    head, tail = b"%PDF-1.4\n", b"\n%%EOF\n"
    return head + b"0" * (size - len(head) - len(tail)) + tail


def upload(data: bytes, name: str = "证件.pdf"):
    return {"file": (io.BytesIO(data), name)}


def make_staff(
    app, windows=("A01",), role="officer", center="city", name="张伟", first_password=False
):
    """A staff member who has already changed their first password (unless
    ``first_password``); returns (id, username, password, totp secret)."""
    from portal.window.staff import create_staff, totp_secret_of

    username = f"staff{next(_serial)}"
    password = "window staff password"
    with app.app_context():
        member = create_staff(username, name, role, center, list(windows), password)
        member.must_change_password = first_password
        db.session.commit()
        return member.id, username, password, totp_secret_of(member)


def sign_in_staff(client, staff_id: int) -> None:
    session_id = _session_id(client, "staff", staff_id)
    with client.session_transaction() as session:
        session["_user_id"] = session_id
        session["_fresh"] = True
