from datetime import datetime, time, timedelta

import pytest
from django.core.cache import cache

from tests.booking.web.office import build_office
from willkommen.clock import local_datetime
from willkommen.release.models import Leftover, ReleaseRound


@pytest.fixture
def office(organisations, make_staff):
    cache.clear()
    return build_office(organisations, make_staff)


def make_round(office, *, now, leftover=Leftover.WAITING_LIST, days=1, **fields) -> ReleaseRound:
    """A round over ``days`` days from the office's day, its window open around ``now``."""
    release_round = ReleaseRound.objects.create(
        location=office.location,
        first_day=office.day,
        last_day=office.day + timedelta(days=days - 1),
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(hours=1),
        draw_at=now + timedelta(hours=2),
        leftover=leftover,
        **fields,
    )
    release_round.services.set([office.service])
    release_round.desks.set([office.desk])
    return release_round


def draw_time(release_round) -> datetime:
    return release_round.draw_at + timedelta(minutes=1)


def morning(office) -> datetime:
    return local_datetime(office.day, time(8))
