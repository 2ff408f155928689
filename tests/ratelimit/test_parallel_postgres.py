"""Parallel attempts on PostgreSQL: every thread has its own connection and counts inside
its own transaction; a barrier releases them together. The upsert loses no count and
hands out no count twice (rate-limit windows and running totals alike). Control: the old
counter (``cache.incr`` on the database cache, a read and then a write) loses counts in
the same race."""

import threading

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.test import override_settings

from willkommen.ratelimit import limiter, totals
from willkommen.ratelimit.limiter import Limit
from willkommen.ratelimit.models import Counter

from .test_windows import DATABASE_CACHE, old_counter

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

THREADS = 12
ATTEMPTS = 25
PLENTY = Limit(10_000, 3600)


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for truly parallel transactions")


def in_parallel(attempt):
    """Runs ``attempt()`` ATTEMPTS times in each of THREADS threads released together;
    returns every result."""
    barrier = threading.Barrier(THREADS)
    results, errors = [], []
    lock = threading.Lock()

    def run():
        try:
            barrier.wait(timeout=30)
            mine = [attempt() for _ in range(ATTEMPTS)]
            with lock:
                results.extend(mine)
        except Exception as error:  # noqa: BLE001 - asserted on below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


def test_parallel_transactions_lose_no_count():
    def attempt():
        with transaction.atomic():
            return limiter.hit("parallel", "203.0.113.50", PLENTY).count

    counts = in_parallel(attempt)
    total = THREADS * ATTEMPTS
    assert sorted(counts) == list(range(1, total + 1))
    assert Counter.objects.get().count == total


def test_parallel_attempts_past_the_limit_are_refused_exactly():
    limit = Limit(100, 3600)

    def attempt():
        try:
            limiter.hit("parallel", "203.0.113.51", limit)
        except limiter.RateLimitExceeded:
            return "refused"
        return "allowed"

    results = in_parallel(attempt)
    assert results.count("allowed") == 100
    assert results.count("refused") == THREADS * ATTEMPTS - 100


def test_parallel_additions_to_a_total_lose_nothing():
    def attempt():
        with transaction.atomic():
            return totals.add("latency_sum_us", 7)

    sums = in_parallel(attempt)
    total = THREADS * ATTEMPTS * 7
    assert sorted(sums) == list(range(7, total + 1, 7))
    assert totals.values(["latency_sum_us"]) == {"latency_sum_us": total}


@override_settings(CACHES=DATABASE_CACHE)
def test_control_the_old_counter_loses_counts_in_parallel():
    call_command("createcachetable", "ratelimit_control_cache", verbosity=0)
    cache = caches["database"]

    counts = in_parallel(lambda: old_counter(cache, "racer", 3600))
    # Two attempts read the same count and both wrote it back plus one: counts were lost
    # and handed out twice.
    assert max(counts) < THREADS * ATTEMPTS
    assert len(set(counts)) < len(counts)
