"""The investor's read tokens for the project dashboard API: made on the dashboard and shown
once, kept only as a hash, reading their own project only, revoked at once."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.proxy.models import ProxyReadToken
from tests.proxy.projects import accepted_project, fixed_rates, staff_client

TOKEN = re.compile(r'<code class="token">([^<]+)</code>')


@pytest.fixture
def project(app):
    fixed_rates(app)
    agent_id, _agent = staff_client(app)
    code, investor = accepted_project(app, agent_id)
    return code, investor, agent_id


def _make(investor, code: str, name: str) -> str:
    page = investor.post(f"/proxy/projects/{code}/tokens", data={"name": name})
    assert page.status_code == 200, page.get_data(as_text=True)[:2000]
    assert page.headers["Cache-Control"] == "no-store"
    return TOKEN.search(page.get_data(as_text=True)).group(1)


def _read(app, code: str, token: str):
    return app.test_client().get(
        f"/api/v1/proxy/projects/{code}", headers={"Authorization": f"Bearer {token}"}
    )


def test_a_token_reads_its_project_until_it_is_revoked(app, project):
    code, investor, _ = project
    token = _make(investor, code, "工地办公室")
    # Shown once: the dashboard lists it by name and date, never the token again.
    board = investor.get(f"/proxy/projects/{code}").get_data(as_text=True)
    assert "令牌“工地办公室”于" in board and "有效" in board and token not in board
    with app.app_context():
        row = db.session.scalar(select(ProxyReadToken).where(ProxyReadToken.name == "工地办公室"))
        assert (
            row.name == "工地办公室" and token not in row.token_hash and len(row.token_hash) == 64
        )
        token_id = row.id

    read = _read(app, code, token)
    assert read.status_code == 200 and read.get_json()["code"] == code
    assert read.headers["Cache-Control"] == "no-store"

    done = investor.post(f"/proxy/projects/{code}/tokens/{token_id}/revoke")
    assert done.status_code == 302
    assert _read(app, code, token).status_code == 401
    board = investor.get(f"/proxy/projects/{code}").get_data(as_text=True)
    assert "已撤销" in board


def test_a_token_reads_no_other_project_and_nothing_without_one(app, project):
    code, investor, agent_id = project
    token = _make(investor, code, "财务部")
    other_code, other_investor = accepted_project(app, agent_id)
    other_token = _make(other_investor, other_code, "别人的")
    # Another project's token, an unknown one, a malformed header: 401, the same for each.
    assert _read(app, other_code, token).status_code == 401
    assert _read(app, code, other_token).status_code == 401
    assert _read(app, code, "x" * 43).status_code == 401
    odd = app.test_client().get(
        "/api/v1/proxy/projects/%00", headers={"Authorization": f"Bearer {token}\x00"}
    )
    assert odd.status_code == 401
    no_scheme = app.test_client().get(
        f"/api/v1/proxy/projects/{code}", headers={"Authorization": token}
    )
    assert no_scheme.status_code == 401
    assert app.test_client().get(f"/api/v1/proxy/projects/{code}").status_code == 401
    # Nor can the other investor revoke this project's token (not their project).
    with app.app_context():
        token_id = db.session.scalar(
            select(ProxyReadToken.id).where(ProxyReadToken.name == "财务部")
        )
    assert (
        other_investor.post(f"/proxy/projects/{code}/tokens/{token_id}/revoke").status_code == 404
    )
    assert _read(app, code, token).status_code == 200


def test_a_token_needs_a_name(app, project):
    code, investor, _ = project
    page = investor.post(f"/proxy/projects/{code}/tokens", data={"name": " "})
    text = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "<title>错误：" in text and 'href="#name"' in text and "请填写令牌名称。" in text
    assert "令牌“" not in text and "还没有令牌。" in text


def test_the_token_is_in_the_openapi_document(client):
    document = client.get("/api/openapi.json").get_json()
    operation = document["paths"]["/api/v1/proxy/projects/{code}"]["get"]
    assert {"proxyProjectToken": []} in operation["security"]
    assert document["components"]["securitySchemes"]["proxyProjectToken"]["scheme"] == "bearer"
