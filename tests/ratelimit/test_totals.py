"""Running totals (willkommen/ratelimit/totals.py), behind the ``/metrics`` request
counts: atomic additions that never expire. Control: the old way (``cache.add`` with no
timeout, then ``cache.incr``) on the database cache loses the total after 300 idle
seconds, because ``incr`` writes the key back with the default timeout."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import caches
from django.core.management import call_command
from django.test import override_settings

from willkommen.observability.request_stats import RequestStats
from willkommen.ratelimit import limiter, totals

from .test_windows import DATABASE_CACHE

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def test_totals_add_up_and_outlive_idle_time_and_the_retention_run():
    with time_machine.travel(START, tick=False) as clock:
        assert totals.add("requests:2xx") == 1
        assert totals.add("latency_sum_us", 3_000_000_000) == 3_000_000_000  # beyond 2^31
        clock.shift(timedelta(days=3))
        assert limiter.purge_expired() == 0
        assert totals.add("requests:2xx", 4) == 5
        assert totals.values(["requests:2xx", "latency_sum_us", "never"]) == {
            "requests:2xx": 5,
            "latency_sum_us": 3_000_000_000,
            "never": 0,
        }
        totals.reset(["requests:2xx"])
        assert totals.values(["requests:2xx"]) == {"requests:2xx": 0}


def test_the_request_counts_of_two_processes_add_up():
    first, second = RequestStats(), RequestStats()
    first.record(200, 0.01)
    second.record(404, 0.3)
    first.flush()
    assert second.totals()["requests:2xx"] == 1
    assert second.totals()["requests:4xx"] == 1
    assert second.totals()["latency_count"] == 2


@override_settings(CACHES=DATABASE_CACHE)
def test_control_the_old_totals_on_the_database_cache_vanish_after_300_seconds():
    call_command("createcachetable", "ratelimit_control_cache", verbosity=0)
    cache = caches["database"]
    with time_machine.travel(START, tick=False) as clock:
        cache.add("metrics:v1:requests:2xx", 0, timeout=None)
        cache.incr("metrics:v1:requests:2xx", 41)
        totals.add("requests:2xx", 41)
        clock.shift(timedelta(seconds=301))
        assert cache.get("metrics:v1:requests:2xx") is None
        assert totals.values(["requests:2xx"]) == {"requests:2xx": 41}
