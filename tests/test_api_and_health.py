from unittest import mock

import pytest
from django.db import DatabaseError

pytestmark = pytest.mark.django_db


def test_openapi_document_is_served(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["info"]["title"] == "Willkommen API"
    assert document["openapi"].startswith("3.")


def test_healthz_answers_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_503_when_the_database_is_down(client):
    with mock.patch("willkommen.pages.views.connection.cursor", side_effect=DatabaseError):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"


def test_unknown_page_is_a_404_in_the_layout(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b'id="main"' in response.content


def test_unknown_api_path_is_a_structured_404(client):
    response = client.get("/api/v1/no-such-endpoint")
    assert response.status_code == 404


def test_unknown_api_path_answers_in_json(client):
    response = client.get("/api/v1/walk-ins/null,null/0")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_schema_errors_are_structured_422(client):
    response = client.get("/api/v1/availability?service=abc&date_from=never")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input"
    assert isinstance(body["detail"], str)
    assert {error["field"] for error in body["errors"]} >= {"service"}
