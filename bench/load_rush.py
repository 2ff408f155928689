"""A slot-release rush on PostgreSQL with the production server, one and two app servers.

    .venv/bin/python bench/load_rush.py            # ~2-3 minutes, stops by itself

1. Starts a private PostgreSQL cluster (temporary directory, spare port), migrates a
   database and builds the office of tests/booking (``BENCH_DESKS`` desks, default 8,
   three counsellors).
2. Run A: one gunicorn (5 sync workers). ``BENCH_CLIENTS`` (default 200) concurrent
   clients ask for availability on the two next bookable days and book a random free
   slot through the public API (a partner API key, so no captcha solving on the client),
   asking again after a 409, until the days are full or ``BENCH_SECONDS`` pass.
3. Run B: the bookings are deleted, and the same rush goes to two gunicorn servers
   (3 workers each) on one PostgreSQL, with the cache, rate limits and the task queue in
   Redis (``redis://127.0.0.1:6379/15``; only that database is flushed).
4. Prints requests per second, median and p99 latency, the status counts, and checks:
   double bookings, 5xx, lost bookings (every 201 is in the database, no active booking
   that a 201 did not announce), half bookings — all must be 0 (exit status 1 otherwise).

Only 127.0.0.1 is contacted. The cluster is removed at the end.
"""

import asyncio
import json
import os
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

from ops_common import Gunicorn, PrivateCluster, consistency, django_env, manage, rush  # noqa: E402

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "200"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "40"))
DESKS = int(os.environ.get("BENCH_DESKS", "8"))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")


def flush_redis():
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()  # only the dedicated database number


def one_run(label, bases, world, api_key, days):
    from willkommen.booking.models import Appointment

    Appointment.objects.all().delete()
    result = asyncio.run(rush(bases, world.service.pk, api_key, days, CLIENTS, SECONDS))
    figures = {"run": label, **result.summary()}
    figures.update(consistency(result.created_codes, result.asked_for_consultation))
    print(json.dumps(figures), flush=True)
    return figures


def main():
    started = time.monotonic()
    with PrivateCluster() as cluster:
        cluster.create_database("wk_rush")
        url = cluster.url("wk_rush")
        manage(django_env(url), "migrate", "--noinput")

        from ops_common import build_office, setup_django

        setup_django(url)
        world, api_key, days = build_office(DESKS)
        print(
            f"office: {DESKS} desks, days {days[0]} and {days[-1]}; {CLIENTS} clients, "
            f"at most {SECONDS:.0f} s per run; private PostgreSQL on port {cluster.port}",
            flush=True,
        )
        runs = []
        server = Gunicorn(django_env(url), workers=5)
        try:
            runs.append(one_run("one server, 5 workers", [server.base], world, api_key, days))
        finally:
            server.stop()

        flush_redis()
        env = django_env(url, REDIS_URL, BENCH_TASKS_IN_REDIS="1")
        servers = [Gunicorn(env, workers=3), Gunicorn(env, workers=3)]
        try:
            runs.append(
                one_run(
                    "two servers x 3 workers, Redis",
                    [s.base for s in servers],
                    world,
                    api_key,
                    days,
                )
            )
        finally:
            for server in servers:
                server.stop()
            flush_redis()
    print(f"total {time.monotonic() - started:.0f} s", flush=True)
    bad = [
        run
        for run in runs
        if run["double_bookings"]
        or run["server_errors_5xx"]
        or run["lost_bookings"]
        or run["unannounced_bookings"]
        or run["half_bookings"]
        or run["transport_errors"]
    ]
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
