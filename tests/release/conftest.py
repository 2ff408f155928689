import re
from datetime import datetime, time, timedelta
from urllib.parse import unquote

import pytest
from django.core import mail
from django.core.cache import cache

from tests.booking.web.office import build_office
from willkommen.clock import local_datetime
from willkommen.release import draw, requests
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


def confirm_token_from_mail(message):
    return unquote(re.search(r"confirm/\?token=([^&\s]+)", message.body).group(1))


def request_and_confirm(release_round, name, email, now, **fields):
    mail.outbox.clear()
    request, _status = requests.submit(
        release_round,
        service_id=release_round.services.first().pk,
        name=name,
        email=email,
        now=now,
        **fields,
    )
    (message,) = mail.outbox
    return requests.confirm(request.number, confirm_token_from_mail(message), now=now)


def drawn_round(office, count, *, now, **fields) -> ReleaseRound:
    """A round of ``count`` confirmed requests (Person 0…, p0@example.org…), drawn."""
    release_round = make_round(office, now=now, **fields)
    for index in range(count):
        request_and_confirm(release_round, f"Person {index}", f"p{index}@example.org", now)
    draw.run_draw(release_round.pk, now=draw_time(release_round))
    release_round.refresh_from_db()
    return release_round
