"""The shared limiter on the database store (the production default without Redis): a
window starts with its first attempt and ends exactly ``seconds`` later – not after five
idle minutes – and a refusal knows its end (``Retry-After``, the message).

Control: the old counter (``cache.add`` + ``cache.incr`` on Django's database cache) loses
its window after 300 idle seconds, because ``incr`` writes the key back with the default
timeout."""

import hashlib
import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import caches
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

from willkommen.booking import limits
from willkommen.booking.errors import RateLimited
from willkommen.consultations.retention import apply_retention
from willkommen.ratelimit import limiter
from willkommen.ratelimit.limiter import Limit, RateLimitExceeded
from willkommen.ratelimit.models import Counter

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 10, 9, 0, 7, 250000, tzinfo=UTC)
HOUR = Limit(3, 3600)
DAY = Limit(6, 86400)


def hits(count, scope="test", identity="198.51.100.1", limit=HOUR):
    """Counts ``count`` attempts; the list of counts, or "refused (retry after)"."""
    results = []
    for _attempt in range(count):
        try:
            results.append(limiter.hit(scope, identity, limit).count)
        except RateLimitExceeded as refusal:
            results.append(f"refused ({refusal.retry_after})")
    return results


def test_the_window_ends_exactly_its_length_after_the_first_attempt():
    with time_machine.travel(START, tick=False) as clock:
        assert hits(3) == [1, 2, 3]
        clock.shift(timedelta(minutes=20))
        assert hits(1) == ["refused (2400)"]
        clock.shift(timedelta(seconds=2399, microseconds=999000))
        assert hits(1) == ["refused (1)"]  # a millisecond left: rounded up, never 0
        clock.move_to(START + timedelta(hours=1))
        assert hits(2) == [1, 2]  # the next window started with this attempt


def test_a_day_limit_holds_after_idling_longer_than_five_minutes():
    with time_machine.travel(START, tick=False) as clock:
        assert hits(6, limit=DAY) == [1, 2, 3, 4, 5, 6]
        for idle in (timedelta(seconds=301), timedelta(hours=2), timedelta(hours=20)):
            clock.shift(idle)
            elapsed = (datetime.now(UTC) - START).total_seconds()
            assert hits(1, limit=DAY) == [f"refused ({86400 - int(elapsed)})"]
        clock.shift(timedelta(days=1) - (datetime.now(UTC) - START))
        assert hits(1, limit=DAY) == [1]


def test_identities_scopes_and_lengths_count_apart():
    with time_machine.travel(START, tick=False):
        assert hits(4) == [1, 2, 3, "refused (3600)"]
        assert hits(1, identity="198.51.100.2") == [1]
        assert hits(1, scope="other") == [1]
        assert hits(1, limit=Limit(3, 60)) == [1]


def test_looking_counts_nothing():
    with time_machine.travel(START, tick=False) as clock:
        hits(2)
        assert limiter.exhausted("test", "198.51.100.1", HOUR) is None
        hits(1)
        window = limiter.exhausted("test", "198.51.100.1", HOUR)
        clock.shift(timedelta(minutes=10))
        assert window is not None and limiter.seconds_left(window) == 3000
        assert Counter.objects.get().count == 3


def test_identities_are_stored_only_as_a_digest():
    limiter.hit("email", "layla@example.org", DAY)
    key = Counter.objects.get().key
    assert "layla" not in key
    assert hashlib.sha256(b"layla@example.org").hexdigest()[:32] in key


def test_without_an_identity_or_with_limits_off_nothing_is_counted():
    assert limiter.hit("test", None, HOUR) is None
    assert limiter.hit("test", "", HOUR) is None
    with override_settings(RATELIMIT_ENABLE=False):
        assert [limiter.hit("test", "198.51.100.1", HOUR) for _ in range(5)] == [None] * 5
    assert not Counter.objects.exists()


def test_the_refusal_says_truthfully_when_to_try_again():
    with time_machine.travel(START, tick=False) as clock, translation.override("en"):
        for _attempt in range(3):
            limits.check("test", "198.51.100.1", HOUR)
        clock.shift(timedelta(minutes=15, seconds=30))
        with pytest.raises(RateLimited) as refusal:
            limits.check("test", "198.51.100.1", HOUR)
        assert refusal.value.retry_after == 2670
        assert refusal.value.message == "Too many attempts. Please try again in 45 minutes."
        assert limits.wait_message(59) == "Too many attempts. Please try again in 1 minute."
        assert limits.wait_message(7200) == "Too many attempts. Please try again in 120 minutes."
        assert limits.wait_message(80000) == "Too many attempts. Please try again in 23 hours."
    with translation.override("uk"):
        assert limits.wait_message(2670) == "Забагато спроб. Спробуйте ще раз через 45 хвилин."


@override_settings(BOOKING_RATE_LIMIT_BAD_LINKS=(2, 3600), BOOKING_LINK_BACKOFF_SECONDS=900)
def test_retry_after_of_a_refused_link_is_the_end_of_the_wait(client):
    """The second refused link makes the address wait 15 minutes (the back-off's first
    delay here); five minutes later the answer says ten, exactly."""
    with time_machine.travel(START, tick=False) as clock:
        for code in ("AAAAAAAAAB", "AAAAAAAAAC"):
            client.get(f"/api/v1/bookings/{code}", headers={"X-Manage-Token": "forged"})
        clock.shift(timedelta(minutes=5))
        answer = client.get("/api/v1/bookings/AAAAAAAAAD", headers={"X-Manage-Token": "x"})
    assert answer.status_code == 429
    assert answer["Retry-After"] == "600"
    assert answer.json()["detail"] == "Too many attempts. Please try again in 10 minutes."


def test_the_strict_fallback_halves_the_limit_on_the_same_counter():
    with time_machine.travel(START, tick=False):
        limits.check("test", "198.51.100.1", Limit(4, 3600), strict=True)
        limits.check("test", "198.51.100.1", Limit(4, 3600), strict=True)
        with pytest.raises(RateLimited):
            limits.check("test", "198.51.100.1", Limit(4, 3600), strict=True)
        assert Counter.objects.get().count == 3


def test_retention_purges_the_windows_that_have_ended():
    with time_machine.travel(START, tick=False) as clock:
        limiter.hit("test", "old", Limit(3, 60))
        limiter.hit("test", "current", DAY)
        clock.shift(timedelta(minutes=5))
        now = datetime.now(UTC)
        assert apply_retention(now, dry_run=True).counts["expired rate-limit windows"] == 1
        assert Counter.objects.count() == 2
        assert apply_retention(now).counts["expired rate-limit windows"] == 1
    assert list(Counter.objects.values_list("count", flat=True)) == [1]


# Control: the old counter on the database cache ---------------------------------------------


def old_counter(cache, identity, period):
    """The count of ``booking.services.check_rate`` as it was (a fixed window in the
    Django cache), which refused past its limit."""
    window = int(time.time() // period)
    key = f"wk:booking:rl:ip:{identity}:{window}"
    if cache.add(key, 1, period + 5):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:
            cache.set(key, 1, period + 5)
            count = 1
    return count


DATABASE_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "database": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "ratelimit_control_cache",
    },
}


@override_settings(CACHES=DATABASE_CACHE)
def test_control_the_old_counter_on_the_database_cache_forgets_after_300_seconds():
    call_command("createcachetable", "ratelimit_control_cache", verbosity=0)
    cache = caches["database"]
    with time_machine.travel(START, tick=False) as clock:
        assert [old_counter(cache, "bot", 86400) for _ in range(7)] == [1, 2, 3, 4, 5, 6, 7]
        clock.shift(timedelta(seconds=301))
        # Counting from 1 again the same day: "6 per day" became "6 per five idle minutes".
        assert [old_counter(cache, "bot", 86400) for _ in range(6)] == [1, 2, 3, 4, 5, 6]
        # The shared limiter, over the same time: still refused.
        assert hits(6, limit=DAY)[-1] == 6
        clock.shift(timedelta(seconds=301))
        assert hits(1, limit=DAY) == [f"refused ({86400 - 301})"]
