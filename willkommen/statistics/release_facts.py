"""The fair release's figures (``ReleaseRoundFact``): per drawn round, the appointments in
its pool, the confirmed requests, the appointments given, and how many requesters had
taken part in an earlier round at the location — requests per slot, the share allocated
and the share of repeat requesters follow from these."""

from django.utils import timezone

from willkommen.booking.models import Appointment
from willkommen.release.models import TAKING_PART, ReleaseRequest, ReleaseRound, RequestStatus
from willkommen.release.public import pool_slots

from .facts import local_day, periods, refresh_appointments
from .models import ReleaseRoundFact


def refresh_release_round(round_id: int) -> None:
    release_round = ReleaseRound.objects.filter(pk=round_id, drawn_at__isnull=False).first()
    if release_round is None:
        ReleaseRoundFact.objects.filter(source_id=round_id).delete()
        return
    taking_part = release_round.requests.filter(status__in=TAKING_PART)
    earlier = (
        ReleaseRequest.objects.filter(
            round__location=release_round.location_id,
            round__drawn_at__lt=release_round.drawn_at,
            contact_key__in=taking_part.values("contact_key"),
            status__in=TAKING_PART,
        )
        .values("contact_key")
        .distinct()
        .count()
    )
    # The draw books its winners in bulk, without a save signal per appointment.
    refresh_appointments(Appointment.objects.filter(release_request__round=release_round))
    day = local_day(release_round.drawn_at)
    ReleaseRoundFact.objects.update_or_create(
        source_id=release_round.pk,
        defaults={
            **periods(day),
            "location_id": release_round.location_id,
            "slots": pool_slots(release_round, timezone.now()),
            "confirmed_requests": taking_part.count(),
            "allocated": taking_part.filter(status=RequestStatus.ALLOCATED).count(),
            "repeat_requesters": earlier,
        },
    )
