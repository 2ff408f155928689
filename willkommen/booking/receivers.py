"""Connects the booking core's signals to the notification tasks, so that the core knows
nothing about e-mail or SMS. Imported from ``BookingConfig.ready()``. The core sends the
signals after commit, so a task never mails about a rolled-back booking."""

from django.dispatch import receiver

from . import signals, tasks


@receiver(signals.booking_confirmed, dispatch_uid="booking_confirmed_mail")
def on_booking_confirmed(sender, appointment, **kwargs):
    tasks.send_booking_confirmation.enqueue(appointment.pk)


@receiver(signals.booking_pending_confirmation, dispatch_uid="booking_pending_mail")
def on_booking_pending_confirmation(sender, appointment, confirm_token, **kwargs):
    tasks.send_confirmation_request.enqueue(appointment.pk, confirm_token)


@receiver(signals.booking_cancelled, dispatch_uid="booking_cancelled_mail")
def on_booking_cancelled(sender, appointment, **kwargs):
    tasks.send_booking_cancelled.enqueue(appointment.pk)


@receiver(signals.booking_moved, dispatch_uid="booking_moved_mail")
def on_booking_moved(sender, appointment, **kwargs):
    tasks.send_booking_moved.enqueue(appointment.pk)
