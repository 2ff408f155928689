"""What happened to a booking, for whoever needs to tell the client.

Sent by ``services.py`` inside the booking's transaction. Receivers queue their work
through ``willkommen.outbox``, which commits the task with the booking (database queue) or
hands it over after the commit (Redis queue), so a receiver never mails about a booking
that was rolled back. Receivers (e-mail, SMS, .ics) live in ``receivers.py``; the booking
core knows nothing about notifications.
"""

from django.dispatch import Signal

# Keyword arguments: appointment.
booking_confirmed = Signal()
# Keyword arguments: appointment, confirm_token (the double opt-in link's token).
booking_pending_confirmation = Signal()
# Keyword arguments: appointment.
booking_cancelled = Signal()
# The office appointment moved. Keyword arguments: appointment, consultation_dropped (its
# consultation was let go with the move, not moved with it), previous_slot (desk id, start,
# end it left: the fair release gives a drawn slot to its waiting list).
booking_moved = Signal()
# Only the consultation moved (to the other side); the office appointment stands.
# Keyword: appointment.
consultation_moved = Signal()
# Only the consultation was cancelled; the office appointment stands. Keyword: appointment.
consultation_cancelled = Signal()
# A counsellor's time came free (a consultation was cancelled or moved); a consultation
# still without a counsellor that day may have it. Keyword arguments: location_id, day.
counsellor_time_freed = Signal()
# "Lost your link?" (``lost_link``): a new link is wanted for this code and contact, which
# may not exist or not match; the worker finds out. Keyword arguments: code, email, phone.
new_link_requested = Signal()
# The clerk recorded a no-show (``office_calendar``): whatever consultation came with the
# appointment is freed in the background. Keyword arguments: appointment_id.
appointment_no_show = Signal()


def send(signal: Signal, **kwargs):
    """Sends ``signal`` now, inside the caller's transaction (see the module docstring)."""
    signal.send(sender="booking", **kwargs)
