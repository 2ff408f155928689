"""Does "Lost your link?" take longer for a code that exists? Median wall-clock time of
``POST /api/v1/bookings/lost-link`` for an existing code with its matching e-mail address
against a code that does not exist, in process (Django's test client, same middleware),
with the task queued in the database as in production (``bench_http_settings``) and the
rate limits counting (set high enough not to refuse).

    .venv/bin/python bench/lost_link_timing.py                    # SQLite (in memory)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wk_bench \\
        .venv/bin/python bench/lost_link_timing.py

The two kinds of request are interleaved (ABAB…), so drift of the machine hits both alike.
Each request uses its own client address and contact, so the per-address and per-contact
counters start fresh as they do for real clients.

Measured on the development machine (2 shared cores, 300 requests each, 4 Dec 2026):

    SQLite      existing median 1.32 ms, missing 1.34 ms (difference −0.02 ms)
                again:   1.30 ms and 1.30 ms (+0.01 ms)
    PostgreSQL  existing median 6.43 ms, missing 6.60 ms (difference −0.17 ms,
                p10 4.00 / 4.01 ms, p90 12.72 / 12.70 ms)

The differences are noise and change sign between runs: the request path reads no
booking at all (``tests/booking/web/test_lost_link.py::
test_nothing_on_the_request_path_reads_a_booking``).
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench_http_settings")
os.environ.setdefault("BOOKING_RATE_LIMIT_LOST_LINK", "1000000")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "300"))
WARM_UP = 30


def main():
    from django_tasks_db.models import DBTaskResult

    from willkommen.booking.models import Appointment
    from willkommen.organisations.models import Location

    connection.creation.create_test_db(
        verbosity=0, autoclobber=True, keepdb=False, serialize=False
    )
    try:
        from availability import build

        build()
        existing = Appointment.objects.exclude(email="").order_by("pk").first()
        if existing is None:  # the bench data without contacts: give one
            existing = Appointment.objects.order_by("pk").first()
            Appointment.objects.filter(pk=existing.pk).update(email="owner@example.org")
            existing.refresh_from_db()
        assert Location.objects.exists()
        missing = "ZZZZZZZZZZ" if existing.code != "ZZZZZZZZZZ" else "YYYYYYYYYY"
        client = Client()

        def ask(code, number, contact):
            body = json.dumps({"code": code, "contact": contact})
            started = time.perf_counter()
            response = client.post(
                "/api/v1/bookings/lost-link",
                body,
                content_type="application/json",
                REMOTE_ADDR=f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}",
            )
            elapsed = time.perf_counter() - started
            assert response.status_code == 202, response.content
            return elapsed, response.content

        for number in range(WARM_UP):
            ask(existing.code, number, existing.email)
            ask(missing, number, existing.email)
        times = {"existing": [], "missing": []}
        bodies = {"existing": set(), "missing": set()}
        for number in range(WARM_UP, WARM_UP + REQUESTS):
            for kind, code in (("existing", existing.code), ("missing", missing)):
                elapsed, body = ask(code, number * 2 + (kind == "missing"), existing.email)
                times[kind].append(elapsed)
                bodies[kind].add(body)
        assert bodies["existing"] == bodies["missing"], "the answers differ"
        queued = DBTaskResult.objects.count()
        database = connection.vendor
        print(f"{REQUESTS} requests each, {database}, {queued} tasks queued, answers identical")
        for kind in ("existing", "missing"):
            values = sorted(times[kind])
            print(
                f"{kind:9s} median {statistics.median(values) * 1000:6.2f} ms  "
                f"p10 {values[len(values) // 10] * 1000:6.2f} ms  "
                f"p90 {values[len(values) * 9 // 10] * 1000:6.2f} ms"
            )
        difference = statistics.median(times["existing"]) - statistics.median(times["missing"])
        print(f"difference of the medians: {difference * 1000:+.2f} ms")
    finally:
        connection.creation.destroy_test_db(
            connection.settings_dict["NAME"], verbosity=0, keepdb=False
        )


if __name__ == "__main__":
    main()
