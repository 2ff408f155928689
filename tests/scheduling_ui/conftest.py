from datetime import time

import pytest

from tests import factories


@pytest.fixture
def location(organisations):
    location = factories.location_with_hours(
        organisations["office"], hours=[(time(8), time(12))], weekdays=[0], schedule=False
    )
    factories.room(location, "Room 1")
    return location
