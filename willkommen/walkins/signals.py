"""Signals other apps listen to. Both are sent after the transaction has committed, so a
receiver never sees a state that was rolled back.

* ``walk_in_consultation_started(sender=Ticket, ticket, counsellor)``
* ``walk_in_consultation_finished(sender=Ticket, ticket, counsellor)``

The consultations app connects receivers that open and close the consultation record.
"""

from django.dispatch import Signal

walk_in_consultation_started = Signal()
walk_in_consultation_finished = Signal()
