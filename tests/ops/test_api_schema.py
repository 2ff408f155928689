"""Schemathesis against ``/api/openapi.json``: generated requests (valid and invalid) to
every operation of the API, through the WSGI application with a small office in the
database. Checks: never a 5xx; every response's status code, content type, headers and body
conform to the schema; invalid input is refused with a 4xx. The error statuses that ninja and
Django answer on their own are declared by ``willkommen.api_errors.declare_common_errors``.

Bounded: ``API_FUZZ_EXAMPLES`` examples per operation (default 25, 30-50 s on two shared
cores). The same run as a script, with figures: ``bench/schemathesis_run.sh`` (recorded in
docs/security.md, "API schema").
"""

import os

import hypothesis
import pytest
import schemathesis
from django.core.cache import cache
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.booking.conftest import make_world

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "25"))


def _load_schema():
    from django.core.wsgi import get_wsgi_application

    # pytest-django has configured the test settings before collection; building the
    # schema needs no database.
    return schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


schema = _load_schema()


@pytest.fixture
def office_world(organisations, make_staff):
    """The office, and the WSGI handler kept from closing the test's database connection
    at the start and end of each request (Django's test client does the same): otherwise,
    on PostgreSQL, the test transaction would be cut and every answer would be a 503."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    cache.clear()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield make_world(organisations, make_staff)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        cache.clear()


BOUNDED = hypothesis.settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(hypothesis.HealthCheck),
)


@pytest.mark.django_db
@schema.parametrize()
@BOUNDED
def test_api_responses_conform_to_schema(case, office_world):
    case.call_and_validate(checks=CHECKS)
