from datetime import time

import pytest

from tests.conftest import make_location
from willkommen.organisations.models import Desk, DeskKind, OpeningHours


@pytest.fixture
def location(organisations):
    location = make_location(organisations["office"], "Service Center")
    OpeningHours.objects.create(location=location, weekday=0, opens=time(8), closes=time(12))
    Desk.objects.create(location=location, name="Room 1", kind=DeskKind.COUNSELLING_ROOM)
    return location
