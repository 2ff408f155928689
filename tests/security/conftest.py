"""Fixtures of the security tests: a small office and a booking (the rate-limit counters
start at zero: their table is rolled back or emptied with every test)."""

import pytest

from tests.booking.web.office import build_office
from willkommen.booking import services


@pytest.fixture
def office(organisations, make_staff):
    return build_office(organisations, make_staff)


@pytest.fixture
def booking(office):
    """A booked appointment and its manage token, made without going through a limit."""

    def make(hour=9, email="layla@example.org", phone=None):
        result = services.book(
            office.service.pk, office.at(hour), name="Layla", email=email, phone=phone
        )
        return result.appointment, result.manage_token

    return make
