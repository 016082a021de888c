"""Helpers for the proxy request tests: a company account, a request filled in page by page."""

from __future__ import annotations

import io
import itertools

from portal.accounts import operations
from portal.accounts.identity import credit_code_check_character
from portal.extensions import db
from tests.factories import PASSWORD, pdf_bytes

_serial = itertools.count(1)

ANSWERS = {
    "project": {"project_name": "衡阳新能源电池生产基地项目"},
    "investor": {
        "investor_name": "Example Energy GmbH",
        "investor_type": "foreign",
        "origin": "德国",
    },
    "amount": {"amount": "2,000,000.00", "currency": "USD"},
    "industry": {"industry": "先进制造"},
    "location": {"location": "430408"},
    "key-project": {"key_project": "no", "key_document_number": ""},
    "needs": {"needs": "用地、规划许可、施工许可、开办企业。"},
    "contact": {"contact_name": "李明", "contact_mobile": "13812345678", "contact_email": ""},
}


def credit_code() -> str:
    first17 = f"91430400MA4L{next(_serial) % 100000:05d}"
    return first17 + credit_code_check_character(first17)


def make_company(app, name: str = "衡阳示例投资有限公司", mobile: str = "13912345678") -> int:
    with app.app_context():
        applicant = operations.register(
            operations.Registration(
                kind="company",
                identifier=credit_code(),
                name=name,
                mobile=mobile,
                password=PASSWORD,
                contact_name="李明",
            )
        )
        db.session.commit()
        return applicant.id


def letter(name: str = "委托书.pdf"):
    return {"file": (io.BytesIO(pdf_bytes()), name)}


def fill(client, **changes) -> None:
    """Every page answered (``changes`` replaces a page's answers), the letter uploaded."""
    for step, answers in ANSWERS.items():
        data = changes.get(step, answers)
        page = client.post(f"/proxy/request/{step}", data=data, content_type="multipart/form-data")
        assert page.status_code == 302, (step, page.get_data(as_text=True)[:3000])
    page = client.post("/proxy/request/letter", data=letter(), content_type="multipart/form-data")
    assert page.status_code == 302 and page.headers["Location"].endswith("/proxy/request/check")


class FixedRates:
    def __init__(self, table):
        self._table = table

    def table(self):
        return self._table


def submitted_request(app, client=None) -> str:
    """A company signs in, fills in every page and submits; returns the request's public id."""
    from tests.factories import sign_in_as

    client = client or app.test_client()
    sign_in_as(client, make_company(app))
    fill(client)
    done = client.post("/proxy/request/submit")
    assert done.status_code == 302, done.get_data(as_text=True)[:2000]
    return done.headers["Location"].split("/")[-2]
