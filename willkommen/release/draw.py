"""The draw: once the window has closed, every confirmed request in a random order given by
the round's seed, each taking the earliest acceptable free slot (``allocation``). Booked at
once, under the same guard as every booking (``booking.placement``).

Exactly once: the whole draw — the allocation, every booking, the requests' outcome and
``drawn_at`` — is one transaction that begins by locking the round's row. A second worker
waits for that lock and then finds the round drawn; a worker that dies in the middle leaves
nothing behind, and the next sweep (``tasks.run_due_draws``) draws again from the same seed
and the same requests, so with the same result.
"""

import time as wall_clock
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from willkommen import outbox
from willkommen.booking import services as booking
from willkommen.scheduling.intervals import from_epoch

from . import outcomes, public, signals, tasks
from .allocation import Wish, allocate
from .models import DrawRecord, ReleaseRequest, ReleaseRound, RequestStatus
from .pool import build_pool

# Switched off only by the control test that shows two workers would otherwise both draw.
draw_guard = {"enabled": True}


@dataclass
class DrawOutcome:
    round_id: int
    requests: int
    allocated: int
    seconds: float


def consultation_request_of(request: ReleaseRequest):
    wish = getattr(request, "consultation_wish", None)
    if wish is None:
        return None
    return booking.ConsultationRequest.from_choices(
        wish.language.code if wish.language else None,
        [topic.slug for topic in wish.topics.all()],
        wish.interpreter,
    )


def allocated_slot(request: ReleaseRequest, desk_id, start, end) -> booking.AllocatedSlot:
    """The slot given to ``request``, for booking: the requester's name, contact, language
    and consultation wish (the name stays the booking's for good)."""
    return booking.AllocatedSlot(
        service_id=request.service_id,
        desk_id=desk_id,
        start=start,
        end=end,
        name=request.name,
        email=request.email,
        phone=request.phone,
        language=request.language,
        consultation=consultation_request_of(request),
    )


def book_for(request: ReleaseRequest, desk_id, start, end, now):
    """Books the slot for ``request`` alone (the waiting list's next in line)."""
    slot = allocated_slot(request, desk_id, start, end)
    return booking.book_allocated(request.round.location, slot, now)


def load_wishes(release_round):
    """The confirmed requests as the allocation sees them: numbers, concerns, days,
    day-parts and weights only (no names, no contacts, no consultations)."""
    rows = release_round.requests.filter(status=RequestStatus.CONFIRMED).values_list(
        "pk", "number", "service_id", "days", "day_parts", "weight"
    )
    ids, wishes = {}, []
    for pk, number, service_id, days, day_parts, weight in rows:
        ids[number] = pk
        wishes.append(Wish(number, service_id, tuple(days or ()), tuple(day_parts or ()), weight))
    return ids, wishes


def book_winners(release_round, result, ids, now) -> dict[str, int]:
    """Books every allocation in one go (``booking.book_allocated_many``); returns the
    appointment id per request number."""
    winners = (
        ReleaseRequest.objects.filter(pk__in=[ids[number] for number in result.allocations])
        .select_related("consultation_wish__language")
        .prefetch_related("consultation_wish__topics")
    )
    by_number = {request.number: request for request in winners}
    numbers = list(result.allocations)
    slots = [
        allocated_slot(
            by_number[number], given.desk_id, from_epoch(given.start), from_epoch(given.end)
        )
        for number, given in result.allocations.items()
    ]
    appointments = booking.book_allocated_many(release_round.location, slots, now)
    return {
        number: appointment.pk for number, appointment in zip(numbers, appointments, strict=True)
    }


def record_outcomes(result, ids, appointment_of):
    """Every drawn request's place, outcome and appointment (``outcomes.write``)."""
    rows = [
        (
            ids[number],
            position,
            RequestStatus.ALLOCATED if number in appointment_of else RequestStatus.NOT_DRAWN,
            appointment_of.get(number),
        )
        for position, number in enumerate(result.order, start=1)
    ]
    outcomes.write(rows)


def record_of(pool, wishes, result) -> dict:
    """What ``verify_draw`` needs to recompute the draw: the free pool time, every wish and
    the allocations."""
    return {
        "pool": pool.to_json(),
        "wishes": [
            [wish.number, wish.service_id, list(wish.days), list(wish.day_parts), wish.weight]
            for wish in wishes
        ],
        "allocations": [
            [item.number, item.desk_id, item.start, item.end]
            for item in result.allocations.values()
        ],
    }


def run_draw(round_id, now=None) -> DrawOutcome | None:
    """Draws round ``round_id`` if it is due and not drawn yet; None otherwise."""
    now = now or timezone.now()
    began = wall_clock.perf_counter()
    with transaction.atomic():
        rounds = ReleaseRound.objects.select_related("location").filter(pk=round_id)
        if draw_guard["enabled"]:
            rounds = rounds.select_for_update(of=("self",))
        release_round = rounds.first()
        if release_round is None or now < release_round.draw_at:
            return None
        if draw_guard["enabled"] and release_round.drawn_at is not None:
            return None
        release_round.requests.filter(status=RequestStatus.UNCONFIRMED).update(
            status=RequestStatus.LAPSED
        )
        ids, wishes = load_wishes(release_round)
        pool = build_pool(release_round, now)
        result = allocate(release_round.seed, wishes, pool)
        appointment_of = book_winners(release_round, result, ids, now)
        record_outcomes(result, ids, appointment_of)
        # A re-draw without the guard (its control test only) replaces the record.
        DrawRecord.objects.update_or_create(
            round=release_round, defaults={"data": record_of(pool, wishes, result)}
        )
        release_round.drawn_slots = public.slot_count(pool)
        release_round.drawn_at = now
        release_round.save(update_fields=["drawn_slots", "drawn_at"])
        successor = schedule_next(release_round)
        outbox.enqueue(tasks.notify_round, release_round.pk)
        signals.send(signals.round_drawn, release_round=release_round, successor=successor)
    return DrawOutcome(
        release_round.pk, len(wishes), len(result.allocations), wall_clock.perf_counter() - began
    )


def schedule_next(release_round) -> ReleaseRound | None:
    """A weekly round's successor: everything a week later, a new seed."""
    if not release_round.recurs_weekly:
        return None
    existing = ReleaseRound.objects.filter(previous=release_round).first()
    if existing is not None:
        return existing
    week = timedelta(days=7)
    successor = ReleaseRound.objects.create(
        location=release_round.location,
        first_day=release_round.first_day + week,
        last_day=release_round.last_day + week,
        opens_at=release_round.opens_at + week,
        closes_at=release_round.closes_at + week,
        draw_at=release_round.draw_at + week,
        leftover=release_round.leftover,
        weight_for_unlucky=release_round.weight_for_unlucky,
        recurs_weekly=True,
        previous=release_round,
    )
    successor.services.set(release_round.services.all())
    successor.desks.set(release_round.desks.all())
    schedule_draw(successor)
    return successor


def schedule_draw(release_round):
    """Queues the round's draw for its draw time where the task queue can defer work; the
    ``run_draws`` timer draws every due round anyway (and after a worker died)."""
    if draw_round.get_backend().supports_defer:
        outbox.enqueue(draw_round.using(run_after=release_round.draw_at), release_round.pk)


@task()
def draw_round(round_id: int) -> int:
    """The draw at its time (queued by ``schedule_draw``); a no-op once drawn."""
    outcome = run_draw(round_id)
    return outcome.allocated if outcome else 0


def run_due_draws(now=None) -> list[DrawOutcome]:
    """Draws every round whose draw time has passed (the ``run_draws`` timer) and tells
    the requesters of drawn rounds whom nobody has told yet (after a worker died)."""
    now = now or timezone.now()
    outcomes = [outcome for pk in list(due_rounds(now)) if (outcome := run_draw(pk, now))]
    for pk in (
        ReleaseRound.objects.filter(
            drawn_at__isnull=False,
            requests__notified_at__isnull=True,
            requests__status__in=(RequestStatus.ALLOCATED, RequestStatus.NOT_DRAWN),
        )
        .values_list("pk", flat=True)
        .distinct()
    ):
        tasks.notify_outcomes(pk, now)
    return outcomes


def due_rounds(now):
    return ReleaseRound.objects.filter(drawn_at__isnull=True, draw_at__lte=now).values_list(
        "pk", flat=True
    )
