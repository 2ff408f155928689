"""Growing delays on the shared counters (``willkommen/ratelimit/backoff.py``): free
failures, then a wait that doubles up to a cap, whose end is stored and read back exactly;
failures during a wait are not counted; the count starts anew after ``reset``."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from willkommen.ratelimit import backoff

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 10, 9, 0, 0, tzinfo=UTC)
POLICY = backoff.Backoff(free=2, base=10, cap=35, reset=3600)


def test_the_delay_doubles_after_the_free_failures_up_to_the_cap():
    assert [POLICY.delay(n) for n in range(1, 7)] == [0, 10, 20, 35, 35, 35]
    assert POLICY.delay(10_000) == 35  # no overflow however many


def test_the_wait_is_read_back_from_its_real_end():
    with time_machine.travel(START, tick=False) as clock:
        assert backoff.fail("t", "a", POLICY) is None
        assert backoff.waiting("t", "a", POLICY) is None
        assert backoff.fail("t", "a", POLICY) == 10
        clock.shift(timedelta(seconds=4))
        assert backoff.waiting("t", "a", POLICY) == 6
        clock.shift(timedelta(seconds=6))
        assert backoff.waiting("t", "a", POLICY) is None
        assert backoff.fail("t", "a", POLICY) == 20
        assert backoff.waiting("t", "b", POLICY) is None  # another identity waits not


def test_the_count_starts_anew_after_reset():
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(3):
            backoff.fail("t", "a", POLICY)
        clock.shift(timedelta(seconds=3601))
        assert backoff.waiting("t", "a", POLICY) is None
        assert backoff.fail("t", "a", POLICY) is None  # a free failure again
