"""Bookings per second over HTTP on PostgreSQL, beside two ceilings measured in the same run.

1. Creates a fresh PostgreSQL test database (``test_<name>`` from DATABASE_URL), migrates
   it and builds the location of ``bench/availability.py`` (20 desks, 30 counsellors, a
   third of eight weeks booked).
2. Starts gunicorn (sync workers) on it and lets 20 concurrent clients
   - ``GET /healthz`` (a trivial JSON endpoint of the same server with one ``SELECT 1``:
     the framework's own limit),
   - ``POST /api/v1/bookings`` (a partner with an API key, so no captcha solving on the
     client; every booking a different free slot, a quarter of them with a consultation),
   - ``POST /bench/floor-booking`` (bench-only, ``floor_urls.py``: the same body parsed
     by the same schema and one INSERT transaction, nothing else: the least any booking
     endpoint could do here),
   each for a fixed time.
3. Runs 20 threads of raw single-row INSERT transactions on the same database.
4. Checks that no slot was given twice, stops gunicorn and drops the database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wk_bench .venv/bin/python bench/booking_http.py

Bounded: about 20 s of set-up plus 3 × ``PHASE_SECONDS``; stops by itself.
"""

import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "willkommen.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

CLIENTS = 20
PHASE_SECONDS = float(os.environ.get("BENCH_PHASE_SECONDS", "12"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_clients(make_request, seconds):
    """``CLIENTS`` threads calling ``make_request(client, n)`` until time is up."""
    stop_at = time.monotonic() + seconds
    counts = [0] * CLIENTS
    errors = [0] * CLIENTS
    latencies = [[] for _ in range(CLIENTS)]
    barrier = threading.Barrier(CLIENTS)

    def client(index):
        barrier.wait()
        number = 0
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            ok = make_request(index, number)
            latencies[index].append((time.perf_counter() - started) * 1000)
            number += 1
            if ok:
                counts[index] += 1
            else:
                errors[index] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    flat = [value for per_client in latencies for value in per_client]
    return {
        "per_second": sum(counts) / elapsed,
        "ok": sum(counts),
        "errors": sum(errors),
        "median_ms": statistics.median(flat) if flat else 0,
    }


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid) -> float:
    """User + system CPU of one process from /proc (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def server_pids(server, database_name):
    """(gunicorn's master and workers, the PostgreSQL backends serving the benchmark
    database): persistent connections, so the same processes all phase long."""
    app_pids = [server.pid]
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            if parent == server.pid:
                app_pids.append(int(entry))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [database_name],
        )
        database_pids = [row[0] for row in cursor.fetchall()]
    return app_pids, database_pids


def measure_cpu(server, database_name, run):
    """Runs ``run()`` and adds the CPU milliseconds that the server and its database
    backends spent per successful request: unlike requests per second, this does not
    depend on what else the machine is doing."""
    app_before, db_before = server_pids(server, database_name)
    before = {pid: process_cpu_seconds(pid) for pid in app_before + db_before}
    result = run()
    app_after, db_after = server_pids(server, database_name)
    requests = max(1, result["ok"])
    for key, pids in (("app_cpu_ms", app_after), ("db_cpu_ms", db_after)):
        spent = sum(process_cpu_seconds(pid) - before.get(pid, 0.0) for pid in pids)
        result[key] = 1000 * spent / requests
    result["cpu_ms"] = result["app_cpu_ms"] + result["db_cpu_ms"]
    return result


def http(method, url, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(  # noqa: S310 - our own server on localhost
        url, data=data, method=method, headers=headers or {}
    )
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - localhost
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        error.read()
        return error.code


def main():
    import psycopg
    from availability import build, free_desk_slots
    from floor_urls import FLOOR_TABLE

    from willkommen.booking.models import ApiKey, Appointment, ConsultationBooking

    if connection.vendor != "postgresql":
        sys.exit("set DATABASE_URL to a PostgreSQL database (the test_ copy is created)")
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(
        verbosity=0, autoclobber=True, keepdb=False, serialize=False
    )
    test_name = connection.settings_dict["NAME"]
    server = None
    try:
        services, booked, _ = build()
        service = services[20]
        _key, api_key = ApiKey.issue("benchmark")
        work = free_desk_slots(service)
        print(
            f"database {test_name}: {booked} appointments already booked, "
            f"{len(work)} free desk slots to book; gunicorn with {WORKERS} sync workers; "
            f"{CLIENTS} concurrent clients; {PHASE_SECONDS:.0f} s per phase"
        )
        with connection.cursor() as setup:
            setup.execute(
                f"CREATE TABLE {FLOOR_TABLE} (id bigserial primary key, service integer, "
                "start timestamptz, name text, email text)"
            )
        settings = connection.settings_dict
        database_url = (
            f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{test_name}"
        )
        port = free_port()
        env = dict(
            os.environ,
            DATABASE_URL=database_url,
            DJANGO_SETTINGS_MODULE="bench_http_settings",
            RATELIMIT_ENABLE="false",
        )
        server = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "willkommen.wsgi:application",
                "--pythonpath",
                str(ROOT / "bench"),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(WORKERS),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if http("GET", f"{base}/healthz") == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not come up")

        # Warm every worker's database connection, so the backends are there to measure.
        run_clients(lambda client, n: http("GET", f"{base}/healthz") == 200, 1)
        trivial = measure_cpu(
            server,
            test_name,
            lambda: run_clients(
                lambda client, n: http("GET", f"{base}/healthz") == 200, PHASE_SECONDS
            ),
        )

        lock = threading.Lock()
        cursor = iter(work)
        statuses = {}

        def book(client, n):
            with lock:
                start = next(cursor, None)
            if start is None:
                return False
            body = {
                "service": service.id,
                "start": start.isoformat(),
                "name": f"Client {client}-{n}",
                "email": f"c{client}-{n}@example.org",
            }
            if n % 4 == 0:
                body["consultation"] = {"language": "de", "topics": [], "interpreter": False}
            status = http("POST", f"{base}/api/v1/bookings", body, {"X-Api-Key": api_key})
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
            # 409 (consultation no longer possible around a taken counsellor) is a correct
            # answer, but only 201 counts as a booking.
            return status == 201

        bookings = measure_cpu(server, test_name, lambda: run_clients(book, PHASE_SECONDS))

        floor_body = {
            "service": service.id,
            "start": work[0].isoformat(),
            "name": "Client",
            "email": "client@example.org",
        }
        floor = measure_cpu(
            server,
            test_name,
            lambda: run_clients(
                lambda client, n: http("POST", f"{base}/bench/floor-booking", floor_body) == 201,
                PHASE_SECONDS,
            ),
        )

        # Raw single-row insert transactions on the same database, 20 connections.
        dsn = (
            f"host={settings['HOST']} port={settings['PORT']} "
            f"user={settings['USER']} dbname={test_name}"
        )
        with psycopg.connect(dsn, autocommit=True) as setup:
            setup.execute("CREATE TABLE bench_raw (id bigserial primary key, payload text)")
        connections = [psycopg.connect(dsn, autocommit=True) for _ in range(CLIENTS)]

        def insert(client, n):
            connections[client].execute(
                "INSERT INTO bench_raw (payload) VALUES (%s)", (f"{client}-{n}",)
            )
            return True

        raw = run_clients(insert, PHASE_SECONDS)
        for conn in connections:
            conn.close()

        print(f"\n{'':38}{'per second':>12}{'median ms':>11}{'ok':>8}{'other':>7}")
        for label, result in (
            ("trivial JSON endpoint (GET /healthz)", trivial),
            ("bookings (POST /api/v1/bookings)", bookings),
            ("floor: parse + 1 INSERT (bench only)", floor),
            ("raw single-row INSERT transactions", raw),
        ):
            print(
                f"{label:38}{result['per_second']:12.1f}{result['median_ms']:11.1f}"
                f"{result['ok']:8d}{result['errors']:7d}"
            )
        print(
            f"\nserver CPU per successful request (gunicorn + PostgreSQL backends): "
            f"trivial {trivial['cpu_ms']:.2f} ms ({trivial['app_cpu_ms']:.2f} + "
            f"{trivial['db_cpu_ms']:.2f}), booking {bookings['cpu_ms']:.2f} ms "
            f"({bookings['app_cpu_ms']:.2f} + {bookings['db_cpu_ms']:.2f}), floor "
            f"{floor['cpu_ms']:.2f} ms ({floor['app_cpu_ms']:.2f} + {floor['db_cpu_ms']:.2f}); "
            f"on a machine doing nothing else bookings could reach "
            f"{100 * trivial['cpu_ms'] / bookings['cpu_ms']:.0f} % of the trivial endpoint, "
            f"the floor {100 * trivial['cpu_ms'] / floor['cpu_ms']:.0f} %"
        )
        print(f"\nbooking answers by status: {dict(sorted(statuses.items()))}")
        print(
            f"bookings reach {100 * bookings['per_second'] / trivial['per_second']:.0f} % of the "
            f"trivial endpoint and {100 * bookings['per_second'] / raw['per_second']:.0f} % of "
            "raw inserts; the floor reaches "
            f"{100 * floor['per_second'] / trivial['per_second']:.0f} % of the trivial endpoint"
        )
        active = Appointment.objects.occupying().exclude(desk=None)
        pairs = active.values_list("desk_id", "start")
        distinct = len(set(pairs))
        print(
            f"double bookings: {active.count() - distinct} desk slots given twice, "
            f"{ConsultationBooking.objects.filter(status='booked').count()} consultations"
        )
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
