"""Scarce appointments released twice to the same population — first come, first served at a
fixed minute, and the fair release's lottery — on PostgreSQL with the production server
(gunicorn), beside the trivial endpoint and the floor booking in the same run; then the
draw alone at growing sizes.

    .venv/bin/python bench/release_rush.py          # about 4-5 minutes, stops by itself

1. A private PostgreSQL cluster (temporary directory, spare port; bench/ops_common.py), a
   migrated database, the office of tests/booking with ``BENCH_DESKS`` desks (default 8:
   168 twenty-minute slots on the released day) and a partner API key, so that no
   simulated client solves the captcha (as in ``load_rush.py``). One gunicorn with
   ``BENCH_WORKERS`` sync workers (default 2 x cores + 1), background tasks queued in the
   database as in production, rate limits off (every simulated client is 127.0.0.1).
2. The population: ``BENCH_HUMANS`` people (default 2,000; a quarter ask for a
   consultation) and ``BENCH_BOTS`` bot operators (default 3), each with
   ``BENCH_BOT_CONTACTS`` distinct contacts (default 100) and ``BENCH_BOT_CLIENTS`` fast
   scripted clients (default 20).
3. Mode (a), first come (``POST /api/v1/bookings``): the day is released at t = 0 (until
   then every desk is blocked; at t = 0 the blocks are deleted in one statement). Each bot
   client polls the availability every 50 ms from one second before and books the moment
   it sees a free slot, for its operator's next contact, until the operator's contacts are
   used or the day is full. Humans arrive spread over ``BENCH_RUSH_SECONDS`` (default 30:
   the first minutes after the release, compressed), look at the availability, take 1-3 s
   to fill in the form, book one of the free times they saw and, after a 409, try again
   (three attempts).
4. Mode (b), the lottery, over the same day and desks (mode (a)'s bookings deleted): the
   window opens at t = 0 with a burst of 200 parallel requests (the bots' first 200
   contacts: its p50 and p99 latency), the bots' remaining contacts at once, the humans
   spread over ``BENCH_WINDOW_SECONDS`` (default 30: the whole window, compressed). Every
   request (``POST /api/v1/release/rounds/{id}/requests``) is confirmed through the API
   (``POST /api/v1/release/requests/{number}/confirm``) with the token of its link (built
   here with ``make_confirm_token``, as a client reads it from its mail), bots at once,
   humans 0.5-2 s later. Then the draw runs as at its time (``run_draw(now=draw_at)``),
   and it is drawn again ``BENCH_REDRAWS`` times with other seeds (the allocation alone,
   from the stored draw input) for the bots' expected share.
5. Bursts of 200 parallel clients beside the lottery's: ``GET /healthz`` (the trivial
   endpoint) and first-come bookings at the release of another day.
6. Server CPU per call (gunicorn + PostgreSQL backends, bench/booking_http.py), 20 client
   threads, ``BENCH_PHASE_SECONDS`` each (default 8): ``GET /healthz``, the request intake
   (``POST …/requests``), its confirmation (half as long) and the floor booking
   (``POST /bench/floor-booking``, bench/floor_urls.py).
7. The draw alone (gunicorn stopped) at ``BENCH_DRAW_SIZES`` requests:slots (default
   10k:1k, 25k:2.5k, 50k:5k, 100k:10k), requests inserted in bulk as confirmed, a quarter
   with a consultation, over 20 desks: seconds, growth against the smallest draw.
   ``BENCH_PROFILE=1`` also profiles the largest draw again (rolled back) with cProfile.
8. The largest drawn round in public (in-process, Django's test client, ``BENCH_PUBLIC_REPEAT``
   calls each, default 20): the round list, the round's page (first and a far page of the
   order, a number looked up), the order's CSV file, the API's round, list and order page, a
   status link, and ``notify_one``; CPU per call and answer size beside ``/healthz``, and a
   check that no public call costs more than 50 ms of CPU.

Prints every figure, each target met or not met and, beside it, its ratio against the
baseline measured in the same run. Only 127.0.0.1 is contacted; every loop is bounded in
count and time; the cluster is removed at the end.
"""

import json
import os
import random
import socket
import statistics
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

from ops_common import Gunicorn, PrivateCluster, django_env, manage  # noqa: E402

HUMANS = int(os.environ.get("BENCH_HUMANS", "2000"))
BOTS = int(os.environ.get("BENCH_BOTS", "3"))
BOT_CONTACTS = int(os.environ.get("BENCH_BOT_CONTACTS", "100"))
BOT_CLIENTS = int(os.environ.get("BENCH_BOT_CLIENTS", "20"))
DESKS = int(os.environ.get("BENCH_DESKS", "8"))
RUSH_SECONDS = float(os.environ.get("BENCH_RUSH_SECONDS", "30"))
WINDOW_SECONDS = float(os.environ.get("BENCH_WINDOW_SECONDS", "30"))
PHASE_SECONDS = float(os.environ.get("BENCH_PHASE_SECONDS", "8"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
REDRAWS = int(os.environ.get("BENCH_REDRAWS", "300"))
PUBLIC_REPEAT = int(os.environ.get("BENCH_PUBLIC_REPEAT", "20"))
# A public call on a drawn round must stay cheap at any size: a page of the order, not all.
PUBLIC_CEILING_MS = 50.0
DRAW_SIZES = [
    tuple(int(number) for number in size.split(":"))
    for size in os.environ.get(
        "BENCH_DRAW_SIZES", "10000:1000,25000:2500,50000:5000,100000:10000"
    ).split(",")
]
DRAW_BUDGET = float(os.environ.get("BENCH_DRAW_BUDGET", "150"))
DRAW_DESKS = 20
BURST = 200
POLL_SECONDS = 0.05
TIMEOUT = 60


class Client:
    """A minimal HTTP/1.0 client for 127.0.0.1 (one connection per call, as gunicorn's
    sync workers close it anyway): cheap on the client's CPU, which shares the 2 cores."""

    def __init__(self, port, api_key):
        self.port = port
        self.api_key = api_key

    def call(self, method, path, body=None, partner=False):
        """(status, parsed JSON body or None, seconds); status 0 on a transport error."""
        payload = json.dumps(body).encode() if body is not None else b""
        head = [f"{method} {path} HTTP/1.0", "Host: 127.0.0.1", f"Content-Length: {len(payload)}"]
        if body is not None:
            head.append("Content-Type: application/json")
        if partner:
            head.append(f"X-Api-Key: {self.api_key}")
        data = ("\r\n".join(head) + "\r\n\r\n").encode() + payload
        started = time.perf_counter()
        chunks = []
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=TIMEOUT) as sock:
                sock.sendall(data)
                while chunk := sock.recv(65536):
                    chunks.append(chunk)
        except OSError:
            return 0, None, time.perf_counter() - started
        seconds = time.perf_counter() - started
        raw = b"".join(chunks)
        header, _, content = raw.partition(b"\r\n\r\n")
        try:
            status = int(header.split(b" ", 2)[1])
        except (IndexError, ValueError):
            return 0, None, seconds
        try:
            parsed = json.loads(content) if content else None
        except ValueError:
            parsed = None
        return status, parsed, seconds


def percentile(values, share):
    ordered = sorted(values)
    return ordered[round(share * (len(ordered) - 1))] if ordered else 0.0


def pct(part, whole):
    return 100 * part / whole if whole else 0.0


def verdict(met):
    return "met" if met else "NOT met"


def start_threads(targets):
    threads = [threading.Thread(target=target, daemon=True) for target in targets]
    for thread in threads:
        thread.start()
    return threads


def join_all(threads, deadline):
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))


def arrivals(count, seconds, rng):
    """Arrival offsets of ``count`` people spread over ``seconds`` (uniform, sorted)."""
    return sorted(rng.uniform(0, seconds) for _ in range(count))


def launch_at(t0, offsets, make_target, deadline):
    """Starts ``make_target(i)`` in a thread at ``t0 + offsets[i]``; returns the threads."""
    threads = []

    def launcher():
        for index, offset in enumerate(offsets):
            delay = t0 + offset - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            if time.monotonic() > deadline:
                return
            thread = threading.Thread(target=make_target(index), daemon=True)
            thread.start()
            threads.append(thread)

    runner = threading.Thread(target=launcher, daemon=True)
    runner.start()
    return runner, threads


class Operator:
    """A bot operator: many distinct contacts, handed to its fast clients one by one."""

    def __init__(self, number):
        self.contacts = [f"op{number}.c{n}@bot{number}.example" for n in range(BOT_CONTACTS)]
        self.lock = threading.Lock()

    def next_contact(self):
        with self.lock:
            return self.contacts.pop(0) if self.contacts else None

    def give_back(self, contact):
        with self.lock:
            self.contacts.insert(0, contact)


def humans_emails():
    return [f"person{n}@human.example" for n in range(HUMANS)]


def is_bot(email):
    return email.endswith(".example") and "@bot" in email


def block_day(world, day):
    """Every desk busy all day: the day is not released yet."""
    from datetime import time as wall_time

    from willkommen.booking.models import Appointment, AppointmentStatus
    from willkommen.clock import local_datetime

    begin = local_datetime(day, wall_time(0))
    Appointment.objects.bulk_create(
        Appointment(
            location=world.location,
            service=world.service,
            desk=desk,
            start=begin,
            end=begin + timedelta(hours=23),
            status=AppointmentStatus.BOOKED,
            name="not released yet",
            email="release-block@office.example",
        )
        for desk in world.desks
    )


def release_day():
    from willkommen.booking.models import Appointment

    Appointment.objects.filter(email="release-block@office.example").delete()


def first_come(client, service_id, day, world):
    """Mode (a). Returns {email: won}, the seconds until the day was full."""
    rng = random.Random(1)
    availability = f"/api/v1/availability?service={service_id}&date_from={day}&date_to={day}"
    won = {}
    lock = threading.Lock()
    last_booking = [0.0]
    block_day(world, day)
    t0 = time.monotonic() + 2.0
    released = [float("inf")]
    deadline = t0 + RUSH_SECONDS + 20

    def free_slots():
        status, body, _seconds = client.call("GET", availability)
        return body["slots"] if status == 200 and body else []

    def book(email, slot, consultation=False):
        body = {"service": service_id, "start": slot["start"], "name": email, "email": email}
        if consultation and slot.get("consultation_available"):
            body["consultation"] = {"language": "de", "topics": [], "interpreter": False}
        status, _body, _seconds = client.call("POST", "/api/v1/bookings", body, partner=True)
        if status == 201:
            with lock:
                won[email] = True
                last_booking[0] = time.monotonic() - t0
        return status == 201

    def bot_client(operator, number):
        def run():
            own = random.Random(number)
            time.sleep(max(0.0, t0 - 1.0 - time.monotonic()) + own.uniform(0, POLL_SECONDS))
            while time.monotonic() < deadline:
                asked = time.monotonic()
                slots = free_slots()
                if not slots:
                    if asked > released[0]:
                        return  # the day is full
                    time.sleep(POLL_SECONDS)
                    continue
                contact = operator.next_contact()
                if contact is None:
                    return
                if not book(contact, own.choice(slots[:5])):
                    operator.give_back(contact)

        return run

    def human(email, with_consultation):
        def run():
            for attempt in range(3):
                slots = free_slots()
                if not slots:
                    return
                time.sleep(rng.uniform(1.0, 3.0) if attempt == 0 else rng.uniform(0.3, 1.0))
                if book(email, rng.choice(slots), with_consultation):
                    return

        return run

    operators = [Operator(number) for number in range(BOTS)]
    bots = start_threads(bot_client(operators[n % BOTS], n) for n in range(BOTS * BOT_CLIENTS))
    emails = humans_emails()
    offsets = arrivals(HUMANS, RUSH_SECONDS, rng)
    launcher, humans = launch_at(t0, offsets, lambda i: human(emails[i], i % 4 == 0), deadline)
    time.sleep(max(0.0, t0 - time.monotonic()))
    release_day()
    released[0] = time.monotonic()
    launcher.join(max(0.0, deadline - time.monotonic()))
    join_all(bots + list(humans), deadline)
    return won, last_booking[0]


def burst(calls):
    """Runs the 200 callables at once (a barrier); returns their latencies in ms."""
    latencies = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def one(index):
        def run():
            barrier.wait()
            latencies[index] = calls[index]()

        return run

    join_all(start_threads(one(n) for n in range(len(calls))), time.monotonic() + 120)
    return [value for value in latencies if value is not None]


def lottery(client, service_id, release_round):
    """Mode (b). Returns the burst's latencies (ms) and the counts of requests/confirmed."""
    from willkommen.release.tokens import make_confirm_token

    rng = random.Random(2)
    path = f"/api/v1/release/rounds/{release_round.pk}/requests"
    counts = {"requested": 0, "confirmed": 0, "request refused": {}, "confirm refused": {}}
    lock = threading.Lock()

    def request(email, consultation=False):
        body = {"service": service_id, "name": email, "email": email}
        if consultation:
            body["consultation"] = {"language": "de", "topics": [], "interpreter": False}
        status, answer, seconds = client.call("POST", path, body, partner=True)
        with lock:
            if status == 201:
                counts["requested"] += 1
            else:
                refused = counts["request refused"]
                refused[status] = refused.get(status, 0) + 1
        return (answer or {}).get("number") if status == 201 else None, seconds

    def confirm(number):
        token = make_confirm_token(SimpleNamespace(number=number))
        status, _answer, _seconds = client.call(
            "POST", f"/api/v1/release/requests/{number}/confirm", {"token": token}
        )
        with lock:
            if status == 200:
                counts["confirmed"] += 1
            else:
                refused = counts["confirm refused"]
                refused[status] = refused.get(status, 0) + 1

    def bot(email):
        number, seconds = request(email)
        if number:
            confirm(number)
        return seconds * 1000

    def human(email, with_consultation):
        def run():
            number, _seconds = request(email, with_consultation)
            if number:
                time.sleep(rng.uniform(0.5, 2.0))  # reading the mail
                confirm(number)

        return run

    contacts = [contact for n in range(BOTS) for contact in Operator(n).contacts]
    emails = humans_emails()
    t0 = time.monotonic() + 0.5
    deadline = t0 + WINDOW_SECONDS + 60
    offsets = arrivals(HUMANS, WINDOW_SECONDS, rng)
    launcher, humans = launch_at(t0, offsets, lambda i: human(emails[i], i % 4 == 0), deadline)
    time.sleep(max(0.0, t0 - time.monotonic()))
    burst_ms = burst([lambda email=email: bot(email) for email in contacts[:BURST]])
    rest = iter(contacts[BURST:])
    rest_lock = threading.Lock()

    def bot_client():
        while True:
            with rest_lock:
                email = next(rest, None)
            if email is None:
                return
            bot(email)

    join_all(start_threads(bot_client for _ in range(BOTS * BOT_CLIENTS)), deadline)
    launcher.join(max(0.0, deadline - time.monotonic()))
    join_all(list(humans), deadline)
    return burst_ms, counts


def redraws(release_round, bot_numbers):
    """The bots' share of slots over ``REDRAWS`` draws of the same input with other seeds."""
    from willkommen.release.allocation import Pool, Wish, allocate
    from willkommen.release.models import DrawRecord

    data = DrawRecord.objects.get(round=release_round).data
    pool = Pool.from_json(data["pool"])
    wishes = [
        Wish(number, service, tuple(days), tuple(parts), weight)
        for number, service, days, parts, weight in data["wishes"]
    ]
    shares = []
    for seed in range(REDRAWS):
        result = allocate(f"bench-seed-{seed}", wishes, pool)
        given = len(result.allocations)
        shares.append(pct(sum(1 for n in result.allocations if n in bot_numbers), given))
    return shares


def make_round(world, day, desks, opens_at, closes_at, draw_at):
    from willkommen.release.models import Leftover, ReleaseRound

    release_round = ReleaseRound.objects.create(
        location=world.location,
        first_day=day,
        last_day=day,
        opens_at=opens_at,
        closes_at=closes_at,
        draw_at=draw_at,
        leftover=Leftover.BOOKING,
    )
    release_round.services.set([world.service])
    release_round.desks.set(desks)
    return release_round


def full_days(service, count):
    """The next ``count`` weekdays, from the day after tomorrow, with every slot free."""
    from django.utils import timezone

    from willkommen.booking.availability import find_slots

    today = timezone.localdate()
    slots = find_slots(service, today, today + timedelta(days=21))
    per_day = {}
    for slot in slots:
        day = timezone.localtime(slot.start).date()
        per_day[day] = per_day.get(day, 0) + 1
    most = max(per_day.values())
    return [
        day for day in sorted(per_day) if day >= today + timedelta(days=2) and per_day[day] == most
    ][:count], most


def cpu_phases(server, database, client, world, day):
    """Server CPU per call: trivial endpoint, request intake, its confirmation, floor."""
    from booking_http import http, measure_cpu, run_clients
    from django.db import connection
    from django.utils import timezone
    from floor_urls import FLOOR_TABLE

    from willkommen.release.models import ReleaseRequest, RequestStatus
    from willkommen.release.tokens import make_confirm_token

    base = f"http://127.0.0.1:{client.port}"
    headers = {"X-Api-Key": client.api_key}
    run_clients(lambda c, n: http("GET", f"{base}/healthz") == 200, 1)  # warm every worker
    trivial = measure_cpu(
        server,
        database,
        lambda: run_clients(lambda c, n: http("GET", f"{base}/healthz") == 200, PHASE_SECONDS),
    )
    now = timezone.now()
    intake_round = make_round(
        world,
        day,
        world.desks,
        now - timedelta(minutes=1),
        now + timedelta(hours=1),
        now + timedelta(hours=2),
    )
    path = f"{base}/api/v1/release/rounds/{intake_round.pk}/requests"

    def intake_call(c, n):
        body = {"service": world.service.pk, "name": "Intake", "email": f"i{c}-{n}@in.example"}
        return http("POST", path, body, headers) == 201

    intake = measure_cpu(server, database, lambda: run_clients(intake_call, PHASE_SECONDS))
    numbers = list(
        ReleaseRequest.objects.filter(
            round=intake_round, status=RequestStatus.UNCONFIRMED
        ).values_list("number", flat=True)
    )
    tokens = iter([(n, make_confirm_token(SimpleNamespace(number=n))) for n in numbers])
    lock = threading.Lock()
    exhausted = []

    def confirm_call(c, n):
        with lock:
            item = next(tokens, None)
        if item is None:
            exhausted.append(1)
            time.sleep(0.05)
            return False
        number, token = item
        return (
            http("POST", f"{base}/api/v1/release/requests/{number}/confirm", {"token": token})
            == 200
        )

    confirms = measure_cpu(server, database, lambda: run_clients(confirm_call, PHASE_SECONDS / 2))
    confirms["exhausted"] = bool(exhausted)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {FLOOR_TABLE} (id bigserial primary key, "
            "service integer, start timestamptz, name text, email text)"
        )
    floor_body = {
        "service": world.service.pk,
        "start": (now + timedelta(days=3)).isoformat(),
        "name": "Client",
        "email": "client@example.org",
    }
    floor = measure_cpu(
        server,
        database,
        lambda: run_clients(
            lambda c, n: http("POST", f"{base}/bench/floor-booking", floor_body) == 201,
            PHASE_SECONDS,
        ),
    )
    return trivial, intake, confirms, floor


class DrawClock:
    """Where a draw's time goes: wraps the steps of ``release/draw.py`` (in this process,
    for the measurement only) and adds up their wall-clock time and calls. Labels indented
    by two spaces are parts of the step above them; a step the draw no longer has is left
    out."""

    def __init__(self):
        from willkommen.booking import bookings
        from willkommen.booking import services as booking
        from willkommen.release import draw, outcomes
        from willkommen.release.models import ReleaseRound

        self.spent = {}
        self.calls = {}
        for owner, name, label in (
            (draw, "load_wishes", "loading the confirmed requests (for the allocation)"),
            (draw, "build_pool", "pool: the free time of the desks"),
            (draw, "allocate", "allocation (pure Python: order + serial dictatorship)"),
            (draw, "book_winners", "booking the winners, of which"),
            (draw, "consultation_request_of", "  reading the winners' consultation wishes"),
            (booking, "book_allocated_many", "  appointments + consultations in bulk, of which"),
            (bookings, "offered_consultation_or_none", "    the consultation options"),
            (draw, "record_outcomes", "every request's place and outcome (UPDATEs in id order)"),
            (outcomes, "write", "  the UPDATEs themselves"),
            (draw, "record_of", "the draw record (JSON for verify_draw), built"),
            (ReleaseRound, "save", "marking the round drawn"),
        ):
            if hasattr(owner, name):
                self.wrap(owner, name, label)

    def wrap(self, owner, name, label):
        original = getattr(owner, name)
        self.spent[label] = 0.0
        self.calls[label] = 0

        def timed(*args, **kwargs):
            self.calls[label] += 1
            began = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.spent[label] += time.perf_counter() - began

        setattr(owner, name, timed)

    def reset(self):
        self.spent = dict.fromkeys(self.spent, 0.0)
        self.calls = dict.fromkeys(self.calls, 0)


def pool_size(release_round, now, service_id):
    """(slots, days with free time) of the round's pool, as the draw will see it."""
    from willkommen.release.pool import build_pool

    pool = build_pool(release_round, now)
    duration = pool.durations[service_id]
    slots = sum(
        (end - start) // duration for pieces in pool.free.values() for start, end in pieces
    )
    return slots, len({day for _desk, day in pool.free})


def draw_scaling(world):
    """The draw alone at growing sizes (requests inserted in bulk, confirmed)."""
    from django.utils import timezone

    from tests import factories
    from willkommen.release import draw
    from willkommen.release.models import (
        ConsultationWish,
        Leftover,
        ReleaseRequest,
        ReleaseRound,
        RequestStatus,
    )

    desks = [
        factories.desk(world.location, f"Draw desk {n + 1}", [world.service])
        for n in range(DRAW_DESKS)
    ]
    german = world.languages["de"]
    rows = []
    first_day = timezone.localdate() + timedelta(days=40)
    clock = DrawClock()
    budget_ends = time.monotonic() + DRAW_BUDGET
    for index, (count, wanted) in enumerate(DRAW_SIZES):
        if rows and DRAW_BUDGET:
            # Linear in requests and in slots: project from the largest draw so far.
            last = rows[-1]
            projected = last[3] * max(count / last[0], wanted / last[1]) + count / 20_000
            if time.monotonic() + projected > budget_ends:
                print(
                    f"  draw {count:>7,} requests over {wanted:>6,} slots: skipped, projected "
                    f"{projected:.0f} s from the last draw (more than BENCH_DRAW_BUDGET="
                    f"{DRAW_BUDGET:.0f} s allows; BENCH_DRAW_BUDGET=0 runs every size)",
                    flush=True,
                )
                rows.append((count, wanted, None, projected, None))
                continue
        now = timezone.now()
        release_round = ReleaseRound.objects.create(
            location=world.location,
            first_day=first_day,
            last_day=first_day,
            opens_at=now - timedelta(hours=2),
            closes_at=now - timedelta(hours=1),
            draw_at=now - timedelta(minutes=1),
            leftover=Leftover.WAITING_LIST,
        )
        release_round.services.set([world.service])
        release_round.desks.set(desks)
        # Grow the pool a day at a time until all the desks hold the slots wanted, then
        # take as few desks as still hold them (slots per desk are the same on every desk).
        while True:
            slots, open_days = pool_size(release_round, now, world.service.pk)
            if slots >= wanted:
                break
            release_round.last_day += timedelta(days=1)
            release_round.save(update_fields=["last_day"])
        per_desk = slots // len(desks)
        used = desks[: max(1, -(-wanted // per_desk))]
        release_round.desks.set(used)
        slots, open_days = pool_size(release_round, now, world.service.pk)
        first_day = release_round.last_day + timedelta(days=1)
        inserting = time.perf_counter()
        ReleaseRequest.objects.bulk_create(
            (
                ReleaseRequest(
                    round=release_round,
                    number=f"D{index}{n:08d}",
                    service=world.service,
                    name=f"Person {n}",
                    email=f"p{n}@draw{index}.example",
                    contact_key=f"p{n}@draw{index}.example",
                    status=RequestStatus.CONFIRMED,
                    confirmed_at=now,
                )
                for n in range(count)
            ),
            batch_size=5000,
        )
        ids = list(
            ReleaseRequest.objects.filter(round=release_round)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        ConsultationWish.objects.bulk_create(
            (ConsultationWish(request_id=pk, language=german) for pk in ids[::4]),
            batch_size=5000,
        )
        inserted = time.perf_counter() - inserting
        clock.reset()
        outcome = draw.run_draw(release_round.pk, now=now)
        rows.append((count, slots, outcome.allocated, outcome.seconds, release_round.pk))
        print(
            f"  draw {count:>7,} requests over {slots:>6,} slots "
            f"({open_days} open days x {len(used)} desks): {outcome.allocated:>6,} allocated "
            f"in {outcome.seconds:6.2f} s "
            f"({1e6 * outcome.seconds / count:5.1f} µs per request, "
            f"{1e3 * outcome.seconds / max(1, outcome.allocated):5.2f} ms per allocation; "
            f"inserting the requests took {inserted:.1f} s)",
            flush=True,
        )
        for label, seconds in clock.spent.items():
            calls = clock.calls[label]
            print(
                f"      {label:58}{seconds:7.2f} s {pct(seconds, outcome.seconds):5.1f} %"
                f"{calls:>8,} calls{1000 * seconds / max(1, calls):8.2f} ms each"
            )
        rest = outcome.seconds - sum(
            seconds for label, seconds in clock.spent.items() if not label.startswith("  ")
        )
        print(
            f"      {'the rest (locking the round, lapsing, signals, commit)':58}"
            f"{rest:7.2f} s {pct(rest, outcome.seconds):5.1f} %",
            flush=True,
        )
    return rows


def profile_draw(round_pk):
    """The draw of ``round_pk`` once more under cProfile, rolled back."""
    import cProfile
    import io
    import pstats

    from django.db import transaction
    from django.utils import timezone

    from willkommen.booking.models import Appointment
    from willkommen.release import draw
    from willkommen.release.models import DrawRecord, ReleaseRequest, ReleaseRound, RequestStatus

    class Rollback(Exception):
        pass

    profiler = cProfile.Profile()
    try:
        with transaction.atomic():
            taken = list(
                ReleaseRequest.objects.filter(
                    round_id=round_pk, appointment__isnull=False
                ).values_list("appointment_id", flat=True)
            )
            ReleaseRequest.objects.filter(round_id=round_pk).update(
                status=RequestStatus.CONFIRMED, appointment=None, draw_position=None
            )
            Appointment.objects.filter(pk__in=taken).delete()
            DrawRecord.objects.filter(round_id=round_pk).delete()
            ReleaseRound.objects.filter(pk=round_pk).update(drawn_at=None, drawn_slots=None)
            profiler.enable()
            draw.run_draw(round_pk, now=timezone.now())
            profiler.disable()
            raise Rollback
    except Rollback:
        pass
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    print(out.getvalue())


def public_side(round_pk, repeat=PUBLIC_REPEAT):
    """What anyone can ask of a drawn round, and telling its requesters, at the size of the
    largest draw: CPU of this process per call (Django's test client, in-process, so the
    PostgreSQL backend's share is not counted) and the answer's size, beside ``/healthz``."""
    from django.test import Client as DjangoClient

    from willkommen.release import tasks
    from willkommen.release.models import ReleaseRequest, ReleaseRound
    from willkommen.release.public import ORDER_PAGE_SIZE
    from willkommen.release.tokens import make_status_token

    release_round = ReleaseRound.objects.get(pk=round_pk)
    requests = ReleaseRequest.objects.filter(round_id=round_pk)
    last = requests.order_by("-draw_position").values_list("number", flat=True).first()
    far_page = min(200, -(-requests.exclude(draw_position=None).count() // ORDER_PAGE_SIZE))
    sample = requests.exclude(draw_position=None).order_by("draw_position")[777]
    token = make_status_token(sample)
    base = f"/release/{round_pk}"
    api = f"/api/v1/release/rounds/{round_pk}"
    calls = [
        ("GET /healthz (baseline)", "/healthz"),
        ("GET /release/ (the rounds)", "/release/"),
        ("GET /release/{id}/ (page 1 of the order)", f"{base}/"),
        (f"GET /release/{{id}}/?page={far_page}", f"{base}/?page={far_page}"),
        ("GET /release/{id}/?number=<the last>", f"{base}/?number={last}"),
        ("GET /release/{id}/order.csv (cached)", f"{base}/order.csv"),
        ("GET /api/v1/release/rounds", "/api/v1/release/rounds"),
        ("GET /api/v1/release/rounds/{id}", api),
        (
            f"GET /api/v1/release/rounds/{{id}}/order?page={far_page}",
            f"{api}/order?page={far_page}",
        ),
        (
            "GET /release/request/{number}/?token=… (status)",
            f"/release/request/{sample.number}/?token={token}",
        ),
    ]
    browser = DjangoClient(HTTP_ACCEPT_LANGUAGE="de")
    first_csv = time.process_time()
    browser.get(f"{base}/order.csv")
    first_csv = time.process_time() - first_csv
    rows = []
    for label, path in calls:
        response = browser.get(path)
        assert response.status_code == 200, (path, response.status_code)
        began = time.process_time()
        for _ in range(repeat):
            browser.get(path)
        rows.append((label, 1000 * (time.process_time() - began) / repeat, len(response.content)))
    pending = list(requests.filter(notified_at__isnull=True).values_list("pk", flat=True)[:repeat])
    began = time.process_time()
    for pk in pending:
        tasks.notify_one(pk)
    notify_ms = 1000 * (time.process_time() - began) / max(1, len(pending))
    baseline = rows[0][1]
    print(f"  {'call':54}{'CPU ms':>9}{'x /healthz':>12}{'bytes':>11}")
    for label, ms, size in rows:
        print(f"  {label:54}{ms:9.2f}{ms / baseline:12.1f}{size:11,}")
    print(
        f"  {'order.csv, first call (built, then cached)':54}{1000 * first_csv:9.2f}"
        f"{1000 * first_csv / baseline:12.1f}"
    )
    notify_label = "notify_one (one requester told, e-mail)"
    print(f"  {notify_label:54}{notify_ms:9.2f}{notify_ms / baseline:12.1f}")
    worst = max(ms for _label, ms, _size in rows[1:])
    print(
        f"check: no public call on the {requests.count():,}-request round costs more than "
        f"{PUBLIC_CEILING_MS:.0f} ms CPU: {verdict(worst < PUBLIC_CEILING_MS)} (worst "
        f"{worst:.2f} ms, {worst / baseline:.1f} x /healthz); telling all of them takes "
        f"{notify_ms * requests.count() / 1000 / 60:.1f} min of CPU",
        flush=True,
    )
    return release_round


def main():  # noqa: PLR0915 - one linear script
    began = time.monotonic()
    with PrivateCluster() as cluster:
        cluster.create_database("wk_release")
        url = cluster.url("wk_release")
        manage(django_env(url), "migrate", "--noinput")
        from ops_common import build_office, setup_django

        setup_django(url)
        from django.utils import timezone

        from willkommen.booking.models import Appointment
        from willkommen.release import draw
        from willkommen.release.models import ReleaseRequest, RequestStatus

        world, api_key, _days = build_office(DESKS)
        days, slots_a_day = full_days(world.service, 3)
        day, burst_day, intake_day = days
        env = django_env(url)
        env.update(DJANGO_SETTINGS_MODULE="bench_http_settings", RATELIMIT_ENABLE="false")
        server = Gunicorn(env, workers=WORKERS)
        client = Client(server.port, api_key)
        print(
            f"private PostgreSQL on port {cluster.port}; gunicorn with {WORKERS} sync workers; "
            f"{DESKS} desks x {slots_a_day} start times = {DESKS * slots_a_day} slots on the "
            f"released day {day}; {HUMANS:,} humans "
            f"(a quarter with a consultation), {BOTS} bot operators x {BOT_CONTACTS} contacts, "
            f"{BOT_CLIENTS} fast clients each; first-come rush {RUSH_SECONDS:.0f} s, "
            f"lottery window {WINDOW_SECONDS:.0f} s (compressed)",
            flush=True,
        )
        try:
            # (a) First come at a fixed minute.
            won_a, full_after = first_come(client, world.service.pk, day, world)
            bots_a = sum(1 for email in won_a if is_bot(email))
            humans_a = len(won_a) - bots_a
            booked_a = Appointment.objects.occupying().filter(start__date=day).count()
            print(
                f"(a) first come: {booked_a} slots booked, the last at t = {full_after:.1f} s",
                flush=True,
            )
            Appointment.objects.filter(start__date=day).delete()

            # (b) The lottery over the same day and desks.
            now = timezone.now()
            release_round = make_round(
                world,
                day,
                world.desks,
                now - timedelta(seconds=1),
                now + timedelta(minutes=15),
                now + timedelta(minutes=15),
            )
            burst_lottery, counts = lottery(client, world.service.pk, release_round)
            confirmed = ReleaseRequest.objects.filter(
                round=release_round, status=RequestStatus.CONFIRMED
            )
            bot_numbers = {
                number
                for number, email in confirmed.values_list("number", "email")
                if is_bot(email)
            }
            confirmed_count = confirmed.count()
            outcome = draw.run_draw(release_round.pk, now=release_round.draw_at)
            release_round.refresh_from_db()
            winners = list(
                Appointment.objects.filter(release_request__round=release_round).values_list(
                    "email", flat=True
                )
            )
            bots_b = sum(1 for email in winners if is_bot(email))
            humans_b = len(winners) - bots_b
            print(
                f"(b) lottery: {counts['requested']} requests, {counts['confirmed']} confirmed "
                f"through the API (refusals by status: requests {counts['request refused']}, "
                f"confirmations {counts['confirm refused']}); draw of "
                f"{outcome.requests} requests: {outcome.allocated} allocated in "
                f"{outcome.seconds:.2f} s",
                flush=True,
            )
            shares = redraws(release_round, bot_numbers)

            # Bursts of 200 beside the lottery's: trivial endpoint, first-come bookings.
            burst_trivial = burst(
                [lambda: 1000 * client.call("GET", "/healthz")[2] for _ in range(BURST)]
            )
            starts = [
                slot["start"]
                for slot in client.call(
                    "GET",
                    f"/api/v1/availability?service={world.service.pk}"
                    f"&date_from={burst_day}&date_to={burst_day}",
                )[1]["slots"]
            ]
            rng = random.Random(3)

            def first_come_booking(n):
                body = {
                    "service": world.service.pk,
                    "start": rng.choice(starts),
                    "name": f"Burst {n}",
                    "email": f"burst{n}@bot9.example",
                }
                return 1000 * client.call("POST", "/api/v1/bookings", body, partner=True)[2]

            burst_booking = burst([lambda n=n: first_come_booking(n) for n in range(BURST)])

            trivial, intake, confirms, floor = cpu_phases(
                server.process, "wk_release", client, world, intake_day
            )
        finally:
            server.stop()

        # ----- The figures -----
        slots_a, slots_b = bots_a + humans_a, bots_b + humans_b
        bot_confirmed = len(bot_numbers)
        share_confirmed = pct(bot_confirmed, confirmed_count)
        share_a, share_b = pct(bots_a, slots_a), pct(bots_b, slots_b)
        mean_share = statistics.fmean(shares) if shares else share_b
        spread = statistics.pstdev(shares) if len(shares) > 1 else 0.0
        high = percentile(shares, 0.99)
        print("\n== Who gets the released day ==")
        print(f"{'':44}{'first come':>12}{'lottery':>12}")
        print(f"{'slots given':44}{slots_a:>12}{slots_b:>12}")
        print(f"{'won by bots':44}{bots_a:>12}{bots_b:>12}")
        print(f"{'share of slots won by bots':44}{share_a:>11.1f}%{share_b:>11.1f}%")
        print(
            f"{'humans served (of ' + format(HUMANS, ',') + ')':44}"
            f"{pct(humans_a, HUMANS):>11.1f}%{pct(humans_b, HUMANS):>11.1f}%"
        )
        print(
            f"bots' share of the confirmed requests: {share_confirmed:.1f} % ({bot_confirmed} "
            f"of {confirmed_count}); over {len(shares)} re-draws of the same requests with "
            f"other seeds the bots' share is {mean_share:.1f} % on average (sd {spread:.1f}, "
            f"99th percentile {high:.1f} %)"
        )
        fair = share_b <= max(share_confirmed, high) and mean_share <= share_confirmed + 3 * (
            spread / max(1, len(shares)) ** 0.5
        )
        print(
            f"target: under the lottery bots win no larger share than their share of "
            f"confirmed requests: {verdict(fair)} ({share_b:.1f} % vs {share_confirmed:.1f} %: "
            f"ratio {share_b / share_confirmed if share_confirmed else 0:.2f}; re-draws "
            f"{mean_share / share_confirmed if share_confirmed else 0:.2f})"
        )
        print(
            f"target: under first come bots take most: {verdict(share_a > 50)} "
            f"({share_a:.1f} %: {share_a / share_b if share_b else float('inf'):.1f} x their "
            f"share under the lottery)"
        )

        print("\n== Request intake: server CPU per call (gunicorn + PostgreSQL backends) ==")
        print(f"{'':44}{'per second':>11}{'median ms':>10}{'ok':>7}{'cpu ms':>8}{'app+db':>14}")
        for label, result in (
            ("trivial endpoint GET /healthz", trivial),
            ("request intake POST …/requests", intake),
            ("confirmation POST …/confirm", confirms),
            ("floor booking (parse + 1 INSERT)", floor),
        ):
            print(
                f"{label:44}{result['per_second']:11.1f}{result['median_ms']:10.1f}"
                f"{result['ok']:7d}{result['cpu_ms']:8.2f}"
                f"{result['app_cpu_ms']:8.2f}+{result['db_cpu_ms']:.2f}"
            )
        rate_ratio = pct(intake["per_second"], trivial["per_second"])
        cpu_ratio = pct(trivial["cpu_ms"], intake["cpu_ms"])
        print(
            f"target: intake at least 50 % of the trivial endpoint's rate: "
            f"{verdict(rate_ratio >= 50)} ({rate_ratio:.0f} % by rate, {cpu_ratio:.0f} % by "
            f"server CPU per call; the floor booking reaches "
            f"{pct(floor['per_second'], trivial['per_second']):.0f} % by rate, "
            f"{pct(trivial['cpu_ms'], floor['cpu_ms']):.0f} % by CPU; a confirmed request "
            f"(request + confirmation) costs {intake['cpu_ms'] + confirms['cpu_ms']:.2f} ms)"
            + ("; the confirmations ran out of requests" if confirms["exhausted"] else "")
        )

        print("\n== A burst of 200 parallel clients ==")
        print(f"{'':52}{'p50 ms':>9}{'p99 ms':>9}")
        for label, values in (
            ("lottery: POST …/requests as the window opens", burst_lottery),
            ("first come: POST /api/v1/bookings at the release", burst_booking),
            ("trivial endpoint: GET /healthz", burst_trivial),
        ):
            print(f"{label:52}{percentile(values, 0.5):9.0f}{percentile(values, 0.99):9.0f}")
        p99 = percentile(burst_lottery, 0.99)
        print(
            f"target: p99 under 500 ms for the window's opening: {verdict(p99 < 500)} "
            f"({p99:.0f} ms: {p99 / 500:.2f} x the target, "
            f"{p99 / max(1e-9, percentile(burst_booking, 0.99)):.2f} x the first-come burst, "
            f"{p99 / max(1e-9, percentile(burst_trivial, 0.99)):.1f} x the trivial endpoint's)",
            flush=True,
        )

        print("\n== The draw's time and its growth (PostgreSQL, gunicorn stopped) ==", flush=True)
        rows = draw_scaling(world)
        measured = [row for row in rows if row[2] is not None]
        smallest = measured[0]
        for count, slots, allocated, seconds, _pk in rows:
            print(
                f"  {count:>7,} requests: {seconds / smallest[3]:5.2f} x the smallest draw's "
                f"time for {count / smallest[0]:4.1f} x its requests and "
                f"{slots / smallest[1]:4.1f} x its slots (per request "
                f"{(seconds / count) / (smallest[3] / smallest[0]):.2f} x; 1.00 = linear)"
                + (" — projected, not run" if allocated is None else "")
            )
        largest, largest_run = rows[-1], measured[-1]
        growth = (largest_run[3] / largest_run[0]) / (smallest[3] / smallest[0])
        print(
            f"target: {largest[0]:,} requests over {largest[1]:,} slots under 10 s: "
            f"{verdict(largest[3] < 10)} ({largest[3]:.2f} s"
            f"{' projected' if largest[2] is None else ''}: {largest[3] / 10:.2f} x the "
            f"target); growing linearly: {verdict(growth <= 1.25)} (time per request of the "
            f"{largest_run[0]:,} draw {growth:.2f} x the smallest draw's)",
            flush=True,
        )
        print(
            f"\n== The drawn {largest_run[0]:,}-request round in public, and telling its "
            "requesters (in-process) ==",
            flush=True,
        )
        public_side(largest_run[4])
        if os.environ.get("BENCH_PROFILE") == "1":
            profile_draw(largest_run[4])
    print(f"\ntotal {time.monotonic() - began:.0f} s", flush=True)


if __name__ == "__main__":
    main()
