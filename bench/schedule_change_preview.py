"""Benchmark of the preview of a schedule change that touches many bookings
(``scheduling.schedule_changes.preview``, docs/booking.md).

Builds, on a fresh test database, a location with 10 office desks and 20 counsellors and
seven weeks of Mondays fully booked (half of the appointments with a consultation), then
times the preview of deleting Monday's opening hours, which leaves all 840 of those
office appointments without their place, and prints the number of affected booking parts,
the median and best time, and the number of queries. A preview must cost a fixed handful
of queries, not one per booking.

    .venv/bin/python bench/schedule_change_preview.py      # SQLite (in memory)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wk_bench \
        .venv/bin/python bench/schedule_change_preview.py

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

DESKS = 10
COUNSELLORS = 20
WEEKS = 7
RUNS = 7


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
    LocationSchedule.objects.create(location=location, booking_window_days=WEEKS * 7 + 7)
    service = OfficeService.objects.create(
        office=office, slug="residence", name="Residence permit", duration_minutes=20
    )
    desks = []
    for n in range(DESKS):
        desk = Desk.objects.create(
            location=location, name=f"Desk {n:02d}", kind=DeskKind.OFFICE_DESK
        )
        desk.services.set([service])
        desks.append(desk)
    room = Desk.objects.create(location=location, name="Room", kind=DeskKind.COUNSELLING_ROOM)
    for weekday in range(5):
        OpeningHours.objects.create(
            location=location, weekday=weekday, opens=time(8), closes=time(12)
        )
    languages = [
        Language.objects.create(code=code, english_name=code, native_name=code)
        for code in ("de", "ar", "fa", "uk", "tr")
    ]
    counsellors = []
    for n in range(COUNSELLORS):
        counsellor = StaffMember.objects.create(
            username=f"c{n}", role=Role.COUNSELLOR, organisation=welfare
        )
        counsellor.languages.set([languages[0], languages[1 + n % 4]])
        for weekday in range(5):
            Shift.objects.create(
                counsellor=counsellor,
                location=location,
                room=room,
                weekday=weekday,
                starts=time(7),
                ends=time(14),
            )
        counsellors.append(counsellor)

    today = timezone.localdate()
    first_monday = today + timedelta(days=(7 - today.weekday()) % 7 or 7)
    appointments = []
    for week in range(WEEKS):
        day = first_monday + timedelta(weeks=week)
        for desk in desks:
            for slot in range(12):
                start = local_datetime(day, time(8, 0)).astimezone(UTC) + timedelta(
                    minutes=20 * slot
                )
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
    Appointment.objects.bulk_create(appointments, batch_size=2000)
    consultations, used = [], set()
    for index, appointment in enumerate(Appointment.objects.order_by("id")):
        if index % 2:
            continue
        start = appointment.end + timedelta(minutes=5)
        counsellor = counsellors[index % COUNSELLORS]
        if (counsellor.pk, start) in used:
            counsellor = None
        else:
            used.add((counsellor.pk, start))
        consultations.append(
            ConsultationBooking(
                appointment=appointment,
                counsellor=counsellor,
                start=start,
                end=start + timedelta(minutes=30),
                position="after",
                language=languages[1 + index % 4],
                status="booked",
            )
        )
    ConsultationBooking.objects.bulk_create(consultations, batch_size=2000)
    return location, len(appointments), len(consultations)


def main():
    from willkommen.organisations.models import OpeningHours
    from willkommen.scheduling import schedule_changes

    location, appointments, consultations = build()
    hours = OpeningHours.objects.get(location=location, weekday=0)

    def apply():
        OpeningHours.objects.filter(
            pk=hours.pk
        ).delete()  # Mondays closed from now on: every Monday booking loses its place

    def preview():
        return schedule_changes.preview({location.pk}, apply)

    with CaptureQueriesContext(connection) as queries:
        affected = preview()
    times = []
    for _run in range(RUNS):
        started = clock.perf_counter()
        preview()
        times.append(clock.perf_counter() - started)
    parts = {
        part: sum(row.part == part for row in affected) for part in ("appointment", "consultation")
    }
    print(f"database: {connection.vendor}")
    print(f"bookings: {appointments} appointments, {consultations} consultations")
    print(
        f"affected: {len(affected)} ({parts['appointment']} appointments, "
        f"{parts['consultation']} consultations)"
    )
    print(
        f"preview: median {statistics.median(times):.3f} s, best {min(times):.3f} s, "
        f"{len(queries)} queries"
    )


if __name__ == "__main__":
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0)
    try:
        main()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
