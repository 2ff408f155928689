"""An office whose appointments are held in ZMS, reached over HTTP on a loopback port.

The booking tests' welcome service (``tests.booking.conftest.make_world``: Amal speaks
Arabic 8–16, Dariush alone Persian 8–12, Olena Ukrainian 12–16, all German) on the next
weekday far enough ahead to be bookable whatever the clock says, with a local ZMS citizen
API (``zms_service``) configured as the location's office system.
"""

from dataclasses import dataclass
from datetime import time, timedelta

import holidays
import pytest
from django.utils import timezone

from tests.booking.conftest import make_world
from willkommen.booking import office_follow
from willkommen.booking.services import ConsultationRequest
from willkommen.clock import LOCAL_ZONE, local_datetime
from willkommen.officesystems.models import OfficeSystem

from .zms_service import ZmsCitizenApi

CLIENT = {"name": "Dana Example", "email": "dana@example.org"}
ARABIC = ConsultationRequest("ar", ("work",))
PERSIAN = ConsultationRequest("fa", ("family",))
PROCESS_ID = 100348
AUTH_KEY = "42a3"


@dataclass
class OfficeWorld:
    world: object
    day: object

    @property
    def location(self):
        return self.world.location

    def at(self, hour, minute=0, days=0):
        return local_datetime(self.day + timedelta(days=days), time(hour, minute))


def past_moment():
    """Yesterday, on the quarter-hour (a ZMS timestamp has whole seconds)."""
    moment = timezone.now() - timedelta(days=1)
    return moment.replace(minute=moment.minute // 15 * 15, second=0, microsecond=0)


def bookable_day():
    day = timezone.now().astimezone(LOCAL_ZONE).date() + timedelta(days=2)
    closed = holidays.country_holidays("DE", subdiv="NI", years=[day.year, day.year + 1])
    while day.weekday() >= 5 or day in closed:
        day += timedelta(days=1)
    return day


@pytest.fixture
def office_world(organisations, make_staff):
    world = make_world(organisations, make_staff)
    world.schedule.minimum_notice_minutes = 0
    world.schedule.save()
    return OfficeWorld(world=world, day=bookable_day())


@pytest.fixture
def zms():
    """The ZMS citizen API; at the end every answer it gave is checked against the
    schema (and every request against its request part)."""
    service = ZmsCitizenApi().start()
    yield service
    service.stop()
    assert not service.violations, service.violations


@pytest.fixture
def zms_office(office_world, zms):
    """The location's office system is that ZMS (configured in the admin's model)."""
    OfficeSystem.objects.create(
        location=office_world.location,
        adapter="zms",
        base_url=zms.url,
        office_ids="10489",
        slot_minutes=10,
        timeout_seconds=2,
    )
    return office_world


def book_through_zms(
    office_world,
    zms,
    *,
    hour=10,
    minute=0,
    request=ARABIC,
    process_id=PROCESS_ID,
    email=CLIENT["email"],
    language="en",
    **fields,
):
    """A ZMS appointment at ``hour`` (two slots of ten minutes) and a consultation added to
    it the way the client's page does it."""
    zms.add(process_id, AUTH_KEY, office_world.at(hour, minute), **fields)
    return office_follow.add_consultation_by_lookup(
        office_world.location,
        str(process_id),
        AUTH_KEY,
        request,
        CLIENT["name"],
        email,
        language=language,
        client_ip="203.0.113.7",
    )
