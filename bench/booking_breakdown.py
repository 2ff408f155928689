"""Where the CPU of one booking goes, step by step, against ``GET /healthz`` as baseline.

Complements ``booking_http.py``: it says *how many* bookings a second the server gives;
this says *which steps* a booking spends its CPU on, in process (Django's test client,
same middleware, tasks queued in the database as in production), so the figures do not
depend on gunicorn or on other load. Each step is timed with ``time.process_time`` by
wrapping the function that implements it; the steps nest (``book`` contains ``_hold``),
so the rows do not add up, the ``request`` row is the whole.

    .venv/bin/python bench/booking_breakdown.py                     # SQLite (in memory)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wk_bench \
        .venv/bin/python bench/booking_breakdown.py

Same data as ``availability.py`` (20 desks, a third of 8 weeks booked). Plain bookings
with a partner API key, every one a different free slot. Stops by itself (< 1 minute).
"""

import json
import os
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench_http_settings")
os.environ.setdefault("RATELIMIT_ENABLE", "false")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

BOOKINGS = int(os.environ.get("BENCH_BOOKINGS", "300"))
TRIVIAL = 1000

# (module, attribute, label): the steps of POST /api/v1/bookings, outermost first.
STEPS = [
    ("willkommen.booking.api.endpoints", "check_captcha", "API key or captcha check"),
    ("willkommen.booking.bookings", "book", "services.book (all of the booking)"),
    ("willkommen.booking.bookings", "check_open_bookings", "  open bookings of the contact"),
    ("willkommen.booking.bookings", "place", "  transaction: slot + placement"),
    ("willkommen.booking.bookings", "slot_at", "    slot rules (engine, busy intervals)"),
    ("willkommen.booking.placement", "place_on_desk", "    placement on a desk"),
    ("willkommen.booking.placement", "lock_desk", "      desk row lock"),
    ("willkommen.booking.placement", "desk_is_free", "      re-check under the lock"),
    ("willkommen.booking.bookings", "announce", "  confirmation queued, tokens"),
    ("willkommen.booking.api.serialisers", "booking_out", "answer body"),
]


def timed(spent, label, function):
    def wrapper(*args, **kwargs):
        started = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0.0) + time.process_time() - started

    return wrapper


def main():
    from availability import build, free_desk_slots

    from willkommen.booking.models import ApiKey

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(
        verbosity=0, autoclobber=True, keepdb=False, serialize=False
    )
    try:
        services, _booked, _ = build()
        service = services[20]
        _key, api_key = ApiKey.issue("benchmark")
        starts = iter(free_desk_slots(service))
        client = Client(HTTP_X_API_KEY=api_key)

        def book(number):
            body = {
                "service": service.id,
                "start": next(starts).isoformat(),
                "name": f"Client {number}",
                "email": f"c{number}@example.org",
            }
            response = client.post(
                "/api/v1/bookings", json.dumps(body), content_type="application/json"
            )
            assert response.status_code == 201, response.content

        for number in range(30):  # warm-up: connections, memo, imports
            book(number)
            client.get("/healthz")

        started = time.process_time()
        for _ in range(TRIVIAL):
            client.get("/healthz")
        trivial_ms = (time.process_time() - started) / TRIVIAL * 1000

        with CaptureQueriesContext(connection) as queries:
            book(99_999)
        statements = len(queries.captured_queries)

        spent = {}
        with ExitStack() as patches:
            for module_name, attribute, label in STEPS:
                module = sys.modules.get(module_name) or __import__(module_name, fromlist=["x"])
                function = getattr(module, attribute)
                patches.enter_context(
                    mock.patch.object(module, attribute, timed(spent, label, function))
                )
            started = time.process_time()
            for number in range(BOOKINGS):
                book(1000 + number)
            booking_ms = (time.process_time() - started) / BOOKINGS * 1000

        print(
            f"{connection.vendor}: {BOOKINGS} plain bookings, {statements} SQL statements "
            "each (BEGIN and COMMIT included); CPU per request (process_time, ms):\n"
        )
        print(f"  {'GET /healthz (baseline)':44}{trivial_ms:8.3f}")
        print(f"  {'POST /api/v1/bookings (request, whole)':44}{booking_ms:8.3f}")
        for _module, _attribute, label in STEPS:
            print(f"    {label:42}{1000 * spent.get(label, 0.0) / BOOKINGS:8.3f}")
        print(
            f"\nratio booking / healthz: {booking_ms / trivial_ms:.1f}x; bookings can reach "
            f"{100 * trivial_ms / booking_ms:.0f} % of the trivial endpoint's rate when CPU "
            f"is the limit (50 % needs a booking within {2 * trivial_ms:.2f} ms)"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
