"""Background work for bookings: the client's messages, the reminders of the day before,
and tidying up expired holds.

Run by the task worker (``manage.py db_worker``, or an RQ worker with Redis); in tests the
ImmediateBackend runs them at once. Task arguments are ids, never model instances, so that
a queued task always reads the current state of the booking.
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from willkommen import clock
from willkommen.clock import local_datetime

from . import assignment, lost_link, notifications, services
from .models import Appointment, AppointmentStatus

REMINDER_BATCH = 200


def _appointment(appointment_id):
    return (
        Appointment.objects.select_related("location", "service").filter(pk=appointment_id).first()
    )


@task()
def send_booking_confirmation(appointment_id: int) -> None:
    appointment = _appointment(appointment_id)
    if appointment is not None and appointment.status == AppointmentStatus.BOOKED:
        notifications.send_booking_message(appointment, "confirmation")


@task()
def send_confirmation_request(appointment_id: int, confirm_token: str) -> None:
    """Double opt-in: the link that makes the booking final."""
    appointment = _appointment(appointment_id)
    if appointment is None or appointment.status != AppointmentStatus.PENDING_CONFIRMATION:
        return
    notifications.send_booking_message(
        appointment,
        "confirm_request",
        confirm_url=notifications.confirm_url(appointment, confirm_token),
    )


def _reason_context(appointment, reason: str) -> dict:
    """``reason`` "schedule": the office or the welcome service changed its schedule; the
    message says so and links to booking a new time."""
    if reason != "schedule":
        return {}
    return {"schedule_change": True, "book_url": notifications.book_url(appointment.language)}


@task()
def send_booking_cancelled(appointment_id: int, reason: str = "") -> None:
    appointment = _appointment(appointment_id)
    if appointment is not None:
        notifications.send_booking_message(
            appointment, "cancelled", **_reason_context(appointment, reason)
        )


MOVED_KINDS = ("moved", "moved_without_consultation")


@task()
def send_booking_moved(appointment_id: int, kind: str = "moved", reason: str = "") -> None:
    """The office appointment moved (``kind``: "moved_without_consultation" when its
    consultation was let go with the move)."""
    appointment = _appointment(appointment_id)
    if kind not in MOVED_KINDS:
        kind = "moved"
    if appointment is not None and appointment.status in (
        AppointmentStatus.BOOKED,
        AppointmentStatus.PENDING_CONFIRMATION,
    ):
        notifications.send_booking_message(
            appointment, kind, **_reason_context(appointment, reason)
        )


@task()
def send_consultation_moved(appointment_id: int, reason: str = "") -> None:
    """Only the consultation moved; the office appointment stands."""
    appointment = _appointment(appointment_id)
    if appointment is not None and appointment.status in (
        AppointmentStatus.BOOKED,
        AppointmentStatus.PENDING_CONFIRMATION,
    ):
        notifications.send_booking_message(
            appointment, "consultation_moved", **_reason_context(appointment, reason)
        )


def reminder_window(now):
    """Appointments starting tomorrow (local calendar day) are due for their reminder."""
    tomorrow = clock.local_day(now) + timedelta(days=1)
    start = local_datetime(tomorrow, timezone.datetime.min.time())
    end = local_datetime(tomorrow + timedelta(days=1), timezone.datetime.min.time())
    return start, end


def due_reminders(now):
    start, end = reminder_window(now)
    return Appointment.objects.filter(
        status=AppointmentStatus.BOOKED,
        reminder_sent_at__isnull=True,
        start__gte=start,
        start__lt=end,
    ).exclude(email="", phone="")


def claim_reminder(appointment_id, now):
    """The appointment, locked for this transaction, if its reminder is still due; None if
    another worker holds it (SKIP LOCKED) or has already sent it (re-checked under the
    lock)."""
    return (
        due_reminders(now)
        .select_for_update(skip_locked=True, of=("self",))
        .select_related("location", "service")
        .filter(pk=appointment_id)
        .first()
    )


def send_due_reminders_now(now=None) -> int:
    """Sends every due reminder exactly once. Each appointment is locked with
    ``SKIP LOCKED`` and marked in the same transaction that sends its message, so two
    workers running at once never both send one, and a failed send is retried next run."""
    now = now or timezone.now()
    sent = 0
    for appointment_id in list(due_reminders(now).values_list("pk", flat=True)[:REMINDER_BATCH]):
        with transaction.atomic():
            appointment = claim_reminder(appointment_id, now)
            if appointment is None:
                continue  # another worker has it, or it changed meanwhile
            appointment.reminder_sent_at = now
            appointment.save(update_fields=["reminder_sent_at"])
            notifications.send_booking_message(appointment, "reminder")
            sent += 1
    return sent


@task()
def send_due_reminders() -> int:
    return send_due_reminders_now()


@task()
def release_expired_holds() -> int:
    return services.release_expired_holds()


@task()
def send_consultation_cancelled(appointment_id: int, reason: str = "") -> None:
    appointment = _appointment(appointment_id)
    if appointment is not None and appointment.status in (
        AppointmentStatus.BOOKED,
        AppointmentStatus.PENDING_CONFIRMATION,
    ):
        notifications.send_booking_message(
            appointment, "consultation_cancelled", **_reason_context(appointment, reason)
        )


@task()
def assign_waiting_consultations(location_id: int, day: str) -> int:
    """Gives consultations still without a counsellor on ``day`` (ISO date) the time that
    came free. Idempotent: running it twice, or after a worker died, assigns nothing twice
    (each one is locked and re-checked under ``placement``'s guard)."""
    return assignment.assign_waiting(location_id, date.fromisoformat(day))


@task()
def send_lost_link(code: str, email: str, phone: str) -> bool:
    """"Lost your link?": the new link, if the code exists and the contact matches
    (``lost_link.send_new_link``); otherwise nothing, and nobody learns which."""
    return lost_link.send_new_link(code, email, phone)


@task()
def release_consultation_after_no_show(appointment_id: int) -> bool:
    """The clerk recorded a no-show: the consultation that came with the appointment (if
    any, and not yet over) is freed as a cancellation frees it. Idempotent."""
    return services.release_consultation_after_no_show(appointment_id)
