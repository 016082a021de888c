"""The complaints JSON API: the same checks as the pages, the documented shapes, a wrong
query code answered exactly as an unknown ticket, the rate limit, and no 500 on junk."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import select

from portal.complaints.limits import MAX_WHAT_HAPPENED
from portal.extensions import db
from portal.filing.models import Application
from portal.filing.numbering import check_character
from tests.backoffice.test_dispatcher import _accepted_case

ITEM = "430400-GA-DJ-0002"  # vehicle plates: fee FA-0001 is published at 100 yuan
CENTER = "vehicle-plates"
ABOUT_ITEM = {
    "kind": "other",
    "item_code": ITEM,
    "center_code": CENTER,
    "window_code": "V01",
    "happened_on": "2026-11-30",
    "what_happened": "窗口说材料不全，却没有一次性告知缺什么。",
    "what_they_want": "一次性告知需要补正的材料。",
    "contact_name": "王芳",
    "contact_mobile": "138 1234 5678",
}


def post(client, body, **headers):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body, ensure_ascii=False)
    return client.post(
        "/api/v1/complaints", data=data, content_type="application/json", headers=headers
    )


def follow(client, ticket: str, code: str):
    return client.get(f"/api/v1/complaints/{ticket}", headers={"X-Query-Code": code})


def documented(client, name: str) -> Draft202012Validator:
    """The validator of a schema in /api/openapi.json, its references resolved in place."""
    document = client.get("/api/openapi.json").get_json()
    schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    return Draft202012Validator(schema)


def test_a_complaint_about_an_item_is_filed_with_the_documented_answer(client):
    answer = post(client, ABOUT_ITEM)
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert set(body) == {"ticket", "query_code", "reply_by", "accept_by"}
    documented(client, "FiledComplaint").validate(body)
    assert body["ticket"].startswith("HYTS-") and len(body["query_code"]) == 6
    followed = follow(client, body["ticket"], body["query_code"])
    assert followed.status_code == 200
    assert followed.headers["Cache-Control"] == "no-store"
    record = followed.get_json()
    documented(client, "Complaint").validate(record)
    assert record["status"] == "received" and record["kind"] == "other"
    assert record["reply_by"] == body["reply_by"] and record["accept_by"] == body["accept_by"]
    assert [line["kind"] for line in record["timeline"]] == ["received"]
    assert record["reply"] is None and record["findings"] == []
    assert "王芳" not in followed.get_data(as_text=True), "never the contact details"


@pytest.mark.parametrize(
    ("fee", "holds"),
    [
        ({"fee_code": "FA-0001", "amount": "100"}, False),
        ({"fee_code": "FA-0001", "amount": "150.50"}, True),
        ({"fee_name": "加急费", "amount": "30"}, True),
    ],
)
def test_a_fee_complaint_is_checked_against_the_published_schedule(client, fee, holds):
    body = ABOUT_ITEM | {"kind": "fee"} | fee
    filed = post(client, body).get_json()
    record = follow(client, filed["ticket"], filed["query_code"]).get_json()
    [finding] = record["findings"]
    assert finding["kind"] == "fee" and finding["holds"] is holds
    assert set(finding["text"]) == {"zh", "en"}


def test_every_missing_field_is_named_in_field_order(client):
    answer = post(client, {})
    assert answer.status_code == 400
    errors = answer.get_json()["errors"]
    assert list(errors) == [
        "kind",
        "item_code",
        "center_code",
        "what_happened",
        "what_they_want",
        "contact_name",
        "contact_mobile",
    ]
    assert all(isinstance(message, str) and message for message in errors.values())
    documented(client, "FieldErrors").validate(answer.get_json())


def test_messages_come_in_the_requests_language(client):
    errors = post(client, {}, **{"Accept-Language": "en"}).get_json()["errors"]
    assert errors["what_happened"] == "Say what happened."
    assert errors["kind"].startswith("Choose")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "angry"}, "kind"),
        ({"kind": "fee", "amount": "10"}, "fee_code"),
        ({"kind": "fee", "fee_code": "NOPE", "amount": "10"}, "fee_code"),
        ({"kind": "fee", "fee_code": "FA-0001", "amount": "0"}, "amount"),
        ({"kind": "fee", "fee_code": "FA-0001", "amount": "-1"}, "amount"),
        ({"kind": "fee", "fee_code": "FA-0001", "amount": "1.234"}, "amount"),
        ({"kind": "fee", "fee_code": "FA-0001", "amount": "1e3"}, "amount"),
        ({"kind": "fee", "fee_code": "FA-0001", "amount": 12}, "amount"),
        ({"kind": "fee", "fee_code": "FA-0001", "amount": "1000000000.01"}, "amount"),
        ({"kind": "fee", "fee_code": "FA-0001"}, "amount"),
        ({"item_code": "NOPE"}, "item_code"),
        ({"center_code": "nowhere"}, "center_code"),
        ({"window_code": "Z99"}, "window_code"),
        ({"happened_on": "2099-01-01"}, "happened_on"),
        ({"happened_on": "2026-02-30"}, "happened_on"),
        ({"what_happened": "  "}, "what_happened"),
        ({"what_happened": "长" * (MAX_WHAT_HAPPENED + 1)}, "what_happened"),
        ({"what_they_want": ["a list"]}, "what_they_want"),
        ({"contact_mobile": "12345"}, "contact_mobile"),
        ({"contact_mobile": None, "contact_email": "not-an-address"}, "contact_email"),
        ({"contact_name": None}, "contact_name"),
        ({"contact_name": "王\x00芳"}, "contact_name"),
        ({"anonymous": "yes"}, "anonymous"),
        ({"anonymous": True}, "anonymous"),  # with a name and a mobile: which is it?
    ],
)
def test_each_wrong_field_gets_its_own_message(client, change, field):
    answer = post(client, ABOUT_ITEM | change)
    assert answer.status_code == 400
    assert field in answer.get_json()["errors"], answer.get_json()


def test_an_anonymous_complaint_and_the_largest_amount_are_accepted(client):
    body = {k: v for k, v in ABOUT_ITEM.items() if not k.startswith("contact_")}
    body |= {"anonymous": True, "kind": "fee", "fee_code": "FA-0002", "amount": "1000000000"}
    assert post(client, body).status_code == 201


def _case(app) -> tuple[str, str]:
    public_id, _ = _accepted_case(app)
    with app.app_context():
        application = db.session.scalar(
            select(Application).where(Application.public_id == public_id)
        )
        return application.number, application.query_code


def test_a_case_is_named_by_number_and_code_and_either_mistake_answers_alike(app, client):
    number, code = _case(app)
    about = {k: v for k, v in ABOUT_ITEM.items() if k not in ("item_code", "center_code")}
    about = {k: v for k, v in about.items() if k not in ("window_code", "happened_on")}
    wrong_code = post(client, about | {"case_number": number, "query_code": "ZZZZZZ"})
    unknown = "HY" + number[2:-1] + ("0" if number[-1] != "0" else "1")
    wrong_number = post(client, about | {"case_number": unknown, "query_code": code})
    assert wrong_code.status_code == wrong_number.status_code == 400
    assert wrong_code.get_json() == wrong_number.get_json()
    assert list(wrong_code.get_json()["errors"]) == ["case_number"]
    filed = post(client, about | {"kind": "slow", "case_number": number, "query_code": code})
    assert filed.status_code == 201, filed.get_json()
    record = follow(client, filed.get_json()["ticket"], filed.get_json()["query_code"]).get_json()
    assert record["findings"] and {f["kind"] for f in record["findings"]} == {"deadline"}


def test_a_wrong_code_answers_exactly_as_an_unknown_ticket(client):
    filed = post(client, ABOUT_ITEM).get_json()
    wrong = "AAAAAA" if filed["query_code"] != "AAAAAA" else "BBBBBB"
    unknown = "HYTS2026093099999" + check_character("2026093099999")
    answers = [
        follow(client, filed["ticket"], wrong),
        follow(client, unknown, filed["query_code"]),
        follow(client, filed["ticket"], ""),
        follow(client, "junk", "x"),
    ]
    assert {a.status_code for a in answers} == {404}
    assert len({a.get_data() for a in answers}) == 1


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"[1, 2]",
        b'"text"',
        b'{"kind": NaN}',
        b"\xff\xfe",
        b"[" * 5000 + b"]" * 5000,
        b'{"a": {"b": {"c": {"d": {"e": 1}}}}}',
        json.dumps({"kind": {"x": 1}, "what_happened": 3, "anonymous": None}).encode(),
        json.dumps(dict.fromkeys(ABOUT_ITEM, "\x00")).encode(),
        json.dumps(dict.fromkeys(ABOUT_ITEM, "１２３") | {"amount": "１２"}).encode(),
        b'{"x": "' + b"y" * 70_000 + b'"}',
    ],
)
def test_junk_is_a_400_never_a_500(client, body):
    answer = post(client, body)
    assert answer.status_code == 400
    assert answer.is_json


def test_filed_complaints_are_rate_limited_per_client(tmp_path, monkeypatch):
    from tests.conftest import fresh_database, load_guides, make_app

    monkeypatch.setenv("TEST_RATELIMIT_ENABLED", "true")
    with fresh_database("sqlite", tmp_path) as url:
        app = make_app(url, COMPLAINT_RATE_LIMIT="2 per day")
        load_guides(app)
        client = app.test_client()
        # A rejected body is not a complaint: correcting it does not cost one.
        assert [post(client, {}).status_code for _ in range(3)] == [400] * 3
        answers = [post(client, ABOUT_ITEM).status_code for _ in range(3)]
        assert answers == [201, 201, 429]
        assert post(client, ABOUT_ITEM).get_json()["error"]["status"] == 429
