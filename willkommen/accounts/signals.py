"""Signals of the accounts app, for the apps above it.

``staff_change_recorded`` carries every change of a staff member's rights, every request
and every decision to the audit log, which the consultations app keeps: accounts sits
below consultations and must not import it (docs/architecture.md). Sent synchronously,
inside the change's transaction, so the event is written or rolled back with it.
"""

from enum import StrEnum

from django.dispatch import Signal


class StaffChangeEvent(StrEnum):
    """What happened; the values are the audit log's action codes."""

    UPDATE = "update"
    REQUEST = "request"
    APPROVE = "approve"
    REJECT = "reject"


# Arguments: request, actor, event (StaffChangeEvent), member_id, organisation_id, detail.
staff_change_recorded = Signal()
