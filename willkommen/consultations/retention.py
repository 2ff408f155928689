"""Deleting personal data when it is due, keeping the figures.

* client name and contact: ``RETENTION_CONTACT_DAYS`` after the last contact;
* notes: ``RETENTION_NOTE_DAYS`` after the consultation; the record is then also detached
  from its client record, so that what remains is a figure, not a person's history;
* client records without any remaining consultation, once their last contact is past the
  contact retention;
* name, e-mail and phone of past office appointments (``booking.Appointment``), after the
  contact retention.

Consultation rows stay with date, organisation, channel, language, topics, duration and
outcome flags: the statistics never held personal data, so they survive.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import ClientRecord, Consultation


@dataclass
class RetentionResult:
    counts: dict = field(default_factory=dict)

    def lines(self):
        return [f"{name}: {count}" for name, count in self.counts.items()]


def _due_contacts(contact_limit):
    return ClientRecord.objects.filter(last_contact_at__lt=contact_limit).filter(
        ~Q(name="") | ~Q(contact="")
    )


def _due_notes(note_limit):
    return (
        Consultation.objects.annotate(
            held_at=Coalesce("ended_at", "started_at", "planned_start", "created_at")
        )
        .filter(held_at__lt=note_limit)
        .filter(~Q(note="") | Q(client__isnull=False))
    )


def _due_clients(contact_limit):
    return ClientRecord.objects.annotate(remaining=Count("consultations")).filter(
        remaining=0, last_contact_at__lt=contact_limit
    )


def _due_appointments(contact_limit):
    if not apps.is_installed("willkommen.booking"):
        return None
    try:
        Appointment = apps.get_model("booking", "Appointment")
    except LookupError:
        return None
    return Appointment.objects.filter(end__lt=contact_limit).filter(
        ~Q(name="") | ~Q(email="") | ~Q(phone="")
    )


def apply_retention(now=None, dry_run=False) -> RetentionResult:
    now = now or timezone.now()
    contact_limit = now - timezone.timedelta(days=settings.RETENTION_CONTACT_DAYS)
    note_limit = now - timezone.timedelta(days=settings.RETENTION_NOTE_DAYS)
    result = RetentionResult()
    with transaction.atomic():
        contacts = _due_contacts(contact_limit)
        notes = _due_notes(note_limit)
        appointments = _due_appointments(contact_limit)
        result.counts["client contact data"] = contacts.count()
        result.counts["consultation notes and client links"] = notes.count()
        result.counts["office appointment contact data"] = (
            appointments.count() if appointments is not None else 0
        )
        if not dry_run:
            contacts.update(name="", contact="")
            Consultation.objects.filter(pk__in=list(notes.values_list("pk", flat=True))).update(
                note="", client=None, note_deleted_at=now
            )
            if appointments is not None:
                appointments.update(name="", email="", phone="")
        # Counted after the notes step, which detaches old records from their clients.
        clients = _due_clients(contact_limit)
        if dry_run:
            # In a dry run nothing was detached: count clients whose every consultation
            # is due, as the real run would find them.
            held = Coalesce(
                "consultations__ended_at",
                "consultations__started_at",
                "consultations__planned_start",
                "consultations__created_at",
            )
            clients = ClientRecord.objects.filter(last_contact_at__lt=contact_limit).exclude(
                pk__in=ClientRecord.objects.annotate(held=held)
                .filter(held__gte=note_limit)
                .values("pk")
            )
        result.counts["client records"] = clients.count()
        if not dry_run:
            ClientRecord.objects.filter(pk__in=list(clients.values_list("pk", flat=True))).delete()
    return result
