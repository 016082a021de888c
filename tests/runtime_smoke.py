"""Every applicant-facing form, every field filled, in an environment made from requirements.txt.

Run by ``tests/test_runtime_env.py`` with the python of a virtualenv that has only
``requirements.txt`` installed (what ``make serve`` installs), after ``flask db upgrade`` and
``flask content load`` have run there against ``DATABASE_URL``. It imports nothing from the
test tools, so a runtime package that only the dev requirements bring in (as
``email_validator`` once was) fails here.

Each form is read from its page and posted back with every field it shows filled, optional
ones included: a field this script does not know how to fill fails it too, so a new optional
field cannot go untested. Any 5xx, or a form that does not go where the journey goes, is
printed and the exit status is 1.
"""

from __future__ import annotations

import functools
import io
import re
import sys
from html.parser import HTMLParser
from urllib.parse import urlsplit

from portal import create_app
from portal.accounts.identity import citizen_id_check_character, credit_code_check_character

failures: list[str] = []
# Every field of the postal-address page (after choosing delivery by post).
POSTAL_ADDRESS = {
    "province": "43",
    "city": "衡阳市",
    "district": "蒸湘区",
    "street": "解放西路 22 号 3 楼",
    "postcode": "421001",
    "recipient": "王芳",
    "mobile": "13812345678",
}


class _Forms(HTMLParser):
    """The POST forms of a page: action, and the fields each one shows."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self._form = {"action": attrs.get("action") or "", "hidden": {}, "fields": {}}
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "textarea", "select"):
            name, kind = attrs.get("name"), (attrs.get("type") or tag).lower()
            if not name or kind in ("submit", "button"):
                return
            if kind == "hidden":
                self._form["hidden"][name] = attrs.get("value") or ""
            else:
                field = self._form["fields"].setdefault(name, {"type": kind, "options": []})
                if kind in ("radio", "checkbox"):
                    field["options"].append(attrs.get("value") or "y")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def _check(response, what: str, expected: tuple[int, ...] = (200, 302, 303)) -> None:
    if response.status_code >= 500 or response.status_code not in expected:
        failures.append(f"{what}: answered {response.status_code}")


def post_form(client, path: str, values: dict, action: str | None = None, files=None):
    """GET ``path``, fill its form (the one posting to ``action``) and post it."""
    page = client.get(path)
    _check(page, f"GET {path}", (200,))
    parser = _Forms()
    parser.feed(page.get_data(as_text=True))
    forms = [f for f in parser.forms if action is None or (f["action"] or path) == action]
    if not forms:
        failures.append(f"{path}: no form posting to {action or 'itself'}")
        return page
    form = forms[0]
    unfilled = set(form["fields"]) - set(values) - set(files or {})
    if unfilled:
        failures.append(f"{path}: the smoke does not fill {sorted(unfilled)}")
    data = {**form["hidden"], **values}
    if files:
        data.update(files)
    target = form["action"] or path
    response = client.post(target, data=data, content_type="multipart/form-data" if files else None)
    _check(response, f"POST {target} (from {path})")
    return response


def location(response) -> str:
    value = response.headers.get("Location", "")
    url = urlsplit(value)
    return url.path + (f"?{url.query}" if url.query else "")


def citizen_id(serial: int) -> str:
    first17 = "43040219850315" + f"{serial:03d}"
    return first17 + citizen_id_check_character(first17)


def credit_code(serial: int) -> str:
    first17 = "91430400MA4L" + f"{serial:05d}"
    return first17 + credit_code_check_character(first17)


def a_pdf() -> bytes:
    """A real one-page PDF, drawn by the runtime's own reportlab."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, "OneWindow runtime smoke")
    page.showPage()
    page.save()
    return buffer.getvalue()


def answer_for(question: dict) -> str:
    kind = question["type"]
    if kind in ("choice", "yes-no"):
        return question["choices"][0]["value"] if kind == "choice" else "yes"
    if kind == "number":
        low = question.get("minimum")
        return str(low if low is not None else 1)
    if kind == "date":
        return "2026-11-27"
    return "衡阳市示例答复"[: question.get("max_length", 200)]


def register(client, kind: str, serial: int) -> str:
    chosen = post_form(client, "/account/register", {"kind": kind})
    values = {
        "mobile": "13812345678",
        "email": f"smoke{serial}@example.com",
        "message_channels": "both",
        "password": "a long enough password",
        "password_again": "a long enough password",
    }
    if kind == "individual":
        identifier = citizen_id(serial)
        values.update(name="王芳", identifier=identifier)
    else:
        identifier = credit_code(serial)
        values.update(
            name="衡阳市示例科技有限公司",
            identifier=identifier,
            legal_representative="李明",
            contact_name="王芳",
        )
    done = post_form(client, location(chosen), values)
    if not location(done).startswith("/account/sign-in"):
        failures.append(f"registering a {kind} with every field did not reach sign-in")
    # Registration answers alike for new and taken numbers, so it never signs anyone in.
    signed_in = post_form(
        client, "/account/sign-in", {"identifier": identifier, "password": values["password"]}
    )
    if location(signed_in) != "/":
        failures.append(f"signing in as the new {kind} went to {location(signed_in)!r}")
    return identifier


def sign_out(client) -> None:
    post_form(client, "/account", {}, action="/account/sign-out")


def file_every_online_item(client, app) -> list[str]:
    """Start, answer every question, upload every material, submit; the numbers given."""
    from sqlalchemy import select

    from portal.catalog.models import ServiceItem
    from portal.extensions import db

    with app.app_context():
        items = db.session.scalars(
            select(ServiceItem).where(ServiceItem.online, ServiceItem.retired_at.is_(None))
        ).all()
        plans = [
            (item.code, list(item.questions), [m.code for m in item.materials]) for item in items
        ]
    numbers = []
    pdf = a_pdf()
    for code, questions, materials in plans:
        started = post_form(client, f"/items/{code}/apply", {})
        match = re.search(r"/applications/([0-9a-f]{32})/", location(started))
        if not match:
            failures.append(f"{code}: starting an application went to {location(started)!r}")
            continue
        base = f"/applications/{match.group(1)}"
        if location(started) == f"{base}/where":  # offered at several windows: pick one
            choice = re.search(
                r'name="window"[^>]*value="(\d+)"',
                client.get(f"{base}/where").get_data(as_text=True),
            )
            post_form(client, f"{base}/where", {"window": choice.group(1)})
        for question in questions:
            answered = post_form(
                client, f"{base}/questions/{question['code']}", {"answer": answer_for(question)}
            )
            address_page = f"{base}/questions/{question['code']}/address"
            if location(answered) == address_page:  # delivery by post: where to
                given = post_form(client, address_page, POSTAL_ADDRESS)
                if given.status_code != 302 or location(given) == address_page:
                    failures.append(f"{location(answered)}: the postal address was not kept")
        for material in materials:
            files = {"file": (io.BytesIO(pdf), f"{material}.pdf")}
            path = f"{base}/materials/{material}"
            uploaded = post_form(client, path, {}, action=path, files=files)
            if location(uploaded) != path:
                failures.append(f"{path}: the upload was not kept ({uploaded.status_code})")
        submitted = post_form(client, f"{base}/check", {"declaration": "y"})
        page = client.get(location(submitted)).get_data(as_text=True)
        number = re.search(r"HY-\d{8}-\d{5}-[0-9X]", page)
        if number is None:
            failures.append(f"{code}: no application number after submitting")
        else:
            numbers.append(number.group(0))
    return numbers


def change_contacts_and_password(client, app) -> None:
    """The account settings: a new mobile and e-mail, each confirmed by its code; a password."""
    for channel, value in (("mobile", "13911112222"), ("email", "new-address@example.com")):
        post_form(client, f"/account/{channel}", {channel: value})
        sent = [m for m in app.extensions["notifier"].outbox if m.purpose == "contact-change-code"]
        code = re.search(r"(?<!\d)(\d{6})(?!\d)", sent[-1].body).group(1) if sent else ""
        done = post_form(client, f"/account/{channel}/confirm", {"code": code})
        if location(done) != "/account":
            failures.append(f"confirming the new {channel} went to {location(done)!r}")
    changed = post_form(
        client,
        "/account/password",
        {
            "current_password": "a long enough password",
            "password": "a changed long password",
            "password_again": "a changed long password",
        },
    )
    if location(changed) != "/account":
        failures.append("changing the password with every field did not reach the account")


def main() -> int:
    app = create_app({"WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": False})
    # Buffered: the client closes each response as a server does, which sends queued messages.
    client = app.test_client()
    client.open = functools.partial(client.open, buffered=True)
    for language in ("zh", "en"):
        client.get(f"/language/{language}")
        _check(client.get("/search?q=营业执照"), "GET /search", (200,))

    person = register(client, "individual", 1)
    sign_out(client)
    register(client, "company", 2)
    sign_out(client)

    client.get("/language/en")
    register(client, "individual", 3)  # the English form, with the e-mail field too
    sign_out(client)
    client.get("/language/zh")

    signed_in = post_form(
        client, "/account/sign-in", {"identifier": person, "password": "a long enough password"}
    )
    if location(signed_in) != "/":
        failures.append(f"signing in went to {location(signed_in)!r}")
    numbers = file_every_online_item(client, app)
    if not numbers:
        failures.append("no application could be filed")
    for path in ("/applications", "/account", "/account/messages"):
        _check(client.get(path), f"GET {path}", (200,))
    chosen = post_form(client, "/account/messages/channels", {"message_channels": "both"})
    if location(chosen) != "/account/messages":
        failures.append("choosing how messages come did not save")
    change_contacts_and_password(client, app)
    sign_out(client)

    if numbers:
        tracked = post_form(client, "/track", {"number": numbers[0], "secret": person})
        _check(tracked, "POST /track", (200,))
    proxy = {
        "investor_type": "foreign",
        "amount": "2000000",
        "currency": "USD",
        "key_project": "no",
    }
    checked = post_form(client, "/proxy/check", proxy, action="/proxy/check")
    _check(checked, "POST /proxy/check", (200,))
    post_form(client, "/account/forgot-password", {"identifier": person})
    sent = [m for m in app.extensions["notifier"].outbox if m.purpose == "password-reset"]
    code = re.search(r"(?<!\d)(\d{6})(?!\d)", sent[-1].body).group(1) if sent else ""
    if not code:
        failures.append("no reset code was sent")
    reset = post_form(
        client,
        "/account/reset-password",
        {
            "identifier": person,
            "code": code,
            "password": "another long password",
            "password_again": "another long password",
        },
    )
    if location(reset) != "/account/sign-in":
        failures.append("resetting the password with every field did not reach sign-in")

    for failure in failures:
        print("FAIL", failure)
    print(f"runtime smoke: {len(numbers)} applications filed, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
