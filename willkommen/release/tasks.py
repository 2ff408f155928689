"""Background work of the fair release: the confirmation link and telling everybody the
outcome (the draw's own task is ``draw.draw_round``). Task arguments are ids; every task
may run twice (after a worker restart) without a second effect."""

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from . import notifications
from .models import ReleaseRequest, RequestStatus


@task()
def send_confirmation_request(request_id: int, confirm_token: str) -> None:
    request = (
        ReleaseRequest.objects.select_related("round", "round__location")
        .filter(pk=request_id)
        .first()
    )
    if request is not None and request.status == RequestStatus.UNCONFIRMED:
        notifications.send_request_message(request, "confirm_request", confirm_token=confirm_token)


@task()
def notify_round(round_id: int) -> int:
    return notify_outcomes(round_id)


def notify_outcomes(round_id, now=None) -> int:
    """Tells every requester of a drawn round its outcome, once each: the winners get the
    booking's own confirmation (with the calendar file and the manage link), the others
    that they were not drawn and when the next round opens."""
    sent = 0
    pending = ReleaseRequest.objects.filter(
        round_id=round_id,
        notified_at__isnull=True,
        status__in=(RequestStatus.ALLOCATED, RequestStatus.NOT_DRAWN),
    ).values_list("pk", flat=True)
    for request_id in list(pending):
        if notify_one(request_id, now):
            sent += 1
    return sent


def notify_one(request_id, now=None) -> bool:
    now = now or timezone.now()
    with transaction.atomic():
        request = (
            ReleaseRequest.objects.select_for_update(of=("self",))
            .select_related(
                "round",
                "round__location",
                "appointment",
                "appointment__location",
                "appointment__service",
            )
            .filter(pk=request_id, notified_at__isnull=True)
            .first()
        )
        if request is None:
            return False
        request.notified_at = now
        request.save(update_fields=["notified_at"])
    # Marked first: a crash after this loses one message rather than sending two; the
    # status link and the booking's manage link still show the outcome.
    notifications.send_outcome(request)
    return True
