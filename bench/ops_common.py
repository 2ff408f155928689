"""Shared parts of the operations benchmarks: a private PostgreSQL cluster, gunicorn
servers, the office to book at, the rush of clients, and the consistency checks.

The cluster lives in a temporary directory on a spare port, so restarting or killing it
never disturbs the shared server on 5432. Everything listens on 127.0.0.1 only and is
stopped by the scripts themselves (also on Ctrl-C or an error).
"""

import asyncio
import contextlib
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
VENV_BIN = ROOT / ".venv" / "bin"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(args):
    """initdb and postgres refuse to run as root: run them as the postgres OS user."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


class PrivateCluster:
    """A throw-away PostgreSQL cluster: ``with PrivateCluster() as pg: pg.url("db")``."""

    def __init__(self):
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="wk-bench-pg-"))
        self.data = self.directory / "data"
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")

    def __enter__(self):
        subprocess.run(
            _as_postgres(
                [str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres"]
            ),
            check=True,
            capture_output=True,
        )
        self.start()
        return self

    def pg_ctl(self, *args, check=True):
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
            "-c max_connections=300 -c shared_buffers=128MB"
        )
        return subprocess.run(
            _as_postgres(
                [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-w", *args]
                + ["-l", str(self.directory / "postgres.log")]
            ),
            check=check,
            capture_output=True,
        )

    def start(self):
        self.pg_ctl("start")

    def restart(self):
        self.pg_ctl("restart", "-m", "fast")

    def stop(self):
        self.pg_ctl("stop", "-m", "immediate", check=False)

    def url(self, name):
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def create_database(self, name):
        subprocess.run(
            ["psql", self.url("postgres"), "-qc", f'CREATE DATABASE "{name}"'],
            check=True,
            capture_output=True,
        )

    def __exit__(self, *exc):
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


def django_env(database_url, redis_url=None, **extra):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="ops_settings",
        PYTHONPATH=f"{ROOT / 'bench'}:{ROOT}",
        **extra,
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def manage(env, *args):
    subprocess.run(
        [str(VENV_BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


class Gunicorn:
    """gunicorn (sync workers) on 127.0.0.1:<port>, in its own process group."""

    def __init__(self, env, workers=5, port=None):
        self.port = port or free_port()
        self.process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "willkommen.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                "60",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stderr=subprocess.DEVNULL if os.environ.get("BENCH_QUIET") else None,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        self.wait_until_up()

    def wait_until_up(self, seconds=60):
        import httpx

        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not come up")

    def kill(self, sig=signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)
        self.process.wait(timeout=30)

    def stop(self):
        if self.process.poll() is None:
            self.kill(signal.SIGTERM)


def setup_django(database_url, redis_url=None):
    """Points this process's Django at the private database."""
    os.environ.update(django_env(database_url, redis_url))
    os.environ.pop("REDIS_URL", None) if not redis_url else None
    sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]
    import django

    django.setup()


def build_office(desk_count=2):
    """The office of tests/booking: ``desk_count`` desks, two rooms, three counsellors; returns the
    service, the partner API key and the two popular days (the next two bookable ones)."""
    from django.utils import timezone

    from tests.booking.conftest import make_world
    from willkommen.accounts.models import StaffMember
    from willkommen.booking.availability import find_slots
    from willkommen.booking.models import ApiKey
    from willkommen.organisations.models import Organisation, OrganisationKind

    organisations = {
        "office": Organisation.objects.create(
            name="ABH", short_name="ABH", kind=OrganisationKind.IMMIGRATION_OFFICE
        ),
        "caritas": Organisation.objects.create(
            name="Caritas", short_name="Caritas", kind=OrganisationKind.WELFARE_ORGANISATION
        ),
    }

    def make_staff(role, username):
        return StaffMember.objects.create(
            username=username, role=role, organisation=organisations["caritas"]
        )

    world = make_world(organisations, make_staff, desk_count=desk_count)
    _key, api_key = ApiKey.issue("ops-benchmark")
    today = timezone.localdate()
    slots = find_slots(world.service, today, today + timedelta(days=21))
    days = sorted(
        {slot.start.astimezone(timezone.get_current_timezone()).date() for slot in slots}
    )
    return world, api_key, days[:2]


@dataclass
class RushResult:
    latencies: list = field(default_factory=list)
    statuses: dict = field(default_factory=dict)
    created_codes: list = field(default_factory=list)
    # Names of the bookings that asked for a consultation (names are unique per attempt).
    asked_for_consultation: set = field(default_factory=set)
    transport_errors: int = 0
    elapsed: float = 0.0

    def count(self, status):
        self.statuses[status] = self.statuses.get(status, 0) + 1

    def summary(self):
        latencies = sorted(self.latencies)
        total = len(latencies)
        return {
            "requests": total,
            "requests_per_second": round(total / self.elapsed, 1) if self.elapsed else 0,
            "median_ms": round(statistics.median(latencies) * 1000, 1) if latencies else 0,
            "p99_ms": round(latencies[int(0.99 * (total - 1))] * 1000, 1) if latencies else 0,
            "statuses": dict(sorted(self.statuses.items())),
            "bookings_201": len(self.created_codes),
            "server_errors_5xx": sum(n for s, n in self.statuses.items() if s >= 500),
            "transport_errors": self.transport_errors,
        }


async def rush(
    bases, service_id, api_key, days, clients, seconds, on_tick=None, consultation_share=0.25
):
    """``clients`` concurrent clients, each: ask for availability on the popular days,
    book a random free slot (a quarter with a consultation), on 409 ask again; until the
    time is up or the days are full. Returns a :class:`RushResult`."""
    import httpx

    result = RushResult()
    stop_at = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    full = asyncio.Event()

    async def timed(client, method, url, **kwargs):
        started = time.perf_counter()
        try:
            response = await client.request(method, url, **kwargs)
        except httpx.HTTPError:
            result.transport_errors += 1
            return None
        result.latencies.append(time.perf_counter() - started)
        result.count(response.status_code)
        return response

    async def one_client(number, client):
        rng = random.Random(number)
        base = bases[number % len(bases)]
        attempt = 0
        while time.monotonic() < stop_at and not full.is_set():
            attempt += 1
            response = await timed(
                client,
                "GET",
                f"{base}/api/v1/availability",
                params={
                    "service": service_id,
                    "date_from": days[0].isoformat(),
                    "date_to": days[-1].isoformat(),
                },
            )
            if response is None or response.status_code != 200:
                await asyncio.sleep(0.5)
                continue
            slots = response.json()["slots"]
            if not slots:
                full.set()
                break
            slot = rng.choice(slots)
            body = {
                "service": service_id,
                "start": slot["start"],
                "name": f"Client {number}-{attempt}",
                "email": f"client{number}-{attempt}@example.org",
            }
            if slot["consultation_available"] and rng.random() < consultation_share:
                body["consultation"] = {"language": "de", "topics": [], "interpreter": False}
                result.asked_for_consultation.add(body["name"])
            response = await timed(
                client,
                "POST",
                f"{base}/api/v1/bookings",
                json=body,
                headers={"X-Api-Key": api_key},
            )
            if response is not None and response.status_code == 201:
                result.created_codes.append(response.json()["code"])
                await asyncio.sleep(rng.uniform(0.5, 1.5))  # the next client of this "seat"

    started = time.monotonic()
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        tasks = [asyncio.create_task(one_client(n, client)) for n in range(clients)]
        if on_tick:
            tasks.append(asyncio.create_task(on_tick(stop_at)))
        await asyncio.gather(*tasks)
    result.elapsed = time.monotonic() - started
    return result


def consistency(created_codes, asked_for_consultation=()):
    """Double bookings (overlapping active appointments on one desk, or consultations of
    one counsellor), lost bookings (a 201 whose booking is not in the database, or an
    active booking that no 201 announced) and half bookings (a consultation without its
    appointment or an appointment whose requested consultation is missing)."""
    from django.db import connection

    from willkommen.booking.models import (
        ACTIVE_APPOINTMENT_STATUSES,
        ACTIVE_CONSULTATION_STATUSES,
        Appointment,
    )

    active = [str(s) for s in ACTIVE_APPOINTMENT_STATUSES]
    active_c = [str(s) for s in ACTIVE_CONSULTATION_STATUSES]
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM booking_appointment a JOIN booking_appointment b
               ON a.desk_id = b.desk_id AND a.id < b.id
               AND a.start < b."end" AND b.start < a."end"
               WHERE a.status = ANY(%s) AND b.status = ANY(%s)""",
            [active, active],
        )
        desk_doubles = cursor.fetchone()[0]
        cursor.execute(
            """SELECT count(*) FROM booking_consultationbooking a
               JOIN booking_consultationbooking b
               ON a.counsellor_id = b.counsellor_id AND a.id < b.id
               AND a.start < b."end" AND b.start < a."end"
               WHERE a.status = ANY(%s) AND b.status = ANY(%s)""",
            [active_c, active_c],
        )
        counsellor_doubles = cursor.fetchone()[0]
        cursor.execute(
            """SELECT count(*) FROM booking_consultationbooking c
               LEFT JOIN booking_appointment a ON a.id = c.appointment_id
               WHERE a.id IS NULL"""
        )
        orphans = cursor.fetchone()[0]
    in_db = set(
        Appointment.objects.filter(status__in=ACTIVE_APPOINTMENT_STATUSES).values_list(
            "code", flat=True
        )
    )
    announced = set(created_codes)
    # A booking that asked for a consultation but has none (or the reverse, above) is half.
    half = (
        Appointment.objects.filter(
            status__in=ACTIVE_APPOINTMENT_STATUSES,
            name__in=list(asked_for_consultation),
            consultation__isnull=True,
        ).count()
        if asked_for_consultation
        else 0
    )
    return {
        "double_bookings": desk_doubles + counsellor_doubles,
        "lost_bookings": len(announced - in_db),
        "unannounced_bookings": len(in_db - announced),
        "half_bookings": orphans + half,
        "appointments_in_db": len(in_db),
    }
