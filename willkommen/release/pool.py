"""A round's pool: the office time of its desks on its days, withheld from first-come
booking while the round runs, and what its draw gives out."""

from datetime import time, timedelta

from django.db.models import Q

from willkommen import clock
from willkommen.booking.availability import free_desk_time
from willkommen.scheduling import config_cache
from willkommen.scheduling.intervals import epoch, epoch_not_before, utc

from .allocation import Pool
from .models import Leftover, ReleaseRound


def pool_days(release_round):
    day = release_round.first_day
    while day <= release_round.last_day:
        yield day
        day += timedelta(days=1)


def withholding_rounds(today):
    """(desk, first day, last day) of every round whose pool is closed to first come: until
    its draw, and after it when what is left goes to the waiting list. Read through the
    scheduling configuration memo (rounds change like configuration does: saving one
    invalidates it, ``receivers``)."""

    def build():
        return tuple(
            ReleaseRound.objects.filter(last_day__gte=today)
            .filter(Q(drawn_at__isnull=True) | Q(leftover=Leftover.WAITING_LIST))
            .filter(desks__isnull=False)
            .values_list("desks", "first_day", "last_day")
            .distinct()
        )

    return config_cache.memoised(("release-pools", today), build)


def withheld_desk_days(desk_ids, first_day, last_day, now):
    """(desk, day) pairs no first-come booking may take (registered with booking's
    ``pools`` by ``receivers``)."""
    wanted = set(desk_ids)
    withheld = set()
    for desk_id, round_first, round_last in withholding_rounds(clock.today(now)):
        if desk_id not in wanted or round_last < first_day or round_first > last_day:
            continue
        day = max(round_first, first_day)
        while day <= min(round_last, last_day):
            withheld.add((desk_id, day))
            day += timedelta(days=1)
    return withheld


def build_pool(release_round, now) -> Pool:
    """The pool's free time now, for the draw (time already booked stays booked)."""
    desk_ids = sorted(release_round.desks.values_list("pk", flat=True))
    free = free_desk_time(
        release_round.location, desk_ids, release_round.first_day, release_round.last_day, now
    )
    service_desks = {}
    durations = {}
    for service in release_round.services.all():
        handled = set(service.desks.values_list("pk", flat=True))
        service_desks[service.pk] = [desk for desk in desk_ids if desk in handled]
        durations[service.pk] = service.duration_minutes * 60
    days = sorted({day for _desk, day in free})
    return Pool(
        free={(desk, day.isoformat()): pieces for (desk, day), pieces in free.items() if pieces},
        service_desks=service_desks,
        durations=durations,
        noon={day.isoformat(): epoch(utc(day, time(12))) for day in days},
        earliest=epoch_not_before(now),
    )
