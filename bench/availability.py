"""Benchmark of the availability engine (``booking.availability.find_slots``).

Builds, on a fresh test database, a location with 20 office desks and 30 counsellors
(weekly shifts, languages, topics) and about a third of the next eight weeks already
booked (with consultations), then times ``find_slots`` for 8 weeks many times and prints
median and p90, the number of queries, how the time grows with desks × days, and the ratio
against a baseline run beside it (1 desk × 1 week).

    .venv/bin/python bench/availability.py                       # SQLite (in memory)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wk_bench .venv/bin/python bench/availability.py

Stops by itself within about a minute.
"""

import os
import statistics
import sys
import time as clock
from datetime import UTC, time, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "willkommen.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

DESKS = 20
COUNSELLORS = 30
WEEKS = 8
RUNS = 30
TIME_BUDGET_SECONDS = 90


def build():
    from willkommen.accounts.models import Role, StaffMember
    from willkommen.booking.models import Appointment, ConsultationBooking
    from willkommen.clock import local_datetime
    from willkommen.organisations.models import (
        Desk,
        DeskKind,
        Language,
        Location,
        OfficeService,
        OpeningHours,
        Organisation,
        OrganisationKind,
        Topic,
    )
    from willkommen.scheduling.models import LocationSchedule, Shift

    office = Organisation.objects.create(
        name="Office", short_name="ABH", kind=OrganisationKind.IMMIGRATION_OFFICE
    )
    welfare = Organisation.objects.create(
        name="Welfare", short_name="W", kind=OrganisationKind.WELFARE_ORGANISATION
    )
    location = Location.objects.create(
        name="Bench Center",
        street="Street 1",
        postal_code="30159",
        city="Hannover",
        federal_state="NI",
        office=office,
    )
    LocationSchedule.objects.create(location=location)
    desks = [
        Desk.objects.create(location=location, name=f"Desk {n:02d}", kind=DeskKind.OFFICE_DESK)
        for n in range(DESKS)
    ]
    rooms = [
        Desk.objects.create(
            location=location, name=f"Room {n:02d}", kind=DeskKind.COUNSELLING_ROOM
        )
        for n in range(10)
    ]
    # One service per desk count, so the growth table can vary desks on one database.
    services = {}
    for count in (1, 5, 10, 20):
        service = OfficeService.objects.create(
            office=office, slug=f"svc-{count}", name=f"Service on {count} desks"
        )
        for desk in desks[:count]:
            desk.services.add(service)
        services[count] = service
    for weekday in range(5):
        OpeningHours.objects.create(
            location=location, weekday=weekday, opens=time(8), closes=time(12)
        )
        closes = time(18) if weekday == 3 else time(16)
        OpeningHours.objects.create(
            location=location, weekday=weekday, opens=time(13), closes=closes
        )
    codes = ["de", "ar", "fa", "uk", "ru", "tr", "en", "ti", "ku", "so"]
    languages = [
        Language.objects.create(code=code, english_name=code, native_name=code) for code in codes
    ]
    slugs = ["forms", "education", "family", "housing", "leisure", "work", "health"]
    topics = [Topic.objects.create(slug=slug, name=slug) for slug in slugs]
    counsellors = []
    for n in range(COUNSELLORS):
        counsellor = StaffMember.objects.create(
            username=f"c{n}", role=Role.COUNSELLOR, organisation=welfare
        )
        counsellor.languages.set([languages[0], languages[1 + n % 9], languages[1 + (n * 7) % 9]])
        counsellor.topics.set([topics[n % 7], topics[(n + 3) % 7]])
        for weekday in range(5):
            if (n + weekday) % 5 == 4:
                continue  # a day off a week
            starts, ends = (time(8), time(13)) if n % 2 else (time(11), time(17))
            Shift.objects.create(
                counsellor=counsellor,
                location=location,
                room=rooms[n % len(rooms)],
                weekday=weekday,
                starts=starts,
                ends=ends,
            )
        counsellors.append(counsellor)

    # A third of the office slots already booked, every fourth with a consultation.
    today = timezone.localdate()
    appointments, consultation_specs = [], []
    service = services[20]
    for day_offset in range(1, WEEKS * 7 + 1):
        day = today + timedelta(days=day_offset)
        if day.weekday() >= 5:
            continue
        for desk_index, desk in enumerate(desks):
            for slot in range(0, 21, 3):
                minute = 8 * 60 + slot * 20 + (60 if slot >= 12 else 0)
                start = local_datetime(day, time(minute // 60, minute % 60)).astimezone(UTC)
                appointments.append(
                    Appointment(
                        location=location,
                        service=service,
                        desk=desk,
                        start=start,
                        end=start + timedelta(minutes=20),
                        status="booked",
                        name="x",
                        email="x@example.org",
                    )
                )
                if (desk_index + slot) % 4 == 0:
                    consultation_specs.append(len(appointments) - 1)
    Appointment.objects.bulk_create(appointments, batch_size=2000)
    created = list(Appointment.objects.order_by("id"))
    consultations, used = [], set()
    for position, index in enumerate(consultation_specs):
        appointment = created[index]
        start = appointment.end + timedelta(minutes=5)
        counsellor = counsellors[position % COUNSELLORS]
        if (counsellor.id, start) in used:
            continue
        used.add((counsellor.id, start))
        consultations.append(
            ConsultationBooking(
                appointment=appointment,
                counsellor=counsellor,
                start=start,
                end=start + timedelta(minutes=30),
                position="after",
                language=languages[1],
                status="booked",
            )
        )
    ConsultationBooking.objects.bulk_create(consultations, batch_size=2000)
    return services, len(appointments), len(consultations)


CPU_TIMES = []


def free_desk_slots(service, seed=7):
    """The start of every (start, desk) pair free now in the eight weeks: one booking to
    make each. Shuffled, so that concurrent clients do not all queue on the same desk."""
    import random

    from willkommen.booking.availability import find_slots

    today = timezone.localdate()
    slots = find_slots(service, today, today + timedelta(weeks=WEEKS), with_consultation=False)
    starts = [slot.start for slot in slots for _desk in slot.desk_ids]
    random.Random(seed).shuffle(starts)
    return starts


def timed(function, runs):
    """Wall-clock milliseconds per run; the process's CPU milliseconds go to CPU_TIMES
    (on a shared machine the wall clock also counts waiting for a core)."""
    durations = []
    CPU_TIMES.clear()
    for _ in range(runs):
        started, cpu_started = clock.perf_counter(), clock.process_time()
        result = function()
        durations.append((clock.perf_counter() - started) * 1000)
        CPU_TIMES.append((clock.process_time() - cpu_started) * 1000)
    return durations, result


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main():
    from willkommen.booking.availability import find_slots

    deadline = clock.monotonic() + TIME_BUDGET_SECONDS
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(
        verbosity=0, autoclobber=True, keepdb=False, serialize=False
    )
    try:
        started = clock.perf_counter()
        services, booked, with_consultation = build()
        print(
            f"database: {connection.vendor}; built {DESKS} desks, {COUNSELLORS} counsellors, "
            f"{booked} booked appointments, {with_consultation} consultations in "
            f"{clock.perf_counter() - started:.1f} s"
        )
        today = timezone.localdate()

        def query(desks, days, **kwargs):
            return lambda: find_slots(
                services[desks], today, today + timedelta(days=days - 1), **kwargs
            )

        full = query(20, WEEKS * 7, language="ar", topics=["work"])
        full()  # warm caches (holidays, query compilation)
        with CaptureQueriesContext(connection) as queries:
            slots = full()
        durations, _ = timed(full, RUNS)
        cpu = list(CPU_TIMES)
        baseline, _ = timed(query(1, 7, language="ar", topics=["work"]), RUNS)
        median, base_median = statistics.median(durations), statistics.median(baseline)
        print(
            f"find_slots, 20 desks x 8 weeks, language ar + topic work: "
            f"median {median:.1f} ms, p90 {percentile(durations, 0.9):.1f} ms "
            f"({RUNS} runs, {len(slots)} free slots, "
            f"{sum(1 for slot in slots if slot.consultation)} with a consultation, "
            f"{len(queries.captured_queries)} queries)"
        )
        print(
            f"  CPU time of this process: median {statistics.median(cpu):.1f} ms "
            f"(load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
        )
        print(
            f"baseline, 1 desk x 1 week: median {base_median:.1f} ms; "
            f"ratio {median / base_median:.1f}x"
        )
        from willkommen.scheduling import config_cache

        def cold():
            config_cache.clear_local()  # as right after a shift or opening-hours edit
            return full()

        cold_durations, _ = timed(cold, 10)
        print(
            f"  without the configuration memo (cleared before each run): median "
            f"{statistics.median(cold_durations):.1f} ms, CPU "
            f"{statistics.median(CPU_TIMES):.1f} ms"
        )
        no_language, _ = timed(query(20, WEEKS * 7), 10)
        print(f"20 desks x 8 weeks, no language: median {statistics.median(no_language):.1f} ms")

        print("\ngrowth (median ms over 7 runs):")
        day_counts = (7, 14, 28, 56)
        print("desks \\ days " + "".join(f"{days:>9}" for days in day_counts))
        for desks in (1, 5, 10, 20):
            row = []
            for days in day_counts:
                if clock.monotonic() > deadline:
                    row.append("     skip")
                    continue
                durations, _ = timed(query(desks, days, language="ar"), 7)
                row.append(f"{statistics.median(durations):9.1f}")
            print(f"{desks:>12} " + "".join(row))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
