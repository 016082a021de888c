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
    """A real one-page PDF (it opens in strict mode), padded by a comment to ``size`` bytes."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>",
    ]

    def build(padding: int) -> bytes:
        out = b"%PDF-1.4\n%" + b"0" * padding + b"\n"
        offsets = []
        for number, body in enumerate(objects, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
            len(objects) + 1,
            xref,
        )
        return out

    bare = len(build(0))
    if size < bare + 8:
        raise ValueError(f"a real PDF takes at least {bare + 8} bytes")
    padding = size - bare
    data = build(padding)
    # startxref's digits grow with the padding: take the difference off the padding.
    data = build(padding - (len(data) - size))
    assert len(data) == size
    return data


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
