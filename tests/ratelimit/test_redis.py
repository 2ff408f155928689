"""The shared limiter on a real Redis (``REDIS_URL`` set): INCR and the window's expiry in
one script, the expiry set by the first attempt and never pushed back, no count lost in
parallel. Uses its own database number and key prefix (``RATELIMIT_TEST_REDIS_URL``,
default db 13); skipped when no Redis answers, failed instead when ``CI`` is set."""

import os
import threading
import time
import uuid

import pytest
import redis
from django.test import override_settings

from willkommen.ratelimit import limiter, store, totals
from willkommen.ratelimit.limiter import Limit, RateLimitExceeded
from willkommen.ratelimit.models import Counter

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("RATELIMIT_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


@pytest.fixture
def redis_client():
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        reason = f"no Redis at {REDIS_URL}: {error}"
        if os.environ.get("CI"):
            pytest.fail(f"the Redis tests need Redis in CI: {reason}")
        pytest.skip(reason)
    yield client
    client.close()


@pytest.fixture
def on_redis(redis_client):
    prefix = f"test-{uuid.uuid4().hex}:"
    with override_settings(REDIS_URL=REDIS_URL, RATELIMIT_KEY_PREFIX=prefix):
        yield prefix
    for key in redis_client.scan_iter(f"{prefix}*"):
        redis_client.delete(key)


def test_the_store_is_redis_when_redis_is_configured(on_redis, redis_client):
    assert isinstance(store.get_store(), store.RedisStore)
    limiter.hit("email", "layla@example.org", Limit(6, 86400))
    keys = list(redis_client.scan_iter(f"{on_redis}*"))
    assert len(keys) == 1 and b"layla" not in keys[0]
    assert 86_000_000 < redis_client.pttl(keys[0]) <= 86_400_000
    assert not Counter.objects.exists()


def test_the_window_keeps_the_end_set_by_its_first_attempt(on_redis):
    limit = Limit(3, 2)
    first = limiter.hit("test", "198.51.100.1", limit)
    time.sleep(0.5)
    second = limiter.hit("test", "198.51.100.1", limit)
    third = limiter.hit("test", "198.51.100.1", limit)
    assert [first.count, second.count, third.count] == [1, 2, 3]
    # Later attempts do not push the end back (as a rewritten timeout would).
    assert abs(third.ends_at - first.ends_at) < 0.05
    with pytest.raises(RateLimitExceeded) as refusal:
        limiter.hit("test", "198.51.100.1", limit)
    assert refusal.value.retry_after in (1, 2)
    assert limiter.exhausted("test", "198.51.100.1", limit) is not None
    time.sleep(max(0.0, first.ends_at - time.time()) + 0.1)
    assert limiter.exhausted("test", "198.51.100.1", limit) is None
    assert limiter.hit("test", "198.51.100.1", limit).count == 1


def test_a_key_left_without_expiry_gets_one(on_redis, redis_client):
    key = on_redis + limiter.counter_key("test", "198.51.100.9", Limit(3, 60))
    redis_client.set(key, 1)
    assert limiter.hit("test", "198.51.100.9", Limit(3, 60)).count == 2
    assert 0 < redis_client.pttl(key) <= 60_000


def test_parallel_attempts_lose_no_count(on_redis):
    threads, attempts = 12, 25
    barrier = threading.Barrier(threads)
    counts, lock = [], threading.Lock()

    def run():
        barrier.wait(timeout=30)
        mine = [
            limiter.hit("parallel", "203.0.113.50", Limit(10_000, 60)).count
            for _ in range(attempts)
        ]
        with lock:
            counts.extend(mine)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert sorted(counts) == list(range(1, threads * attempts + 1))


@override_settings(BOOKING_RATE_LIMIT_BAD_LINKS=(2, 3600))
def test_booking_limits_run_on_redis(on_redis, client):
    statuses = [
        client.get(f"/api/v1/bookings/{code}", headers={"X-Manage-Token": "forged"})
        for code in ("AAAAAAAAAB", "AAAAAAAAAC", "AAAAAAAAAD")
    ]
    assert [answer.status_code for answer in statuses] == [403, 403, 429]
    # The address waits its first back-off delay (BOOKING_LINK_BACKOFF_SECONDS, 60 s).
    assert 55 <= int(statuses[-1]["Retry-After"]) <= 60
    assert not Counter.objects.exists()


def test_totals_live_in_redis_without_expiry(on_redis, redis_client):
    assert totals.add("requests:2xx", 3) == 3
    assert totals.add("requests:2xx") == 4
    assert totals.values(["requests:2xx", "never"]) == {"requests:2xx": 4, "never": 0}
    assert redis_client.pttl(f"{on_redis}total:requests:2xx") == -1
    totals.reset(["requests:2xx"])
    assert totals.values(["requests:2xx"]) == {"requests:2xx": 0}
    assert not Counter.objects.exists()
