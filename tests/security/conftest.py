"""Fixtures of the security tests: a small office, and rate-limit counters that start at
zero (they live in the cache, which outlives a test)."""

import pytest
from django.core.cache import cache

from tests.booking_web.office import build_office
from willkommen.booking import services


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


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
