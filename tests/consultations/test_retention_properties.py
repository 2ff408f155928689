"""Property: whatever the mix of ages, retention removes exactly what is due and never a
figure."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from willkommen.consultations.models import ClientRecord, Consultation
from willkommen.consultations.retention import apply_retention

from .factories import caritas_consultation

pytestmark = pytest.mark.django_db
# In UTC: "183 days" is absolute time, while arithmetic on a Berlin datetime would be wall
# clock time and be one hour off across a DST change.
NOW = datetime(2027, 1, 15, 12, 0, tzinfo=ZoneInfo("Europe/Berlin")).astimezone(UTC)
CONTACT_DAYS, NOTE_DAYS = 30, 183


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@example(ages=[CONTACT_DAYS - 1, CONTACT_DAYS, NOTE_DAYS - 1, NOTE_DAYS, NOTE_DAYS + 1])
@given(ages=st.lists(st.integers(min_value=0, max_value=400), min_size=1, max_size=5))
def test_retention_removes_exactly_what_is_due(staff, ages):
    Consultation.objects.all().delete()
    ClientRecord.objects.all().delete()
    created = []
    for age in ages:
        when = NOW - timedelta(days=age, minutes=30)
        with time_machine.travel(when, tick=False):
            created.append((age, caritas_consultation(staff, when=when)))
    with time_machine.travel(NOW, tick=False):
        dry = apply_retention(dry_run=True).counts
        real = apply_retention().counts
    assert dry == real
    assert Consultation.objects.count() == len(ages)  # the figures all survive
    for age, consultation in created:
        record = Consultation.objects.get(pk=consultation.pk)
        assert record.topics.count() == 2
        if age > NOTE_DAYS:
            assert record.note == "" and record.client_id is None
        else:
            assert record.note != "" and record.client_id is not None
            client = ClientRecord.objects.get(pk=record.client_id)
            # Contact data lives at most CONTACT_DAYS after the last contact (which was
            # ``age`` days and 30 minutes ago).
            assert (client.name != "") == (age < CONTACT_DAYS)
