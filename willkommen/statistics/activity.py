"""Generate a realistic stretch of past activity (demo and load testing).

Office appointments (some with an added consultation), walk-ins from the waiting area,
and the consultations held, for the active locations over the past ``days`` days, written
with ``bulk_create`` (no per-row signals) and then turned into facts in bulk. Generated
office appointments carry ``external_reference = GENERATED_MARK`` so that a second run can
tell that it already happened. No personal data is invented: names stay empty, as after
the retention deletion.

Realism: weekdays only, no public holidays, demand that grows over the period (the press
release expects higher utilisation as the service becomes known), a morning peak, about
one office appointment in eight adding a consultation, 10 % no-shows, 8 % of walk-ins
leaving before they are called.
"""

import random
from collections import defaultdict
from datetime import date, time, timedelta

import holidays
from django.db import transaction
from django.db.models import Max

from willkommen import clock
from willkommen.accounts import policy
from willkommen.accounts.models import StaffMember
from willkommen.booking.models import (
    ACTIVE_APPOINTMENT_STATUSES,
    ACTIVE_CONSULTATION_STATUSES,
    Appointment,
    ConsultationBooking,
)
from willkommen.clock import local_datetime
from willkommen.consultations.models import Consultation
from willkommen.organisations.models import Desk, Language, Location, OfficeService, Topic
from willkommen.walkins.models import Ticket

from . import facts, rollups

GENERATED_MARK = "generated-activity"
LANGUAGE_WEIGHTS = {"ar": 6, "fa": 5, "uk": 5, "tr": 3, "ru": 3, "en": 3, "de": 2, "prs": 2}
INTERPRETERS = ["none"] * 5 + ["counsellor"] * 3 + ["phone", "video", "accompanying_person"]


def already_generated() -> bool:
    return Appointment.objects.filter(external_reference=GENERATED_MARK).exists()


def generate(days: int = 365, scale: float = 1.0, seed: int = 2026, stdout=None) -> dict:
    """Create the activity and its facts; returns counts of what was created."""
    rng = random.Random(seed)
    counsellors = list(
        StaffMember.objects.filter(
            role__in=policy.COUNSELLING_ROLES,
            is_active=True,
            organisation__isnull=False,
        ).order_by("pk")
    )
    languages = list(Language.objects.all())
    topics = list(Topic.objects.filter(is_active=True))
    if not counsellors or not languages:
        return {}
    weights = [LANGUAGE_WEIGHTS.get(language.code, 1) for language in languages]
    today = clock.today()
    created = {"appointments": 0, "consultations": 0, "walk_ins": 0}
    for location in Location.objects.filter(is_active=True):
        services = list(OfficeService.objects.filter(office_id=location.office_id))
        desks = list(Desk.objects.filter(location=location, kind="office_desk"))
        rooms = list(Desk.objects.filter(location=location, kind="counselling_room"))
        if not services or not desks:
            continue
        public_holidays = holidays.country_holidays(
            "DE", subdiv=location.federal_state, years=range(today.year - 3, today.year + 1)
        )
        with transaction.atomic():
            counts = _location(
                location, rng, days, scale, today, public_holidays,
                services, desks, rooms, counsellors, languages, weights, topics,
                Appointment, ConsultationBooking, Consultation, Ticket,
            )  # fmt: skip
        for key, value in counts.items():
            created[key] += value
        if stdout:
            stdout.write(f"  activity at {location}: {counts}\n")
    facts.rebuild_consultations()
    facts.rebuild_appointments()
    facts.rebuild_walk_ins()
    facts.rebuild_staffed_minutes(today - timedelta(days=days), today)
    rollups.rebuild_all()
    return created


def _pick_topics(rng, topics):
    return rng.sample(topics, k=min(len(topics), rng.choice([1, 1, 1, 2, 2, 3])))


def _location(
    location, rng, days, scale, today, public_holidays,
    services, desks, rooms, counsellors, languages, weights, topics,
    Appointment, ConsultationBooking, Consultation, Ticket,
):  # fmt: skip
    # Never overlap what exists (a second run with --force, the booking demo) or what this
    # run generates: the database refuses overlapping active rows of one desk or counsellor.
    first = today - timedelta(days=days + 1)
    taken_desks = _TakenIntervals(
        Appointment.objects.filter(
            location=location, start__date__gte=first, status__in=ACTIVE_APPOINTMENT_STATUSES
        ).values_list("desk_id", "start", "end")
    )
    taken_counsellors = _TakenIntervals(
        ConsultationBooking.objects.filter(
            start__date__gte=first, status__in=ACTIVE_CONSULTATION_STATUSES
        ).values_list("counsellor_id", "start", "end")
    )
    last_sequence = dict(
        Ticket.objects.filter(location=location, service_day__gte=first)
        .values("service_day")
        .annotate(last=Max("sequence"))
        .values_list("service_day", "last")
    )
    appointments, bookings, consultations, tickets = [], [], [], []
    consultation_topics, ticket_topics = [], []  # parallel lists of topic lists
    for offset in range(days, 0, -1):
        day: date = today - timedelta(days=offset)
        if day.weekday() >= 5 or day in public_holidays:
            continue
        growth = 0.5 + (days - offset) / max(days, 1)  # demand grows over the period
        # Office appointments: every desk, 20-minute slots from 8:00, partly booked.
        for desk in desks:
            slots = int(24 * min(1.0, 0.55 + 0.3 * growth) * scale)
            for slot in range(min(slots, 27)):
                start = local_datetime(day, time(8, 0)) + timedelta(minutes=20 * slot)
                if taken_desks.overlaps(desk.pk, start, start + timedelta(minutes=20)):
                    continue
                roll = rng.random()
                status = "completed" if roll < 0.8 else "no_show" if roll < 0.9 else "cancelled"
                appointment = Appointment(
                    location=location,
                    service=rng.choice(services),
                    desk=desk,
                    start=start,
                    end=start + timedelta(minutes=20),
                    status=status,
                    external_reference=GENERATED_MARK,
                )
                appointments.append(appointment)
                if status != "cancelled" and rng.random() < 0.08 + 0.06 * growth:
                    counsellor = counsellors[(slot + desks.index(desk) * 7) % len(counsellors)]
                    begin = start + timedelta(minutes=25 + rng.randint(0, 3) * 5)
                    if taken_counsellors.overlaps(
                        counsellor.pk, begin, begin + timedelta(minutes=30)
                    ):
                        continue
                    taken_counsellors.add(counsellor.pk, begin, begin + timedelta(minutes=30))
                    no_show = status == "no_show" or rng.random() < 0.08
                    language = rng.choices(languages, weights)[0]
                    booking = ConsultationBooking(
                        appointment=appointment,
                        counsellor=counsellor,
                        room=rng.choice(rooms) if rooms else None,
                        start=begin,
                        end=begin + timedelta(minutes=30),
                        position="after",
                        language=language,
                        interpreter=rng.random() < 0.15,
                        status="no_show" if no_show else "completed",
                    )
                    bookings.append(booking)
                    consultations.append(
                        _consultation(
                            Consultation,
                            rng,
                            location,
                            counsellor,
                            "booked",
                            begin,
                            language,
                            no_show=no_show,
                            booking=booking,
                        )  # fmt: skip
                    )
                    consultation_topics.append(_pick_topics(rng, topics))
        # Walk-ins from the waiting area.
        first_sequence = max(100, (last_sequence.get(day) or 0) + 1)
        for index in range(int(rng.randint(3, 7) * growth * scale)):
            language = rng.choices(languages, weights)[0]
            arrival = local_datetime(day, time(8, 15)) + timedelta(minutes=rng.randint(0, 360))
            wait = timedelta(minutes=max(1, int(rng.gammavariate(2.0, 9.0))))
            left = rng.random() < 0.08
            counsellor = rng.choice(counsellors)
            ticket = Ticket(
                location=location,
                service_day=day,
                sequence=first_sequence + index,
                number=f"G-{first_sequence + index}",
                language=language,
                queue_position_key=arrival,
                created_at=arrival,
                status="left" if left else "done",
                left_at=arrival + wait if left else None,
                called_at=None if left else arrival + wait,
                last_called_at=None if left else arrival + wait,
                call_count=0 if left else 1,
                called_by=None if left else counsellor,
                started_at=None if left else arrival + wait + timedelta(minutes=2),
                finished_at=None if left else arrival + wait + timedelta(minutes=30),
            )
            tickets.append(ticket)
            picked = _pick_topics(rng, topics)
            ticket_topics.append(picked)
            if not left:
                consultations.append(
                    _consultation(
                        Consultation,
                        rng,
                        location,
                        counsellor,
                        "walk_in",
                        arrival + wait + timedelta(minutes=2),
                        language,
                        ticket=ticket,
                    )  # fmt: skip
                )
                consultation_topics.append(picked)
        # A few follow-ups.
        for _index in range(int(rng.randint(0, 2) * growth * scale)):
            counsellor = rng.choice(counsellors)
            begin = local_datetime(day, time(13, 0)) + timedelta(minutes=rng.randint(0, 150))
            consultations.append(
                _consultation(
                    Consultation,
                    rng,
                    location,
                    counsellor,
                    "follow_up",
                    begin,
                    rng.choices(languages, weights)[0],
                )  # fmt: skip
            )
            consultation_topics.append(_pick_topics(rng, topics))

    Appointment.objects.bulk_create(appointments, batch_size=2000)
    for booking in bookings:
        booking.appointment_id = booking.appointment.pk
    ConsultationBooking.objects.bulk_create(bookings, batch_size=2000)
    Ticket.objects.bulk_create(tickets, batch_size=2000)
    for consultation in consultations:
        if consultation.booking is not None:
            consultation.booking_id = consultation.booking.pk
        if consultation.ticket is not None:
            consultation.ticket_id = consultation.ticket.pk
    Consultation.objects.bulk_create(consultations, batch_size=2000)
    _link_topics(
        Consultation.topics.through, "consultation_id", consultations, consultation_topics
    )
    _link_topics(Ticket.topics.through, "ticket_id", tickets, ticket_topics)
    return {
        "appointments": len(appointments),
        "consultations": len(consultations),
        "walk_ins": len(tickets),
    }


class _TakenIntervals:
    """Times already taken per owner (a desk, a counsellor), by local day."""

    def __init__(self, rows=()):
        self._by_day = defaultdict(list)
        for owner, start, end in rows:
            self.add(owner, start, end)

    def _key(self, owner, start):
        return owner, clock.local_day(start)

    def add(self, owner, start, end):
        self._by_day[self._key(owner, start)].append((start, end))

    def overlaps(self, owner, start, end) -> bool:
        return any(
            taken_start < end and start < taken_end
            for taken_start, taken_end in self._by_day[self._key(owner, start)]
        )


def _consultation(
    Consultation, rng, location, counsellor, channel, start, language,
    no_show=False, booking=None, ticket=None,
):  # fmt: skip
    minutes = rng.choice([15, 20, 25, 30, 30, 35, 40, 45, 60])
    return Consultation(
        organisation_id=counsellor.organisation_id,
        counsellor=counsellor,
        location=location,
        channel=channel,
        booking=booking,
        ticket=ticket,
        planned_start=start,
        started_at=None if no_show else start,
        ended_at=None if no_show else start + timedelta(minutes=minutes),
        finished_at=None if no_show else start + timedelta(minutes=minutes),
        status="no_show" if no_show else "finished",
        language=language,
        interpreter=rng.choice(INTERPRETERS),
        outcome_information=True,
    )


def _link_topics(through, source_field, sources, topic_lists):
    through.objects.bulk_create(
        (
            through(**{source_field: source.pk, "topic_id": topic.pk})
            for source, picked in zip(sources, topic_lists, strict=True)
            for topic in picked
        ),
        batch_size=5000,
    )
