#!/bin/sh
# Schemathesis against /api/openapi.json through the WSGI application (tests/ops/
# test_api_schema.py): generated valid and invalid requests to every API operation, with
# every check – no 5xx, status codes, content types, headers and bodies as documented, and
# invalid input refused with a 4xx. The same test runs in `make test`; this script adds the
# figures (operations, generated requests, failures, duration) for docs/security.md.
#
#   bench/schemathesis_run.sh                          # 25 examples per operation, ~30 s
#   API_FUZZ_EXAMPLES=200 bench/schemathesis_run.sh    # more examples per operation
#
# With DATABASE_URL=postgres://… it runs on PostgreSQL (pytest-django creates test_<name>).
set -eu
cd "$(dirname "$0")/.."
output=$(mktemp)
trap 'rm -f "$output"' EXIT
started=$(date +%s)
status=0
.venv/bin/python -m pytest tests/ops/test_api_schema.py -q -p no:cacheprovider \
    --hypothesis-show-statistics "$@" >"$output" 2>&1 || status=$?
finished=$(date +%s)
grep -E "passed|failed|error" "$output" | tail -n 1
awk -v seconds="$((finished - started))" -v examples="${API_FUZZ_EXAMPLES:-25}" \
    -v database="${DATABASE_URL:-sqlite}" '
    /::test_api_responses_conform_to_schema/ { operations++ }
    / passing, [0-9]+ failing/ { passing += $2; failing += $4 }
    END {
        sub(/\/\/[^@]*@/, "//", database)
        printf "schemathesis: %d operations, %d examples each at most, %d generated requests ", operations, examples, passing + failing
        printf "(%d failing), %d s, database %s\n", failing, seconds, database
    }' "$output"
if [ "$status" -ne 0 ]; then
    grep -vE "^(INFO|WARNING) " "$output" | tail -n 80
fi
exit "$status"
