"""What happened to a booking, for whoever needs to tell the client.

Sent by ``services.py`` only after the transaction commits (``transaction.on_commit``), so a
receiver never mails about a booking that was rolled back. Receivers (e-mail, SMS, .ics)
live in ``receivers.py``; the booking core knows nothing about notifications.
"""

from django.db import transaction
from django.dispatch import Signal

# Keyword arguments: appointment.
booking_confirmed = Signal()
# Keyword arguments: appointment, confirm_token (the double opt-in link's token).
booking_pending_confirmation = Signal()
# Keyword arguments: appointment.
booking_cancelled = Signal()
# Keyword arguments: appointment.
booking_moved = Signal()


def send_after_commit(signal: Signal, **kwargs):
    """Send ``signal`` once the current transaction has committed (at once outside one)."""
    transaction.on_commit(lambda: signal.send(sender="booking", **kwargs))
