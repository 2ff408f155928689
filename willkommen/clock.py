"""The one place for "where and when": the local time zone of the service, local
wall-clock times turned into aware datetimes, and "today".

Everything is stored in UTC; Europe/Berlin (``settings.TIME_ZONE``) is how people read it.
Opening hours and shifts are wall-clock times: ``local_datetime`` turns them into aware
datetimes per day, which keeps the days the clocks change right. Every module asks this
one for "today" (which day it is in Berlin, not on the server), so that a test can move the
clock for all of them at once (``pytest --clock``).
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

LOCAL_ZONE = ZoneInfo(settings.TIME_ZONE)
UTC_ZONE = ZoneInfo("UTC")


def local_datetime(day: date, wall_time: time) -> datetime:
    """An aware datetime for a local wall-clock time on a day (DST-safe: zoneinfo picks the
    offset that applies on that day; a nonexistent time in the spring gap moves forward)."""
    naive = datetime.combine(day, wall_time)
    aware = naive.replace(tzinfo=LOCAL_ZONE)
    # Round-trip through UTC normalises times in the spring-forward gap.
    return aware.astimezone(UTC_ZONE).astimezone(LOCAL_ZONE)


def local_day(moment: datetime) -> date:
    """The local calendar day of an aware moment."""
    return moment.astimezone(LOCAL_ZONE).date()


def today(now: datetime | None = None) -> date:
    """Today in the service's time zone (or the local day of ``now``)."""
    return local_day(now or timezone.now())


def day_start(day: date) -> datetime:
    """Local midnight at the start of ``day`` (aware)."""
    return local_datetime(day, time(0))
