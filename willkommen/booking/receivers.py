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


@receiver(signals.booking_cancelled, dispatch_uid="booking_cancelled_mail")
def on_booking_cancelled(sender, appointment, **kwargs):
    outbox.enqueue(tasks.send_booking_cancelled, appointment.pk)


@receiver(signals.booking_moved, dispatch_uid="booking_moved_mail")
def on_booking_moved(sender, appointment, **kwargs):
    outbox.enqueue(tasks.send_booking_moved, appointment.pk)
