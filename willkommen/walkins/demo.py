"""Demo walk-ins: a few people waiting today, and finished walk-ins of the past weeks so
that the estimated wait has consultation lengths to work with.

Called by ``manage.py seed_demo`` after master data and shifts exist. Idempotent: today's
tickets are created only if the location has none today, the history only if it has none
before today.
"""

import random
from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone

from willkommen.accounts import policy
from willkommen.accounts.models import Role, StaffMember
from willkommen.clock import LOCAL_ZONE, local_datetime
from willkommen.organisations.models import Language, Location, Topic

from . import services
from .models import Ticket, TicketStatus

HISTORY_DAYS = 21
TODAY_LANGUAGES = ("fa", "ar", "uk", "tr")


def _say(stdout, text):
    if stdout is not None:
        stdout.write(text)


def seed(stdout=None):
    languages = {language.code: language for language in Language.objects.all()}
    if not languages:
        return
    outreach = StaffMember.objects.filter(role=Role.OUTREACH).order_by("pk").first()
    topics = list(Topic.objects.filter(is_active=True))
    with transaction.atomic():
        for location in Location.objects.filter(is_active=True):
            history = _seed_history(location, languages, topics, outreach)
            today = _seed_today(location, languages, topics, outreach)
            if history or today:
                _say(stdout, f"  walk-ins at {location}: {history} past, {today} waiting now")


def _speakers(code):
    return list(
        StaffMember.objects.filter(
            role__in=policy.COUNSELLING_ROLES,
            is_active=True,
            languages__code=code,
        ).order_by("username")
    )


def _seed_history(location, languages, topics, outreach):
    today = timezone.localtime(timezone.now(), LOCAL_ZONE).date()
    if Ticket.objects.filter(location=location, service_day__lt=today).exists():
        return 0
    rng = random.Random(f"walkins-{location.pk}")
    codes = [code for code in ("fa", "ar", "uk", "tr", "ru", "prs", "en") if code in languages]
    room_ids = list(location.desks.filter(kind="counselling_room").values_list("pk", flat=True))
    created = 0
    for days_back in range(HISTORY_DAYS, 0, -1):
        day = today - timedelta(days=days_back)
        if day.weekday() >= 5:
            continue
        for index in range(rng.randint(2, 5)):
            code = rng.choice(codes)
            arrival = local_datetime(day, time(8, 30)) + timedelta(minutes=40 * index)
            called = arrival + timedelta(minutes=rng.randint(3, 45))
            speakers = _speakers(code)
            left = rng.random() < 0.1 or not speakers
            ticket = Ticket.objects.create(
                location=location,
                service_day=day,
                sequence=index + 1,
                number=f"{services.TICKET_PREFIX}-{index + 1:03d}",
                language=languages[code],
                queue_position_key=arrival,
                created_at=arrival,
                created_by=outreach,
                status=TicketStatus.LEFT if left else TicketStatus.DONE,
                left_at=called if left else None,
                called_at=None if left else called,
                last_called_at=None if left else called,
                call_count=0 if left else 1,
                called_by=None if left else rng.choice(speakers),
                room_id=rng.choice(room_ids) if room_ids and not left else None,
                started_at=None if left else called + timedelta(minutes=2),
                finished_at=None
                if left
                else called + timedelta(minutes=2 + rng.choice([15, 20, 25, 30, 35, 40])),
            )
            ticket.topics.set(rng.sample(topics, k=min(len(topics), rng.randint(0, 2))))
            created += 1
    return created


def _seed_today(location, languages, topics, outreach):
    now = timezone.now()
    today = services.local_day(now)
    if Ticket.objects.filter(location=location, service_day=today).exists():
        return 0
    # Arrivals over the last half hour, but not before midnight: every ticket on today's
    # service day, which is what the check above looks for on the next run.
    first_arrival = max(now - timedelta(minutes=30), local_datetime(today, time(0)))
    created = 0
    for index, code in enumerate(code for code in TODAY_LANGUAGES if code in languages):
        ticket = services.register_walk_in(
            location,
            languages[code],
            topics[index : index + 1],
            now + timedelta(hours=2) if index == 1 else None,
            outreach,
            now=min(first_arrival + timedelta(minutes=5 * index), now),
        )
        created += 1 if ticket else 0
    return created
