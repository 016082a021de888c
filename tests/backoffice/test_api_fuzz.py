"""schemathesis throws generated requests at every operation of the OpenAPI document,
the back office's inbound API included, on PostgreSQL: none may end in a server error."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from portal.extensions import db
from tests.backoffice.test_inbound import delivered_case, system_token
from tests.conftest import fresh_database, load_guides, make_app


@pytest.fixture(scope="module")
def fuzzed_app(tmp_path_factory) -> Iterator:
    with fresh_database("postgresql", tmp_path_factory.mktemp("fuzz")) as url:
        app = make_app(url)
        load_guides(app)
        delivered_case(app)  # reports on it reach the checks, not only the 404
        app.config["FUZZ_TOKEN"] = system_token(app, app.config["BACKOFFICE_SYSTEM"])
        yield app
        with app.app_context():
            db.engine.dispose()


def test_no_generated_request_causes_a_server_error(fuzzed_app):
    token = fuzzed_app.config["FUZZ_TOKEN"]
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", fuzzed_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 6

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def no_server_error(case) -> None:
            case.call_and_validate(
                checks=[not_a_server_error], headers={"Authorization": f"Bearer {token}"}
            )

        no_server_error()
