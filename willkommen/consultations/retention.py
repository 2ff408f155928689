"""Deleting personal data when it is due, keeping the figures.

Every table that can link a person to counselling falls under one of the rules below
(``retention_scope.py`` lists why each other table cannot; a test walks every model):

* client name and contact: ``RETENTION_CONTACT_DAYS`` after the last contact;
* name, e-mail, phone and (for appointments booked in the office's own system) the
  office's reference or file number of past office appointments, after the contact
  retention;
* the office appointment time a walk-in gave, once the day is over;
* consultations, ``RETENTION_NOTE_DAYS`` after they were held: the note, the links to the
  client, to a follow-up or earlier consultation and to the walk-in ticket go, and the
  times are reduced to the day (the duration stays);
* past office appointments, with the consultation booked around them, after the note
  retention (all of them alike: which ones carried a consultation must not show); their
  statistics facts stay, without the appointment's id;
* client records without any remaining consultation, once their last contact is past the
  contact retention;
* API idempotency records after their 24-hour replay window, finished background task
  results after the contact retention, and expired sessions;
* the heads-up contact of a walk-in ticket (``walkins.TicketContact``) as soon as its
  ticket is closed or its day is over (the walk-ins' housekeeping deletes it within a
  minute; this run is the backstop);
* the counters of rate-limit windows that have ended (``willkommen.ratelimit``: hashed
  addresses, e-mail addresses and phone numbers).

Consultation rows stay with day, organisation, channel, language, topics, duration and
outcome flags, and the statistics facts stay: they never held personal data.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from willkommen.clock import local_datetime
from willkommen.ratelimit import limiter

from .models import ClientRecord, Consultation

# booking/idempotency.py keeps an idempotent answer this long (IDEMPOTENCY_HOURS); a test
# checks.
IDEMPOTENCY_WINDOW = timedelta(hours=24)
CHUNK = 500


@dataclass(frozen=True)
class Limits:
    now: datetime
    contact: datetime  # personal data of contacts older than this is due
    note: datetime  # consultations held before this become figures

    @classmethod
    def at(cls, now):
        return cls(
            now=now,
            contact=now - timedelta(days=settings.RETENTION_CONTACT_DAYS),
            note=now - timedelta(days=settings.RETENTION_NOTE_DAYS),
        )


@dataclass
class RetentionResult:
    counts: dict = field(default_factory=dict)
    tables: dict = field(default_factory=dict)

    def lines(self):
        return [
            f"{self.tables.get(label, '-')}: {label}: {count}"
            for label, count in self.counts.items()
        ]


def _model(label):
    """The model, or None when its app is not installed (a trimmed configuration)."""
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _held_at():
    return Coalesce("ended_at", "started_at", "planned_start", "created_at")


# --- the rules ---------------------------------------------------------------------------


def due_contacts(limits):
    return ClientRecord.objects.filter(last_contact_at__lt=limits.contact).filter(
        ~Q(name="") | ~Q(contact="")
    )


def erase_contacts(due, limits):
    due.update(name="", contact="")


def due_appointment_contacts(limits):
    Appointment = _model("booking.Appointment")
    if Appointment is None:
        return None
    return Appointment.objects.filter(end__lt=limits.contact).filter(
        ~Q(name="")
        | ~Q(email="")
        | ~Q(contact_key="")
        | ~Q(phone="")
        | Q(is_external=True, external_reference__gt="")
    )


def erase_appointment_contacts(due, limits):
    due.update(name="", email="", contact_key="", phone="")
    due.model.objects.filter(
        end__lt=limits.contact, is_external=True, external_reference__gt=""
    ).update(external_reference="")


def due_walk_in_appointment_times(limits):
    Ticket = _model("walkins.Ticket")
    if Ticket is None:
        return None
    return Ticket.objects.filter(
        service_day__lt=timezone.localdate(limits.now), office_appointment_at__isnull=False
    )


def erase_walk_in_appointment_times(due, limits):
    due.update(office_appointment_at=None)


def due_consultations(limits):
    return Consultation.objects.annotate(held_at=_held_at()).filter(
        held_at__lt=limits.note, retained_at__isnull=True
    )


def _on_its_day(row):
    """The consultation's times moved to local midnight of the day it was held, keeping
    its duration: the figures stay, the time that could be matched to an office
    appointment goes."""
    moment = row["started_at"] or row["planned_start"] or row["created_at"]
    midnight = local_datetime(timezone.localdate(moment), time(0, 0))
    duration = (
        row["ended_at"] - row["started_at"] if row["started_at"] and row["ended_at"] else None
    )

    def shifted(name, offset=timedelta(0)):
        return midnight + offset if row[name] else None

    return {
        "planned_start": shifted("planned_start"),
        "started_at": shifted("started_at"),
        "ended_at": shifted("ended_at", duration or timedelta(0)),
        "finished_at": shifted("finished_at", duration or timedelta(0)),
        "documented_at": shifted("documented_at", duration or timedelta(0)),
        "created_at": midnight,
        "updated_at": midnight,
    }


def reduce_consultations(due, limits):
    columns = ("pk", "planned_start", "started_at", "ended_at", "finished_at", "documented_at")
    rows = list(due.values(*columns, "created_at"))
    pks = [row["pk"] for row in rows]
    for start in range(0, len(pks), CHUNK):
        chunk = pks[start : start + CHUNK]
        Consultation.objects.filter(follow_up_of__in=chunk).update(follow_up_of=None)
        Consultation.objects.filter(pk__in=chunk).update(
            note="",
            client=None,
            follow_up_of=None,
            ticket=None,
            note_deleted_at=limits.now,
            retained_at=limits.now,
        )
    for row in rows:
        Consultation.objects.filter(pk=row["pk"]).update(**_on_its_day(row))


def due_appointments(limits):
    Appointment = _model("booking.Appointment")
    if Appointment is None:
        return None
    return Appointment.objects.filter(end__lt=limits.note)


def delete_appointments(due, limits):
    """Deletes the appointments (their consultation bookings go with them); their facts
    stay, but no longer name the appointment they came from."""
    AppointmentFact = _model("statistics.AppointmentFact")
    pks = list(due.values_list("pk", flat=True))
    for start in range(0, len(pks), CHUNK):
        chunk = pks[start : start + CHUNK]
        if AppointmentFact is not None:
            AppointmentFact.objects.filter(source_id__in=chunk).update(source_id=None)
        due.model.objects.filter(pk__in=chunk).delete()


def due_clients(limits, dry_run=False):
    if not dry_run:
        return ClientRecord.objects.annotate(remaining=Count("consultations")).filter(
            remaining=0, last_contact_at__lt=limits.contact
        )
    # In a dry run nothing was detached: count clients whose every consultation is due,
    # as the real run would find them.
    held = Coalesce(
        "consultations__ended_at",
        "consultations__started_at",
        "consultations__planned_start",
        "consultations__created_at",
    )
    return ClientRecord.objects.filter(last_contact_at__lt=limits.contact).exclude(
        pk__in=ClientRecord.objects.annotate(held=held).filter(held__gte=limits.note).values("pk")
    )


def delete_clients(due, limits):
    ClientRecord.objects.filter(pk__in=list(due.values_list("pk", flat=True))).delete()


def due_idempotency_records(limits):
    IdempotencyRecord = _model("booking.IdempotencyRecord")
    if IdempotencyRecord is None:
        return None
    return IdempotencyRecord.objects.filter(created_at__lt=limits.now - IDEMPOTENCY_WINDOW)


def due_task_results(limits):
    DBTaskResult = _model("django_tasks_database.DBTaskResult")
    if DBTaskResult is None:
        return None
    return DBTaskResult.objects.finished().filter(finished_at__lt=limits.contact)


def due_sessions(limits):
    if settings.SESSION_ENGINE not in (
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    ):
        return None
    return _model("sessions.Session").objects.filter(expire_date__lt=limits.now)


def due_office_links(limits):
    OfficeLink = _model("officesystems.OfficeLink")
    if OfficeLink is None:
        return None
    return OfficeLink.objects.filter(end__lt=limits.contact)


def due_held_appointments(limits):
    HeldAppointment = _model("officesystems.HeldAppointment")
    if HeldAppointment is None:
        return None
    return HeldAppointment.objects.filter(end__lt=limits.contact)


def due_release_requests(limits):
    """Requests of release rounds whose pool days ended a contact period ago: name, contact
    and consultation wish (CASCADE). The round's figures stay (statistics)."""
    ReleaseRequest = _model("release.ReleaseRequest")
    if ReleaseRequest is None:
        return None
    return ReleaseRequest.objects.filter(round__last_day__lt=limits.contact.date())


def due_walk_in_contacts(limits):
    TicketContact = _model("walkins.TicketContact")
    if TicketContact is None:
        return None
    today = timezone.localdate(limits.now)
    return TicketContact.objects.filter(
        Q(ticket__status__in=["done", "left"]) | Q(ticket__service_day__lt=today)
    )


def delete_all(due, limits):
    due.delete()


@dataclass(frozen=True)
class Rule:
    label: str
    models: tuple  # the models this rule keeps free of links to a person
    due: Callable  # (limits) -> the queryset of what is due, or None without the app
    apply: Callable  # (due, limits) -> None


RULES = (
    Rule("client contact data", ("consultations.ClientRecord",), due_contacts, erase_contacts),
    Rule(
        "office appointment contact data",
        ("booking.Appointment",),
        due_appointment_contacts,
        erase_appointment_contacts,
    ),
    Rule(
        "walk-in office appointment times",
        ("walkins.Ticket",),
        due_walk_in_appointment_times,
        erase_walk_in_appointment_times,
    ),
    Rule(
        "consultation notes and client links",
        ("consultations.Consultation",),
        due_consultations,
        reduce_consultations,
    ),
    Rule(
        "past office appointments and their consultation bookings",
        # What a schedule change did to a booking goes with the booking (CASCADE).
        (
            "booking.Appointment",
            "booking.ConsultationBooking",
            "booking.ScheduleChangeOutcome",
            "statistics.AppointmentFact",
        ),
        due_appointments,
        delete_appointments,
    ),
    # Counted after the consultations, which the real run detaches from their clients.
    Rule("client records", ("consultations.ClientRecord",), due_clients, delete_clients),
    Rule(
        "API idempotency records",
        ("booking.IdempotencyRecord",),
        due_idempotency_records,
        delete_all,
    ),
    Rule(
        "finished background task results",
        ("django_tasks_database.DBTaskResult",),
        due_task_results,
        delete_all,
    ),
    Rule("expired sessions", ("sessions.Session",), due_sessions, delete_all),
    # The office system's reference (and sealed secret) of an appointment a consultation
    # was placed around, with the changes followed: together they say who sought
    # counselling. Their changes go with them.
    Rule(
        "office-system links of past appointments",
        ("officesystems.OfficeLink", "officesystems.OfficeChange"),
        due_office_links,
        delete_all,
    ),
    Rule(
        "appointments held in partner systems, past",
        ("officesystems.HeldAppointment",),
        due_held_appointments,
        delete_all,
    ),
    Rule(
        "fair release requests of past rounds",
        ("release.ReleaseRequest", "release.ConsultationWish", "release.UsedConfirmation"),
        due_release_requests,
        delete_all,
    ),
    Rule(
        "walk-in heads-up contacts",
        ("walkins.TicketContact",),
        due_walk_in_contacts,
        delete_all,
    ),
    # Hashed addresses and contacts in windows that have ended: rows of
    # ``ratelimit_counter`` without Redis (Redis drops expired keys itself).
    Rule(
        "expired rate-limit windows",
        ("ratelimit.Counter",),
        lambda limits: limiter.expired_windows(limits.now.timestamp()),
        delete_all,
    ),
)


def covered_models():
    return {label for rule in RULES for label in rule.models}


def apply_retention(now=None, dry_run=False) -> RetentionResult:
    limits = Limits.at(now or timezone.now())
    result = RetentionResult()
    with transaction.atomic():
        for rule in RULES:
            if rule.due is due_clients:
                due = due_clients(limits, dry_run=dry_run)
            else:
                due = rule.due(limits)
            result.counts[rule.label] = due.count() if due is not None else 0
            result.tables[rule.label] = (
                due.model._meta.db_table if due is not None else rule.models[0]
            )
            if due is not None and not dry_run:
                rule.apply(due, limits)
    return result
