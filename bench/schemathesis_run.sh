#!/bin/sh
# Schemathesis against /api/openapi.json through the WSGI application (tests/ops/
# test_api_schema.py): generated valid and invalid requests to every API operation.
#
#   bench/schemathesis_run.sh            # no 5xx (must pass); ~30-60 s
#   API_FUZZ_FULL=1 bench/schemathesis_run.sh   # + status codes, content types and bodies
#                                               #   against the schema (known failures:
#                                               #   docs/security.md, "API schema")
#   API_FUZZ_EXAMPLES=100 bench/schemathesis_run.sh   # more examples per operation
#
# With DATABASE_URL=postgres://… it runs on PostgreSQL (pytest-django creates test_<name>).
set -eu
cd "$(dirname "$0")/.."
exec .venv/bin/python -m pytest tests/ops/test_api_schema.py -q -p no:cacheprovider "$@"
