from datetime import time

import pytest

from willkommen.organisations.models import Desk, DeskKind, Location, OpeningHours


@pytest.fixture
def location(organisations):
    location = Location.objects.create(
        name="Service Center",
        street="Am Markt 1",
        postal_code="30159",
        city="Hannover",
        federal_state="NI",
        office=organisations["office"],
    )
    OpeningHours.objects.create(location=location, weekday=0, opens=time(8), closes=time(12))
    Desk.objects.create(location=location, name="Room 1", kind=DeskKind.COUNSELLING_ROOM)
    return location
