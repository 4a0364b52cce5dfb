"""schemathesis, from the app's own OpenAPI document: with a valid token, no GET
endpoint answers 5xx or a response its schema does not allow."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from corridor.atlas import Atlas
from tests.api.conftest import Platform, make_app

GET_PATHS = sorted(
    path for path, ops in make_app("sqlite://").openapi()["paths"].items() if "get" in ops
)


@pytest.fixture(scope="module")
def api_schema(platform: Platform, atlas: Atlas) -> Iterator[schemathesis.BaseSchema]:
    app = make_app(platform.url)
    with TestClient(app):  # runs the lifespan: the store is open while the cases run
        app.state.corridor._atlas = atlas
        yield schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.mark.parametrize("path", GET_PATHS)
def test_get_endpoints_keep_to_their_schema(
    api_schema: schemathesis.BaseSchema, platform: Platform, path: str
) -> None:
    operation = api_schema[path]["GET"]
    headers = platform.auth("kz-mvd")

    @given(case=operation.as_strategy())
    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    def keeps_to_schema(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

    keeps_to_schema()
