"""docs/backoffice.md lists every answer the progress API gives: each documented status is
one the API really answers (sent here as a back office would), and every status the API's
code can answer is documented. Both forms of the case number reach the case."""

from __future__ import annotations

import ast
import re
import uuid

from portal.config import PROJECT_ROOT
from tests.backoffice.test_inbound import _report, accepted, token  # noqa: F401  (fixtures)

DOC = (PROJECT_ROOT / "docs" / "backoffice.md").read_text(encoding="utf-8")
# Not provoked here: the server's own faults (errors.py), and the rate limit, which is off in
# tests (TEST_RATELIMIT_ENABLED) and held against real servers in tests/test_rate_limits.py.
INFRASTRUCTURE = {429, 500, 503}


def _documented() -> set[int]:
    table = DOC.split("### Every answer the API gives", 1)[1].split("\n## ", 1)[0]
    return {int(code) for code in re.findall(r"^\| `(\d{3})` \|", table, re.M)}


def _answered_in_code() -> set[int]:
    """Status numbers passed to _problem(), Refused() or returned by the view."""
    statuses = set()
    for module in ("api.py", "inbound.py"):
        source = (PROJECT_ROOT / "portal" / "backoffice" / module).read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in (
                "_problem",
                "Refused",
            ):
                first = node.args[0] if node.args else None
                if isinstance(first, ast.Constant) and isinstance(first.value, int):
                    statuses.add(first.value)
            if isinstance(node, ast.Constant) and node.value in (200, 201):
                statuses.add(node.value)
    return statuses


def test_every_status_the_code_answers_is_documented():
    assert _answered_in_code() <= _documented()


def test_every_documented_answer_is_given(app, client, token, accepted, monkeypatch):  # noqa: F811
    _, number = accepted
    url = f"/api/v1/backoffice/cases/{number}/events"
    auth = {"Authorization": f"Bearer {token}"}
    seen = {}

    def answer(status: int, response) -> None:
        assert response.status_code == status, (status, response.get_json())
        seen[status] = response

    answer(401, client.post(url, json={"event_id": "e", "type": "in-review"}))
    answer(400, _report(client, number, token, type="in-review", event_id=""))
    missing = client.post(url, json={"type": "in-review"}, headers=auth)
    answer(400, missing)
    assert "event_id" in missing.get_json()["error"]["message"]
    answer(404, _report(client, number[:-1] + ("0" if number[-1] != "0" else "1"), token))
    event_id = uuid.uuid4().hex
    answer(201, _report(client, number, token, type="in-review", event_id=event_id))
    answer(200, _report(client, number, token, type="in-review", event_id=event_id))
    assert seen[200].get_json()["repeated"] is True
    answer(409, _report(client, number, token, type="resumed"))
    answer(422, _report(client, number, token, type="refused"))
    answer(405, client.get(url, headers=auth))
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 100_000)
    answer(
        413,
        client.post(
            url, data=b"{" + b" " * 200_000 + b"}", headers=auth, content_type="application/json"
        ),
    )
    assert set(seen) == _documented() - INFRASTRUCTURE
    for response in seen.values():
        if response.status_code >= 400:
            assert response.get_json()["error"]["status"] == response.status_code


def test_both_forms_of_the_case_number_reach_the_case(client, token, accepted):  # noqa: F811
    _, number = accepted
    assert re.fullmatch(r"HY\d{13}[\dX]", number)
    displayed = f"HY-{number[2:10]}-{number[10:15]}-{number[15]}"
    assert number in DOC.replace("HY2026112700012X", number) or "HY2026112700012X" in DOC
    assert "HY-20261127-00012-X" in DOC
    assert _report(client, displayed, token, type="in-review").status_code == 201
    assert _report(client, number.lower(), token, type="approved").status_code == 201
