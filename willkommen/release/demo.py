"""The demo's appointment draws at the demo location: a weekly round with its window open
now and its pool (one office desk, one day) three weeks ahead, so that requesting can be
tried at once; and the week before's round, already drawn among demo requests, so that the
published order, the seed and ``verify_draw`` can be tried too. Idempotent: no open round is
added while the location has one not yet drawn, no drawn one while it has a drawn one."""

from datetime import time, timedelta

import holidays
from django.db import transaction
from django.utils import timezone

from willkommen.clock import LOCAL_ZONE, local_datetime
from willkommen.organisations.models import Desk, DeskKind, Location, OfficeService

from .draw import run_draw, schedule_draw
from .models import Leftover, ReleaseRequest, ReleaseRound, RequestStatus

POOL_AFTER_DAYS = 21
DRAWN_POOL_AFTER_DAYS = 14
DEMO_REQUESTS = 40


def pool_day(today, after_days=POOL_AFTER_DAYS):
    day = today + timedelta(days=after_days)
    closed = holidays.country_holidays("DE", subdiv="NI", years=[day.year, day.year + 1])
    while day.weekday() >= 5 or day in closed:
        day += timedelta(days=1)
    return day


def seed(stdout=None):
    location = Location.objects.filter(is_active=True).order_by("pk").first()
    if location is None:
        return
    desk = (
        Desk.objects.filter(location=location, kind=DeskKind.OFFICE_DESK, is_active=True)
        .order_by("-pk")
        .first()
    )
    services = OfficeService.objects.filter(bookable_online=True, desks=desk)
    if desk is None or not services.exists():
        return
    drawn = seed_drawn_round(location, desk, services, stdout)
    if ReleaseRound.objects.filter(location=location, drawn_at__isnull=True).exists():
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
            previous=drawn,
        )
        release_round.services.set(services)
        release_round.desks.set([desk])
        schedule_draw(release_round)
    if stdout is not None:
        stdout.write(f"Appointment draw: /release/{release_round.pk}/ (pool {day:%Y-%m-%d})")


def seed_drawn_round(location, desk, services, stdout=None):
    """Last week's round, drawn now among ``DEMO_REQUESTS`` confirmed demo requests for one
    desk-day two weeks ahead: more requests than slots, so the order and the waiting list
    show. Its draw queues the outcome messages like any draw."""
    existing = ReleaseRound.objects.filter(location=location, drawn_at__isnull=False).first()
    if existing is not None:
        return None
    now = timezone.now()
    day = pool_day(now.astimezone(LOCAL_ZONE).date(), DRAWN_POOL_AFTER_DAYS)
    service = services.order_by("pk").first()
    with transaction.atomic():
        release_round = ReleaseRound.objects.create(
            location=location,
            first_day=day,
            last_day=day,
            opens_at=now - timedelta(days=8),
            closes_at=now - timedelta(days=6),
            draw_at=now - timedelta(days=6),
            leftover=Leftover.WAITING_LIST,
        )
        release_round.services.set(services)
        release_round.desks.set([desk])
        ReleaseRequest.objects.bulk_create(
            ReleaseRequest(
                round=release_round,
                service=service,
                name=f"Demo {number:02d}",
                email=f"draw-{number:02d}@demo.example",
                contact_key=f"draw-{number:02d}@demo.example",
                status=RequestStatus.CONFIRMED,
                created_at=now - timedelta(days=7),
                confirmed_at=now - timedelta(days=7),
            )
            for number in range(1, DEMO_REQUESTS + 1)
        )
        run_draw(release_round.pk, now=now)
    if stdout is not None:
        stdout.write(f"Drawn appointment draw: /release/{release_round.pk}/ (pool {day:%Y-%m-%d})")
    return release_round
