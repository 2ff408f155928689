"""The counsellor's day shows what the office changed in its own appointment system
(``officesystems.sync``): an office appointment moved or cancelled, and what became of the
consultation around it — so that no counsellor waits for a client whose consultation the
office's change moved or ended.

Shown like the rest of the day: a counsellor sees the consultations they hold, a lead
those of their organisation, everybody those still without a counsellor; never topics or
the client's name.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q

from willkommen.accounts import policy
from willkommen.booking.models import ConsultationBooking
from willkommen.officesystems.models import OfficeChange

SHOWN_DAYS = 7


@dataclass
class ChangeRow:
    change: OfficeChange
    booking: ConsultationBooking


def recent_for(user, now) -> list[ChangeRow]:
    """Changes noticed in the last days, to consultations this user may see, newest
    first."""
    changes = list(
        OfficeChange.objects.filter(detected_at__gte=now - timedelta(days=SHOWN_DAYS))[:200]
    )
    if not changes:
        return []
    mine = Q(counsellor__isnull=True)
    if policy.has_permission(user, policy.Permission.VIEW_ORGANISATION_CONSULTATIONS):
        mine |= Q(counsellor__organisation_id=user.organisation_id)
    else:
        mine |= Q(counsellor=user)
    bookings = {
        booking.appointment_id: booking
        for booking in ConsultationBooking.objects.filter(
            mine, appointment_id__in={change.appointment_id for change in changes}
        ).select_related("language", "counsellor")
    }
    return [
        ChangeRow(change, bookings[change.appointment_id])
        for change in changes
        if change.appointment_id in bookings
    ]
