"""No fee, ever (source §五: 一律不收委托代理服务费), proved by walking what exists rather than
by a list: every proxy table's columns, every field of every proxy form, and every proxy route
in the url_map (GET and POST, pages, the API's JSON and the acknowledgement PDF) as the people
who use it. A new table, form, field or route is checked without editing this test."""

from __future__ import annotations

import io
import json
import re
from importlib import import_module

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from portal.extensions import db
from portal.proxy import requests
from portal.proxy.models import ProxyProject, ProxyReadToken
from tests.proxy.projects import LAND, accepted_project, add, fixed_rates, permit_ids, staff_client

# A name that would carry money owed (a column, a form field, a JSON key).
FEE_NAME = re.compile(r"fee|charge|price|cost|payment|pay(?!load)|收费|费", re.IGNORECASE)
# A fee with an amount: a fee word and a digit or a currency sign in the same sentence.
FEE_AMOUNT = re.compile(
    r"(服务费|代理费|费用|收费|fee|charge)[^。.\n<]{0,20}?[0-9０-９¥￥$]", re.IGNORECASE
)
FIELD_NAME = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"')
PROXY_ENDPOINTS = ("proxy.", "proxy_window.", "proxy_api.")
FORM_MODULES = ("forms.proxy", "forms.proxy_plan", "forms.proxy_window", "forms.proxy_tokens")


def test_no_proxy_table_has_a_fee_column():
    proxy_tables = [t for t in db.Model.metadata.sorted_tables if t.name.startswith("proxy_")]
    assert len(proxy_tables) >= 6
    for table in proxy_tables:
        for column in table.columns:
            assert not FEE_NAME.search(column.name), (table.name, column.name)


def test_no_proxy_form_has_a_fee_field(app):
    with app.test_request_context():
        for module_name in FORM_MODULES:
            module = import_module(module_name)
            for name, form_class in vars(module).items():
                if not name.endswith("Form") or form_class.__module__ != module_name:
                    continue
                for field in form_class(meta={"csrf": False}):
                    assert not FEE_NAME.search(field.name), (name, field.name)
                    assert not FEE_NAME.search(str(field.label.text)), (name, field.label.text)


@pytest.fixture
def world(app):
    """An accepted project with a permit and a read token, its investor, the head."""
    fixed_rates(app)
    agent_id, agent = staff_client(app)
    code, investor = accepted_project(app, agent_id)
    assert add(agent, app, code, LAND).status_code == 302
    investor.post(f"/proxy/projects/{code}/tokens", data={"name": "工地"})
    _, head = staff_client(app, role="proxy-head", name="钱负责")
    with app.app_context():
        project = db.session.scalar(select(ProxyProject).where(ProxyProject.code == code))
        public_id = project.request.public_id
        token_id = db.session.scalar(
            select(ProxyReadToken.id).where(ProxyReadToken.project_id == project.id)
        )
    values = {
        "code": code,
        "public_id": public_id,
        "permit_id": permit_ids(app, code)[LAND],
        "token_id": token_id,
        "slot": "letter",
        "document_id": "0" * 32,  # a project document: none uploaded here, its page is a 404
        "material_code": "M01",
    }
    return values, investor, head


def _paths(rule, values):
    if "step" in rule.arguments:
        return [rule.build({"step": step}, append_unknown=False)[1] for step in requests.STEPS]
    unknown = set(rule.arguments) - set(values)
    assert not unknown, f"teach the no-fee walk these parameters of {rule.rule}: {unknown}"
    return [rule.build({a: values[a] for a in rule.arguments}, append_unknown=False)[1]]


def _text_of(response) -> str:
    if response.mimetype == "application/pdf":
        return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    return response.get_data(as_text=True)


def _json_keys(value) -> list[str]:
    if isinstance(value, dict):
        return [*value, *(k for v in value.values() for k in _json_keys(v))]
    if isinstance(value, list):
        return [k for v in value for k in _json_keys(v)]
    return []


def test_no_proxy_route_shows_or_asks_a_fee(app, world):
    values, investor, head = world
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith(PROXY_ENDPOINTS)]
    walked = set()
    # POSTs last: they may change what the GETs read (an empty form changes nothing).
    for rule in sorted(rules, key=lambda r: "POST" in r.methods and "GET" not in r.methods):
        client = head if rule.rule.startswith("/staff") else investor
        for path in _paths(rule, values):
            query = (
                "?investor_type=foreign&amount=2000000&currency=USD"
                if "eligibility" in path
                else ""
            )
            for method in sorted(rule.methods & {"GET", "POST"}):
                response = client.open(path + query, method=method)
                assert response.status_code < 500, (method, path)
                if rule.endpoint == "proxy_window.request_file":
                    continue  # the investor's own uploaded letter, not a page of ours
                text = _text_of(response)
                walked.add((method, rule.endpoint))
                assert not FEE_AMOUNT.search(text), (method, path, FEE_AMOUNT.search(text))
                for name in FIELD_NAME.findall(text):
                    assert not FEE_NAME.search(name), (method, path, name)
                if response.mimetype == "application/json":
                    for key in _json_keys(json.loads(text)):
                        assert not FEE_NAME.search(key), (method, path, key)
    endpoints = {endpoint for _method, endpoint in walked}
    assert endpoints >= {r.endpoint for r in rules} - {"proxy_window.request_file"}
    assert FEE_AMOUNT.search("代理服务费 500 元") and FEE_AMOUNT.search("a fee of ¥500")


@pytest.mark.parametrize(
    ("language", "words"),
    [("zh", "全程委托代理一律免费"), ("en", "free of charge")],
)
def test_the_service_page_and_the_acknowledgement_say_it_is_free(app, world, language, words):
    values, investor, _head = world
    investor.get(f"/language/{language}")
    about = investor.get("/proxy").get_data(as_text=True)
    assert words in about
    pdf = investor.get(f"/proxy/requests/{values['public_id']}/acknowledgement.pdf")
    text = re.sub(r"\s+", " ", _text_of(pdf))
    assert words in text, text[-400:]
