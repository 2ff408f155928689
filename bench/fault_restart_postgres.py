"""Restart PostgreSQL during a booking run: clean 503s, never a 500, and recovery by itself.

    .venv/bin/python bench/fault_restart_postgres.py     # ~1 minute, stops by itself

A private PostgreSQL cluster (never the shared server), one gunicorn (4 sync workers)
and ``BENCH_CLIENTS`` (40) clients asking for availability and booking. After 5 s the
cluster is restarted (``pg_ctl restart -m fast``: every connection is cut); the clients
carry on for ``BENCH_SECONDS`` (20).

Checks (exit status 1 if any fails): no 500 (every failure is a 503 with ``Retry-After``
and a JSON body), at least one 503 seen (the fault really hit), the service answers 200
again by itself (no restart of gunicorn) and the time from the restart to the first
success after the last failure is printed; no double or lost booking.
"""

import asyncio
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

from ops_common import Gunicorn, PrivateCluster, consistency, django_env, manage  # noqa: E402

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "40"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "20"))


async def run(base, service_id, api_key, days, cluster):
    import httpx

    log = []  # (seconds since start, status, retry-after, content-type)
    created = []
    t0 = time.monotonic()
    stop_at = t0 + SECONDS
    restart = {}

    async def client_loop(number, client):
        rng = random.Random(number)
        attempt = 0
        while time.monotonic() < stop_at:
            attempt += 1
            try:
                response = await client.get(
                    f"{base}/api/v1/availability",
                    params={
                        "service": service_id,
                        "date_from": days[0].isoformat(),
                        "date_to": days[-1].isoformat(),
                    },
                )
                log.append(_entry(t0, response))
                if response.status_code != 200 or not response.json()["slots"]:
                    await asyncio.sleep(0.3)
                    continue
                slot = rng.choice(response.json()["slots"])
                response = await client.post(
                    f"{base}/api/v1/bookings",
                    json={
                        "service": service_id,
                        "start": slot["start"],
                        "name": f"C{number}-{attempt}",
                        "email": f"c{number}-{attempt}@example.org",
                    },
                    headers={"X-Api-Key": api_key},
                )
                log.append(_entry(t0, response))
                if response.status_code == 201:
                    created.append(response.json()["code"])
                await asyncio.sleep(rng.uniform(0.2, 0.6))
            except httpx.HTTPError as error:
                log.append((time.monotonic() - t0, f"transport:{type(error).__name__}", "", ""))
                await asyncio.sleep(0.3)

    async def fault():
        await asyncio.sleep(5)
        restart["begin"] = time.monotonic() - t0
        await asyncio.to_thread(cluster.restart)
        restart["end"] = time.monotonic() - t0

    async with httpx.AsyncClient(timeout=30) as client:
        await asyncio.gather(fault(), *(client_loop(n, client) for n in range(CLIENTS)))
    return log, created, restart


def _entry(t0, response):
    return (
        time.monotonic() - t0,
        response.status_code,
        response.headers.get("Retry-After", ""),
        response.headers.get("Content-Type", ""),
    )


def main():
    with PrivateCluster() as cluster:
        cluster.create_database("wk_restart")
        url = cluster.url("wk_restart")
        manage(django_env(url), "migrate", "--noinput")
        from ops_common import build_office, setup_django

        setup_django(url)
        world, api_key, days = build_office(desk_count=8)
        server = Gunicorn(django_env(url), workers=4)
        try:
            log, created, restart = asyncio.run(
                run(server.base, world.service.pk, api_key, days, cluster)
            )
        finally:
            server.stop()
        from django.db import connection

        connection.close()  # the restart cut this process's connection too
        failures = [e for e in log if e[1] != 200 and e[1] != 201 and e[1] != 409]
        unavailable = [e for e in log if e[1] == 503]
        clean = all(e[2] and e[3].startswith("application/json") for e in unavailable)
        last_failure = max((e[0] for e in failures), default=restart["end"])
        recovered = [e for e in log if e[0] > last_failure and e[1] in (200, 201)]
        statuses = {}
        for entry in log:
            statuses[str(entry[1])] = statuses.get(str(entry[1]), 0) + 1
        figures = {
            "run": "restart PostgreSQL mid-run",
            "requests": len(log),
            "statuses": dict(sorted(statuses.items())),
            "restart_began_s": round(restart["begin"], 2),
            "restart_done_s": round(restart["end"], 2),
            "failures_between_s": [
                round(min((e[0] for e in failures), default=0), 2),
                round(last_failure, 2),
            ],
            "all_503_have_retry_after_and_json": clean,
            "recovered_after_restart_s": round(last_failure - restart["end"], 2),
            "successes_after_recovery": len(recovered),
        }
        figures.update(consistency(created))
        print(json.dumps(figures), flush=True)
    failed = (
        statuses.get("500", 0)
        or not unavailable
        or not clean
        or not recovered
        or any(k.startswith("transport") for k in statuses)
        or figures["double_bookings"]
        or figures["lost_bookings"]
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
