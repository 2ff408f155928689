"""One error shape for the whole API and every error status declared in the OpenAPI
document (willkommen/api_errors.py). Schemathesis finds such contradictions by chance
(tests/ops/test_api_schema.py); these pin the ones it found."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _operations(client):
    schema = client.get("/api/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield method, path, operation


def test_every_operation_declares_the_framework_errors(client):
    for method, path, operation in _operations(client):
        declared = set(operation["responses"])
        if operation.get("parameters") or operation.get("requestBody"):
            assert "422" in declared, (method, path)
        if operation.get("requestBody"):
            assert "400" in declared, (method, path)
        if operation.get("security"):
            assert {"401", "403"} <= declared, (method, path)
        if "{" in path:
            assert "404" in declared, (method, path)
        # The middleware's answer while the database is unreachable.
        assert "503" in declared, (method, path)


def test_every_error_body_has_detail_and_code(client):
    schema = client.get("/api/openapi.json").json()
    components = schema["components"]["schemas"]
    for method, path, operation in _operations(client):
        for status, response in operation["responses"].items():
            if not status.startswith(("4", "5")):
                continue
            body = response["content"]["application/json"]["schema"]
            options = body.get("anyOf", [body])
            for option in options:
                name = option["$ref"].rsplit("/", 1)[-1]
                required = set(components[name]["required"])
                assert {"detail", "code"} <= required, (method, path, status, name)


def test_a_body_that_is_not_json_is_a_structured_400(client):
    response = client.post("/api/v1/bookings", b"\x00", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_json"


def test_schema_violations_are_a_structured_422(client):
    response = client.get("/api/v1/availability?service=x&date_from=2030-01-01")
    body = response.json()
    assert response.status_code == 422 and body["code"] == "invalid_input"
    assert {problem["field"] for problem in body["errors"]} == {"service", "date_to"}


def test_anonymous_staff_operations_are_a_structured_401(client):
    response = client.get("/api/v1/walk-ins?location_id=1")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize(
    "path", ["/api/v1/nothing-here", "/api/v1/walk-ins/1.5/%0Acall", "/api/v1/walk-ins/1/call/%0A"]
)
def test_unknown_api_paths_answer_json_for_every_method(path):
    """Also a POST without CSRF token and a path with a line break (which Django's path
    converters do not match) get JSON, not an HTML page."""
    strict = Client(enforce_csrf_checks=True)
    strict.cookies["sessionid"] = "anything"
    for method in ("get", "post", "delete"):
        response = getattr(strict, method)(path)
        assert response.status_code == 404, (method, path)
        assert response["Content-Type"].startswith("application/json"), (method, path)
        assert response.json()["code"] == "not_found"
