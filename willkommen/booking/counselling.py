"""The booked consultation's lifecycle as the counselling side drives it: started, the
client did not come, completed.

The consultations app documents what happens in a consultation; the booking's own status
belongs to booking. Consultations call these functions instead of writing statuses, so
every transition of a ``ConsultationBooking`` is written here or in ``changes`` with the
enum, and a new status cannot be missed by a caller that spells it differently.
"""

from .models import ConsultationBooking, ConsultationBookingStatus

Status = ConsultationBookingStatus

# A counsellor can start a booking that is confirmed, already started (reopened) or was
# marked a no-show by mistake.
STARTABLE_STATUSES = (Status.BOOKED, Status.STARTED, Status.NO_SHOW)
# What the counsellor's day lists: confirmed bookings and what became of them.
DAY_STATUSES = (Status.BOOKED, Status.STARTED, Status.COMPLETED, Status.NO_SHOW)


def for_organisation(organisation_id):
    """Bookings whose counsellor belongs to the organisation (the only ones it may see)."""
    return ConsultationBooking.objects.filter(counsellor__organisation_id=organisation_id)


def lock_for_organisation(booking_id, organisation_id) -> ConsultationBooking | None:
    """The booking, row-locked for the caller's transaction, or None if it does not exist
    or belongs to another organisation (the caller never says which)."""
    return (
        for_organisation(organisation_id)
        .select_for_update(of=("self",))
        .select_related("appointment", "counsellor", "language")
        .filter(pk=booking_id)
        .first()
    )


def can_start(booking: ConsultationBooking) -> bool:
    return booking.status in STARTABLE_STATUSES


def mark_started(booking: ConsultationBooking) -> None:
    """Call under the lock of ``lock_for_organisation``, after ``can_start``."""
    booking.status = Status.STARTED
    booking.save(update_fields=["status"])


def can_mark_no_show(booking: ConsultationBooking) -> bool:
    return booking.status == Status.BOOKED


def mark_no_show(booking: ConsultationBooking) -> None:
    """Call under the lock of ``lock_for_organisation``, after ``can_mark_no_show``."""
    booking.status = Status.NO_SHOW
    booking.save(update_fields=["status"])


def mark_completed(booking_id: int) -> None:
    """The consultation of this booking was finished and documented."""
    ConsultationBooking.objects.filter(pk=booking_id).update(status=Status.COMPLETED)
