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
# Keyword arguments: appointment.
booking_moved = Signal()


def send(signal: Signal, **kwargs):
    """Sends ``signal`` now, inside the caller's transaction (see the module docstring)."""
    signal.send(sender="booking", **kwargs)
