"""Connects the booking core's signals to the notification tasks, so that the core knows
nothing about e-mail or SMS. Imported from ``BookingConfig.ready()``. The tasks go through
``willkommen.outbox``: queued with the booking's transaction, so a task never mails about
a rolled-back booking and no committed booking lacks its mail."""

from django.dispatch import receiver

from willkommen import outbox

from . import signals, tasks


@receiver(signals.booking_confirmed, dispatch_uid="booking_confirmed_mail")
def on_booking_confirmed(sender, appointment, **kwargs):
    outbox.enqueue(tasks.send_booking_confirmation, appointment.pk)


@receiver(signals.booking_pending_confirmation, dispatch_uid="booking_pending_mail")
def on_booking_pending_confirmation(sender, appointment, confirm_token, **kwargs):
    outbox.enqueue(tasks.send_confirmation_request, appointment.pk, confirm_token)


def _reason(reason) -> dict:
    """The change's reason for the message ("schedule": a change of the schedule), passed
    only when there is one."""
    return {"reason": reason} if reason else {}


@receiver(signals.booking_cancelled, dispatch_uid="booking_cancelled_mail")
def on_booking_cancelled(sender, appointment, reason=None, **kwargs):
    outbox.enqueue(tasks.send_booking_cancelled, appointment.pk, **_reason(reason))


@receiver(signals.booking_moved, dispatch_uid="booking_moved_mail")
def on_booking_moved(sender, appointment, consultation_dropped=False, reason=None, **kwargs):
    kind = "moved_without_consultation" if consultation_dropped else "moved"
    outbox.enqueue(tasks.send_booking_moved, appointment.pk, kind, **_reason(reason))


@receiver(signals.consultation_moved, dispatch_uid="consultation_moved_mail")
def on_consultation_moved(sender, appointment, reason=None, **kwargs):
    outbox.enqueue(tasks.send_consultation_moved, appointment.pk, **_reason(reason))


@receiver(signals.consultation_cancelled, dispatch_uid="consultation_cancelled_mail")
def on_consultation_cancelled(sender, appointment, reason=None, **kwargs):
    outbox.enqueue(tasks.send_consultation_cancelled, appointment.pk, **_reason(reason))


@receiver(signals.counsellor_time_freed, dispatch_uid="counsellor_time_freed_assign")
def on_counsellor_time_freed(sender, location_id, day, **kwargs):
    day = day.isoformat()
    outbox.enqueue(
        tasks.assign_waiting_consultations,
        location_id,
        day,
        dedupe_key=("assign-waiting", location_id, day),
    )


@receiver(signals.new_link_requested, dispatch_uid="new_link_requested_mail")
def on_new_link_requested(sender, code, email, phone, **kwargs):
    outbox.enqueue(tasks.send_lost_link, code, email, phone)


@receiver(signals.appointment_no_show, dispatch_uid="appointment_no_show_release")
def on_appointment_no_show(sender, appointment_id, **kwargs):
    outbox.enqueue(tasks.release_consultation_after_no_show, appointment_id)
