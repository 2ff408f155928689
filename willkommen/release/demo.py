"""The demo's appointment draw: one weekly round at the demo location, its window open now,
its pool (one office desk, one day) three weeks ahead, so that /release/ can be tried at
once. Idempotent: nothing is added while the location has a round not yet drawn."""

from datetime import time, timedelta

import holidays
from django.db import transaction
from django.utils import timezone

from willkommen.clock import LOCAL_ZONE, local_datetime
from willkommen.organisations.models import Desk, DeskKind, Location, OfficeService

from .draw import schedule_draw
from .models import Leftover, ReleaseRound

POOL_AFTER_DAYS = 21


def pool_day(today):
    day = today + timedelta(days=POOL_AFTER_DAYS)
    closed = holidays.country_holidays("DE", subdiv="NI", years=[day.year, day.year + 1])
    while day.weekday() >= 5 or day in closed:
        day += timedelta(days=1)
    return day


def seed(stdout=None):
    location = Location.objects.filter(is_active=True).order_by("pk").first()
    if (
        location is None
        or ReleaseRound.objects.filter(location=location, drawn_at__isnull=True).exists()
    ):
        return
    desk = (
        Desk.objects.filter(location=location, kind=DeskKind.OFFICE_DESK, is_active=True)
        .order_by("-pk")
        .first()
    )
    services = OfficeService.objects.filter(bookable_online=True, desks=desk)
    if desk is None or not services.exists():
        return
    now = timezone.now()
    today = now.astimezone(LOCAL_ZONE).date()
    day = pool_day(today)
    with transaction.atomic():
        release_round = ReleaseRound.objects.create(
            location=location,
            first_day=day,
            last_day=day,
            opens_at=now - timedelta(minutes=5),
            closes_at=local_datetime(today + timedelta(days=2), time(18)),
            draw_at=local_datetime(today + timedelta(days=2), time(19)),
            leftover=Leftover.WAITING_LIST,
            recurs_weekly=True,
        )
        release_round.services.set(services)
        release_round.desks.set([desk])
        schedule_draw(release_round)
    if stdout is not None:
        stdout.write(f"Appointment draw: /release/{release_round.pk}/ (pool {day:%Y-%m-%d})")
