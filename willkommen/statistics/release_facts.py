"""The fair release's figures (``ReleaseRoundFact``): per drawn round, the appointments in
its pool, the confirmed requests, the appointments given, and how many requesters had
taken part in an earlier round at the location — requests per slot, the share allocated
and the share of repeat requesters follow from these."""

from django.utils import timezone

from willkommen.release.models import TAKING_PART, ReleaseRequest, ReleaseRound, RequestStatus
from willkommen.release.public import pool_slots

from .facts import local_day, periods, refresh_appointment
from .models import ReleaseRoundFact


def refresh_release_round(round_id: int) -> None:
    release_round = ReleaseRound.objects.filter(pk=round_id, drawn_at__isnull=False).first()
    if release_round is None:
        ReleaseRoundFact.objects.filter(source_id=round_id).delete()
        return
    taking_part = release_round.requests.filter(status__in=TAKING_PART)
    keys = set(taking_part.values_list("contact_key", flat=True))
    earlier = set(
        ReleaseRequest.objects.filter(
            round__location=release_round.location,
            round__drawn_at__lt=release_round.drawn_at,
            contact_key__in=keys,
            status__in=TAKING_PART,
        ).values_list("contact_key", flat=True)
    )
    # The draw books its winners in bulk, without a save signal per appointment.
    for appointment_id in release_round.requests.exclude(appointment=None).values_list(
        "appointment_id", flat=True
    ):
        refresh_appointment(appointment_id)
    day = local_day(release_round.drawn_at)
    ReleaseRoundFact.objects.update_or_create(
        source_id=release_round.pk,
        defaults={
            **periods(day),
            "location_id": release_round.location_id,
            "slots": pool_slots(release_round, timezone.now()),
            "confirmed_requests": len(keys),
            "allocated": taking_part.filter(status=RequestStatus.ALLOCATED).count(),
            "repeat_requesters": len(earlier),
        },
    )
