"""Demo bookings: today's office appointments, some with a booked consultation.

Laid out in today's opening hours (``scheduling.demo.office_hours``, which lays out a day
without opening hours like a weekday), so that whenever the demo is started the clerk has a
day's calendar and the demo counsellors have clients booked with them: ahead of them in the
morning, to start, document or mark as no-show in the evening. Clients cannot book today
themselves (the booking rules start tomorrow), so these rows are written directly, without
the notifications a real booking sends.

Called by ``manage.py seed_demo`` after the shifts and before the statistics year, which
never touches today. Idempotent: a day that has demo clients gets no more. The clients are
fictional; their addresses are at example.org.
"""

from datetime import time, timedelta

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from willkommen import clock
from willkommen.accounts.models import StaffMember
from willkommen.clock import local_datetime
from willkommen.organisations.models import DeskKind, Language, Location, OfficeService, Topic
from willkommen.scheduling.demo import office_hours
from willkommen.scheduling.models import LocationSchedule, Shift

from .models import (
    Appointment,
    AppointmentStatus,
    ConsultationBooking,
    ConsultationBookingStatus,
)

# (name, e-mail or mobile, language for messages, consultation or None); a consultation is
# (counsellor's user name, language, topics, interpreter needed).
DEMO_CLIENTS = [
    ("Amina Haddad", "amina.haddad@example.org", "ar", ("counsellor", "ar", ["housing"], False)),
    ("Mehmet Demir", "mehmet.demir@example.org", "tr", None),
    ("Olena Kovalenko", "+4915100000001", "uk", ("a.kowalska", "uk", ["work"], True)),
    ("Jonas Weber", "jonas.weber@example.org", "de", None),
    ("Reza Ahmadi", "reza.ahmadi@example.org", "fa", ("counsellor", "fa", ["education"], True)),
    ("Svetlana Ivanova", "+4915100000002", "ru", ("a.kowalska", "ru", ["health"], False)),
    ("Ahmad Karimi", "+4915100000003", "fa", None),
    ("Fatima Al-Sayed", "fatima@example.org", "ar", ("counsellor", "ar", ["family"], False)),
    ("Yusuf Aydın", "+4915100000004", "tr", None),
    ("Iryna Shevchenko", "iryna.shevchenko@example.org", "uk", None),
    ("Samir Nasser", "samir.nasser@example.org", "ar", ("counsellor", "ar", ["work"], False)),
    ("Maria Popescu", "maria.popescu@example.org", "en", ("i.popescu", "en", ["housing"], False)),
]
DEMO_NAMES = [name for name, *_rest in DEMO_CLIENTS]
# Office appointments start on this grid per desk, on the first desks of the location.
GRID = timedelta(minutes=45)
DESKS_USED = 3


def seed(stdout=None):
    with transaction.atomic():
        for location in Location.objects.filter(is_active=True):
            created = seed_day(location)
            if created and stdout is not None:
                stdout.write(
                    f"  today at {location}: {created[0]} office appointments, "
                    f"{created[1]} of them with a consultation"
                )


def _today_bounds(now):
    today = clock.local_day(now)
    tomorrow = today + timedelta(days=1)
    return today, local_datetime(today, time(0)), local_datetime(tomorrow, time(0))


def _places(location, today, desks):
    """(start, desk) pairs on the grid inside today's opening hours, in time order."""
    places = []
    for opens, closes in office_hours(location, today):
        start, close = local_datetime(today, opens), local_datetime(today, closes)
        while start + GRID <= close:
            places += [(start, desk) for desk in desks]
            start += GRID
    return places


def seed_day(location, now=None):
    """Today's demo clients at ``location``; returns (appointments, consultations) created,
    or None when the day has them already or the location cannot take them."""
    now = now or timezone.now()
    today, day_start, day_end = _today_bounds(now)
    if Appointment.objects.filter(
        location=location, start__gte=day_start, start__lt=day_end, name__in=DEMO_NAMES
    ).exists():
        return None
    fitting = OfficeService.objects.filter(duration_minutes__lte=GRID.total_seconds() // 60)
    desks = list(
        location.desks.filter(kind=DeskKind.OFFICE_DESK, is_active=True, services__in=fitting)
        .prefetch_related(Prefetch("services", queryset=fitting.order_by("sort_order", "pk")))
        .distinct()
        .order_by("name")[:DESKS_USED]
    )
    places = _places(location, today, desks)
    if not places:
        return None
    schedule = LocationSchedule.objects.filter(location=location).first() or LocationSchedule()
    step = len(places) / len(DEMO_CLIENTS)
    counsellor_times = {}
    appointments = consultations = 0
    for index, (name, contact, language, consultation) in enumerate(DEMO_CLIENTS):
        start, desk = places[int(index * step)]
        services = list(desk.services.all())
        service = services[index % len(services)]
        appointment = Appointment.objects.create(
            location=location,
            service=service,
            desk=desk,
            start=start,
            end=start + timedelta(minutes=service.duration_minutes),
            status=AppointmentStatus.BOOKED,
            name=name,
            email=contact if "@" in contact else "",
            phone="" if "@" in contact else contact,
            language=language,
            confirmed_at=now,
        )
        appointments += 1
        if consultation and _book_consultation(
            appointment, consultation, schedule, counsellor_times, now
        ):
            consultations += 1
    return appointments, consultations


def _book_consultation(appointment, consultation, schedule, counsellor_times, now):
    """The consultation right after the appointment, or right before it when the
    counsellor is busy then; none when both are taken."""
    username, code, slugs, interpreter = consultation
    counsellor = StaffMember.objects.filter(username=username, is_active=True).first()
    language = Language.objects.filter(code=code).first()
    if counsellor is None or language is None:
        return False
    length = timedelta(minutes=schedule.consultation_minutes)
    buffer = timedelta(minutes=schedule.buffer_minutes)
    taken = counsellor_times.setdefault(counsellor.pk, [])
    for position, start in (
        ("after", appointment.end + buffer),
        ("before", appointment.start - buffer - length),
    ):
        if any(other < start + length and start < other_end for other, other_end in taken):
            continue
        weekly = Shift.objects.filter(counsellor=counsellor, room__isnull=False).first()
        booking = ConsultationBooking.objects.create(
            appointment=appointment,
            counsellor=counsellor,
            room=weekly.room if weekly else None,
            start=start,
            end=start + length,
            position=position,
            language=language,
            interpreter=interpreter,
            status=ConsultationBookingStatus.BOOKED,
            confirmed_at=now,
        )
        booking.topics.set(Topic.objects.filter(slug__in=slugs))
        taken.append((start, start + length))
        return True
    return False
